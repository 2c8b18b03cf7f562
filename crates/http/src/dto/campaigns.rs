//! Bodies and parameters of the campaign, lead, note and audit-trail endpoints.

use chrono::{DateTime, NaiveDate, Utc};
use garde::Validate;
use leadscore_application::campaigns::{
    Campaign, CampaignDraft, CampaignFilter, CampaignPatch, CampaignStats, LeadDetail, LeadFilter, LeadPatch, LeadSort,
    LeadStats, LeadView, Member, RunReport,
};
use leadscore_domain::campaigns::{CampaignInfo, CampaignStatus, LeadStatus, Note, NoteType};
use leadscore_domain::pagination::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::common::{ExportFormatParam, PageParams, SortDirParam, double_option};
use super::criteria::CustomerCriteriaDto;
use super::customers::{CustomerDto, TierDto};
use super::scoring::FactorsDto;
use crate::error::ApiError;

api_enum!(
    /// Whether a campaign is being worked.
    CampaignStatusDto => CampaignStatus {
        /// Being worked.
        Active = "Active",
        /// On hold.
        Paused = "Paused",
        /// Over; cannot be run.
        Completed = "Completed",
    }
);

api_enum!(
    /// Where a lead is in the workflow: `Pending` → `Contacted` → `Converted` | `Failed`, or `Pending` → `Failed`.
    LeadStatusDto => LeadStatus {
        /// Not called yet.
        Pending = "Pending",
        /// Called; outcome open.
        Contacted = "Contacted",
        /// Subscribed.
        Converted = "Converted",
        /// Will not subscribe.
        Failed = "Failed",
    }
);

api_enum!(
    /// Kind of note. `System` notes are written by the server on every lead change.
    NoteTypeDto => NoteType {
        /// Written by the system.
        System = "System",
        /// What the customer said.
        Feedback = "Feedback",
        /// Remarks for colleagues.
        Internal = "Internal",
    }
);

/// A new campaign.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Spring term deposits", "description": "Retired and management customers",
    "targetLeads": 500, "startDate": "2026-12-01", "endDate": "2026-12-31", "status": "Active",
    "criteria": {"job": ["retired", "management"], "ageMin": 30}, "collaboratorEmails": ["sales.one@bank.example"]}))]
pub struct CreateCampaignRequest {
    /// Name (1–200 characters).
    #[garde(length(chars, min = 1, max = 200))]
    pub name: String,
    /// Description (up to 5,000 characters).
    #[garde(length(chars, max = 5000))]
    pub description: Option<String>,
    /// Most leads a run keeps (1–100,000).
    #[garde(range(min = 1, max = 100_000))]
    pub target_leads: u32,
    /// First day (YYYY-MM-DD).
    #[garde(skip)]
    pub start_date: Option<NaiveDate>,
    /// Last day (not before startDate).
    #[garde(skip)]
    pub end_date: Option<NaiveDate>,
    /// Status (default Active).
    #[garde(skip)]
    pub status: Option<CampaignStatusDto>,
    /// Which customers: the customer filter (`{}` or absent = everyone).
    #[serde(default)]
    #[garde(dive)]
    pub criteria: CustomerCriteriaDto,
    /// Collaborators by e-mail; each must be an active user (at most 100).
    #[serde(default)]
    #[garde(length(max = 100))]
    pub collaborator_emails: Vec<String>,
}

impl From<CreateCampaignRequest> for CampaignDraft {
    fn from(r: CreateCampaignRequest) -> Self {
        CampaignDraft {
            info: CampaignInfo {
                name: r.name,
                description: r.description,
                target_leads: r.target_leads,
                start_date: r.start_date,
                end_date: r.end_date,
                status: r.status.map_or(CampaignStatus::Active, Into::into),
            },
            criteria: r.criteria.into(),
            collaborator_emails: r.collaborator_emails,
        }
    }
}

/// A partial change of a campaign; absent fields stay, `null` clears description and dates.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"status": "Paused", "targetLeads": 800}))]
pub struct UpdateCampaignRequest {
    /// Name.
    #[garde(inner(length(chars, min = 1, max = 200)))]
    pub name: Option<String>,
    /// Description (`null` clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    #[garde(skip)]
    pub description: Option<Option<String>>,
    /// Target leads.
    #[garde(inner(range(min = 1, max = 100_000)))]
    pub target_leads: Option<u32>,
    /// Start date (`null` clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    #[garde(skip)]
    pub start_date: Option<Option<NaiveDate>>,
    /// End date (`null` clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    #[garde(skip)]
    pub end_date: Option<Option<NaiveDate>>,
    /// Status.
    #[garde(skip)]
    pub status: Option<CampaignStatusDto>,
    /// New criteria (replace the old ones).
    #[garde(dive)]
    pub criteria: Option<CustomerCriteriaDto>,
    /// New collaborator set (replaces the old one).
    #[garde(inner(length(max = 100)))]
    pub collaborator_emails: Option<Vec<String>>,
}

