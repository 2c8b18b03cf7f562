//! What the analytics use cases need from storage. Every figure is aggregated by the database (GROUP BY, window
//! functions); no adapter may load the rows it aggregates. Authorisation is the service's job: these answer for
//! whatever scope they are given.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use leadscore_domain::analytics::{DecileSums, Dimension};

use super::model::{
    BreakdownRow, CampaignScope, CustomerFigures, CustomerScope, LeadCounts, LeaderboardRow, PredictionCounts,
    PredictionScope, SeriesQuery, TierFigures,
};
use crate::AppError;
use crate::campaigns::CampaignStats;

/// Aggregates over customers, predictions, campaigns, leads and notes.
#[async_trait]
pub trait AnalyticsRepository: Send + Sync {
    /// Customer counts in scope; `predicted_yes` counts latest probabilities at or above `threshold`.
    async fn customer_figures(&self, scope: CustomerScope, threshold: f64) -> Result<CustomerFigures, AppError>;

    /// Prediction counts in scope (by their stored, possibly overridden, class).
    async fn prediction_counts(&self, scope: PredictionScope) -> Result<PredictionCounts, AppError>;

    /// Campaign counts by status, and lead counts by status of those campaigns.
    async fn campaign_and_lead_counts(&self, scope: CampaignScope) -> Result<(CampaignStats, LeadCounts), AppError>;

    /// Counts per bucket: (first day of the bucket in UTC, count), only for non-empty buckets, for rows dated in
    /// `[from, until)`. Weeks are ISO weeks (Monday). Predictions are dated by creation, leads by creation,
    /// conversions (leads now Converted) by closing.
    async fn series(&self, query: &SeriesQuery) -> Result<Vec<(NaiveDate, u64)>, AppError>;

    /// Customer figures per value of `dimension` (values without customers may be missing).
    async fn breakdown(
        &self,
        dimension: Dimension,
        scope: CustomerScope,
        threshold: f64,
    ) -> Result<Vec<BreakdownRow>, AppError>;

    /// Customers (by latest tier; `tier: None` for the never scored) and leads in scope per tier (tiers without
    /// any may be missing).
    async fn tiers(&self, customers: CustomerScope, campaigns: CampaignScope) -> Result<Vec<TierFigures>, AppError>;

    /// Per-decile sums over the leads in scope with a recorded outcome (Converted = 1, Failed = 0), optionally of
    /// one model version. A lead's decile is ⌊10 · (outcomes scoring strictly higher)
    /// / outcomes⌋ + 1, so equal probabilities share a decile; ranks for the AUC are over all those leads by
    /// ascending probability, ties averaged. Empty deciles are missing; no outcomes give an empty list.
    async fn lift(&self, scope: CampaignScope, model_version: Option<&str>) -> Result<Vec<DecileSums>, AppError>;

    /// One row per Sales user who is assigned a lead, wrote a note, or collaborates in scope. With a period
    /// `[from, until)` (either bound optional), leads count when their last change (their closing, for closed leads)
    /// is in it and notes when they were written in it.
    async fn leaderboard(
        &self,
        scope: CampaignScope,
        period: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    ) -> Result<Vec<LeaderboardRow>, AppError>;
}
