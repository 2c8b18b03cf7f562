//! Parameters and answers of the analytics endpoints. Rates and means are `null` where their denominator is zero,
//! so "no data" is never shown as 0 %.

use chrono::NaiveDate;
use garde::Validate;
use leadscore_application::analytics::{
    Breakdown, BreakdownRow, LeadCounts, LeaderboardRow, LiftReport, Overview, TierFigures, Trend,
};
use leadscore_domain::analytics::{Decile, Dimension, Granularity, Metric, rate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::campaigns::CampaignStatsDto;
use super::customers::TierDto;

api_enum!(
    /// Bucket length of a trend: UTC days, ISO weeks (Monday to Sunday) or calendar months.
    GroupByDto => Granularity {
        /// One UTC day.
        Day = "day",
        /// One ISO week.
        Week = "week",
        /// One calendar month.
        Month = "month",
    }
);

api_enum!(
    /// What a trend counts: predictions by creation, leads by creation, conversions (leads now Converted) by
    /// closing.
    MetricDto => Metric {
        /// Predictions made.
        Predictions = "predictions",
        /// Leads closed as Converted.
        Conversions = "conversions",
        /// Leads put on call lists.
        Leads = "leads",
    }
);

api_enum!(
    /// A customer attribute to break the base down by.
    DimensionDto => Dimension {
        /// Type of job.
        Job = "job",
        /// Education.
        Education = "education",
        /// Marital status.
        Marital = "marital",
        /// Month of the last contact.
        Month = "month",
        /// Contact channel.
        Contact = "contact",
        /// Outcome of the previous campaign.
        Poutcome = "poutcome",
        /// Age bands 18-24, 25-34, 35-44, 45-54, 55-64, 65+.
        AgeBand = "age-band",
    }
);

/// Parameters of `GET /analytics/trend`.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrendParams {
    /// Bucket length (default `day`).
    #[garde(skip)]
    pub group_by: Option<GroupByDto>,
    /// What to count (default `predictions`).
    #[garde(skip)]
    pub metric: Option<MetricDto>,
    /// First day, UTC, inclusive (default: 30 days, 12 weeks or 12 months before `to`). Widened to the start of
    /// its bucket.
    #[garde(skip)]
    #[param(example = "2026-01-01")]
    pub from: Option<NaiveDate>,
    /// Last day, UTC, inclusive (default: today). Widened to the end of its bucket. At most 366 buckets.
    #[garde(skip)]
    #[param(example = "2026-03-31")]
    pub to: Option<NaiveDate>,
    /// Only this campaign's leads (or its runs' predictions); 404 unless visible to the caller.
    #[garde(skip)]
    pub campaign_id: Option<Uuid>,
}

/// Parameters of `GET /analytics/by`.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BreakdownParams {
    /// The dimension (default `job`).
    #[garde(skip)]
    pub by: Option<DimensionDto>,
}

/// Parameters of `GET /analytics/lift`.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LiftParams {
    /// Only this campaign's leads; 404 unless visible to the caller.
    #[garde(skip)]
    pub campaign_id: Option<Uuid>,
    /// Only leads scored by this model version.
    #[garde(length(min = 1, max = 100))]
    #[param(example = "2026.11.1-mlp-distilled")]
    pub model_version: Option<String>,
}

/// Parameters of `GET /analytics/leaderboard`.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LeaderboardParams {
    /// Only this campaign; 404 unless visible to the caller.
    #[garde(skip)]
    pub campaign_id: Option<Uuid>,
    /// First day, UTC, inclusive: leads whose last change (their closing, for closed leads) and notes written on
    /// or after it.
    #[garde(skip)]
    #[param(example = "2026-01-01")]
    pub from: Option<NaiveDate>,
    /// Last day, UTC, inclusive.
    #[garde(skip)]
    #[param(example = "2026-03-31")]
    pub to: Option<NaiveDate>,
}

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

/// Prediction counts.
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
    /// Pending.
    pub pending: u64,
    /// Contacted.
    pub contacted: u64,
    /// Converted.
    pub converted: u64,
    /// Failed.
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
    /// Customers.
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

/// Customers and leads of one tier.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"tier": "Hot", "customers": 4100, "customersWithOutcome": 4100,
    "customerConversionRate": 0.41, "leads": 500, "leadsClosed": 120, "leadsConverted": 50,
    "leadConversionRate": 0.4167}))]
pub struct TierRowDto {
    /// The tier; `null` for customers never scored (they have no leads).
    pub tier: Option<TierDto>,
    /// Customers whose latest score is in the tier.
    pub customers: u64,
    /// Of them, with a known outcome.
    pub customers_with_outcome: u64,
    /// Of those, the share that subscribed.
    pub customer_conversion_rate: Option<f64>,
    /// Leads in the tier (in visible campaigns).
    pub leads: u64,
    /// Of them, closed (Converted or Failed).
    pub leads_closed: u64,
    /// Of those, converted.
    pub leads_converted: u64,
    /// `leadsConverted / leadsClosed`.
    pub lead_conversion_rate: Option<f64>,
}

impl From<TierFigures> for TierRowDto {
    fn from(t: TierFigures) -> Self {
        Self {
            tier: t.tier.map(Into::into),
            customers: t.customers,
            customers_with_outcome: t.customers_with_outcome,
            customer_conversion_rate: rate(t.customers_subscribed, t.customers_with_outcome),
            leads: t.leads,
            leads_closed: t.leads_closed,
            leads_converted: t.leads_converted,
            lead_conversion_rate: rate(t.leads_converted, t.leads_closed),
        }
    }
}

