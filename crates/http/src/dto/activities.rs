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

api_enum!(
    /// What happened.
    ActivityActionDto => ActivityAction {
        /// A successful sign-in.
        Login = "LOGIN",
        /// A failed sign-in attempt.
        LoginFailed = "LOGIN_FAILED",
        /// A sign-out.
        Logout = "LOGOUT",
        /// A rotated refresh token was presented again; its family was revoked.
        TokenReuse = "TOKEN_REUSE",
        /// An account was created (sign-up or by an Admin).
        UserCreated = "USER_CREATED",
        /// An account was changed.
        UserUpdated = "USER_UPDATED",
        /// An account was deleted.
        UserDeleted = "USER_DELETED",
        /// A password was changed.
        PasswordChanged = "PASSWORD_CHANGED",
        /// An avatar was replaced.
        AvatarUpdated = "AVATAR_UPDATED",
        /// A customer was created.
        CustomerCreated = "CUSTOMER_CREATED",
        /// A customer was changed.
        CustomerUpdated = "CUSTOMER_UPDATED",
        /// A customer was deleted.
        CustomerDeleted = "CUSTOMER_DELETED",
        /// Customers were imported from a file.
        CustomersImported = "CUSTOMERS_IMPORTED",
        /// Customers were exported to a file.
        CustomersExported = "CUSTOMERS_EXPORTED",
        /// A transaction file was uploaded for segmentation.
        DatasetUploaded = "DATASET_UPLOADED",
        /// A transaction file and its analyses were deleted.
        DatasetDeleted = "DATASET_DELETED",
        /// An RFM analysis was run and stored.
        AnalysisCreated = "ANALYSIS_CREATED",
        /// An RFM analysis was deleted.
        AnalysisDeleted = "ANALYSIS_DELETED",
        /// The customers of an RFM analysis were exported to a file.
        AnalysisExported = "ANALYSIS_EXPORTED",
        /// The scoring model was reloaded from disk.
        ModelReloaded = "MODEL_RELOADED",
        /// Customers were re-scored in bulk.
        CustomersScored = "CUSTOMERS_SCORED",
        /// A prediction's class or probability was overridden by a person.
        PredictionOverridden = "PREDICTION_OVERRIDDEN",
        /// A prediction was deleted.
        PredictionDeleted = "PREDICTION_DELETED",
        /// A campaign was created.
        CampaignCreated = "CAMPAIGN_CREATED",
        /// A campaign was changed.
        CampaignUpdated = "CAMPAIGN_UPDATED",
        /// A campaign and its leads were deleted.
        CampaignDeleted = "CAMPAIGN_DELETED",
        /// A campaign was run: its customers scored and its call list rebuilt.
        CampaignRun = "CAMPAIGN_RUN",
        /// A lead's status changed.
        LeadStatusChanged = "LEAD_STATUS_CHANGED",
        /// A lead was (un)assigned.
        LeadAssigned = "LEAD_ASSIGNED",
        /// A note was written.
        NoteCreated = "NOTE_CREATED",
        /// A note was deleted.
        NoteDeleted = "NOTE_DELETED",
        /// A call list was exported.
        LeadsExported = "LEADS_EXPORTED",
        /// A campaign's leads were closed from outcomes already known (e.g. the demo data's `y`).
        OutcomesRecorded = "OUTCOMES_RECORDED",
    }
);

api_enum!(
    /// The kind of thing an activity is about.
    EntityTypeDto => EntityType {
        /// A user account.
        User = "User",
        /// A customer of the bank.
        Customer = "Customer",
        /// A scoring of a customer.
        Prediction = "Prediction",
        /// A calling campaign.
        Campaign = "Campaign",
        /// A customer inside a campaign.
        Lead = "Lead",
        /// A note on a lead.
        Note = "Note",
        /// An uploaded transaction file.
        Dataset = "Dataset",
        /// An RFM analysis.
        Analysis = "Analysis",
        /// The scoring model.
        Model = "Model",
    }
);

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
    /// What happened.
    pub action: ActivityActionDto,
    /// Kind of entity concerned.
    pub entity_type: EntityTypeDto,
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
            action: a.action.into(),
            entity_type: a.entity_type.into(),
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
        /// Only this action.
        #[garde(skip)]
        pub action: Option<ActivityActionDto>,
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
        Ok(ActivityQuery {
            action: self.action.map(Into::into),
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
        /// Only this action.
        #[garde(skip)]
        pub action: Option<ActivityActionDto>,
        /// Only this kind of entity.
        #[garde(skip)]
        pub entity_type: Option<EntityTypeDto>,
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
        Ok(ActivityQuery {
            actor_id: self.actor_id,
            action: self.action.map(Into::into),
            entity_type: self.entity_type.map(Into::into),
            campaign_id: self.campaign_id,
            from: self.from,
            to: self.to,
            page: self.page_request()?,
            ..ActivityQuery::default()
        })
    }
}
