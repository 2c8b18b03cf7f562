//! Responses made by the framework itself (405 for a wrong method, 404 from a resource, payload errors) come with
//! plain-text or empty bodies; this rewrites any error response that is not already JSON into the error envelope.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;

use crate::error::ErrorBody;

/// Rewrites non-JSON 4xx/5xx bodies into the envelope.
pub fn envelope_framework_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
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
