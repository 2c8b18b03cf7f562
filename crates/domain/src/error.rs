//! Errors raised when a value or a change breaks a domain rule.

use serde::Serialize;

/// One field that failed validation, with a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field name as the API spells it (camelCase).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// One invalid value in one row of an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Spreadsheet row number: the header is row 1, the first data row is row 2.
    pub row: u64,
    /// The column, as the API spells it (camelCase).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// A domain rule was broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// One or more values are impossible (an age of 300, an unknown role).
    #[error("validation failed")]
    Invalid(Vec<FieldError>),
    /// A state change that the rules do not allow from the current state.
    #[error("{0}")]
    InvalidTransition(String),
}

impl DomainError {
    /// A single-field validation error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}

/// Collects the errors of several independent checks, so a client sees all of them at once: the one fold every
/// validation uses (domain constructors and application use cases alike).
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    /// Starts with no errors.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value of a successful check, or remembers its errors.
    pub fn check<T>(&mut self, result: Result<T, DomainError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(DomainError::Invalid(fields)) => {
                self.errors.extend(fields);
                None
            }
            Err(DomainError::InvalidTransition(message)) => {
                self.errors.push(FieldError::new("", message));
                None
            }
        }
    }

    /// The value, or an "is required" error on `field`.
    pub fn required<T: Clone>(&mut self, value: &Option<T>, field: &str) -> Option<T> {
        if value.is_none() {
            self.push(field, "is required");
        }
        value.clone()
    }

    /// Records an error found outside a check.
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// `Ok` when nothing failed, otherwise every error found.
    pub fn finish(self) -> Result<(), DomainError> {
        if self.errors.is_empty() { Ok(()) } else { Err(DomainError::Invalid(self.errors)) }
    }
}
