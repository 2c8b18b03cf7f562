//! Campaigns, their collaborators, their call lists (leads) and the notes callers write on leads.

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
}

#[derive(DeriveIden)]
enum Activities {
    Table,
    LeadId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
    Name,
    NameLower,
    Description,
    TargetLeads,
    StartDate,
    EndDate,
    Status,
    Criteria,
    OwnerId,
    LastRunAt,
    LastRunModelVersion,
    LastRunMatched,
    LastRunLeads,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CampaignCollaborators {
    Table,
    CampaignId,
    UserId,
}

#[derive(DeriveIden)]
enum Leads {
    Table,
    Id,
    CampaignId,
    CustomerId,
    Rank,
    Probability,
    Score,
    Tier,
    ModelVersion,
    PredictionId,
    Status,
    AssigneeId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Notes {
    Table,
    Id,
    CampaignId,
    LeadId,
    AuthorId,
    NoteType,
    Text,
    CreatedAt,
}

fn index<T: IntoIden + 'static, C: IntoIden + 'static>(name: &str, table: T, cols: Vec<C>) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).to_owned();
    for col in cols {
        index.col(col);
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // RESTRICT: deleting a user who owns campaigns must fail rather than take the campaigns (and their call
        // lists) with it; ownership has to be handed over or the campaigns deleted first.
        manager
            .create_table(
                Table::create()
                    .table(Campaigns::Table)
                    .col(pk_uuid(Campaigns::Id))
                    .col(string_len(Campaigns::Name, 200))
                    .col(string_len(Campaigns::NameLower, 200))
                    .col(text_null(Campaigns::Description))
                    .col(integer(Campaigns::TargetLeads))
                    .col(date_null(Campaigns::StartDate))
                    .col(date_null(Campaigns::EndDate))
                    .col(string_len(Campaigns::Status, 16))
                    .col(text(Campaigns::Criteria))
                    .col(uuid(Campaigns::OwnerId))
                    .col(timestamp_with_time_zone_null(Campaigns::LastRunAt))
                    .col(string_null(Campaigns::LastRunModelVersion))
                    .col(big_integer_null(Campaigns::LastRunMatched))
                    .col(big_integer_null(Campaigns::LastRunLeads))
                    .col(timestamp_with_time_zone(Campaigns::CreatedAt))
                    .col(timestamp_with_time_zone(Campaigns::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_campaigns_owner")
                            .from(Campaigns::Table, Campaigns::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_campaigns_owner", Campaigns::OwnerId),
            ("idx_campaigns_status", Campaigns::Status),
            ("idx_campaigns_created_at", Campaigns::CreatedAt),
        ] {
            manager.create_index(index(name, Campaigns::Table, vec![col])).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(CampaignCollaborators::Table)
                    .col(uuid(CampaignCollaborators::CampaignId))
                    .col(uuid(CampaignCollaborators::UserId))
                    .primary_key(
                        Index::create().col(CampaignCollaborators::CampaignId).col(CampaignCollaborators::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_campaign_collaborators_campaign")
                            .from(CampaignCollaborators::Table, CampaignCollaborators::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_campaign_collaborators_user")
                            .from(CampaignCollaborators::Table, CampaignCollaborators::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "idx_campaign_collaborators_user",
                CampaignCollaborators::Table,
                vec![CampaignCollaborators::UserId],
            ))
            .await?;

        // A lead outlives neither its campaign nor its customer; losing its prediction (deleted from the history)
        // or its assignee (account deleted) only clears the reference.
        manager
            .create_table(
                Table::create()
                    .table(Leads::Table)
                    .col(pk_uuid(Leads::Id))
                    .col(uuid(Leads::CampaignId))
                    .col(uuid(Leads::CustomerId))
                    .col(integer(Leads::Rank))
                    .col(double(Leads::Probability))
                    .col(integer(Leads::Score))
                    .col(string_len(Leads::Tier, 8))
                    .col(string(Leads::ModelVersion))
                    .col(uuid_null(Leads::PredictionId))
                    .col(string_len(Leads::Status, 16))
                    .col(uuid_null(Leads::AssigneeId))
                    .col(timestamp_with_time_zone(Leads::CreatedAt))
                    .col(timestamp_with_time_zone(Leads::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_leads_campaign")
                            .from(Leads::Table, Leads::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_leads_customer")
                            .from(Leads::Table, Leads::CustomerId)
                            .to(Customers::Table, Customers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_leads_prediction")
                            .from(Leads::Table, Leads::PredictionId)
                            .to(Predictions::Table, Predictions::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_leads_assignee")
                            .from(Leads::Table, Leads::AssigneeId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // The unique pair is also what a run's upsert conflicts on.
        manager
            .create_index(
                index("idx_leads_campaign_customer", Leads::Table, vec![Leads::CampaignId, Leads::CustomerId])
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_leads_campaign_probability", vec![Leads::CampaignId, Leads::Probability]),
            ("idx_leads_campaign_status", vec![Leads::CampaignId, Leads::Status]),
            ("idx_leads_assignee", vec![Leads::AssigneeId]),
            // Without it, a cascade from a deleted customer or a prediction's SET NULL scans every lead.
            ("idx_leads_customer", vec![Leads::CustomerId]),
            ("idx_leads_prediction", vec![Leads::PredictionId]),
        ] {
            manager.create_index(index(name, Leads::Table, cols)).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Notes::Table)
                    .col(pk_uuid(Notes::Id))
                    .col(uuid(Notes::CampaignId))
                    .col(uuid(Notes::LeadId))
                    .col(uuid_null(Notes::AuthorId))
                    .col(string_len(Notes::NoteType, 16))
                    .col(text(Notes::Text))
                    .col(timestamp_with_time_zone(Notes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notes_campaign")
                            .from(Notes::Table, Notes::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notes_lead")
                            .from(Notes::Table, Notes::LeadId)
                            .to(Leads::Table, Leads::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notes_author")
                            .from(Notes::Table, Notes::AuthorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_notes_lead_created_at", vec![Notes::LeadId, Notes::CreatedAt]),
            // Deleting a campaign deletes its notes by campaign id.
            ("idx_notes_campaign", vec![Notes::CampaignId]),
            ("idx_notes_author", vec![Notes::AuthorId]),
        ] {
            manager.create_index(index(name, Notes::Table, cols)).await?;
        }

        // A lead's last activity and the trail's lead filter look activities up by lead.
        manager
            .create_index(index(
                "idx_activities_lead",
                Activities::Table,
                vec![Activities::LeadId, Activities::CreatedAt],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_activities_lead").table(Activities::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Notes::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Leads::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(CampaignCollaborators::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Campaigns::Table).to_owned()).await
    }
}
