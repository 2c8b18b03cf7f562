//! Security headers on every answer, errors included (OWASP API8): no MIME sniffing, no framing, no referrer, and
//! no caching unless a handler chose a policy (media files do) — API answers carry tokens and personal data.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;

/// JSON and files never load anything, so they may forbid everything; the policy also stops a browser from running
/// anything in a response that gets rendered as a document by mistake.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// Swagger UI loads its own scripts, styles and inline images; only framing is refused there.
const DOCS_CSP: &str = "frame-ancestors 'none'";

fn set_default(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    if !headers.contains_key(&name) {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

/// The security-headers middleware.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let docs = req.path() == "/docs" || req.path().starts_with("/docs/");
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    set_default(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set_default(headers, header::X_FRAME_OPTIONS, "DENY");
    set_default(headers, header::REFERRER_POLICY, "no-referrer");
    set_default(headers, header::CONTENT_SECURITY_POLICY, if docs { DOCS_CSP } else { API_CSP });
    if !docs {
        set_default(headers, header::CACHE_CONTROL, "no-store");
    }
    Ok(response)
}
