//! The dashboard's figures: overview, trends and breakdowns.

use chrono::NaiveDate;
use leadscore_application::analytics::{Breakdown, BreakdownRow, LeadCounts, Overview, Trend};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{DimensionDto, GroupByDto, MetricDto};
use crate::dto::campaigns::CampaignStatsDto;

/// Customer-base figures.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerFiguresDto {
    /// Customers.
    pub total: u64,
    /// With a latest score.
    pub scored: u64,
    /// Scored at or above the decision threshold.
    pub predicted_yes: u64,
    /// `predictedYes / scored`.
    pub predicted_yes_share: Option<f64>,
    /// Mean latest probability of the scored.
    pub average_probability: Option<f64>,
    /// With a known outcome (`y` of imported data, or recorded by a closed lead).
    pub with_outcome: u64,
    /// Of them, subscribed.
    pub subscribed: u64,
    /// `subscribed / withOutcome`.
    pub conversion_rate: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PredictionCountsDto {
    /// All.
    pub total: u64,
    /// Predicted class `yes` (after overrides).
    pub yes: u64,
    /// Predicted class `no`.
    pub no: u64,
    /// Mean probability.
    pub average_probability: Option<f64>,
}

/// Lead counts by status.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeadCountsDto {
    /// All.
    pub total: u64,
    pub pending: u64,
    pub contacted: u64,
    pub converted: u64,
    pub failed: u64,
    /// `converted / (converted + failed)`.
    pub conversion_rate: Option<f64>,
}

impl From<LeadCounts> for LeadCountsDto {
    fn from(l: LeadCounts) -> Self {
        Self {
            total: l.total,
            pending: l.pending,
            contacted: l.contacted,
            converted: l.converted,
            failed: l.failed,
            conversion_rate: l.conversion_rate(),
        }
    }
}

/// The dashboard's headline figures, within the caller's visibility.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "customers": {"total": 45211, "scored": 45211, "predictedYes": 9120, "predictedYesShare": 0.2017,
        "averageProbability": 0.1173, "withOutcome": 45211, "subscribed": 5289, "conversionRate": 0.117},
    "predictions": {"total": 45342, "yes": 9170, "no": 36172, "averageProbability": 0.1175},
    "campaigns": {"total": 3, "active": 2, "paused": 0, "completed": 1},
    "leads": {"total": 1500, "pending": 900, "contacted": 300, "converted": 120, "failed": 180, "conversionRate": 0.4},
    "modelVersion": "2026.11.1-mlp-distilled", "decisionThreshold": 0.2}))]
pub struct OverviewDto {
    /// Customers (Admin, Manager: the whole base; Sales: the customers on their campaigns' call lists).
    pub customers: CustomerFiguresDto,
    /// Predictions (Sales: the ones they asked for).
    pub predictions: PredictionCountsDto,
    /// Visible campaigns by status.
    pub campaigns: CampaignStatsDto,
    /// Their leads by status, with the conversion rate of the closed ones.
    pub leads: LeadCountsDto,
    /// The model whose decision threshold defines "predicted yes".
    pub model_version: String,
    /// That threshold.
    pub decision_threshold: f64,
}

impl From<Overview> for OverviewDto {
    fn from(o: Overview) -> Self {
        let c = o.customers;
        Self {
            customers: CustomerFiguresDto {
                total: c.total,
                scored: c.scored,
                predicted_yes: c.predicted_yes,
                predicted_yes_share: c.predicted_yes_share(),
                average_probability: c.mean_probability(),
                with_outcome: c.with_outcome,
                subscribed: c.subscribed,
                conversion_rate: c.conversion_rate(),
            },
            predictions: PredictionCountsDto {
                total: o.predictions.total,
                yes: o.predictions.yes,
                no: o.predictions.no,
                average_probability: o.predictions.mean_probability(),
            },
            campaigns: CampaignStatsDto::from(o.campaigns),
            leads: o.leads.into(),
            model_version: o.model_version,
            decision_threshold: o.decision_threshold,
        }
    }
}

