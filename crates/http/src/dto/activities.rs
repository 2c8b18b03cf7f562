//! Bodies of the audit-trail endpoints.

use chrono::{DateTime, Utc};
use leadscore_application::activities::ActivityQuery;
use leadscore_domain::activity::{Activity, ActivityAction, EntityType};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::check_range;
use crate::dto::common::list_params;
use crate::error::ApiError;

/// One entry of the audit trail.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"id": "019a5a3c-7d1e-7c4a-9f1e-2b3c4d5e6f70", "actorId": "019a5a3c-0000-7c4a-9f1e-2b3c4d5e6f70",
    "action": "LOGIN", "entityType": "User", "entityId": "019a5a3c-0000-7c4a-9f1e-2b3c4d5e6f70", "campaignId": null,
    "leadId": null, "description": "ana@bank.example logged in", "ip": "127.0.0.1", "createdAt": "2026-11-22T08:30:00Z"}))]
pub struct ActivityDto {
    /// Entry id.
    pub id: Uuid,
    /// Who did it (absent for anonymous events).
    pub actor_id: Option<Uuid>,
    /// What happened, e.g. `LOGIN`, `USER_UPDATED`.
    pub action: String,
    /// Kind of entity concerned.
    pub entity_type: String,
    /// The entity concerned.
    pub entity_id: Option<Uuid>,
    /// Campaign context.
    pub campaign_id: Option<Uuid>,
    /// Lead context.
    pub lead_id: Option<Uuid>,
    /// A sentence for people.
    pub description: String,
    /// Client address.
    pub ip: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<Activity> for ActivityDto {
    fn from(a: Activity) -> Self {
        Self {
            id: a.id,
            actor_id: a.actor_id,
            action: a.action.as_str().to_owned(),
            entity_type: a.entity_type.as_str().to_owned(),
            entity_id: a.entity_id,
            campaign_id: a.campaign_id,
            lead_id: a.lead_id,
            description: a.description,
            ip: a.ip,
            created_at: a.created_at,
        }
    }
}

list_params!(
    /// Filters of an activity list (newest first).
    ActivityListParams {
        /// Only this action, e.g. `LOGIN`.
        #[garde(length(max = 48))]
        pub action: Option<String>,
        /// At or after (RFC 3339).
        #[garde(skip)]
        pub from: Option<DateTime<Utc>>,
        /// At or before (RFC 3339).
        #[garde(skip)]
        pub to: Option<DateTime<Utc>>,
    }
);

impl ActivityListParams {
    /// The application query.
    pub fn into_query(self) -> Result<ActivityQuery, ApiError> {
        check_range(self.from, self.to)?;
        let action =
            self.action.as_deref().map(str::parse::<ActivityAction>).transpose().map_err(|e| ApiError(e.into()))?;
        Ok(ActivityQuery {
            action,
            from: self.from,
            to: self.to,
            page: self.page_request()?,
            ..ActivityQuery::default()
        })
    }
}

list_params!(
    /// Filters of the audit trail (newest first).
    AuditListParams {
        /// Only this actor.
        #[garde(skip)]
        pub actor_id: Option<Uuid>,
        /// Only this action, e.g. `LEAD_STATUS_CHANGED`.
        #[garde(length(max = 48))]
        pub action: Option<String>,
        /// Only this kind of entity, e.g. `Lead`.
        #[garde(length(max = 48))]
        pub entity_type: Option<String>,
        /// Only this campaign.
        #[garde(skip)]
        pub campaign_id: Option<Uuid>,
        /// At or after (RFC 3339).
        #[garde(skip)]
        pub from: Option<DateTime<Utc>>,
        /// At or before (RFC 3339).
        #[garde(skip)]
        pub to: Option<DateTime<Utc>>,
    }
);

impl AuditListParams {
    /// The application query.
    pub fn into_query(self) -> Result<ActivityQuery, ApiError> {
        check_range(self.from, self.to)?;
        let action =
            self.action.as_deref().map(str::parse::<ActivityAction>).transpose().map_err(|e| ApiError(e.into()))?;
        let entity_type =
            self.entity_type.as_deref().map(str::parse::<EntityType>).transpose().map_err(|e| ApiError(e.into()))?;
        Ok(ActivityQuery {
            actor_id: self.actor_id,
            action,
            entity_type,
            campaign_id: self.campaign_id,
            from: self.from,
            to: self.to,
            page: self.page_request()?,
            ..ActivityQuery::default()
        })
    }
}
