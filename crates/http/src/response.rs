//! The JSend success envelope of CONVENTIONS.md, built in one place.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, Accept, Header};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use futures_util::StreamExt;
use leadscore_application::AppError;
use leadscore_application::exports::{ExportBody, ExportFile, ExportFormat};
use serde::Serialize;
use utoipa::ToSchema;

use crate::dto::common::ExportFormatParam;
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

/// The format of an export: `format=` when given; otherwise the one `Accept` prefers among `text/csv` and the XLSX
/// media type (`*/*`, `text/*` and no header at all mean CSV, `application/*` XLSX); 406 when it excludes both.
pub fn export_format(req: &HttpRequest, asked: Option<ExportFormatParam>) -> Result<ExportFormat, ApiError> {
    if let Some(format) = asked {
        return Ok(format.into());
    }
    let accept = match Accept::parse(req) {
        Ok(accept) if !accept.is_empty() => accept,
        // Absent, or too malformed to read: answer the default rather than refuse.
        _ => return Ok(ExportFormat::default()),
    };
    let xlsx = ExportFormat::Xlsx.content_type();
    // (quality, specificity): the highest quality wins, then the most specific range (RFC 9110 §12.5.1).
    let mut best: Option<((header::Quality, u8), ExportFormat)> = None;
    for item in accept.iter() {
        let quality = item.quality;
        if quality == header::Quality::ZERO {
            continue;
        }
        let (kind, sub) = (item.item.type_().as_str(), item.item.subtype().as_str());
        let choice = match (kind, sub) {
            ("text", "csv") => Some((2, ExportFormat::Csv)),
            _ if item.item.essence_str() == xlsx => Some((2, ExportFormat::Xlsx)),
            ("text", "*") => Some((1, ExportFormat::Csv)),
            ("application", "*") => Some((1, ExportFormat::Xlsx)),
            ("*", "*") => Some((0, ExportFormat::Csv)),
            _ => None,
        };
        if let Some((specificity, format)) = choice
            && best.is_none_or(|(rank, _)| (quality, specificity) > rank)
        {
            best = Some(((quality, specificity), format));
        }
    }
    best.map(|(_, format)| format).ok_or_else(|| {
        ApiError(AppError::NotAcceptable(format!("exports are text/csv or {xlsx}; Accept allows neither")))
    })
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
