//! Campaign use cases with their object-level rules:
//! - Admin sees every campaign; anyone else sees the campaigns they own or collaborate on. A campaign outside the
//!   caller's view is a 404 for every request, so its existence is not revealed.
//! - Managers and Admins create campaigns. Changing, deleting and running one is for its owner or an Admin; other
//!   members get a 403.
//! - Members work leads: the owner and Admins any lead, other collaborators the leads assigned to them or not
//!   assigned yet (and they may only assign such a lead to themselves). Reopening a closed lead is for the owner or
//!   an Admin.

use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use leadscore_domain::activity::{Activity, ActivityAction, EntityType};
use leadscore_domain::campaigns::{CampaignInfo, CampaignStatus, LeadStatus, LeadTransition, Note, NoteType};
use leadscore_domain::pagination::{Page, PageRequest};
use leadscore_domain::scoring::{FeatureRecord, Prediction, PredictionSource};
use leadscore_domain::users::{Email, Role};
use uuid::Uuid;

use super::export::leads_sheet;
use super::model::{
    Campaign, CampaignFilter, CampaignStats, LeadFilter, LeadSort, LeadStats, LeadView, NewCampaign, OutcomeChange,
    RankedLead, RunCounts, RunPlan, RunSummary,
};
use super::ports::{CampaignRepository, LeadRepository, NoteRepository};
use crate::activities::{ActivityLog, ActivityQuery, ActivityRepository, NewActivity};
use crate::customers::{CustomerFilter, CustomerRepository};
use crate::exports::{ExportFile, ExportFormat, TableWriter};
use crate::scoring::{CustomerWalk, ModelRegistry, PredictionRepository, ScoredProfile, score_records};
use crate::system::{Clock, elapsed_ms};
use crate::users::UserRepository;
use crate::{AppError, Caller};

mod leads;
mod outcomes;
mod runs;

pub use leads::LeadService;
pub use runs::RunService;

const CREATORS: [Role; 2] = [Role::Admin, Role::Manager];

/// Tunables of campaign runs.
#[derive(Debug, Clone, Copy)]
pub struct CampaignSettings {
    /// Customers read and scored per model call during a run.
    pub run_chunk: u64,
    /// Factors per direction stored with each lead's prediction.
    pub explain_top: usize,
}

impl Default for CampaignSettings {
    fn default() -> Self {
        Self { run_chunk: 5_000, explain_top: 5 }
    }
}

/// A new campaign as asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignDraft {
    /// Attributes (validated by the use case).
    pub info: CampaignInfo,
    /// Which customers.
    pub criteria: CustomerFilter,
    /// Collaborators by e-mail; each must be an active user.
    pub collaborator_emails: Vec<String>,
}

/// A partial change of a campaign; `None` leaves a field alone, `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CampaignPatch {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub target_leads: Option<u32>,
    pub start_date: Option<Option<NaiveDate>>,
    pub end_date: Option<Option<NaiveDate>>,
    pub status: Option<CampaignStatus>,
    /// Criteria (replaces the old ones).
    pub criteria: Option<CustomerFilter>,
    /// Collaborators (replaces the set).
    pub collaborator_emails: Option<Vec<String>>,
}

/// A change of a lead.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadPatch {
    pub status: Option<LeadStatus>,
    /// New assignee (`Some(None)` unassigns).
    pub assignee: Option<Option<Uuid>>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReport {
    /// Added, kept and removed leads.
    pub counts: RunCounts,
    /// Customers matching the criteria.
    pub matched: u64,
    /// Customers scored.
    pub scored: u64,
    /// Customers the model could not encode.
    pub failed: u64,
    /// Leads on the list now.
    pub leads: u64,
    /// Model version used.
    pub model_version: String,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
}

/// A lead with the prediction of the last run (for its factors).
#[derive(Debug, Clone, PartialEq)]
pub struct LeadDetail {
    /// The lead and its customer.
    pub view: LeadView,
    /// The run's prediction, when it is still stored.
    pub prediction: Option<Prediction>,
}

/// The ports the campaign use cases need.
#[derive(Clone)]
pub struct CampaignPorts {
    pub campaigns: Arc<dyn CampaignRepository>,
    pub leads: Arc<dyn LeadRepository>,
    pub notes: Arc<dyn NoteRepository>,
    /// Accounts (collaborators by e-mail).
    pub users: Arc<dyn UserRepository>,
    /// The customer base (runs walk it).
    pub customers: Arc<dyn CustomerRepository>,
    /// Stored predictions (a lead's factors).
    pub predictions: Arc<dyn PredictionRepository>,
    /// Reading the audit trail.
    pub activity_repo: Arc<dyn ActivityRepository>,
    /// Writing the call list as a file.
    pub writer: Arc<dyn TableWriter>,
}

