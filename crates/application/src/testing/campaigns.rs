//! Campaigns with their runs, leads and notes.

use std::collections::HashSet;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_domain::activity::Activity;
use leadscore_domain::campaigns::{CampaignStatus, Lead, LeadStatus, Note, NoteType};
use leadscore_domain::customers::Outcome;
use leadscore_domain::pagination::{Page, PageRequest};
use leadscore_domain::scoring::{PredictionSource, Tier};
use uuid::Uuid;

use super::{CampaignRow, Db, State, matches_text, page_of};
use crate::AppError;
use crate::campaigns::{
    Campaign, CampaignFilter, CampaignRepository, CampaignStats, KnownOutcomes, LeadFilter, LeadRepository, LeadSort,
    LeadStats, LeadView, Member, NewCampaign, NoteRepository, OutcomeChange, RunCounts, RunPlan,
};
use crate::scoring::latest_score;

fn member(state: &State, id: Uuid) -> Option<Member> {
    state.users.get(&id).map(|u| Member {
        id: u.id,
        email: u.email.as_str().to_owned(),
        full_name: u.full_name.clone(),
    })
}

/// The campaign as the port answers it: owner and collaborators named, collaborators by e-mail.
fn to_campaign(state: &State, row: &CampaignRow) -> Result<Campaign, AppError> {
    let owner = member(state, row.owner_id)
        .ok_or_else(|| AppError::Internal(format!("campaign {} has no owner {}", row.id, row.owner_id)))?;
    let mut collaborators: Vec<Member> = row.collaborator_ids.iter().filter_map(|id| member(state, *id)).collect();
    collaborators.sort_by(|a, b| a.email.cmp(&b.email).then(a.id.cmp(&b.id)));
    Ok(Campaign {
        id: row.id,
        info: row.info.clone(),
        criteria: row.criteria.clone(),
        owner,
        collaborators,
        last_run: row.last_run.clone(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn visible(row: &CampaignRow, user: Option<Uuid>) -> bool {
    user.is_none_or(|user| row.owner_id == user || row.collaborator_ids.contains(&user))
}

/// Owner and collaborators must be accounts (the foreign keys).
fn check_people(state: &State, campaign: &NewCampaign, owner: Uuid) -> Result<Vec<Uuid>, AppError> {
    let mut ids = Vec::new();
    for id in std::iter::once(&owner).chain(&campaign.collaborator_ids) {
        if !state.users.contains_key(id) {
            return Err(AppError::NotFound("A user of this campaign was not found".into()));
        }
    }
    for id in &campaign.collaborator_ids {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    Ok(ids)
}

/// Deletes leads with their notes.
fn delete_leads(state: &mut State, ids: &HashSet<Uuid>) {
    state.notes.retain(|_, n| !ids.contains(&n.lead_id));
    state.leads.retain(|id, _| !ids.contains(id));
}

/// `CampaignRepository` over the shared [`Db`].
pub struct FakeCampaignRepository {
    db: Arc<Db>,
}

impl FakeCampaignRepository {
    /// Uses `db`.
    pub fn new(db: Arc<Db>) -> Self {
        Self { db }
    }
}

#[async_trait]
impl CampaignRepository for FakeCampaignRepository {
    async fn insert(&self, campaign: &NewCampaign) -> Result<(), AppError> {
        self.db.with(|state| {
            if state.campaigns.contains_key(&campaign.id) {
                return Err(AppError::Conflict("The resource already exists".into()));
            }
            let collaborator_ids = check_people(state, campaign, campaign.owner_id)?;
            let row = CampaignRow {
                id: campaign.id,
                info: campaign.info.clone(),
                criteria: campaign.criteria.clone(),
                owner_id: campaign.owner_id,
                collaborator_ids,
                last_run: None,
                created_at: campaign.now,
                updated_at: campaign.now,
            };
            state.campaigns.insert(campaign.id, row);
            Ok(())
        })
    }

    async fn find(&self, id: Uuid) -> Result<Option<Campaign>, AppError> {
        self.db.with(|state| state.campaigns.get(&id).map(|row| to_campaign(state, row)).transpose())
    }

    async fn update(&self, campaign: &NewCampaign) -> Result<(), AppError> {
        self.db.with(|state| {
            let owner = state
                .campaigns
                .get(&campaign.id)
                .map(|row| row.owner_id)
                .ok_or_else(|| AppError::NotFound("Campaign not found".into()))?;
            let collaborator_ids = check_people(state, campaign, owner)?;
            if let Some(row) = state.campaigns.get_mut(&campaign.id) {
                row.info = campaign.info.clone();
                row.criteria = campaign.criteria.clone();
                row.collaborator_ids = collaborator_ids;
                row.updated_at = campaign.now;
            }
            Ok(())
        })
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        Ok(self.db.with(|state| {
            if state.campaigns.remove(&id).is_none() {
                return false;
            }
            let leads: HashSet<Uuid> = state.leads.values().filter(|l| l.campaign_id == id).map(|l| l.id).collect();
            delete_leads(state, &leads);
            state.predictions.retain(|_, p| !(p.campaign_id == Some(id) && p.source == PredictionSource::Campaign));
            true
        }))
    }

    async fn list(&self, filter: &CampaignFilter, page: PageRequest) -> Result<Page<Campaign>, AppError> {
        self.db.with(|state| {
            let mut rows: Vec<&CampaignRow> = state
                .campaigns
                .values()
                .filter(|c| visible(c, filter.visible_to))
                .filter(|c| matches_text(filter.q.as_deref(), [Some(c.info.name.as_str())]))
                .filter(|c| filter.status.is_none_or(|s| c.info.status == s))
                // A bound never matches a campaign without that date, as in SQL.
                .filter(|c| filter.start_date.is_none_or(|day| c.info.start_date.is_some_and(|d| d >= day)))
                .filter(|c| filter.end_date.is_none_or(|day| c.info.end_date.is_some_and(|d| d <= day)))
                .collect();
            rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
            let page = page_of(rows, page);
            let items = page.items.iter().map(|row| to_campaign(state, row)).collect::<Result<_, _>>()?;
            Ok(Page { items, total_items: page.total_items, request: page.request })
        })
    }

    async fn options(&self, visible_to: Option<Uuid>) -> Result<Vec<(Uuid, String)>, AppError> {
        Ok(self.db.with(|state| {
            let mut rows: Vec<&CampaignRow> = state.campaigns.values().filter(|c| visible(c, visible_to)).collect();
            rows.sort_by(|a, b| {
                (a.info.name.to_lowercase(), &a.info.name, a.id).cmp(&(b.info.name.to_lowercase(), &b.info.name, b.id))
            });
            rows.into_iter().map(|c| (c.id, c.info.name.clone())).collect()
        }))
    }

    async fn stats(&self, visible_to: Option<Uuid>) -> Result<CampaignStats, AppError> {
        Ok(self.db.with(|state| {
            let mut stats = CampaignStats::default();
            for campaign in state.campaigns.values().filter(|c| visible(c, visible_to)) {
                stats.total += 1;
                match campaign.info.status {
                    CampaignStatus::Active => stats.active += 1,
                    CampaignStatus::Paused => stats.paused += 1,
                    CampaignStatus::Completed => stats.completed += 1,
                }
            }
            stats
        }))
    }

    async fn apply_run(&self, plan: &RunPlan) -> Result<RunCounts, AppError> {
        self.db.with(|state| {
            // Every check first: a refused run writes nothing.
            if !state.campaigns.contains_key(&plan.campaign_id) {
                return Err(AppError::NotFound("Campaign not found".into()));
            }
            let mut listed = HashSet::with_capacity(plan.leads.len());
            for lead in &plan.leads {
                if !listed.insert(lead.customer_id) {
                    return Err(AppError::Internal(format!("a run lists customer {} twice", lead.customer_id)));
                }
                if !state.customers.contains_key(&lead.customer_id) {
                    return Err(AppError::NotFound("A customer of this run was not found".into()));
                }
            }
            let at = plan.summary.at;
            let existing: Vec<Lead> =
                state.leads.values().filter(|l| l.campaign_id == plan.campaign_id).cloned().collect();
            let removed: HashSet<Uuid> =
                existing.iter().filter(|l| !listed.contains(&l.customer_id)).map(|l| l.id).collect();
            let kept = (existing.len() - removed.len()) as u64;
            for ranked in &plan.leads {
                let p = &ranked.prediction;
                state.predictions.insert(p.id, p.clone());
                let previous = existing.iter().find(|l| l.customer_id == ranked.customer_id);
                let lead = Lead {
                    rank: ranked.rank,
                    probability: p.outcome.probability,
                    score: p.outcome.score,
                    tier: p.outcome.tier,
                    model_version: p.model_version.clone(),
                    prediction_id: Some(p.id),
                    updated_at: at,
                    // A kept lead keeps its id, status, assignee, creation and closing time.
                    ..previous.cloned().unwrap_or(Lead {
                        id: Uuid::now_v7(),
                        campaign_id: plan.campaign_id,
                        customer_id: ranked.customer_id,
                        rank: 0,
                        probability: 0.0,
                        score: 0,
                        tier: Tier::Cold,
                        model_version: String::new(),
                        prediction_id: None,
                        status: LeadStatus::Pending,
                        assignee_id: None,
                        created_at: at,
                        updated_at: at,
                        closed_at: None,
                    })
                };
                if let Some(customer) = state.customers.get_mut(&ranked.customer_id) {
                    customer.latest_score = Some(latest_score(&p.outcome, &p.model_version, at));
                }
                state.leads.insert(lead.id, lead);
            }
            delete_leads(state, &removed);
            let current: HashSet<Uuid> = state
                .leads
                .values()
                .filter(|l| l.campaign_id == plan.campaign_id)
                .filter_map(|l| l.prediction_id)
                .collect();
            state.predictions.retain(|id, p| {
                !(p.campaign_id == Some(plan.campaign_id)
                    && p.source == PredictionSource::Campaign
                    && p.overridden.is_none()
                    && !current.contains(id))
            });
            if let Some(row) = state.campaigns.get_mut(&plan.campaign_id) {
                row.last_run = Some(plan.summary.clone());
            }
            let counts = RunCounts { added: plan.leads.len() as u64 - kept, kept, removed: removed.len() as u64 };
            let description = format!(
                "{} ({} added, {} kept, {} removed)",
                plan.audit.description, counts.added, counts.kept, counts.removed
            );
            state.activities.push(Activity { description, ..plan.audit.clone() });
            Ok(counts)
        })
    }
}

/// `LeadRepository` over the shared [`Db`].
pub struct FakeLeadRepository {
    db: Arc<Db>,
}

impl FakeLeadRepository {
    /// Uses `db`.
    pub fn new(db: Arc<Db>) -> Self {
        Self { db }
    }
}

/// The lead with its customer, assignee, note count and last activity; `None` without its customer (the inner join).
fn view(state: &State, lead: &Lead) -> Option<LeadView> {
    let customer = state.customers.get(&lead.customer_id)?.clone();
    Some(LeadView {
        lead: lead.clone(),
        customer,
        assignee: lead.assignee_id.and_then(|id| member(state, id)),
        notes_count: state.notes.values().filter(|n| n.lead_id == lead.id).count() as u64,
        last_activity_at: state.activities.iter().filter(|a| a.lead_id == Some(lead.id)).map(|a| a.created_at).max(),
    })
}

fn matches(view: &LeadView, filter: &LeadFilter) -> bool {
    let (lead, details) = (&view.lead, &view.customer.details);
    filter.status.is_none_or(|s| lead.status == s)
        && filter.tier.is_none_or(|t| lead.tier == t)
        && filter.assignee.is_none_or(|a| lead.assignee_id == Some(a))
        && matches_text(
            filter.q.as_deref(),
            [
                details.name.as_deref(),
                details.email.as_ref().map(|e| e.as_str()),
                details.phone.as_deref(),
                details.city.as_deref(),
                details.external_id.as_deref(),
            ],
        )
}

fn campaign_views(state: &State, campaign_id: Uuid) -> Vec<LeadView> {
    state.leads.values().filter(|l| l.campaign_id == campaign_id).filter_map(|l| view(state, l)).collect()
}

#[async_trait]
impl LeadRepository for FakeLeadRepository {
    async fn list(
        &self,
        campaign_id: Uuid,
        filter: &LeadFilter,
        sort: LeadSort,
        page: PageRequest,
    ) -> Result<Page<LeadView>, AppError> {
        Ok(self.db.with(|state| {
            let mut rows: Vec<LeadView> =
                campaign_views(state, campaign_id).into_iter().filter(|v| matches(v, filter)).collect();
            rows.sort_by(|a, b| {
                let (a, b) = (&a.lead, &b.lead);
                let first = match sort {
                    LeadSort::ProbabilityDesc => b.probability.total_cmp(&a.probability),
                    LeadSort::ProbabilityAsc => a.probability.total_cmp(&b.probability),
                    LeadSort::UpdatedDesc => b.updated_at.cmp(&a.updated_at),
                };
                first.then(a.rank.cmp(&b.rank)).then(a.id.cmp(&b.id))
            });
            page_of(rows, page)
        }))
    }

    async fn find(&self, campaign_id: Uuid, lead_id: Uuid) -> Result<Option<LeadView>, AppError> {
        Ok(self.db.with(|state| {
            state.leads.get(&lead_id).filter(|l| l.campaign_id == campaign_id).and_then(|l| view(state, l))
        }))
    }

    async fn all(&self, campaign_id: Uuid) -> Result<Vec<LeadView>, AppError> {
        Ok(self.db.with(|state| {
            let mut rows = campaign_views(state, campaign_id);
            rows.sort_by(|a, b| a.lead.rank.cmp(&b.lead.rank).then(a.lead.id.cmp(&b.lead.id)));
            rows
        }))
    }

    async fn change(
        &self,
        previous: &Lead,
        lead: &Lead,
        note: &Note,
        outcome: Option<OutcomeChange>,
        audit: &Activity,
    ) -> Result<(), AppError> {
        self.db.with(|state| {
            let stored = state.leads.get(&lead.id).ok_or_else(|| AppError::NotFound("Lead not found".into()))?;
            if stored.status != previous.status || stored.assignee_id != previous.assignee_id {
                return Err(AppError::Conflict(
                    "The lead was changed by someone else since it was read; reload it and try again".into(),
                ));
            }
            if lead.assignee_id.is_some_and(|a| !state.users.contains_key(&a))
                || note.author_id.is_some_and(|a| !state.users.contains_key(&a))
            {
                return Err(AppError::NotFound("A user or lead of this change was not found".into()));
            }
            if let Some(change) = outcome
                && !state.customers.contains_key(&change.customer_id)
            {
                return Err(AppError::NotFound("Customer not found".into()));
            }
            let stored = Lead {
                status: lead.status,
                assignee_id: lead.assignee_id,
                updated_at: lead.updated_at,
                closed_at: lead.closed_at,
                ..stored.clone()
            };
            state.leads.insert(stored.id, stored);
            state.notes.insert(note.id, note.clone());
            if let Some(change) = outcome
                && let Some(customer) = state.customers.get_mut(&change.customer_id)
            {
                customer.outcome = change.outcome;
                customer.outcome_at = change.outcome.and(change.at);
            }
            state.activities.push(audit.clone());
            Ok(())
        })
    }

    async fn close_with_known_outcomes(
        &self,
        campaign_id: Uuid,
        at: DateTime<Utc>,
        note: &str,
    ) -> Result<KnownOutcomes, AppError> {
        Ok(self.db.with(|state| {
            let known: Vec<(Uuid, Uuid, Outcome)> = state
                .leads
                .values()
                .filter(|l| l.campaign_id == campaign_id && l.status == LeadStatus::Pending)
                .filter_map(|l| Some((l.id, l.customer_id, state.customers.get(&l.customer_id)?.outcome?)))
                .collect();
            let mut counts = KnownOutcomes::default();
            for (lead_id, customer_id, outcome) in known {
                let status = match outcome {
                    Outcome::Yes => LeadStatus::Converted,
                    Outcome::No => LeadStatus::Failed,
                };
                match status {
                    LeadStatus::Converted => counts.converted += 1,
                    _ => counts.failed += 1,
                }
                if let Some(lead) = state.leads.get_mut(&lead_id) {
                    lead.status = status;
                    lead.updated_at = at;
                    lead.closed_at = Some(at);
                }
                if let Some(customer) = state.customers.get_mut(&customer_id) {
                    customer.outcome_at = Some(at);
                }
                let id = Uuid::now_v7();
                let text = format!("status Pending → {status}: {note}");
                let note = Note {
                    id,
                    campaign_id,
                    lead_id,
                    author_id: None,
                    note_type: NoteType::System,
                    text,
                    created_at: at,
                };
                state.notes.insert(id, note);
            }
            counts
        }))
    }

    async fn stats(&self, campaign_id: Uuid) -> Result<LeadStats, AppError> {
        Ok(self.db.with(|state| {
            let mut stats = LeadStats::default();
            for lead in state.leads.values().filter(|l| l.campaign_id == campaign_id) {
                stats.total += 1;
                stats.hot += u64::from(lead.tier == Tier::Hot);
                match lead.status {
                    LeadStatus::Pending => stats.pending += 1,
                    LeadStatus::Contacted => stats.contacted += 1,
                    LeadStatus::Converted => stats.converted += 1,
                    LeadStatus::Failed => stats.failed += 1,
                }
            }
            stats
        }))
    }
}

/// `NoteRepository` over the shared [`Db`].
pub struct FakeNoteRepository {
    db: Arc<Db>,
}

impl FakeNoteRepository {
    /// Uses `db`.
    pub fn new(db: Arc<Db>) -> Self {
        Self { db }
    }
}

#[async_trait]
impl NoteRepository for FakeNoteRepository {
    async fn insert(&self, note: &Note) -> Result<(), AppError> {
        self.db.with(|state| {
            let lead_ok = state.leads.get(&note.lead_id).is_some_and(|l| l.campaign_id == note.campaign_id);
            let author_ok = note.author_id.is_none_or(|a| state.users.contains_key(&a));
            if !lead_ok || !author_ok {
                return Err(AppError::NotFound("The lead or author of this note was not found".into()));
            }
            state.notes.insert(note.id, note.clone());
            Ok(())
        })
    }

    async fn list(&self, lead_id: Uuid, page: PageRequest) -> Result<Page<Note>, AppError> {
        Ok(self.db.with(|state| {
            let mut rows: Vec<Note> = state.notes.values().filter(|n| n.lead_id == lead_id).cloned().collect();
            rows.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
            page_of(rows, page)
        }))
    }

    async fn find(&self, id: Uuid) -> Result<Option<Note>, AppError> {
        Ok(self.db.with(|state| state.notes.get(&id).cloned()))
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        Ok(self.db.with(|state| state.notes.remove(&id).is_some()))
    }
}
