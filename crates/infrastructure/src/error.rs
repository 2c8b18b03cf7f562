//! Errors of the adapters, and their translation into application errors.

use leadscore_application::AppError;
use sea_orm::{DbErr, RuntimeErr, SqlErr, sqlx};

/// A failure while setting up or running an adapter.
#[derive(Debug, thiserror::Error)]
pub enum InfraError {
    /// The database could not be reached or migrated.
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// A file or directory could not be used.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A configuration value is unusable.
    #[error("configuration: {0}")]
    Config(String),
}

/// Translates a database error: unique violations become `Conflict` (naming the field when the constraint tells),
/// lost connections `Unavailable`, anything else `Internal` (logged by the HTTP layer, never shown).
pub(crate) fn db_err(err: DbErr) -> AppError {
    if let Some(SqlErr::UniqueConstraintViolation(detail)) = err.sql_err() {
        return AppError::Conflict(conflict_message(&detail));
    }
    match &err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => AppError::Unavailable("database unavailable".into()),
        DbErr::Exec(RuntimeErr::SqlxError(inner)) | DbErr::Query(RuntimeErr::SqlxError(inner))
            if matches!(
                inner.as_ref(),
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Tls(_)
            ) =>
        {
            AppError::Unavailable("database unavailable".into())
        }
        DbErr::Exec(RuntimeErr::SqlxError(inner)) | DbErr::Query(RuntimeErr::SqlxError(inner))
            if server_going_away(inner) =>
        {
            AppError::Unavailable("database unavailable".into())
        }
        DbErr::Exec(RuntimeErr::SqlxError(inner)) | DbErr::Query(RuntimeErr::SqlxError(inner))
            if sqlite_busy(inner) =>
        {
            AppError::Unavailable(format!("database busy with another write: {inner}"))
        }
        _ => AppError::Internal(err.to_string()),
    }
}

/// PostgreSQL ending the session: the server shuts down or restarts (SQLSTATE class 57P: admin_shutdown,
/// crash_shutdown, cannot_connect_now) or the connection broke (class 08). The request may succeed once it is back.
fn server_going_away(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(e) = err else { return false };
    e.code().is_some_and(|code| code.starts_with("57P") || code.starts_with("08"))
}

/// SQLite's one writer at a time: another connection held the write lock past the busy timeout (SQLITE_BUSY, 5,
/// and its extended codes) or a table lock (SQLITE_LOCKED, 6). The statement did nothing; the request may succeed
/// once the other write ends, so it is answered 503 with `Retry-After`, never 500.
fn sqlite_busy(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(e) = err else { return false };
    let code = e.code().and_then(|c| c.parse::<i32>().ok());
    code.is_some_and(|c| matches!(c & 0xff, 5 | 6)) || e.message().contains("database is locked")
}

/// Whether the statement broke a foreign key. sea-orm classifies PostgreSQL's violations but not all of SQLite's, so
/// the driver's error is asked as well.
pub(crate) fn is_foreign_key_violation(err: &DbErr) -> bool {
    if matches!(err.sql_err(), Some(SqlErr::ForeignKeyConstraintViolation(_))) {
        return true;
    }
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(inner)) | DbErr::Query(RuntimeErr::SqlxError(inner)) => {
            matches!(inner.as_ref(), sqlx::Error::Database(e)
                if e.kind() == sqlx::error::ErrorKind::ForeignKeyViolation
                    // A RESTRICT action reports SQLITE_CONSTRAINT_TRIGGER (1811), with the same message.
                    || e.message().contains("FOREIGN KEY constraint failed"))
        }
        _ => false,
    }
}

fn conflict_message(detail: &str) -> String {
    let detail = detail.to_lowercase();
    for (needle, message) in [
        ("email", "Email is already registered"),
        ("username", "Username is already taken"),
        ("external_id", "A customer with this externalId already exists"),
    ] {
        if detail.contains(needle) {
            return message.to_owned();
        }
    }
    "The resource already exists".to_owned()
}

#[cfg(test)]
mod tests {
    use super::conflict_message;

    #[test]
    fn names_the_field_of_known_constraints() {
        assert_eq!(conflict_message("UNIQUE constraint failed: users.email"), "Email is already registered");
        assert_eq!(
            conflict_message("duplicate key value violates unique constraint \"users_username_key\""),
            "Username is already taken"
        );
        assert_eq!(conflict_message("something else"), "The resource already exists");
    }
}