impl From<UpdateCampaignRequest> for CampaignPatch {
    fn from(r: UpdateCampaignRequest) -> Self {
        CampaignPatch {
            name: r.name,
            description: r.description,
            target_leads: r.target_leads,
            start_date: r.start_date,
            end_date: r.end_date,
            status: r.status.map(Into::into),
            criteria: r.criteria.map(Into::into),
            collaborator_emails: r.collaborator_emails,
        }
    }
}

/// A user taking part in a campaign.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberDto {
    /// User id.
    pub id: Uuid,
    /// E-mail.
    pub email: String,
    /// Display name.
    pub full_name: Option<String>,
}

impl From<Member> for MemberDto {
    fn from(m: Member) -> Self {
        Self { id: m.id, email: m.email, full_name: m.full_name }
    }
}

/// What the last run did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LastRunDto {
    /// When.
    pub at: DateTime<Utc>,
    /// Model version.
    pub model_version: String,
    /// Customers matching the criteria.
    pub matched: u64,
    /// Leads on the list.
    pub leads: u64,
}

/// A campaign.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"id": "019a5b00-0000-7000-8000-000000000001", "name": "Spring term deposits",
    "description": null, "targetLeads": 500, "startDate": "2026-12-01", "endDate": "2026-12-31", "status": "Active",
    "criteria": {"job": ["retired"]}, "owner": {"id": "019a5a3c-0000-7c4a-9f1e-2b3c4d5e6f70",
    "email": "manager@bank.example", "fullName": "Maria Manager"}, "collaborators": [{"id":
    "019a5a3c-0000-7c4a-9f1e-2b3c4d5e6f71", "email": "sales.one@bank.example", "fullName": "Sam Sales"}],
    "lastRun": {"at": "2026-11-22T09:00:00Z", "modelVersion": "2026.11.1-mlp-distilled", "matched": 2264,
    "leads": 500}, "createdAt": "2026-11-22T08:00:00Z", "updatedAt": "2026-11-22T08:00:00Z"}))]
pub struct CampaignDto {
    /// Campaign id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Most leads a run keeps.
    pub target_leads: u32,
    /// First day.
    pub start_date: Option<NaiveDate>,
    /// Last day.
    pub end_date: Option<NaiveDate>,
    /// Status.
    pub status: CampaignStatusDto,
    /// Which customers.
    pub criteria: CustomerCriteriaDto,
    /// Who created it.
    pub owner: MemberDto,
    /// Who works its leads.
    pub collaborators: Vec<MemberDto>,
    /// The last run, if any.
    pub last_run: Option<LastRunDto>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<Campaign> for CampaignDto {
    fn from(c: Campaign) -> Self {
        Self {
            id: c.id,
            name: c.info.name,
            description: c.info.description,
            target_leads: c.info.target_leads,
            start_date: c.info.start_date,
            end_date: c.info.end_date,
            status: c.info.status.into(),
            criteria: c.criteria.into(),
            owner: c.owner.into(),
            collaborators: c.collaborators.into_iter().map(Into::into).collect(),
            last_run: c.last_run.map(|r| LastRunDto {
                at: r.at,
                model_version: r.model_version,
                matched: r.matched,
                leads: r.leads,
            }),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// Filters and page of the campaign list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CampaignListParams {
    /// Page number, from 1.
    #[garde(range(min = 1))]
    #[param(minimum = 1, example = 1)]
    pub page: Option<u32>,
    /// Page size, 1 to 100.
    #[garde(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100, example = 10)]
    pub limit: Option<u32>,
    /// Case-insensitive part of the name (`name` is accepted as an alias).
    #[serde(alias = "name")]
    #[garde(length(max = 200))]
    pub q: Option<String>,
    /// Only this status.
    #[garde(skip)]
    pub status: Option<CampaignStatusDto>,
    /// Campaigns starting on or after this day.
    #[garde(skip)]
    pub start_date: Option<NaiveDate>,
    /// Campaigns ending on or before this day.
    #[garde(skip)]
    pub end_date: Option<NaiveDate>,
}

impl CampaignListParams {
    /// Filter and page.
    pub fn parts(&self) -> Result<(CampaignFilter, PageRequest), ApiError> {
        let filter = CampaignFilter {
            q: self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned),
            status: self.status.map(Into::into),
            start_date: self.start_date,
            end_date: self.end_date,
            visible_to: None,
        };
        Ok((filter, PageParams { page: self.page, limit: self.limit }.request()?))
    }
}

/// A campaign for a dropdown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignOptionDto {
    /// Campaign id.
    pub id: Uuid,
    /// Name.
    pub name: String,
}

/// Campaign counts by status, within the caller's visibility.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"total": 7, "active": 4, "paused": 1, "completed": 2}))]
pub struct CampaignStatsDto {
    /// All.
    pub total: u64,
    /// Active.
    pub active: u64,
    /// Paused.
    pub paused: u64,
    /// Completed.
    pub completed: u64,
}

impl From<CampaignStats> for CampaignStatsDto {
    fn from(s: CampaignStats) -> Self {
        Self { total: s.total, active: s.active, paused: s.paused, completed: s.completed }
    }
}

/// What a run did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"matched": 45211, "scored": 45211, "failed": 0, "leads": 500, "added": 120, "kept": 380,
    "removed": 120, "modelVersion": "2026.11.1-mlp-distilled", "durationMs": 842}))]
