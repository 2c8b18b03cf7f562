//! The lift reads (campaign, probability, status, model version) of every closed lead. The campaign-scoped lift
//! walked `idx_leads_campaign_probability` in probability order but read every lead row for its status (45,211 table
//! reads for a large campaign), and a lift for one model version read every row for that. Both lift indexes now
//! carry what the statement needs, so it never touches the table.

use sea_orm_migration::prelude::*;

use crate::indexes::{IndexSpec, swap};

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

/// (old index, new index).
const REPLACED: [(IndexSpec<Leads>, IndexSpec<Leads>); 2] = [
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (old, new) in REPLACED {
            swap(manager, Leads::Table, new, old).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (old, new) in REPLACED {
            swap(manager, Leads::Table, old, new).await?;
        }
        Ok(())
    }
}
