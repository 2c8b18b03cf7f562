//! Writing and reading the audit trail.

use std::sync::Arc;

use leadscore_domain::activity::{Activity, ActivityAction, EntityType};
use leadscore_domain::pagination::Page;
use leadscore_domain::users::Role;
use uuid::Uuid;

use super::{ActivityQuery, ActivityRepository};
use crate::system::Clock;
use crate::{AppError, Caller};

/// An activity before it gets its id and time.
#[derive(Debug, Clone)]
pub struct NewActivity {
    /// Who did it.
    pub actor_id: Option<Uuid>,
    /// What happened.
    pub action: ActivityAction,
    /// Kind of entity.
    pub entity_type: EntityType,
    pub entity_id: Option<Uuid>,
    /// Campaign context.
    pub campaign_id: Option<Uuid>,
    /// Lead context.
    pub lead_id: Option<Uuid>,
    /// A sentence for people.
    pub description: String,
    /// Client address.
    pub ip: Option<String>,
}

impl NewActivity {
    /// An activity about one entity, without campaign context.
    pub fn about(
        actor_id: Option<Uuid>,
        action: ActivityAction,
        entity_type: EntityType,
        entity_id: Option<Uuid>,
        description: impl Into<String>,
    ) -> Self {
        Self {
            actor_id,
            action,
            entity_type,
            entity_id,
            campaign_id: None,
            lead_id: None,
            description: description.into(),
            ip: None,
        }
    }

    /// Adds the client address.
    pub fn with_ip(mut self, ip: Option<&str>) -> Self {
        self.ip = ip.map(str::to_owned);
        self
    }
}

/// Records activities. Shared by every service that changes something.
#[derive(Clone)]
pub struct ActivityLog {
    repo: Arc<dyn ActivityRepository>,
    clock: Arc<dyn Clock>,
}

impl ActivityLog {
    /// Builds the log over its storage.
    pub fn new(repo: Arc<dyn ActivityRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// Appends an activity stamped with a new id and the current time.
    pub async fn record(&self, activity: NewActivity) -> Result<(), AppError> {
        self.repo.record(&self.stamp(activity)).await
    }

    /// The activity as it will be stored (new id, current time), for a repository that writes it in the same
    /// transaction as the change it describes: an answered error then means neither was written.
    pub fn stamp(&self, activity: NewActivity) -> Activity {
        Activity {
            id: Uuid::now_v7(),
            actor_id: activity.actor_id,
            action: activity.action,
            entity_type: activity.entity_type,
            entity_id: activity.entity_id,
            campaign_id: activity.campaign_id,
            lead_id: activity.lead_id,
            description: activity.description,
            ip: activity.ip,
            created_at: self.clock.now(),
        }
    }
}

/// Reading the audit trail.
#[derive(Clone)]
pub struct ActivityService {
    repo: Arc<dyn ActivityRepository>,
}

impl ActivityService {
    /// Builds the service.
    pub fn new(repo: Arc<dyn ActivityRepository>) -> Self {
        Self { repo }
    }

    /// What one user did (Admin only).
    pub async fn for_user(
        &self,
        caller: &Caller,
        user_id: Uuid,
        mut query: ActivityQuery,
    ) -> Result<Page<Activity>, AppError> {
        caller.require(&[Role::Admin])?;
        query.involving_user = Some(user_id);
        self.repo.list(&query).await
    }

    /// The audit trail: everything for an Admin, the trail of the campaigns they own for a Manager (Sales: 403).
    pub async fn list(&self, caller: &Caller, mut query: ActivityQuery) -> Result<Page<Activity>, AppError> {
        caller.require(&[Role::Admin, Role::Manager])?;
        if !caller.is_admin() {
            query.campaigns_owned_by = Some(caller.id);
        }
        self.repo.list(&query).await
    }
}
