//! Connecting to the database and applying migrations.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use leadscore_application::system::HealthProbe;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::InfraError;

/// Pool and timeout settings.
#[derive(Debug, Clone)]
pub struct DbSettings {
    /// `sqlite://path?mode=rwc`, `sqlite::memory:` or `postgres://...`.
    pub url: String,
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// How long a request waits for a pooled connection before failing with 503.
    pub acquire_timeout: Duration,
}

impl DbSettings {
    /// Defaults for a URL: 10 connections, 5 s acquire timeout.
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into(), max_connections: 10, acquire_timeout: Duration::from_secs(5) }
    }
}

/// Opens the pool. For a SQLite file, creates its directory, and sets WAL journaling, foreign keys and a busy timeout
/// on every pooled connection (pragmas are per connection).
pub async fn connect(settings: &DbSettings) -> Result<DatabaseConnection, InfraError> {
    if let Some(path) = sqlite_file(&settings.url)
        && let Some(dir) = Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .map_err(|source| InfraError::Io { context: format!("creating {}", dir.display()), source })?;
    }
    let mut options = ConnectOptions::new(settings.url.clone());
    options
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.acquire_timeout)
        .connect_timeout(settings.acquire_timeout)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    if settings.url.contains(":memory:") {
        // Every connection to `:memory:` is a new, empty database: keep exactly one.
        options.max_connections(1).min_connections(1);
    }
    Ok(Database::connect(options).await?)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), InfraError> {
    Migrator::up(db, None).await?;
    Ok(())
}

fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && !path.contains(":memory:")).then_some(path)
}

/// Readiness of the database: a trivial round trip.
#[derive(Clone)]
pub struct DatabaseProbe {
    db: DatabaseConnection,
}

impl DatabaseProbe {
    /// Probes this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl HealthProbe for DatabaseProbe {
    fn name(&self) -> &'static str {
        "database"
    }

    async fn is_ready(&self) -> bool {
        tokio::time::timeout(Duration::from_secs(2), self.db.ping()).await.is_ok_and(|r| r.is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn finds_the_sqlite_file_of_a_url() {
        assert_eq!(sqlite_file("sqlite://data/leadscore.db?mode=rwc"), Some("data/leadscore.db"));
        assert_eq!(sqlite_file("sqlite:///tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://localhost/db"), None);
    }
}
