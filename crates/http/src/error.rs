//! The single mapping from application errors to HTTP answers (CONVENTIONS.md: status codes and error envelope).

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use leadscore_application::AppError;
use leadscore_domain::FieldError;
use serde::Serialize;
use utoipa::ToSchema;

/// One thing wrong with the request: a field, or a row of an uploaded file.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorItem {
    /// The row of an uploaded file (header = row 1), for file errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = json!(null))]
    pub row: Option<u64>,
    /// The field, camelCase, as in the request.
    #[schema(example = "email")]
    pub field: String,
    /// What is wrong.
    #[schema(example = "must be a valid email address")]
    pub message: String,
}

/// `{"status": "fail"|"error", "message": "...", "errors": [...]}`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "fail", "message": "Validation failed", "errors": [{"field": "email", "message": "must be a valid email address"}]}))]
pub struct ErrorBody {
    /// `fail` for 4xx, `error` for 5xx.
    #[schema(example = "fail")]
    pub status: &'static str,
    /// A sentence for people. For 5xx never any internal detail.
    pub message: String,
    /// Field- or row-level detail, when there is any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ErrorItem>>,
    /// For file validation failures: every row error found (`errors` holds the first 100).
    #[serde(rename = "totalErrors", skip_serializing_if = "Option::is_none")]
    pub total_errors: Option<u64>,
}

/// An application error on its way to becoming an HTTP answer.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

impl ApiError {
    /// A 400 naming one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self(AppError::field(field, message))
    }

    /// A 400 with fields.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        Self(AppError::Validation(errors))
    }
}

impl std::error::Error for ApiError {}

/// `Retry-After` (seconds) of every 503.
pub const UNAVAILABLE_RETRY_AFTER: &str = "2";

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match &self.0 {
            AppError::Validation(_) | AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let mut total_errors = None;
        let (kind, message, errors) = match &self.0 {
            AppError::Validation(fields) => (
                "fail",
                "Validation failed".to_owned(),
                Some(
                    fields
                        .iter()
                        .map(|f| ErrorItem { row: None, field: f.field.clone(), message: f.message.clone() })
                        .collect(),
                ),
            ),
            AppError::Unprocessable { message, errors, total_errors: total } => {
                total_errors = Some(*total);
                let items = errors
                    .iter()
                    .map(|e| ErrorItem { row: Some(e.row), field: e.field.clone(), message: e.message.clone() })
                    .collect();
                ("fail", message.clone(), Some(items))
            }
            AppError::Internal(detail) => {
                // The cause goes to the log (inside the request's span, so with its request id), never to the client.
                tracing::error!(error = %detail, "internal error");
                ("error", "Internal server error".to_owned(), None)
            }
            AppError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "dependency unavailable");
                ("error", "Service temporarily unavailable".to_owned(), None)
            }
            other => ("fail", other.to_string(), None),
        };
        let mut response = HttpResponse::build(status).json(ErrorBody { status: kind, message, errors, total_errors });
        if let AppError::TooManyRequests { retry_after_secs, .. } = &self.0
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if let AppError::Unavailable(_) = &self.0 {
            // A busy or restarting database is usually back within a second or two.
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static(UNAVAILABLE_RETRY_AFTER));
        }
        response
    }
}

/// The handler result type.
pub type ApiResult = Result<HttpResponse, ApiError>;