/// One score decile of the leads with a recorded outcome.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecileDto {
    /// 1 (highest probabilities) to 10. A lead with h outcomes scored strictly higher is in decile
    /// ⌊10 · h / total⌋ + 1, so equal probabilities always share a decile and deciles may differ in size by ties.
    pub decile: u8,
    /// Leads.
    pub count: u64,
    /// Of them, converted.
    pub conversions: u64,
    /// Mean predicted probability.
    pub mean_probability: f64,
    /// Lowest probability.
    pub min_probability: f64,
    /// Highest probability.
    pub max_probability: f64,
    /// Observed conversion rate.
    pub conversion_rate: f64,
    /// Share of all conversions in this decile and the ones above it.
    pub cumulative_capture: f64,
    /// Conversion rate over the base rate.
    pub lift: f64,
    /// Conversion rate of deciles 1 to this one, over the base rate.
    pub cumulative_lift: f64,
}

impl From<Decile> for DecileDto {
    fn from(d: Decile) -> Self {
        Self {
            decile: d.decile,
            count: d.count,
            conversions: d.conversions,
            mean_probability: d.mean_probability,
            min_probability: d.min_probability,
            max_probability: d.max_probability,
            conversion_rate: d.conversion_rate,
            cumulative_capture: d.cumulative_capture,
            lift: d.lift,
            cumulative_lift: d.cumulative_lift,
        }
    }
}

/// Whether high scores convert more: lift by score decile, ROC AUC and Brier score of the leads with a recorded
/// outcome (Converted = 1, Failed = 0). Below `minOutcomes` outcomes, or without both classes, `insufficientData`
/// is true, `message` says why and there is no table.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"campaignId": "0193a5b0-7e1f-7c3a-9f00-4c1d2e3f4a5b", "modelVersion": null,
    "outcomes": 1200, "conversions": 140, "baseRate": 0.1167, "minOutcomes": 50, "insufficientData": false,
    "message": null, "auc": 0.781, "brier": 0.0912, "deciles": [
        {"decile": 1, "count": 120, "conversions": 52, "meanProbability": 0.48, "minProbability": 0.33,
         "maxProbability": 0.91, "conversionRate": 0.4333, "cumulativeCapture": 0.3714, "lift": 3.71,
         "cumulativeLift": 3.71}]}))]
pub struct LiftDto {
    /// The campaign it is limited to.
    pub campaign_id: Option<Uuid>,
    /// The model version it is limited to.
    pub model_version: Option<String>,
    /// Leads with a recorded outcome.
    pub outcomes: u64,
    /// Of them, converted.
    pub conversions: u64,
    /// `conversions / outcomes`.
    pub base_rate: Option<f64>,
    /// Outcomes needed for a table.
    pub min_outcomes: u64,
    /// True when there are too few outcomes, or only one class.
    pub insufficient_data: bool,
    /// Why the data is insufficient.
    pub message: Option<String>,
    /// Area under the ROC curve (0.5 = random, 1 = perfect ranking).
    pub auc: Option<f64>,
    /// Brier score: mean squared error of the probabilities (lower is better).
    pub brier: Option<f64>,
    /// Deciles 1 to 10 (fewer with under ten outcomes).
    pub deciles: Vec<DecileDto>,
}

impl From<LiftReport> for LiftDto {
    fn from(r: LiftReport) -> Self {
        let l = r.lift;
        Self {
            campaign_id: r.campaign_id,
            model_version: r.model_version,
            outcomes: l.outcomes,
            conversions: l.conversions,
            base_rate: l.base_rate,
            min_outcomes: r.min_outcomes,
            insufficient_data: l.insufficient.is_some(),
            message: l.insufficient,
            auc: l.auc,
            brier: l.brier,
            deciles: l.deciles.into_iter().map(Into::into).collect(),
        }
    }
}

/// One Sales user's lead work.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"rank": 1, "userId": "0193a5b0-7e1f-7c3a-9f00-4c1d2e3f4a5c", "email": "sari@bank.example",
    "fullName": "Sari Sales", "assigned": 40, "pending": 10, "contacted": 12, "converted": 8, "failed": 10,
    "conversionRate": 0.4444, "notes": 31}))]
pub struct LeaderboardRowDto {
    /// Position, from 1: most conversions, then best conversion rate, then most leads.
    pub rank: u32,
    /// The user.
    pub user_id: Uuid,
    /// E-mail.
    pub email: String,
    /// Name.
    pub full_name: Option<String>,
    /// Leads assigned to them.
    pub assigned: u64,
    /// Of them, Pending.
    pub pending: u64,
    /// Contacted.
    pub contacted: u64,
    /// Converted.
    pub converted: u64,
    /// Failed.
    pub failed: u64,
    /// `converted / (converted + failed)`.
    pub conversion_rate: Option<f64>,
    /// Feedback and Internal notes they wrote.
    pub notes: u64,
}

impl LeaderboardRowDto {
    /// The row at position `rank`.
    pub fn new(rank: u32, r: LeaderboardRow) -> Self {
        Self {
            rank,
            user_id: r.user_id,
            email: r.email,
            full_name: r.full_name,
            assigned: r.leads.total,
            pending: r.leads.pending,
            contacted: r.leads.contacted,
            converted: r.leads.converted,
            failed: r.leads.failed,
            conversion_rate: r.leads.conversion_rate(),
            notes: r.notes,
        }
    }
}
