//! Reading the `file` field of a multipart upload with a size cap, without buffering more than the cap.

use actix_multipart::{Multipart, MultipartError};
use futures_util::StreamExt;
use leadscore_application::AppError;
use utoipa::ToSchema;

use crate::error::ApiError;

/// A multipart form with one file field named `file`. Exists only to describe the body in the OpenAPI spec.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct FileUpload {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

fn multipart_error(err: MultipartError) -> ApiError {
    match err {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => {
            ApiError(AppError::UnsupportedMediaType("Content-Type must be multipart/form-data".into()))
        }
        other => ApiError(AppError::BadRequest(format!("invalid multipart body: {other}"))),
    }
}

/// The bytes of the `file` field. More than `max_bytes` is a 413; a form without `file` is a 400.
pub async fn read_file(mut multipart: Multipart, max_bytes: usize) -> Result<Vec<u8>, ApiError> {
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(multipart_error)?;
        if field.name() != Some("file") {
            // Drain and ignore other fields.
            while let Some(chunk) = field.next().await {
                chunk.map_err(|e| ApiError(AppError::BadRequest(format!("invalid multipart body: {e}"))))?;
            }
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| ApiError(AppError::BadRequest(format!("invalid multipart body: {e}"))))?;
            if bytes.len() + chunk.len() > max_bytes {
                return Err(ApiError(AppError::PayloadTooLarge(format!("file is larger than {max_bytes} bytes"))));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(ApiError::field("file", "is required (multipart/form-data field 'file')"))
}
