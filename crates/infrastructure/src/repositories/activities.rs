//! The audit trail in SQL.

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::activities::{ActivityQuery, ActivityRepository};
use leadscore_domain::activity::{Activity, ActivityAction, EntityType};
use leadscore_domain::pagination::{Page, SortDir};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use super::query::{corrupt, fetch_page, in_range};
use crate::entities::activities::{ActiveModel, Column, Entity, Model};
use crate::entities::campaigns;
use crate::error::db_err;

/// `ActivityRepository` over SeaORM.
#[derive(Clone)]
pub struct SqlActivityRepository {
    db: DatabaseConnection,
}

impl SqlActivityRepository {
    /// Uses this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_domain(model: Model) -> Result<Activity, AppError> {
    Ok(Activity {
        id: model.id,
        actor_id: model.actor_id,
        action: model.action.parse::<ActivityAction>().map_err(|_| corrupt("action", &model.action))?,
        entity_type: model.entity_type.parse::<EntityType>().map_err(|_| corrupt("entity type", &model.entity_type))?,
        entity_id: model.entity_id,
        campaign_id: model.campaign_id,
        lead_id: model.lead_id,
        description: model.description,
        ip: model.ip,
        created_at: model.created_at,
    })
}

#[async_trait]
impl ActivityRepository for SqlActivityRepository {
    async fn record(&self, activity: &Activity) -> Result<(), AppError> {
        insert_activity(&self.db, activity).await
    }

    async fn list(&self, query: &ActivityQuery) -> Result<Page<Activity>, AppError> {
        let mut select = Entity::find();
        if let Some(actor) = query.actor_id {
            select = select.filter(Column::ActorId.eq(actor));
        }
        if let Some(user) = query.involving_user {
            select = select.filter(Condition::any().add(Column::ActorId.eq(user)).add(
                Condition::all().add(Column::EntityType.eq(EntityType::User.as_str())).add(Column::EntityId.eq(user)),
            ));
        }
        if let Some(action) = query.action {
            select = select.filter(Column::Action.eq(action.as_str()));
        }
        if let Some(entity_type) = query.entity_type {
            select = select.filter(Column::EntityType.eq(entity_type.as_str()));
        }
        if let Some(entity_id) = query.entity_id {
            select = select.filter(Column::EntityId.eq(entity_id));
        }
        if let Some(campaign) = query.campaign_id {
            select = select.filter(Column::CampaignId.eq(campaign));
        }
        if let Some(owner) = query.campaigns_owned_by {
            let owned = Query::select()
                .column(campaigns::Column::Id)
                .from(campaigns::Entity)
                .and_where(campaigns::Column::OwnerId.eq(owner))
                .to_owned();
            select = select.filter(Column::CampaignId.in_subquery(owned));
        }
        if let Some(lead) = query.lead_id {
            select = select.filter(Column::LeadId.eq(lead));
        }
        select = in_range(select, Column::CreatedAt, query.from, query.to);
        let Page { items, total_items, request } =
            fetch_page(&self.db, select, Column::CreatedAt, SortDir::Desc, Column::Id, query.page).await?;
        let items = items.into_iter().map(to_domain).collect::<Result<_, _>>()?;
        Ok(Page { items, total_items, request })
    }
}

/// Writes one audit entry on `db` (a pool, or the transaction of the change it describes).
pub(crate) async fn insert_activity(db: &impl ConnectionTrait, activity: &Activity) -> Result<(), AppError> {
    let row = ActiveModel {
        id: Set(activity.id),
        actor_id: Set(activity.actor_id),
        action: Set(activity.action.as_str().to_owned()),
        entity_type: Set(activity.entity_type.as_str().to_owned()),
        entity_id: Set(activity.entity_id),
        campaign_id: Set(activity.campaign_id),
        lead_id: Set(activity.lead_id),
        description: Set(activity.description.clone()),
        ip: Set(activity.ip.clone()),
        created_at: Set(activity.created_at),
    };
    Entity::insert(row).exec_without_returning(db).await.map_err(db_err)?;
    Ok(())
}
