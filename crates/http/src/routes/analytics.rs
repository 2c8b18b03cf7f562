//! `/api/v1/analytics`: dashboard figures, trends, breakdowns, tiers, lift and the sales leaderboard. Every figure
//! is limited to what the caller may see; the rules live in `AnalyticsService`.

use actix_web::web;
use leadscore_application::analytics::TrendRequest;
use leadscore_domain::analytics::{Dimension, Granularity, Metric};

use crate::dto::analytics::{
    BreakdownDto, BreakdownParams, LeaderboardParams, LeaderboardRowDto, LiftDto, LiftParams, OverviewDto, TierRowDto,
    TrendDto, TrendParams,
};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AuthUser, ValidQuery};
use crate::response::{Envelope, ok};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/analytics/overview").route(web::get().to(overview)))
        .service(web::resource("/analytics/trend").route(web::get().to(trend)))
        .service(web::resource("/analytics/by").route(web::get().to(breakdown)))
        .service(web::resource("/analytics/by-job").route(web::get().to(by_job)))
        .service(web::resource("/analytics/tiers").route(web::get().to(tiers)))
        .service(web::resource("/analytics/lift").route(web::get().to(lift)))
        .service(web::resource("/analytics/leaderboard").route(web::get().to(leaderboard)));
}

/// Get the dashboard overview
///
/// Headline figures within the caller's visibility: customers (scored, predicted yes, known outcomes), predictions
/// (yes/no), campaigns by status, their leads by status with the conversion rate, mean probabilities.
#[utoipa::path(get, path = "/api/v1/analytics/overview", tag = "Analytics", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The figures", body = Envelope<OverviewDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn overview(state: web::Data<AppState>, user: AuthUser) -> ApiResult {
    Ok(ok(OverviewDto::from(state.analytics.overview(&user.0).await?)))
}

/// Get a trend of predictions, leads or conversions
///
/// A complete series of predictions, leads or conversions per UTC day, ISO week or month; empty buckets are 0 and
/// the period is widened to whole buckets.
#[utoipa::path(get, path = "/api/v1/analytics/trend", tag = "Analytics", security(("bearerAuth" = [])),
    params(TrendParams),
    responses(
        (status = 200, description = "The series", body = Envelope<TrendDto>),
        (status = 400, description = "Unknown groupBy or metric, a malformed date, from after to, or more than 366 \
            buckets", body = ErrorBody,
            example = json!({"status": "fail", "message": "Validation failed", "errors": [{"field": "to",
                "message": "the period has more than 366 day buckets; shorten it or group by a longer unit"}]})),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such campaign, or not visible to the caller", body = ErrorBody,
            example = json!({"status": "fail", "message": "campaign 0193a5b0-7e1f-7c3a-9f00-4c1d2e3f4a5b not found"})),
    ))]
pub async fn trend(state: web::Data<AppState>, user: AuthUser, params: ValidQuery<TrendParams>) -> ApiResult {
    let p = params.0;
    let request = TrendRequest {
        metric: p.metric.map_or(Metric::Predictions, Into::into),
        granularity: p.group_by.map_or(Granularity::Day, Into::into),
        from: p.from,
        to: p.to,
        campaign_id: p.campaign_id,
    };
    Ok(ok(TrendDto::from(state.analytics.trend(&user.0, request).await?)))
}