/// One bucket of a trend.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrendPointDto {
    /// `2026-01-15` (day), `2026-W03` (ISO week, with its ISO year), `2026-01` (month).
    pub period: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
    /// What was counted in it (0 for an empty bucket).
    pub count: u64,
}

/// A complete series: every bucket from `from` to `to`, empty ones as 0.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"metric": "conversions", "groupBy": "week", "from": "2025-12-22", "to": "2026-01-11",
    "campaignId": null, "total": 7, "points": [
        {"period": "2025-W52", "start": "2025-12-22", "end": "2025-12-28", "count": 2},
        {"period": "2026-W01", "start": "2025-12-29", "end": "2026-01-04", "count": 0},
        {"period": "2026-W02", "start": "2026-01-05", "end": "2026-01-11", "count": 5}]}))]
pub struct TrendDto {
    /// What was counted.
    pub metric: MetricDto,
    /// Bucket length.
    pub group_by: GroupByDto,
    /// First day of the first bucket.
    pub from: NaiveDate,
    /// Last day of the last bucket.
    pub to: NaiveDate,
    /// The campaign it is limited to.
    pub campaign_id: Option<Uuid>,
    /// Sum of the buckets.
    pub total: u64,
    /// The buckets, oldest first.
    pub points: Vec<TrendPointDto>,
}

impl From<Trend> for TrendDto {
    fn from(t: Trend) -> Self {
        let total = t.total();
        let from = t.buckets.first().map(|b| b.start).unwrap_or_default();
        let to = t.buckets.last().map(|b| b.end).unwrap_or_default();
        Self {
            metric: t.metric.into(),
            group_by: t.granularity.into(),
            from,
            to,
            campaign_id: t.campaign_id,
            total,
            points: t
                .buckets
                .into_iter()
                .map(|b| TrendPointDto { period: b.label, start: b.start, end: b.end, count: b.count })
                .collect(),
        }
    }
}

/// Customers of one value of the dimension.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BreakdownGroupDto {
    /// The value (`management`, `25-34`, `may`, ...).
    pub key: String,
    pub customers: u64,
    /// With a latest score.
    pub scored: u64,
    /// Mean latest probability of the scored.
    pub average_probability: Option<f64>,
    /// Share of the scored at or above the decision threshold.
    pub predicted_yes_share: Option<f64>,
    /// With a known outcome.
    pub with_outcome: u64,
    /// Observed conversion: subscribed over known outcomes.
    pub conversion_rate: Option<f64>,
}

impl From<BreakdownRow> for BreakdownGroupDto {
    fn from(r: BreakdownRow) -> Self {
        let f = r.figures;
        Self {
            key: r.key,
            customers: f.total,
            scored: f.scored,
            average_probability: f.mean_probability(),
            predicted_yes_share: f.predicted_yes_share(),
            with_outcome: f.with_outcome,
            conversion_rate: f.conversion_rate(),
        }
    }
}

/// Customers broken down by one dimension; every value is listed, in its natural order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"by": "job", "modelVersion": "2026.11.1-mlp-distilled", "decisionThreshold": 0.2,
    "groups": [{"key": "admin.", "customers": 5171, "scored": 5171, "averageProbability": 0.12,
        "predictedYesShare": 0.19, "withOutcome": 5171, "conversionRate": 0.122},
        {"key": "student", "customers": 938, "scored": 938, "averageProbability": 0.27, "predictedYesShare": 0.55,
        "withOutcome": 938, "conversionRate": 0.287}]}))]
pub struct BreakdownDto {
    /// The dimension.
    pub by: DimensionDto,
    /// The model whose decision threshold defines "predicted yes".
    pub model_version: String,
    /// That threshold.
    pub decision_threshold: f64,
    /// One group per value.
    pub groups: Vec<BreakdownGroupDto>,
}

impl From<Breakdown> for BreakdownDto {
    fn from(b: Breakdown) -> Self {
        Self {
            by: b.dimension.into(),
            model_version: b.model_version,
            decision_threshold: b.decision_threshold,
            groups: b.rows.into_iter().map(Into::into).collect(),
        }
    }
}