/// Campaigns themselves: create, list, change, delete, and who sees or manages one (the rule [`RunService`] and
/// [`LeadService`] ask before they act).
#[derive(Clone)]
pub struct CampaignService {
    repo: Arc<dyn CampaignRepository>,
    users: Arc<dyn UserRepository>,
    activity_repo: Arc<dyn ActivityRepository>,
    activities: ActivityLog,
    clock: Arc<dyn Clock>,
}

fn not_found(id: Uuid) -> AppError {
    AppError::NotFound(format!("campaign {id} not found"))
}

fn lead_not_found(id: Uuid) -> AppError {
    AppError::NotFound(format!("lead {id} not found"))
}

fn may_manage(caller: &Caller, campaign: &Campaign) -> bool {
    caller.is_admin() || campaign.owner.id == caller.id
}

fn visible_to(caller: &Caller) -> Option<Uuid> {
    if caller.is_admin() { None } else { Some(caller.id) }
}

impl CampaignService {
    /// Wires the use cases to the ports they use.
    pub fn new(ports: &CampaignPorts, activities: ActivityLog, clock: Arc<dyn Clock>) -> Self {
        Self {
            repo: ports.campaigns.clone(),
            users: ports.users.clone(),
            activity_repo: ports.activity_repo.clone(),
            activities,
            clock,
        }
    }

    /// Resolves collaborator e-mails to active users; every unknown or inactive one is named in one 400.
    async fn collaborators(&self, emails: &[String], owner: Uuid) -> Result<Vec<Uuid>, AppError> {
        let mut ids = Vec::new();
        let mut problems = Vec::new();
        for raw in emails {
            let email = match Email::parse(raw) {
                Ok(email) => email,
                Err(_) => {
                    problems.push(format!("{raw} (not an e-mail address)"));
                    continue;
                }
            };
            match self.users.find_by_login(email.as_str()).await? {
                Some(user) if user.email == email && user.is_active => {
                    if user.id != owner && !ids.contains(&user.id) {
                        ids.push(user.id);
                    }
                }
                Some(user) if user.email == email => problems.push(format!("{raw} (inactive)")),
                _ => problems.push(format!("{raw} (no such user)")),
            }
        }
        if problems.is_empty() {
            Ok(ids)
        } else {
            Err(AppError::field("collaboratorEmails", format!("unknown or inactive users: {}", problems.join(", "))))
        }
    }

    /// The campaign if the caller may see it; otherwise a 404.
    pub async fn visible(&self, caller: &Caller, id: Uuid) -> Result<Campaign, AppError> {
        let campaign = self.repo.find(id).await?.ok_or_else(|| not_found(id))?;
        if caller.is_admin() || campaign.is_member(caller.id) { Ok(campaign) } else { Err(not_found(id)) }
    }

    pub(crate) async fn managed(&self, caller: &Caller, id: Uuid) -> Result<Campaign, AppError> {
        // Sales never own campaigns: refuse them before looking, so the answer does not depend on the id.
        caller.require(&CREATORS)?;
        let campaign = self.visible(caller, id).await?;
        if may_manage(caller, &campaign) {
            Ok(campaign)
        } else {
            Err(AppError::Forbidden("only the campaign's owner or an Admin may do this".into()))
        }
    }

    /// Creates a campaign owned by the caller (Manager, Admin).
    pub async fn create(&self, caller: &Caller, draft: CampaignDraft, ip: Option<&str>) -> Result<Campaign, AppError> {
        caller.require(&CREATORS)?;
        let info = draft.info.validated()?;
        draft.criteria.validate()?;
        let collaborator_ids = self.collaborators(&draft.collaborator_emails, caller.id).await?;
        let id = Uuid::now_v7();
        let name = info.name.clone();
        let new = NewCampaign {
            id,
            info,
            criteria: draft.criteria,
            owner_id: caller.id,
            collaborator_ids,
            now: self.clock.now(),
        };
        self.repo.insert(&new).await?;
        self.activities
            .record(activity(
                caller,
                ActivityAction::CampaignCreated,
                (EntityType::Campaign, id),
                id,
                None,
                format!("created campaign {name}"),
                ip,
            ))
            .await?;
        self.repo.find(id).await?.ok_or_else(|| not_found(id))
    }

