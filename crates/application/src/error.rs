//! The one error type of the application layer. The HTTP crate maps each variant to a status code in one place.

use leadscore_domain::{DomainError, FieldError, RowError};

/// Why a use case did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AppError {
    /// Input values break a rule; each entry names a field (400).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The request cannot be understood or is inconsistent as a whole (400).
    #[error("{0}")]
    BadRequest(String),
    /// Missing, invalid or expired credentials (401).
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but not allowed to do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// No such resource, or one the caller may not know exists (404).
    #[error("{0}")]
    NotFound(String),
    /// The change clashes with the current state: a duplicate, a forbidden transition, the last Admin (409).
    #[error("{0}")]
    Conflict(String),
    /// A body or file over its limit (413).
    #[error("{0}")]
    PayloadTooLarge(String),
    /// None of the representations the client accepts can be produced (406).
    #[error("{0}")]
    NotAcceptable(String),
    /// A file of a kind that is not accepted (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// A well-formed file whose rows fail validation (422): the first errors and how many there are in all.
    #[error("{message}")]
    Unprocessable {
        /// What failed, for people.
        message: String,
        /// Up to the first 100 row errors.
        errors: Vec<RowError>,
        /// Every row error found.
        total_errors: u64,
    },
    /// Too many attempts; retry after the given number of seconds (429).
    #[error("{message}")]
    TooManyRequests {
        /// What was throttled.
        message: String,
        /// Seconds until the next attempt may succeed.
        retry_after_secs: u64,
    },
    /// A dependency (database, model, storage) cannot serve now (503).
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected failure; the detail is logged, never shown (500).
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// A single-field validation error.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }
}

impl From<DomainError> for AppError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::Invalid(fields) => Self::Validation(fields),
            DomainError::InvalidTransition(message) => Self::Conflict(message),
        }
    }
}

/// The one validation fold; `finish()?` turns its errors into `AppError::Validation`.
pub use leadscore_domain::Validator;
