//! A customer on a campaign's call list, and the workflow a caller moves it through.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::customers::Outcome;
use crate::scoring::Tier;
use crate::{DomainError, string_enum};

string_enum!(
    /// Where a lead is in the calling workflow.
    LeadStatus, "status" {
        /// Not called yet.
        Pending => "Pending",
        /// Called; the outcome is not known yet.
        Contacted => "Contacted",
        /// Subscribed.
        Converted => "Converted",
        /// Will not subscribe (or could not be reached).
        Failed => "Failed",
    }
);

impl LeadStatus {
    /// Whether the lead is closed (its outcome is known).
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Converted | Self::Failed)
    }

    /// The statuses a lead may move to from this one. Reopening a closed lead (back to Pending or Contacted) is
    /// listed only when `may_reopen` (the campaign's owner or an Admin).
    pub fn allowed_next(self, may_reopen: bool) -> Vec<LeadStatus> {
        match self {
            Self::Pending => vec![Self::Contacted, Self::Failed],
            Self::Contacted => vec![Self::Converted, Self::Failed],
            Self::Converted | Self::Failed if may_reopen => vec![Self::Pending, Self::Contacted],
            Self::Converted | Self::Failed => Vec::new(),
        }
    }

    /// The outcome a status records on the customer: `Converted` → yes, `Failed` → no, otherwise none.
    pub fn outcome(self) -> Option<Outcome> {
        match self {
            Self::Converted => Some(Outcome::Yes),
            Self::Failed => Some(Outcome::No),
            Self::Pending | Self::Contacted => None,
        }
    }
}

/// A permitted status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadTransition {
    /// Before.
    pub from: LeadStatus,
    /// After.
    pub to: LeadStatus,
}

impl LeadTransition {
    /// Checks a change against the workflow. An invalid one names the statuses that are allowed.
    pub fn check(from: LeadStatus, to: LeadStatus, may_reopen: bool) -> Result<Self, DomainError> {
        let allowed = from.allowed_next(may_reopen);
        if allowed.contains(&to) {
            return Ok(Self { from, to });
        }
        let options = if allowed.is_empty() {
            if from.is_closed() {
                "none: only the campaign's owner or an Admin may reopen a closed lead".to_owned()
            } else {
                "none".to_owned()
            }
        } else {
            allowed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        };
        Err(DomainError::InvalidTransition(format!(
            "a lead cannot go from {from} to {to}; allowed from {from}: {options}"
        )))
    }

    /// Whether this change reopens a closed lead.
    pub fn reopens(self) -> bool {
        self.from.is_closed() && !self.to.is_closed()
    }
}

/// A lead as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    /// UUID v7.
    pub id: Uuid,
    pub campaign_id: Uuid,
    /// The customer to call.
    pub customer_id: Uuid,
    /// Position on the call list (1 = call first), from the last run.
    pub rank: u32,
    /// P(subscribes) at the last run.
    pub probability: f64,
    /// round(100 × probability).
    pub score: u8,
    /// Tier at the last run.
    pub tier: Tier,
    /// Model version of the last run.
    pub model_version: String,
    /// The stored prediction of the last run (with its explanation).
    pub prediction_id: Option<Uuid>,
    /// Workflow status.
    pub status: LeadStatus,
    /// The collaborator who calls this lead.
    pub assignee_id: Option<Uuid>,
    /// When it joined the list.
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the lead was closed (`Converted` or `Failed`); `None` while it is open. Analytics date conversions by it.
    pub closed_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use LeadStatus::*;

    #[test]
    fn the_workflow_allows_exactly_its_transitions() {
        let allowed = [(Pending, Contacted), (Pending, Failed), (Contacted, Converted), (Contacted, Failed)];
        for from in LeadStatus::ALL {
            for to in LeadStatus::ALL {
                let ok = LeadTransition::check(*from, *to, false).is_ok();
                assert_eq!(ok, allowed.contains(&(*from, *to)), "{from} → {to}");
            }
        }
    }

    #[test]
    fn only_owners_reopen_and_errors_name_the_allowed_statuses() {
        let err = LeadTransition::check(Converted, Contacted, false).unwrap_err();
        assert!(err.to_string().contains("owner or an Admin"), "{err}");
        let t = LeadTransition::check(Converted, Contacted, true).unwrap();
        assert!(t.reopens());
        let err = LeadTransition::check(Pending, Converted, true).unwrap_err();
        assert!(err.to_string().contains("allowed from Pending: Contacted, Failed"), "{err}");
        assert_eq!(Converted.outcome(), Some(Outcome::Yes));
        assert_eq!(Failed.outcome(), Some(Outcome::No));
        assert_eq!(Contacted.outcome(), None);
    }
}