    /// Campaigns the caller may see.
    pub async fn list(
        &self,
        caller: &Caller,
        mut filter: CampaignFilter,
        page: PageRequest,
    ) -> Result<Page<Campaign>, AppError> {
        filter.visible_to = visible_to(caller);
        self.repo.list(&filter, page).await
    }

    /// Id and name of the campaigns the caller may see.
    pub async fn options(&self, caller: &Caller) -> Result<Vec<(Uuid, String)>, AppError> {
        self.repo.options(visible_to(caller)).await
    }

    /// Counts by status of the campaigns the caller may see.
    pub async fn stats(&self, caller: &Caller) -> Result<CampaignStats, AppError> {
        self.repo.stats(visible_to(caller)).await
    }

    /// Changes a campaign (owner, Admin).
    pub async fn update(
        &self,
        caller: &Caller,
        id: Uuid,
        patch: CampaignPatch,
        ip: Option<&str>,
    ) -> Result<Campaign, AppError> {
        let campaign = self.managed(caller, id).await?;
        let mut info = campaign.info.clone();
        if let Some(name) = patch.name {
            info.name = name;
        }
        if let Some(description) = patch.description {
            info.description = description;
        }
        if let Some(target) = patch.target_leads {
            info.target_leads = target;
        }
        if let Some(start) = patch.start_date {
            info.start_date = start;
        }
        if let Some(end) = patch.end_date {
            info.end_date = end;
        }
        if let Some(status) = patch.status {
            info.status = status;
        }
        let info = info.validated()?;
        let criteria = patch.criteria.unwrap_or_else(|| campaign.criteria.clone());
        criteria.validate()?;
        let collaborator_ids = match patch.collaborator_emails {
            Some(emails) => self.collaborators(&emails, campaign.owner.id).await?,
            None => campaign.collaborators.iter().map(|m| m.id).collect(),
        };
        let new =
            NewCampaign { id, info, criteria, owner_id: campaign.owner.id, collaborator_ids, now: self.clock.now() };
        self.repo.update(&new).await?;
        self.activities
            .record(activity(
                caller,
                ActivityAction::CampaignUpdated,
                (EntityType::Campaign, id),
                id,
                None,
                format!("updated campaign {}", new.info.name),
                ip,
            ))
            .await?;
        self.repo.find(id).await?.ok_or_else(|| not_found(id))
    }

    /// Deletes a campaign with its leads, notes and campaign predictions (owner, Admin).
    pub async fn delete(&self, caller: &Caller, id: Uuid, ip: Option<&str>) -> Result<(), AppError> {
        let campaign = self.managed(caller, id).await?;
        if !self.repo.delete(id).await? {
            return Err(not_found(id));
        }
        self.activities
            .record(activity(
                caller,
                ActivityAction::CampaignDeleted,
                (EntityType::Campaign, id),
                id,
                None,
                format!("deleted campaign {} with its leads and notes", campaign.info.name),
                ip,
            ))
            .await
    }

    /// The trail of one campaign (members).
    pub async fn campaign_activities(
        &self,
        caller: &Caller,
        id: Uuid,
        mut query: ActivityQuery,
    ) -> Result<Page<Activity>, AppError> {
        self.visible(caller, id).await?;
        query.campaign_id = Some(id);
        self.activity_repo.list(&query).await
    }
}

/// An activity about a campaign, lead or note, in its campaign (and lead) context.
fn activity(
    caller: &Caller,
    action: ActivityAction,
    entity: (EntityType, Uuid),
    campaign_id: Uuid,
    lead_id: Option<Uuid>,
    description: String,
    ip: Option<&str>,
) -> NewActivity {
    let mut activity = NewActivity::about(Some(caller.id), action, entity.0, Some(entity.1), description).with_ip(ip);
    activity.campaign_id = Some(campaign_id);
    activity.lead_id = lead_id;
    activity
}

fn caller_label(caller: &Caller, campaign: &Campaign) -> String {
    std::iter::once(&campaign.owner)
        .chain(&campaign.collaborators)
        .find(|m| m.id == caller.id)
        .map_or_else(|| format!("by {} {}", caller.role, caller.id), |m| format!("by {}", m.email))
}
