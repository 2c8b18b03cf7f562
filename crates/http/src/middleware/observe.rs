//! Gives every request an id (taken from `X-Request-Id` when the client sent a sane one), runs it inside a tracing
//! span carrying that id, records metrics, and logs one line per request.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use tracing::Instrument;

use super::Metrics;

const HEADER: HeaderName = HeaderName::from_static("x-request-id");

fn sane(value: &str) -> bool {
    !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_graphic())
}

/// The request-id, logging and metrics middleware.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = req
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane(v))
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    let method = req.method().to_string();
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let span = tracing::info_span!("request", request_id = %request_id, %method, path = %req.path());
    let started = Instant::now();

    let result = next.call(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    match result {
        Ok(mut response) => {
            let status = response.status();
            if let Some(metrics) = &metrics {
                metrics.observe_request(&method, &route, status.as_u16(), elapsed);
            }
            span.in_scope(|| {
                tracing::info!(status = status.as_u16(), elapsed_ms = elapsed.as_secs_f64() * 1000.0, %route, "request");
            });
            if let Ok(value) = HeaderValue::from_str(&request_id) {
                response.headers_mut().insert(HEADER, value);
            }
            Ok(response)
        }
        Err(err) => {
            span.in_scope(|| tracing::error!(error = %err, "request failed"));
            Err(err)
        }
    }
}
