//! Operational endpoints outside `/api/v1`: `/health`, `/ready`, `/metrics`.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::middleware::Metrics;
use crate::response::Envelope;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/health").route(web::get().to(health)))
        .service(web::resource("/ready").route(web::get().to(ready)))
        .service(web::resource("/metrics").route(web::get().to(metrics)));
}

/// Liveness.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthDto {
    /// Always `ok` when the process answers.
    #[schema(example = "ok")]
    pub status: &'static str,
    /// Server version.
    #[schema(example = "0.1.0")]
    pub version: &'static str,
}

/// Readiness of one dependency.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckDto {
    /// Dependency name.
    #[schema(example = "database")]
    pub name: &'static str,
    /// Whether it can serve.
    pub ready: bool,
}

/// Readiness of every dependency.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadyDto {
    /// Whether every dependency is ready.
    pub ready: bool,
    /// Each dependency.
    pub checks: Vec<CheckDto>,
}

/// Check liveness
///
/// The process is alive: answers 200 with status `ok` and the server version whenever it answers. No token is needed.
#[utoipa::path(get, path = "/health", tag = "Operations",
    responses((status = 200, description = "Alive", body = Envelope<HealthDto>)))]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Envelope {
        status: "success",
        message: None,
        data: HealthDto { status: "ok", version: env!("CARGO_PKG_VERSION") },
    })
}

/// Check readiness
///
/// Answers 200 when every dependency (database, model) can serve, with the state of each. 503 otherwise, so a load
/// balancer stops sending traffic. No token is needed.
#[utoipa::path(get, path = "/ready", tag = "Operations",
    responses(
        (status = 200, description = "Ready", body = Envelope<ReadyDto>),
        (status = 503, description = "A dependency is not ready", body = Envelope<ReadyDto>),
    ))]
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let mut checks = Vec::with_capacity(state.probes.len());
    for probe in &state.probes {
        checks.push(CheckDto { name: probe.name(), ready: probe.is_ready().await });
    }
    let ready = checks.iter().all(|c| c.ready);
    let body = Envelope {
        status: if ready { "success" } else { "error" },
        message: (!ready).then(|| "A dependency is not ready".to_owned()),
        data: ReadyDto { ready, checks },
    };
    if ready { HttpResponse::Ok().json(body) } else { HttpResponse::ServiceUnavailable().json(body) }
}

/// Get Prometheus metrics
///
/// Request counts and latencies by route and status, in the Prometheus text exposition format. No token is needed.
#[utoipa::path(get, path = "/metrics", tag = "Operations",
    responses((status = 200, description = "Prometheus text exposition format", content_type = "text/plain", body = String)))]
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(metrics.render())
}
