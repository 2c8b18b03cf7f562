//! The lift reads (campaign, probability, status, model version) of every closed lead. The campaign-scoped lift
//! walked `idx_leads_campaign_probability` in probability order but read every lead row for its status (45,211 table
//! reads for a large campaign), and a lift for one model version read every row for that. Both lift indexes now
//! carry what the statement needs, so it never touches the table.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Leads {
    Table,
    CampaignId,
    Probability,
    Status,
    ModelVersion,
}

/// (old index and its columns, new index and its columns).
type Replacement = ((&'static str, &'static [Leads]), (&'static str, &'static [Leads]));

const REPLACED: [Replacement; 2] = [
    (
        ("idx_leads_campaign_probability", &[Leads::CampaignId, Leads::Probability]),
        (
            "idx_leads_campaign_probability_cover",
            &[Leads::CampaignId, Leads::Probability, Leads::Status, Leads::ModelVersion],
        ),
    ),
    (
        ("idx_leads_status_campaign_probability", &[Leads::Status, Leads::CampaignId, Leads::Probability]),
        (
            "idx_leads_status_campaign_probability_cover",
            &[Leads::Status, Leads::CampaignId, Leads::Probability, Leads::ModelVersion],
        ),
    ),
];

/// Creates `create`, then drops `drop` (in that order, so the lift is never without an index).
async fn swap(
    manager: &SchemaManager<'_>,
    (create, cols): (&str, &[Leads]),
    (drop, _): (&str, &[Leads]),
) -> Result<(), DbErr> {
    let mut index = Index::create().name(create).table(Leads::Table).to_owned();
    for col in cols {
        index.col(*col);
    }
    manager.create_index(index).await?;
    manager.drop_index(Index::drop().name(drop).table(Leads::Table).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (old, new) in REPLACED {
            swap(manager, new, old).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (old, new) in REPLACED {
            swap(manager, old, new).await?;
        }
        Ok(())
    }
}
