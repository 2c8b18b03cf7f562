//! The audit trail: append-only records of who did what to which entity, and when.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::string_enum;

string_enum!(
    /// What happened. Later modules add their own actions here.
    ActivityAction, "action" {
        /// A successful sign-in.
        Login => "LOGIN",
        /// A failed sign-in attempt.
        LoginFailed => "LOGIN_FAILED",
        /// A sign-out.
        Logout => "LOGOUT",
        /// A rotated refresh token was presented again; its family was revoked.
        TokenReuse => "TOKEN_REUSE",
        /// An account was created (sign-up or by an Admin).
        UserCreated => "USER_CREATED",
        /// An account was changed.
        UserUpdated => "USER_UPDATED",
        /// An account was deleted.
        UserDeleted => "USER_DELETED",
        /// A password was changed.
        PasswordChanged => "PASSWORD_CHANGED",
        /// An avatar was replaced.
        AvatarUpdated => "AVATAR_UPDATED",
        /// A customer was created.
        CustomerCreated => "CUSTOMER_CREATED",
        /// A customer was changed.
        CustomerUpdated => "CUSTOMER_UPDATED",
        /// A customer was deleted.
        CustomerDeleted => "CUSTOMER_DELETED",
        /// Customers were imported from a file.
        CustomersImported => "CUSTOMERS_IMPORTED",
        /// Customers were exported to a file.
        CustomersExported => "CUSTOMERS_EXPORTED",
        /// A transaction file was uploaded for segmentation.
        DatasetUploaded => "DATASET_UPLOADED",
        /// A transaction file and its analyses were deleted.
        DatasetDeleted => "DATASET_DELETED",
        /// An RFM analysis was run and stored.
        AnalysisCreated => "ANALYSIS_CREATED",
        /// An RFM analysis was deleted.
        AnalysisDeleted => "ANALYSIS_DELETED",
        /// The customers of an RFM analysis were exported to a file.
        AnalysisExported => "ANALYSIS_EXPORTED",
        /// The scoring model was reloaded from disk.
        ModelReloaded => "MODEL_RELOADED",
        /// Customers were re-scored in bulk.
        CustomersScored => "CUSTOMERS_SCORED",
        /// A prediction's class or probability was overridden by a person.
        PredictionOverridden => "PREDICTION_OVERRIDDEN",
        /// A prediction was deleted.
        PredictionDeleted => "PREDICTION_DELETED",
        /// A campaign was created.
        CampaignCreated => "CAMPAIGN_CREATED",
        /// A campaign was changed.
        CampaignUpdated => "CAMPAIGN_UPDATED",
        /// A campaign and its leads were deleted.
        CampaignDeleted => "CAMPAIGN_DELETED",
        /// A campaign was run: its customers scored and its call list rebuilt.
        CampaignRun => "CAMPAIGN_RUN",
        /// A lead's status changed.
        LeadStatusChanged => "LEAD_STATUS_CHANGED",
        /// A lead was (un)assigned.
        LeadAssigned => "LEAD_ASSIGNED",
        /// A note was written.
        NoteCreated => "NOTE_CREATED",
        /// A note was deleted.
        NoteDeleted => "NOTE_DELETED",
        /// A call list was exported.
        LeadsExported => "LEADS_EXPORTED",
        /// A campaign's leads were closed from outcomes already known (e.g. the demo data's `y`).
        OutcomesRecorded => "OUTCOMES_RECORDED",
    }
);

string_enum!(
    /// The kind of thing an activity is about.
    EntityType, "entityType" {
        /// A user account.
        User => "User",
        /// A customer of the bank.
        Customer => "Customer",
        /// A scoring of a customer.
        Prediction => "Prediction",
        /// A calling campaign.
        Campaign => "Campaign",
        /// A customer inside a campaign.
        Lead => "Lead",
        /// A note on a lead.
        Note => "Note",
        /// An uploaded transaction file.
        Dataset => "Dataset",
        /// An RFM analysis.
        Analysis => "Analysis",
        /// The scoring model.
        Model => "Model",
    }
);

/// An entry of the audit trail as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// UUID v7.
    pub id: Uuid,
    /// Who did it; `None` for anonymous events such as a failed login for an unknown account.
    pub actor_id: Option<Uuid>,
    /// What happened.
    pub action: ActivityAction,
    /// Kind of the entity concerned.
    pub entity_type: EntityType,
    /// The entity concerned.
    pub entity_id: Option<Uuid>,
    /// The campaign it happened in, when any.
    pub campaign_id: Option<Uuid>,
    /// The lead it happened to, when any.
    pub lead_id: Option<Uuid>,
    /// A sentence for people.
    pub description: String,
    /// Client address, when the event came through the API.
    pub ip: Option<String>,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DomainError;

    #[test]
    fn actions_round_trip() {
        for action in ActivityAction::ALL {
            assert_eq!(action.as_str().parse::<ActivityAction>().unwrap(), *action);
        }
        let err = "NOPE".parse::<ActivityAction>().unwrap_err();
        assert!(matches!(err, DomainError::Invalid(ref e) if e[0].message.contains("LOGIN")));
    }
}
