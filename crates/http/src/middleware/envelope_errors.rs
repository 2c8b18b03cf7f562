//! Responses made by the framework itself (405 for a wrong method, 404 from a resource, payload errors) and by the
//! CORS middleware come with plain-text or empty bodies; these rewrite them into the error envelope.

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{ErrorHandlerResponse, Next};
use actix_web::{Error, ResponseError};
use leadscore_application::AppError;

use crate::error::{ApiError, ErrorBody};

fn is_json<B>(res: &ServiceResponse<B>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Rewrites non-JSON 4xx/5xx bodies into the envelope.
pub fn envelope_framework_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if is_json(&res) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let message = match status.as_u16() {
        404 => "Resource not found".to_owned(),
        405 => "Method not allowed".to_owned(),
        s if s >= 500 => "Internal server error".to_owned(),
        _ => status.canonical_reason().unwrap_or("Request failed").to_owned(),
    };
    let body = ErrorBody {
        status: if status.is_server_error() { "error" } else { "fail" },
        message,
        errors: None,
        total_errors: None,
    };
    let json = serde_json::to_string(&body).unwrap_or_default();
    let (req, res) = res.into_parts();
    let mut res = res.set_body(BoxBody::new(json));
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res.headers_mut().remove(header::CONTENT_LENGTH);
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, res).map_into_right_body()))
}

/// Wraps the CORS middleware. Everything inside it is already enveloped (by [`envelope_framework_errors`]), so a
/// non-JSON client error seen here was made by CORS itself: a request its policy refuses (an unlisted origin, a
/// method or header not allowed). actix-cors answers those 400 in plain text; this answers 403 in the envelope,
/// keeping actix-cors' reason, since the request was understood and refused.
pub async fn envelope_cors_refusals(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let res = next.call(req).await?;
    if !res.status().is_client_error() || is_json(&res) {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let reason = to_bytes(res.into_body()).await.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
    // The one mapping of errors to answers, as for any other 403.
    let refused = ApiError(AppError::Forbidden(format!("Refused by the CORS policy: {}", reason.trim())));
    Ok(ServiceResponse::new(req, refused.error_response()))
}
