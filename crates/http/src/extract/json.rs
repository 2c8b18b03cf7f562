//! `ValidJson<T>`: a JSON body, deserialised with the path of the first bad field and then validated with garde.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use leadscore_application::AppError;
use serde::de::DeserializeOwned;

use super::validation::{camel_case, json_has_nul, nul_refused, report_to_fields};
use crate::error::ApiError;
use crate::settings::HttpSettings;
use crate::state::AppState;

/// A request body that is well-formed JSON of the right shape and passes its garde rules.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

/// Which of the settings' JSON limits a route's bodies get: app data on the resource, `json_limit` when absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonLimit {
    /// `POST /predictions/batch`: room for its largest allowed batch of raw features.
    Batch,
}

/// What a JSON body with another Content-Type is answered (also the spec's 415 example).
pub(crate) const NOT_JSON: &str = "Content-Type must be application/json";

/// What a JSON body over `limit` bytes is answered (also the spec's 413 example).
pub(crate) fn too_large(limit: usize) -> String {
    format!("body is larger than {limit} bytes")
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// Deserialises JSON, naming the field at fault.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => {
            de.end().map_err(|e| ApiError(AppError::BadRequest(format!("Malformed JSON: {e}"))))?;
            Ok(value)
        }
        Err(err) => {
            let path = camel_case(&err.path().to_string());
            let inner = err.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                Err(ApiError(AppError::BadRequest(format!("Malformed JSON: {inner}"))))
            } else if path.is_empty() || path == "." {
                Err(ApiError::field("body", strip_position(&inner.to_string())))
            } else {
                Err(ApiError::field(path, strip_position(&inner.to_string())))
            }
        }
    }
}

/// serde_json appends " at line 1 column 17", which means nothing to an API client naming a field.
fn strip_position(message: &str) -> String {
    message.split(" at line ").next().unwrap_or(message).to_owned()
}

impl<T> FromRequest for ValidJson<T>
where
    T: DeserializeOwned + garde::Validate + 'static,
    T::Context: Default,
{
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let settings = req.app_data::<actix_web::web::Data<AppState>>().map(|s| &s.settings);
        let limit = match req.app_data::<JsonLimit>() {
            // Without settings (handlers in unit tests), the defaults.
            Some(JsonLimit::Batch) => {
                settings.map_or_else(|| HttpSettings::default().batch_json_limit, |s| s.batch_json_limit)
            }
            None => settings.map_or_else(|| HttpSettings::default().json_limit, |s| s.json_limit),
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(ApiError(AppError::UnsupportedMediaType(NOT_JSON.into())));
            }
            let too_large = || ApiError(AppError::PayloadTooLarge(too_large(limit)));
            if declared.is_some_and(|n| n > limit) {
                return Err(too_large());
            }
            let mut body = BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk: Bytes =
                    chunk.map_err(|e| ApiError(AppError::BadRequest(format!("could not read body: {e}"))))?;
                if body.len() + chunk.len() > limit {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            if body.is_empty() {
                return Err(ApiError(AppError::BadRequest("Request body is empty; JSON expected".into())));
            }
            if json_has_nul(&body) {
                return Err(nul_refused());
            }
            let value: T = parse_json(&body)?;
            value.validate().map_err(|report| ApiError::fields(report_to_fields(&report)))?;
            Ok(ValidJson(value))
        })
    }
}
