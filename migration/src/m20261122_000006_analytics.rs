//! What analytics needs: when a lead was closed (conversions are dated by it), and indexes for its GROUP BYs.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Leads {
    Table,
    CampaignId,
    Status,
    Probability,
    ClosedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Predictions {
    Table,
    RequestedBy,
    CreatedAt,
}

/// Indexes for the analytics date ranges that the campaign-scoped `idx_leads_campaign_closed_at` does not serve (an
/// Admin's trends span every campaign, and a Sales user's prediction trend is limited to their own predictions), and
/// for the lift table.
fn range_indexes() -> Vec<IndexCreateStatement> {
    vec![
        Index::create().name("idx_leads_created_at").table(Leads::Table).col(Leads::CreatedAt).to_owned(),
        Index::create()
            .name("idx_leads_status_closed_at")
            .table(Leads::Table)
            .col(Leads::Status)
            .col(Leads::ClosedAt)
            .to_owned(),
        // Covers the lift's GROUP BY probability over the closed leads of one, some or all campaigns: without it
        // SQLite reads every lead row.
        Index::create()
            .name("idx_leads_status_campaign_probability")
            .table(Leads::Table)
            .col(Leads::Status)
            .col(Leads::CampaignId)
            .col(Leads::Probability)
            .to_owned(),
        Index::create()
            .name("idx_predictions_requested_by_created_at")
            .table(Predictions::Table)
            .col(Predictions::RequestedBy)
            .col(Predictions::CreatedAt)
            .to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Leads::Table)
                    .add_column(timestamp_with_time_zone_null(Leads::ClosedAt))
                    .to_owned(),
            )
            .await?;
        // Leads closed before this column existed were last changed when they closed (a closed lead only changes
        // again when it is reopened, which clears the date).
        let backfill = Query::update()
            .table(Leads::Table)
            .value(Leads::ClosedAt, Expr::col(Leads::UpdatedAt))
            .and_where(Expr::col(Leads::Status).is_in(["Converted", "Failed"]))
            .to_owned();
        manager.exec_stmt(backfill).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_leads_campaign_closed_at")
                    .table(Leads::Table)
                    .col(Leads::CampaignId)
                    .col(Leads::ClosedAt)
                    .to_owned(),
            )
            .await?;
        for index in range_indexes() {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop().name("idx_predictions_requested_by_created_at").table(Predictions::Table).to_owned(),
            )
            .await?;
        for name in ["idx_leads_status_campaign_probability", "idx_leads_status_closed_at", "idx_leads_created_at"] {
            manager.drop_index(Index::drop().name(name).table(Leads::Table).to_owned()).await?;
        }
        manager.drop_index(Index::drop().name("idx_leads_campaign_closed_at").table(Leads::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Leads::Table).drop_column(Leads::ClosedAt).to_owned()).await
    }
}
