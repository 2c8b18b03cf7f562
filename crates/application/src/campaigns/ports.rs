//! What the campaign use cases need from storage. Authorisation is the services' job; these answer for any id.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_domain::activity::Activity;
use leadscore_domain::campaigns::{Lead, Note};
use leadscore_domain::pagination::{Page, PageRequest};
use uuid::Uuid;

use super::model::{
    Campaign, CampaignFilter, CampaignStats, KnownOutcomes, LeadFilter, LeadSort, LeadStats, LeadView, NewCampaign,
    OutcomeChange, RunCounts, RunPlan,
};
use crate::AppError;

/// Storage of campaigns and of runs.
#[async_trait]
pub trait CampaignRepository: Send + Sync {
    /// Stores a new campaign and its collaborators.
    async fn insert(&self, campaign: &NewCampaign) -> Result<(), AppError>;

    /// The campaign with its owner and collaborators.
    async fn find(&self, id: Uuid) -> Result<Option<Campaign>, AppError>;

    /// Replaces attributes, criteria and the collaborator set (the owner stays). `NotFound` for an unknown id.
    async fn update(&self, campaign: &NewCampaign) -> Result<(), AppError>;

    /// Deletes the campaign, its leads, their notes and its campaign-sourced predictions in ONE transaction;
    /// `false` when there was none.
    async fn delete(&self, id: Uuid) -> Result<bool, AppError>;

    /// One page of campaigns, newest first.
    async fn list(&self, filter: &CampaignFilter, page: PageRequest) -> Result<Page<Campaign>, AppError>;

    /// Id and name of every campaign the filter allows, by name.
    async fn options(&self, visible_to: Option<Uuid>) -> Result<Vec<(Uuid, String)>, AppError>;

    /// Counts by status of the campaigns visible to the user (all for `None`).
    async fn stats(&self, visible_to: Option<Uuid>) -> Result<CampaignStats, AppError>;

    /// Applies a run in ONE transaction: stores the leads' predictions, keeps leads whose customer is still listed
    /// (refreshing rank, probability, score, tier, model version and prediction; keeping status, assignee and
    /// notes), adds the others as Pending, deletes leads no longer listed with their notes, sets the listed
    /// customers' latest score, records the run summary on the campaign, deletes the campaign's earlier run predictions that no lead points at
    /// any more unless overridden (retention), and writes the plan's audit entry (its
    /// description followed by ` (A added, K kept, R removed)`). Runs of one campaign are serialised. A failure MUST
    /// leave everything as it was, the audit entry included. `NotFound` when the campaign is gone.
    async fn apply_run(&self, plan: &RunPlan) -> Result<RunCounts, AppError>;
}

/// Storage of leads.
#[async_trait]
pub trait LeadRepository: Send + Sync {
    /// One page of a campaign's leads (ties broken by rank, then id).
    async fn list(
        &self,
        campaign_id: Uuid,
        filter: &LeadFilter,
        sort: LeadSort,
        page: PageRequest,
    ) -> Result<Page<LeadView>, AppError>;

    /// One lead of a campaign (`None` if the lead belongs to another campaign).
    async fn find(&self, campaign_id: Uuid, lead_id: Uuid) -> Result<Option<LeadView>, AppError>;

    /// Every lead of a campaign by rank, for the call-list export.
    async fn all(&self, campaign_id: Uuid) -> Result<Vec<LeadView>, AppError>;

    /// Stores a lead's new status and assignee, the System note describing the change, and the customer outcome it
    /// records or clears, with the `audit` entry, in ONE transaction — only if the stored lead still has `previous`'s status and assignee
    /// (compare-and-set): otherwise MUST return `AppError::Conflict` and write nothing, so of two changes made from
    /// the same state at once exactly one lands. `NotFound` when the lead is gone.
    async fn change(
        &self,
        previous: &Lead,
        lead: &Lead,
        note: &Note,
        outcome: Option<OutcomeChange>,
        audit: &Activity,
    ) -> Result<(), AppError>;

    /// Closes the campaign's `Pending` leads whose customer has a known outcome (`yes` → `Converted`, `no` →
    /// `Failed`) at `at`, each with a System note of text `note`, and dates those customers' outcomes `at`, in ONE
    /// transaction. Leads already worked (not `Pending`) are left alone.
    async fn close_with_known_outcomes(
        &self,
        campaign_id: Uuid,
        at: DateTime<Utc>,
        note: &str,
    ) -> Result<KnownOutcomes, AppError>;

    /// Counts of a campaign's leads.
    async fn stats(&self, campaign_id: Uuid) -> Result<LeadStats, AppError>;
}

/// Storage of notes.
#[async_trait]
pub trait NoteRepository: Send + Sync {
    /// Stores a note.
    async fn insert(&self, note: &Note) -> Result<(), AppError>;

    /// One page of a lead's notes, newest first.
    async fn list(&self, lead_id: Uuid, page: PageRequest) -> Result<Page<Note>, AppError>;

    /// The note with this id.
    async fn find(&self, id: Uuid) -> Result<Option<Note>, AppError>;

    /// Deletes; `false` when there was none.
    async fn delete(&self, id: Uuid) -> Result<bool, AppError>;
}
