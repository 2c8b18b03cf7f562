//! Leads of a call list: the lead, its change, list, stats and export.

use chrono::{DateTime, Utc};
use garde::Validate;
use leadscore_application::campaigns::{LeadDetail, LeadFilter, LeadPatch, LeadSort, LeadStats, LeadView};
use leadscore_domain::pagination::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{LeadStatusDto, MemberDto};
use crate::dto::attributes::TierDto;
use crate::dto::common::list_params;
use crate::dto::common::{ExportFormatParam, SortDirParam, double_option};
use crate::dto::customers::CustomerDto;
use crate::dto::scoring::FactorsDto;
use crate::error::ApiError;

/// A lead: a customer on a campaign's call list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeadDto {
    /// Lead id.
    pub id: Uuid,
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

list_params!(
    /// Filters, sort and page of a lead list.
    LeadListParams sorted by LeadSortBy {
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
        #[garde(length(chars, max = 200))]
        #[param(max_length = 200)]
        pub q: Option<String>,
    }
);

impl LeadListParams {
    /// Filter, sort and page.
    pub fn into_query(self) -> Result<(LeadFilter, LeadSort, PageRequest), ApiError> {
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
        Ok((filter, sort, self.page_request()?))
    }
}

/// A change of a lead: status and/or assignee.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"status": "Contacted"}))]
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
    pub pending: u64,
    pub contacted: u64,
    pub converted: u64,
    pub failed: u64,
    /// converted / (converted + failed): the share of closed leads that subscribed; `null` before any is closed.
    pub conversion_rate: Option<f64>,
}

impl From<LeadStats> for LeadStatsDto {
    fn from(s: LeadStats) -> Self {
        Self {
            conversion_rate: s.counts().conversion_rate(),
            total_leads: s.total,
            high_probability: s.hot,
            pending: s.pending,
            contacted: s.contacted,
            converted: s.converted,
            failed: s.failed,
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