/// Break customers down by a dimension
///
/// Customers by job, education, marital status, contact month, contact channel, previous outcome or age band:
/// count, mean probability, share predicted yes, observed conversion. Every value of the dimension is listed.
#[utoipa::path(get, path = "/api/v1/analytics/by", tag = "Analytics", security(("bearerAuth" = [])),
    params(BreakdownParams),
    responses(
        (status = 200, description = "One group per value", body = Envelope<BreakdownDto>),
        (status = 400, description = "Unknown dimension", body = ErrorBody,
            example = json!({"status": "fail", "message": "Validation failed", "errors": [{"field": "by",
                "message": "unknown variant `balance`, expected one of `job`, `education`, `marital`, `month`, \
`contact`, `poutcome`, `age-band`"}]})),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn breakdown(state: web::Data<AppState>, user: AuthUser, params: ValidQuery<BreakdownParams>) -> ApiResult {
    let dimension = params.0.by.map_or(Dimension::Job, Into::into);
    Ok(ok(BreakdownDto::from(state.analytics.breakdown(&user.0, dimension).await?)))
}

/// Break customers down by job (legacy path)
///
/// S0's path, kept: the same answer and parameters as `GET /api/v1/analytics/by` (`by` defaults to `job`).
#[utoipa::path(get, path = "/api/v1/analytics/by-job", tag = "Analytics", security(("bearerAuth" = [])),
    params(BreakdownParams),
    responses(
        (status = 200, description = "One group per value (per job by default)", body = Envelope<BreakdownDto>),
        (status = 400, description = "Unknown dimension", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn by_job(state: web::Data<AppState>, user: AuthUser, params: ValidQuery<BreakdownParams>) -> ApiResult {
    breakdown(state, user, params).await
}

/// Get customers and leads per tier
///
/// Customers (by latest tier) and leads per tier, with the observed conversion of each: Hot, Warm, Cold, then the
/// never-scored customers (`tier: null`).
#[utoipa::path(get, path = "/api/v1/analytics/tiers", tag = "Analytics", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Four rows, always", body = Envelope<Vec<TierRowDto>>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn tiers(state: web::Data<AppState>, user: AuthUser) -> ApiResult {
    let rows = state.analytics.tiers(&user.0).await?;
    Ok(ok(rows.into_iter().map(TierRowDto::from).collect::<Vec<_>>()))
}

/// Get lift, ROC AUC and Brier score
///
/// Lift by score decile, ROC AUC and Brier score of the leads with a recorded outcome in the caller's campaigns (or
/// one campaign, or one model version). With fewer than 50 outcomes, or only one class, the answer is still 200
/// with `insufficientData: true` and the reason.
#[utoipa::path(get, path = "/api/v1/analytics/lift", tag = "Analytics", security(("bearerAuth" = [])),
    params(LiftParams),
    responses(
        (status = 200, description = "The lift table, or why there is none", body = Envelope<LiftDto>),
        (status = 400, description = "Malformed campaignId or modelVersion", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such campaign, or not visible to the caller", body = ErrorBody),
    ))]
pub async fn lift(state: web::Data<AppState>, user: AuthUser, params: ValidQuery<LiftParams>) -> ApiResult {
    let p = params.0;
    Ok(ok(LiftDto::from(state.analytics.lift(&user.0, p.campaign_id, p.model_version).await?)))
}

/// Get the sales leaderboard
///
/// S3's sales leaderboard: per Sales user in the caller's campaigns (Admin: all; others: the campaigns they own or
/// collaborate on), leads assigned by status, conversion rate and notes written, best first.
#[utoipa::path(get, path = "/api/v1/analytics/leaderboard", tag = "Analytics", security(("bearerAuth" = [])),
    params(LeaderboardParams),
    responses(
        (status = 200, description = "The leaderboard", body = Envelope<Vec<LeaderboardRowDto>>),
        (status = 400, description = "Malformed parameters, or from after to", body = ErrorBody,
            example = json!({"status": "fail", "message": "Validation failed", "errors": [{"field": "from",
                "message": "must be on or before to"}]})),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such campaign, or not visible to the caller", body = ErrorBody),
    ))]
pub async fn leaderboard(
    state: web::Data<AppState>,
    user: AuthUser,
    params: ValidQuery<LeaderboardParams>,
) -> ApiResult {
    let p = params.0;
    let rows = state.analytics.leaderboard(&user.0, p.campaign_id, p.from, p.to).await?;
    Ok(ok(rows.into_iter().zip(1..).map(|(row, rank)| LeaderboardRowDto::new(rank, row)).collect::<Vec<_>>()))
}
