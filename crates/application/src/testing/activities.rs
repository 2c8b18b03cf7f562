//! The audit trail.

use std::sync::Arc;

use async_trait::async_trait;
use leadscore_domain::activity::{Activity, EntityType};
use leadscore_domain::pagination::Page;

use super::{Db, State, in_range, page_of};
use crate::AppError;
use crate::activities::{ActivityQuery, ActivityRepository};

/// `ActivityRepository` over the shared [`Db`]; "campaigns owned by" reads the campaigns table, as the SQL
/// subquery does.
pub struct FakeActivityRepository {
    db: Arc<Db>,
}

impl FakeActivityRepository {
    /// Uses `db`.
    pub fn new(db: Arc<Db>) -> Self {
        Self { db }
    }
}

fn selects(state: &State, q: &ActivityQuery, a: &Activity) -> bool {
    q.actor_id.is_none_or(|actor| a.actor_id == Some(actor))
        && q.involving_user.is_none_or(|user| {
            a.actor_id == Some(user) || (a.entity_type == EntityType::User && a.entity_id == Some(user))
        })
        && q.action.is_none_or(|action| a.action == action)
        && q.entity_type.is_none_or(|t| a.entity_type == t)
        && q.entity_id.is_none_or(|id| a.entity_id == Some(id))
        && q.campaign_id.is_none_or(|c| a.campaign_id == Some(c))
        && q.campaigns_owned_by.is_none_or(|owner| {
            a.campaign_id.and_then(|c| state.campaigns.get(&c)).is_some_and(|c| c.owner_id == owner)
        })
        && q.lead_id.is_none_or(|lead| a.lead_id == Some(lead))
        && in_range(a.created_at, q.from, q.to)
}

#[async_trait]
impl ActivityRepository for FakeActivityRepository {
    async fn record(&self, activity: &Activity) -> Result<(), AppError> {
        self.db.with(|state| state.activities.push(activity.clone()));
        Ok(())
    }

    async fn list(&self, query: &ActivityQuery) -> Result<Page<Activity>, AppError> {
        Ok(self.db.with(|state| {
            let mut rows: Vec<Activity> =
                state.activities.iter().filter(|a| selects(state, query, a)).cloned().collect();
            rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
            page_of(rows, query.page)
        }))
    }
}