pub struct RunReportDto {
    /// Customers matching the criteria.
    pub matched: u64,
    /// Customers scored.
    pub scored: u64,
    /// Customers the model could not encode.
    pub failed: u64,
    /// Leads on the list now.
    pub leads: u64,
    /// New leads (Pending).
    pub added: u64,
    /// Leads still listed (status, assignee, notes kept).
    pub kept: u64,
    /// Leads dropped from the list (deleted with their notes).
    pub removed: u64,
    /// Model version used.
    pub model_version: String,
    /// Wall time.
    pub duration_ms: u64,
}

impl From<RunReport> for RunReportDto {
    fn from(r: RunReport) -> Self {
        Self {
            matched: r.matched,
            scored: r.scored,
            failed: r.failed,
            leads: r.leads,
            added: r.counts.added,
            kept: r.counts.kept,
            removed: r.counts.removed,
            model_version: r.model_version,
            duration_ms: r.duration_ms,
        }
    }
}

/// A lead: a customer on a campaign's call list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeadDto {
    /// Lead id.
    pub id: Uuid,
    /// The campaign.
    pub campaign_id: Uuid,
    /// Call order (1 = first).
    pub rank: u32,
    /// Workflow status.
    pub status: LeadStatusDto,
    /// Who calls it.
    pub assignee: Option<MemberDto>,
    /// P(subscribes) at the last run.
    pub probability: f64,
    /// round(100 × probability).
    pub score: u8,
    /// Tier.
    pub tier: TierDto,
    /// Model version of the last run.
    pub model_version: String,
    /// Notes on the lead.
    pub notes_count: u64,
    /// Latest activity about the lead.
    pub last_activity_at: Option<DateTime<Utc>>,
    /// The customer with every attribute.
    pub customer: CustomerDto,
    /// Top factors of the last run's prediction (single-lead reads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factors: Option<FactorsDto>,
    /// That prediction's id (single-lead reads only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prediction_id: Option<Uuid>,
    /// Joined the list.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<LeadView> for LeadDto {
    fn from(v: LeadView) -> Self {
        let l = v.lead;
        Self {
            id: l.id,
            campaign_id: l.campaign_id,
            rank: l.rank,
            status: l.status.into(),
            assignee: v.assignee.map(Into::into),
            probability: l.probability,
            score: l.score,
            tier: l.tier.into(),
            model_version: l.model_version,
            notes_count: v.notes_count,
            last_activity_at: v.last_activity_at,
            customer: v.customer.into(),
            factors: None,
            prediction_id: None,
            created_at: l.created_at,
            updated_at: l.updated_at,
        }
    }
}

impl From<LeadDetail> for LeadDto {
    fn from(d: LeadDetail) -> Self {
        let mut dto = LeadDto::from(d.view);
        if let Some(p) = d.prediction {
            dto.prediction_id = Some(p.id);
            dto.factors = Some(p.factors.into());
        }
        dto
    }
}

/// Sort fields of a lead list.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum LeadSortBy {
    /// Probability (default, highest first: the call order).
    #[default]
    Probability,
    /// Last change (newest first).
    UpdatedAt,
}

