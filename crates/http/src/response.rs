//! The JSend success envelope of CONVENTIONS.md, built in one place.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::web::Bytes;
use futures_util::StreamExt;
use leadscore_application::exports::{ExportBody, ExportFile};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;

/// `{"status": "success", "message": "...", "data": ...}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    /// Always `success`.
    #[schema(example = "success")]
    pub status: &'static str,
    /// A short sentence for people; may be absent on reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The payload.
    pub data: T,
}

/// `{"status": "success", "message": "..."}` for answers that carry no data.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageEnvelope {
    /// Always `success`.
    #[schema(example = "success")]
    pub status: &'static str,
    /// What happened.
    #[schema(example = "Done")]
    pub message: String,
}

fn with_status<T: Serialize>(status: StatusCode, message: Option<&str>, data: T) -> HttpResponse {
    HttpResponse::build(status).json(Envelope { status: "success", message: message.map(str::to_owned), data })
}

/// 200 with data and no message.
pub fn ok<T: Serialize>(data: T) -> HttpResponse {
    with_status(StatusCode::OK, None, data)
}

/// 200 with data and a message.
pub fn ok_with<T: Serialize>(message: &str, data: T) -> HttpResponse {
    with_status(StatusCode::OK, Some(message), data)
}

/// 201 with the new resource.
pub fn created<T: Serialize>(message: &str, data: T) -> HttpResponse {
    with_status(StatusCode::CREATED, Some(message), data)
}

/// 200 with only a message.
pub fn done(message: &str) -> HttpResponse {
    HttpResponse::Ok().json(MessageEnvelope { status: "success", message: message.to_owned() })
}

/// An export as an attachment: the whole file, or its chunks as they are written. Every export handler ends here.
pub fn attachment(file: ExportFile) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, file.content_type))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", file.file_name)));
    match file.body {
        ExportBody::Bytes(bytes) => response.body(bytes),
        ExportBody::Stream(chunks) => response.streaming(chunks.map(|chunk| chunk.map(Bytes::from).map_err(ApiError))),
    }
}
