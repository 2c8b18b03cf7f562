//! Stored predictions: the inputs, the (effective) outcome, its explanation and any override.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Predictions {
    Table,
    Id,
    CustomerId,
    CampaignId,
    Source,
    Features,
    Probability,
    PredictedClass,
    Score,
    Tier,
    Factors,
    ModelVersion,
    RequestedBy,
    CreatedAt,
    OriginalProbability,
    OriginalClass,
    OverrideReason,
    OverriddenBy,
    OverriddenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The history outlives the customers and users it names: deleting them only clears the reference.
        // `campaign_id` has no foreign key because the campaigns table comes later; that module deletes its own
        // predictions.
        manager
            .create_table(
                Table::create()
                    .table(Predictions::Table)
                    .col(pk_uuid(Predictions::Id))
                    .col(uuid_null(Predictions::CustomerId))
                    .col(uuid_null(Predictions::CampaignId))
                    .col(string_len(Predictions::Source, 16))
                    .col(text(Predictions::Features))
                    .col(double(Predictions::Probability))
                    .col(string_len(Predictions::PredictedClass, 3))
                    .col(small_integer(Predictions::Score))
                    .col(string_len(Predictions::Tier, 8))
                    .col(text(Predictions::Factors))
                    .col(string(Predictions::ModelVersion))
                    .col(uuid_null(Predictions::RequestedBy))
                    .col(timestamp_with_time_zone(Predictions::CreatedAt))
                    .col(double_null(Predictions::OriginalProbability))
                    .col(string_len_null(Predictions::OriginalClass, 3))
                    .col(text_null(Predictions::OverrideReason))
                    .col(uuid_null(Predictions::OverriddenBy))
                    .col(timestamp_with_time_zone_null(Predictions::OverriddenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_predictions_customer")
                            .from(Predictions::Table, Predictions::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_predictions_requested_by")
                            .from(Predictions::Table, Predictions::RequestedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_predictions_overridden_by")
                            .from(Predictions::Table, Predictions::OverriddenBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_predictions_created_at", Predictions::CreatedAt),
            ("idx_predictions_customer", Predictions::CustomerId),
            ("idx_predictions_campaign", Predictions::CampaignId),
            ("idx_predictions_model_version", Predictions::ModelVersion),
            ("idx_predictions_requested_by", Predictions::RequestedBy),
            ("idx_predictions_probability", Predictions::Probability),
        ] {
            manager.create_index(Index::create().name(name).table(Predictions::Table).col(col).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Predictions::Table).to_owned()).await
    }
}
