//! Campaigns: create, change, list, their members, stats and runs.

use chrono::{DateTime, NaiveDate, Utc};
use garde::Validate;
use leadscore_application::campaigns::{
    Campaign, CampaignDraft, CampaignFilter, CampaignPatch, CampaignStats, Member, RunReport,
};
use leadscore_domain::campaigns::{CampaignInfo, CampaignStatus};
use leadscore_domain::pagination::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::CampaignStatusDto;
use crate::dto::common::double_option;
use crate::dto::common::list_params;
use crate::dto::criteria::CustomerCriteriaDto;
use crate::error::ApiError;

/// A new campaign.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"name": "Spring term deposits", "description": "Retired and management customers",
    "targetLeads": 500, "startDate": "2026-12-01", "endDate": "2026-12-31", "status": "Active",
    "criteria": {"job": ["retired", "management"], "ageMin": 30}, "collaboratorEmails": ["sales.one@bank.example"]}))]
pub struct CreateCampaignRequest {
    /// Name (1–200 characters).
    #[garde(length(chars, min = 1, max = leadscore_domain::limits::CAMPAIGN_NAME_MAX_CHARS))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// Description (up to 5,000 characters).
    #[garde(length(chars, max = leadscore_domain::limits::DESCRIPTION_MAX_CHARS))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// Most leads a run keeps (1–100,000).
    #[garde(range(min = 1, max = leadscore_domain::campaigns::MAX_TARGET_LEADS))]
    #[schema(minimum = 1, maximum = 100000)]
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
    #[schema(max_items = 100)]
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
    #[garde(inner(length(chars, min = 1, max = leadscore_domain::limits::CAMPAIGN_NAME_MAX_CHARS)))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    /// Description (`null` clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    #[garde(skip)]
    pub description: Option<Option<String>>,
    #[garde(inner(range(min = 1, max = leadscore_domain::campaigns::MAX_TARGET_LEADS)))]
    #[schema(minimum = 1, maximum = 100000)]
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
    #[garde(skip)]
    pub status: Option<CampaignStatusDto>,
    /// New criteria (replace the old ones).
    #[garde(dive)]
    pub criteria: Option<CustomerCriteriaDto>,
    /// New collaborator set (replaces the old one).
    #[garde(inner(length(max = 100)))]
    #[schema(max_items = 100)]
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
    pub name: String,
    pub description: Option<String>,
    /// Most leads a run keeps.
    pub target_leads: u32,
    /// First day.
    pub start_date: Option<NaiveDate>,
    /// Last day.
    pub end_date: Option<NaiveDate>,
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

list_params!(
    /// Filters and page of the campaign list.
    CampaignListParams {
        /// Case-insensitive part of the name (`name` is accepted as an alias).
        #[serde(alias = "name")]
        #[garde(length(chars, max = 200))]
        #[param(max_length = 200)]
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
);

impl CampaignListParams {
    /// Filter and page.
    pub fn into_query(self) -> Result<(CampaignFilter, PageRequest), ApiError> {
        let filter = CampaignFilter {
            q: self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned),
            status: self.status.map(Into::into),
            start_date: self.start_date,
            end_date: self.end_date,
            visible_to: None,
        };
        Ok((filter, self.page_request()?))
    }
}

/// A campaign for a dropdown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignOptionDto {
    /// Campaign id.
    pub id: Uuid,
    pub name: String,
}

/// Campaign counts by status, within the caller's visibility.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"total": 7, "active": 4, "paused": 1, "completed": 2}))]
pub struct CampaignStatsDto {
    /// All.
    pub total: u64,
    pub active: u64,
    pub paused: u64,
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