/// Filters, sort and page of a lead list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LeadListParams {
    /// Page number, from 1.
    #[garde(range(min = 1))]
    #[param(minimum = 1, example = 1)]
    pub page: Option<u32>,
    /// Page size, 1 to 100.
    #[garde(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100, example = 10)]
    pub limit: Option<u32>,
    /// Only this status.
    #[garde(skip)]
    pub status: Option<LeadStatusDto>,
    /// Only this tier.
    #[garde(skip)]
    pub tier: Option<TierDto>,
    /// Only leads assigned to this user.
    #[garde(skip)]
    pub assignee: Option<Uuid>,
    /// Case-insensitive search in the customer's name, e-mail, phone, city and external id.
    #[garde(length(max = 200))]
    pub q: Option<String>,
    /// Sort field.
    #[garde(skip)]
    pub sort_by: Option<LeadSortBy>,
    /// Sort direction (default desc).
    #[garde(skip)]
    pub sort_dir: Option<SortDirParam>,
}

impl LeadListParams {
    /// Filter, sort and page.
    pub fn parts(&self) -> Result<(LeadFilter, LeadSort, PageRequest), ApiError> {
        let filter = LeadFilter {
            status: self.status.map(Into::into),
            tier: self.tier.map(Into::into),
            assignee: self.assignee,
            q: self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned),
        };
        let sort = match (self.sort_by.unwrap_or_default(), self.sort_dir.unwrap_or_default()) {
            (LeadSortBy::Probability, SortDirParam::Desc) => LeadSort::ProbabilityDesc,
            (LeadSortBy::Probability, SortDirParam::Asc) => LeadSort::ProbabilityAsc,
            (LeadSortBy::UpdatedAt, _) => LeadSort::UpdatedDesc,
        };
        Ok((filter, sort, PageParams { page: self.page, limit: self.limit }.request()?))
    }
}

/// A change of a lead: status and/or assignee.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"status": "Contacted", "assignee": "019a5a3c-0000-7c4a-9f1e-2b3c4d5e6f71"}))]
pub struct UpdateLeadRequest {
    /// New status (see the workflow).
    #[garde(skip)]
    pub status: Option<LeadStatusDto>,
    /// New assignee: the owner or a collaborator (`null` unassigns).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    #[garde(skip)]
    pub assignee: Option<Option<Uuid>>,
}

impl From<UpdateLeadRequest> for LeadPatch {
    fn from(r: UpdateLeadRequest) -> Self {
        LeadPatch { status: r.status.map(Into::into), assignee: r.assignee }
    }
}

/// Lead counts of a campaign.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"totalLeads": 500, "highProbability": 180, "pending": 310, "contacted": 95,
    "converted": 60, "failed": 35, "conversionRate": 0.631579}))]
pub struct LeadStatsDto {
    /// All leads.
    pub total_leads: u64,
    /// Tier Hot.
    pub high_probability: u64,
    /// Pending.
    pub pending: u64,
    /// Contacted.
    pub contacted: u64,
    /// Converted.
    pub converted: u64,
    /// Failed.
    pub failed: u64,
    /// converted / (converted + failed): the share of closed leads that subscribed; `null` before any is closed.
    pub conversion_rate: Option<f64>,
}

impl From<LeadStats> for LeadStatsDto {
    fn from(s: LeadStats) -> Self {
        let closed = s.converted + s.failed;
        Self {
            total_leads: s.total,
            high_probability: s.hot,
            pending: s.pending,
            contacted: s.contacted,
            converted: s.converted,
            failed: s.failed,
            conversion_rate: (closed > 0).then(|| (s.converted as f64 / closed as f64 * 1e6).round() / 1e6),
        }
    }
}

/// Options of the call-list export.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LeadExportParams {
    /// `csv` (default) or `xlsx`.
    #[garde(skip)]
    pub format: Option<ExportFormatParam>,
}

/// A new note.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"type": "Feedback", "text": "Interested; call back after payday with the 12-month rate."}))]
pub struct CreateNoteRequest {
    /// `Feedback` or `Internal` (`System` is refused).
    #[serde(rename = "type")]
    #[garde(skip)]
    pub note_type: NoteTypeDto,
    /// Text, 1–5,000 characters.
    #[garde(length(chars, min = 1, max = 5000))]
    pub text: String,
}

/// A note on a lead.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoteDto {
    /// Note id.
    pub id: Uuid,
    /// The campaign.
    pub campaign_id: Uuid,
    /// The lead.
    pub lead_id: Uuid,
    /// The author (absent for System notes).
    pub author_id: Option<Uuid>,
    /// Kind.
    #[serde(rename = "type")]
    pub note_type: NoteTypeDto,
    /// Text.
    pub text: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl From<Note> for NoteDto {
    fn from(n: Note) -> Self {
        Self {
            id: n.id,
            campaign_id: n.campaign_id,
            lead_id: n.lead_id,
            author_id: n.author_id,
            note_type: n.note_type.into(),
            text: n.text,
            created_at: n.created_at,
        }
    }
}
