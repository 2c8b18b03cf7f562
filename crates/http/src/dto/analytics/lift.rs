//! Whether the scores work: tiers, deciles, lift and the callers' leaderboard.

use leadscore_application::analytics::{LeaderboardRow, LiftReport, TierFigures};
use leadscore_domain::analytics::{Decile, rate};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::dto::attributes::TierDto;

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
    pub user_id: Uuid,
    /// E-mail.
    pub email: String,
    pub full_name: Option<String>,
    /// Leads assigned to them.
    pub assigned: u64,
    /// Of them, Pending.
    pub pending: u64,
    pub contacted: u64,
    pub converted: u64,
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
