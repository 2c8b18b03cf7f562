//! The shapes campaign use cases and their storage exchange.

use chrono::{DateTime, NaiveDate, Utc};
use leadscore_domain::activity::Activity;
use leadscore_domain::campaigns::{CampaignInfo, CampaignStatus, Lead, LeadStatus};
use leadscore_domain::customers::{Customer, Outcome};
use leadscore_domain::scoring::{Prediction, Tier};
use uuid::Uuid;

use crate::customers::CustomerFilter;

/// A user taking part in a campaign, as shown to others.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// User id.
    pub id: Uuid,
    pub email: String,
    /// Display name.
    pub full_name: Option<String>,
}

/// What the last run did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// When it ran.
    pub at: DateTime<Utc>,
    /// Model version used.
    pub model_version: String,
    /// Customers matching the criteria.
    pub matched: u64,
    /// Leads on the list after the run.
    pub leads: u64,
}

/// A stored campaign with its people.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    /// UUID v7.
    pub id: Uuid,
    /// Name, dates, target, status.
    pub info: CampaignInfo,
    /// Which customers the campaign targets.
    pub criteria: CustomerFilter,
    /// The Manager or Admin who created it.
    pub owner: Member,
    /// Users who work its leads, by e-mail.
    pub collaborators: Vec<Member>,
    /// The last run, if any.
    pub last_run: Option<RunSummary>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Campaign {
    /// Whether the user owns the campaign or works on it.
    pub fn is_member(&self, user_id: Uuid) -> bool {
        self.owner.id == user_id || self.collaborators.iter().any(|c| c.id == user_id)
    }
}

/// A campaign to store (create or replace).
#[derive(Debug, Clone, PartialEq)]
pub struct NewCampaign {
    /// Id (new, or the campaign being replaced).
    pub id: Uuid,
    /// Validated attributes.
    pub info: CampaignInfo,
    /// Validated criteria.
    pub criteria: CustomerFilter,
    /// Owner (ignored on update: the owner never changes).
    pub owner_id: Uuid,
    /// Collaborators' user ids (active users), without the owner.
    pub collaborator_ids: Vec<Uuid>,
    /// Creation or change time.
    pub now: DateTime<Utc>,
}

/// Which campaigns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CampaignFilter {
    /// Case-insensitive substring of the name.
    pub q: Option<String>,
    /// Only this status.
    pub status: Option<CampaignStatus>,
    /// Campaigns that start on or after this day.
    pub start_date: Option<NaiveDate>,
    /// Campaigns that end on or before this day.
    pub end_date: Option<NaiveDate>,
    /// Only campaigns this user owns or collaborates on (`None` = all, for an Admin).
    pub visible_to: Option<Uuid>,
}

/// Campaign counts by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CampaignStats {
    /// Every campaign; the three counts below add up to it.
    pub total: u64,
    pub active: u64,
    pub paused: u64,
    pub completed: u64,
}

/// One customer selected by a run, with its new prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedLead {
    pub customer_id: Uuid,
    /// 1 = highest probability.
    pub rank: u32,
    /// The prediction made for it (source `campaign`), stored by the run.
    pub prediction: Prediction,
}

/// Everything a run writes, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct RunPlan {
    pub campaign_id: Uuid,
    /// The new call list, best first.
    pub leads: Vec<RankedLead>,
    /// What to store as the campaign's last run.
    pub summary: RunSummary,
    /// The audit entry of the run, written in the same transaction; the repository appends the counts to its
    /// description.
    pub audit: Activity,
}

/// How a run changed the call list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    /// New leads (status Pending).
    pub added: u64,
    /// Leads still on the list: status, assignee and notes kept; rank and score refreshed.
    pub kept: u64,
    /// Leads no longer on the list: deleted with their notes.
    pub removed: u64,
}

/// Which leads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadFilter {
    /// Only this status.
    pub status: Option<LeadStatus>,
    /// Only this tier.
    pub tier: Option<Tier>,
    /// Only leads assigned to this user.
    pub assignee: Option<Uuid>,
    /// Case-insensitive substring of the customer's name, e-mail, phone, city or external id.
    pub q: Option<String>,
}

/// Order of a lead list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LeadSort {
    /// Highest probability first (the call order; default).
    #[default]
    ProbabilityDesc,
    /// Lowest probability first.
    ProbabilityAsc,
    /// Most recently changed first.
    UpdatedDesc,
}

/// A lead with what a caller needs on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadView {
    pub lead: Lead,
    /// The customer, with every attribute.
    pub customer: Customer,
    pub assignee: Option<Member>,
    /// Notes on the lead.
    pub notes_count: u64,
    /// Time of the latest activity about the lead.
    pub last_activity_at: Option<DateTime<Utc>>,
}

/// Lead counts of one campaign.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeadStats {
    /// All leads.
    pub total: u64,
    /// Leads of tier Hot; the four status counts below add up to `total`.
    pub hot: u64,
    pub pending: u64,
    pub contacted: u64,
    pub converted: u64,
    pub failed: u64,
}

impl LeadStats {
    /// The status counts, without the campaign-only Hot count: the type the dashboards use, so the conversion rate
    /// has one definition.
    pub fn counts(&self) -> LeadCounts {
        LeadCounts {
            total: self.total,
            pending: self.pending,
            contacted: self.contacted,
            converted: self.converted,
            failed: self.failed,
        }
    }
}

/// Leads by status, in a campaign or across the campaigns a caller sees.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeadCounts {
    /// Every lead, whatever its status.
    pub total: u64,
    /// Not yet called.
    pub pending: u64,
    /// Called, not yet closed.
    pub contacted: u64,
    /// Closed: the customer subscribed.
    pub converted: u64,
    /// Closed: the customer did not.
    pub failed: u64,
}

impl LeadCounts {
    /// Converted over closed (Converted + Failed); `None` before any lead is closed. Unrounded: rounding is for
    /// whoever displays it.
    pub fn conversion_rate(&self) -> Option<f64> {
        leadscore_domain::analytics::rate(self.converted, self.converted + self.failed)
    }
}

/// Leads closed from outcomes that were already known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KnownOutcomes {
    /// Closed as `Converted` (the customer subscribed).
    pub converted: u64,
    /// Closed as `Failed`.
    pub failed: u64,
}

/// The customer outcome a status change records or clears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutcomeChange {
    pub customer_id: Uuid,
    /// `Some` records an observed outcome; `None` clears one recorded by a call (a reopened lead).
    pub outcome: Option<Outcome>,
    /// When it was observed (`None` when clearing).
    pub at: Option<DateTime<Utc>>,
}
