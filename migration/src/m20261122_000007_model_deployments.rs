//! The model every replica should serve, recorded where all of them can read it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ModelDeployments {
    Table,
    Id,
    ModelVersion,
    Fingerprint,
    DeployedAt,
    DeployedBy,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ModelDeployments::Table)
                    .if_not_exists()
                    .col(pk_uuid(ModelDeployments::Id))
                    .col(string(ModelDeployments::ModelVersion))
                    .col(string(ModelDeployments::Fingerprint))
                    .col(timestamp_with_time_zone(ModelDeployments::DeployedAt))
                    .col(uuid_null(ModelDeployments::DeployedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_model_deployments_deployed_by")
                            .from(ModelDeployments::Table, ModelDeployments::DeployedBy)
                            .to(Users::Table, Users::Id)
                            // The history outlives the account; the audit trail keeps who it was.
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // Every replica reads the newest row at each sync tick.
        manager
            .create_index(
                Index::create()
                    .name("idx_model_deployments_deployed_at")
                    .table(ModelDeployments::Table)
                    .col(ModelDeployments::DeployedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ModelDeployments::Table).to_owned()).await
    }
}
