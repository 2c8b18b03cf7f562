//! Campaigns in SQL: their people, their filters, and runs written in one transaction with bulk statements.
//!
//! By concern: `rows` converts between rows and campaigns (with their owner and collaborators), `filter` builds the
//! visibility and list conditions, `run` writes a campaign run; this file runs the statements of each port method.

mod filter;
mod rows;
mod run;

pub(crate) use self::rows::members;

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::campaigns::{
    Campaign, CampaignFilter, CampaignRepository, CampaignStats, NewCampaign, RunCounts, RunPlan,
};
use leadscore_domain::campaigns::CampaignStatus;
use leadscore_domain::pagination::{Page, PageRequest, SortDir};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use self::filter::{filtered, visible_to};
use self::rows::{attributes, count, insert_collaborators, missing_user, with_members};
use self::run::{RunCache, apply};
use super::query::{fetch_page, parse};
use crate::db::begin_write;
use crate::entities::{campaign_collaborators as collaborators, campaigns, leads, notes, predictions};
use crate::error::db_err;

/// Ids per `IN (...)` list.
const ID_CHUNK: usize = 500;

/// `CampaignRepository` over SeaORM.
#[derive(Clone)]
pub struct SqlCampaignRepository {
    db: DatabaseConnection,
}

impl SqlCampaignRepository {
    /// Uses this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl CampaignRepository for SqlCampaignRepository {
    async fn insert(&self, campaign: &NewCampaign) -> Result<(), AppError> {
        let mut model = campaigns::ActiveModel {
            id: Set(campaign.id),
            owner_id: Set(campaign.owner_id),
            last_run_at: Set(None),
            last_run_model_version: Set(None),
            last_run_matched: Set(None),
            last_run_leads: Set(None),
            created_at: Set(campaign.now),
            ..Default::default()
        };
        attributes(campaign, &mut model)?;
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        campaigns::Entity::insert(model).exec_without_returning(&txn).await.map_err(missing_user)?;
        insert_collaborators(&txn, campaign).await?;
        txn.commit().await.map_err(db_err)
    }

    async fn find(&self, id: Uuid) -> Result<Option<Campaign>, AppError> {
        let Some(model) = campaigns::Entity::find_by_id(id).one(&self.db).await.map_err(db_err)? else {
            return Ok(None);
        };
        Ok(with_members(&self.db, vec![model]).await?.pop())
    }

    async fn update(&self, campaign: &NewCampaign) -> Result<(), AppError> {
        let mut model = campaigns::ActiveModel::default();
        attributes(campaign, &mut model)?;
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        let result = campaigns::Entity::update_many()
            .set(model)
            .filter(campaigns::Column::Id.eq(campaign.id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        if result.rows_affected == 0 {
            return Err(AppError::NotFound("Campaign not found".into()));
        }
        collaborators::Entity::delete_many()
            .filter(collaborators::Column::CampaignId.eq(campaign.id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        insert_collaborators(&txn, campaign).await?;
        txn.commit().await.map_err(db_err)
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        // Children first, explicitly: campaign predictions have no foreign key at all (their table predates this
        // one), and SQLite applies the other cascades only on connections that switched foreign keys on.
        notes::Entity::delete_many().filter(notes::Column::CampaignId.eq(id)).exec(&txn).await.map_err(db_err)?;
        leads::Entity::delete_many().filter(leads::Column::CampaignId.eq(id)).exec(&txn).await.map_err(db_err)?;
        predictions::Entity::delete_many()
            .filter(predictions::Column::CampaignId.eq(id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        collaborators::Entity::delete_many()
            .filter(collaborators::Column::CampaignId.eq(id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        let deleted = campaigns::Entity::delete_by_id(id).exec(&txn).await.map_err(db_err)?.rows_affected > 0;
        txn.commit().await.map_err(db_err)?;
        Ok(deleted)
    }

    async fn list(&self, filter: &CampaignFilter, page: PageRequest) -> Result<Page<Campaign>, AppError> {
        let Page { items, total_items, request } = fetch_page(
            &self.db,
            filtered(filter),
            campaigns::Column::CreatedAt,
            SortDir::Desc,
            campaigns::Column::Id,
            page,
        )
        .await?;
        Ok(Page { items: with_members(&self.db, items).await?, total_items, request })
    }

    async fn options(&self, visible_to_user: Option<Uuid>) -> Result<Vec<(Uuid, String)>, AppError> {
        visible_to(campaigns::Entity::find(), visible_to_user)
            .select_only()
            .columns([campaigns::Column::Id, campaigns::Column::Name])
            .order_by_asc(campaigns::Column::NameLower)
            .order_by_asc(campaigns::Column::Name)
            .order_by_asc(campaigns::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(db_err)
    }

    async fn stats(&self, visible_to_user: Option<Uuid>) -> Result<CampaignStats, AppError> {
        let per_status: Vec<(String, i64)> = visible_to(campaigns::Entity::find(), visible_to_user)
            .select_only()
            .column(campaigns::Column::Status)
            .column_as(campaigns::Column::Id.count(), "n")
            .group_by(campaigns::Column::Status)
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let mut stats = CampaignStats::default();
        for (status, n) in per_status {
            let n = count(n, "campaign count")?;
            stats.total += n;
            match parse::<CampaignStatus>(&status, "campaign status")? {
                CampaignStatus::Active => stats.active += n,
                CampaignStatus::Paused => stats.paused += n,
                CampaignStatus::Completed => stats.completed += n,
            }
        }
        Ok(stats)
    }

    async fn apply_run(&self, plan: &RunPlan) -> Result<RunCounts, AppError> {
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        let cache = RunCache::enlarge(&txn).await?;
        let result = apply(&txn, plan).await;
        // Restored before the transaction ends, while it still holds this pooled connection.
        cache.restore(&txn).await;
        // On error the transaction is dropped uncommitted, which rolls every statement back.
        let counts = result?;
        txn.commit().await.map_err(db_err)?;
        Ok(counts)
    }
}
