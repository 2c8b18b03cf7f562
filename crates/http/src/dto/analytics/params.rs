//! What the analytics endpoints take: periods, dimensions, scopes.

use chrono::NaiveDate;
use garde::Validate;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{DimensionDto, GroupByDto, MetricDto};

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
    #[garde(length(chars, min = 1, max = 100))]
    #[param(min_length = 1, max_length = 100, example = "2026.11.1-mlp-distilled")]
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
