//! Storage of the append-only audit trail.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_domain::activity::{Activity, ActivityAction, EntityType};
use leadscore_domain::pagination::{Page, PageRequest};
use uuid::Uuid;

use crate::AppError;

/// Filters of an activity list; newest first.
#[derive(Debug, Clone, Default)]
pub struct ActivityQuery {
    /// Only this actor.
    pub actor_id: Option<Uuid>,
    /// Entries done by this user or about this user's account (a failed login, an Admin's change).
    pub involving_user: Option<Uuid>,
    /// Only this action.
    pub action: Option<ActivityAction>,
    /// Only this kind of entity.
    pub entity_type: Option<EntityType>,
    /// Only this entity.
    pub entity_id: Option<Uuid>,
    /// Only this campaign.
    pub campaign_id: Option<Uuid>,
    /// Only entries of campaigns this user owns (a Manager's view of the trail).
    pub campaigns_owned_by: Option<Uuid>,
    /// Only entries about this lead.
    pub lead_id: Option<Uuid>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// At or before.
    pub to: Option<DateTime<Utc>>,
    pub page: PageRequest,
}

/// The audit trail. Entries are never changed or deleted through this port.
#[async_trait]
pub trait ActivityRepository: Send + Sync {
    /// Appends an entry.
    async fn record(&self, activity: &Activity) -> Result<(), AppError>;

    /// One page of entries matching the query, newest first.
    async fn list(&self, query: &ActivityQuery) -> Result<Page<Activity>, AppError>;
}
