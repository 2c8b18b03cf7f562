//! Analytics: the dashboard figures (overview, trends, breakdowns, tiers), whether the scores work (lift, ROC AUC,
//! Brier score against recorded outcomes) and the sales leaderboard, each within what the caller may see.

mod model;
mod ports;
mod service;

pub use model::{
    Breakdown, BreakdownRow, CampaignScope, CustomerFigures, CustomerScope, LeadCounts, LeaderboardRow, Overview,
    PredictionCounts, PredictionScope, Scope, SeriesQuery, TierFigures, Trend,
};
pub use ports::AnalyticsRepository;
pub use service::{AnalyticsService, LiftReport, TrendRequest};
