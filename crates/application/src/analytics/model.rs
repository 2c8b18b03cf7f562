//! What the analytics use cases ask storage for, and the figures they answer with.

use chrono::{DateTime, Utc};
use leadscore_domain::analytics::{Bucket, Dimension, Granularity, Metric, rate};
use leadscore_domain::scoring::Tier;
use uuid::Uuid;

use crate::campaigns::CampaignStats;
pub use crate::campaigns::LeadCounts;

/// Which campaigns' leads (and notes) a figure covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignScope {
    /// Every campaign (Admin).
    All,
    /// The campaigns the user owns or collaborates on.
    VisibleTo(Uuid),
    /// One campaign, already checked to be visible.
    One(Uuid),
}

/// Which predictions a figure covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PredictionScope {
    /// Only those this user asked for (Sales see their own, as in `GET /predictions`).
    pub requested_by: Option<Uuid>,
    /// Only those of this campaign's runs.
    pub campaign_id: Option<Uuid>,
}

/// Which customers a figure covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerScope {
    /// The whole base (roles that may list customers).
    All,
    /// Customers on the call list of a campaign the user owns or collaborates on (Sales see customers only there).
    InCampaignsVisibleTo(Uuid),
}

/// Everything a caller's figures are limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Campaigns, leads and notes.
    pub campaigns: CampaignScope,
    /// Predictions.
    pub predictions: PredictionScope,
    /// Customers.
    pub customers: CustomerScope,
}

/// Customer-base counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CustomerFigures {
    /// Customers.
    pub total: u64,
    /// With a latest score.
    pub scored: u64,
    /// Scored at or above the decision threshold.
    pub predicted_yes: u64,
    /// Sum of the latest probabilities (for the mean).
    pub probability_sum: f64,
    /// With a known outcome (`y` or recorded by a closed lead).
    pub with_outcome: u64,
    /// Of them, subscribed.
    pub subscribed: u64,
}

impl CustomerFigures {
    /// Mean latest probability of the scored customers.
    pub fn mean_probability(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.probability_sum / self.scored as f64)
    }

    /// Share of the scored customers predicted `yes`.
    pub fn predicted_yes_share(&self) -> Option<f64> {
        rate(self.predicted_yes, self.scored)
    }

    /// Share of customers with a known outcome who subscribed.
    pub fn conversion_rate(&self) -> Option<f64> {
        rate(self.subscribed, self.with_outcome)
    }
}

/// Prediction counts.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PredictionCounts {
    /// All.
    pub total: u64,
    /// Predicted class `yes` (after any override).
    pub yes: u64,
    /// Predicted class `no`.
    pub no: u64,
    /// Sum of probabilities (for the mean).
    pub probability_sum: f64,
}

impl PredictionCounts {
    /// Mean probability.
    pub fn mean_probability(&self) -> Option<f64> {
        (self.total > 0).then(|| self.probability_sum / self.total as f64)
    }
}

/// The dashboard's headline figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// Customers in scope.
    pub customers: CustomerFigures,
    /// Predictions in scope.
    pub predictions: PredictionCounts,
    /// Campaigns in scope, by status.
    pub campaigns: CampaignStats,
    /// Leads of those campaigns, by status.
    pub leads: LeadCounts,
    /// The model whose decision threshold defined `predicted yes`.
    pub model_version: String,
    /// That threshold.
    pub decision_threshold: f64,
}

/// A count per bucket, as storage groups it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesQuery {
    /// What is counted.
    pub metric: Metric,
    /// Bucket length.
    pub granularity: Granularity,
    /// Start of the first bucket (inclusive).
    pub from: DateTime<Utc>,
    /// End of the last bucket (exclusive).
    pub until: DateTime<Utc>,
    /// Leads' campaigns (conversions, leads).
    pub campaigns: CampaignScope,
    /// Predictions (predictions).
    pub predictions: PredictionScope,
}

/// A complete series.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    /// What is counted.
    pub metric: Metric,
    /// Bucket length.
    pub granularity: Granularity,
    /// The campaign it is limited to.
    pub campaign_id: Option<Uuid>,
    /// Every bucket, empty ones as zero.
    pub buckets: Vec<Bucket>,
}

impl Trend {
    /// Sum over the buckets.
    pub fn total(&self) -> u64 {
        self.buckets.iter().map(|b| b.count).sum()
    }
}

/// One group of a breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownRow {
    /// The group's value.
    pub key: String,
    /// Its figures.
    pub figures: CustomerFigures,
}

/// Customers broken down by one dimension, every value listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    /// The dimension.
    pub dimension: Dimension,
    /// One row per value, in the dimension's natural order.
    pub rows: Vec<BreakdownRow>,
    /// The model whose decision threshold defined `predicted yes`.
    pub model_version: String,
    /// That threshold.
    pub decision_threshold: f64,
}

/// Customers and leads of one tier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TierFigures {
    /// The tier (`None`: customers never scored).
    pub tier: Option<Tier>,
    /// Customers whose latest score is in the tier.
    pub customers: u64,
    /// Of them, with a known outcome.
    pub customers_with_outcome: u64,
    /// Of those, subscribed.
    pub customers_subscribed: u64,
    /// Leads in the tier.
    pub leads: u64,
    /// Of them, closed (Converted or Failed).
    pub leads_closed: u64,
    /// Of those, converted.
    pub leads_converted: u64,
}

/// One person's lead work.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaderboardRow {
    /// The user.
    pub user_id: Uuid,
    /// E-mail.
    pub email: String,
    /// Name.
    pub full_name: Option<String>,
    /// Leads assigned to them now.
    pub leads: LeadCounts,
    /// Feedback and Internal notes they wrote.
    pub notes: u64,
}
