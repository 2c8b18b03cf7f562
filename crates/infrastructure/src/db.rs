//! Connecting to the database and applying migrations.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use leadscore_application::system::HealthProbe;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::postgres::PgPoolOptions;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, RuntimeErr,
    SqliteTransactionMode, SqlxPostgresConnector, Statement, TransactionOptions, TransactionTrait,
};

use crate::InfraError;

/// Pool and timeout settings.
#[derive(Debug, Clone)]
pub struct DbSettings {
    /// `sqlite://path?mode=rwc`, `sqlite::memory:` or `postgres://...`.
    pub url: String,
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// Connections kept open even when idle.
    pub min_connections: u32,
    /// How long a request waits for a pooled connection before failing with 503.
    pub acquire_timeout: Duration,
    /// An idle connection above `min_connections` is closed after this long.
    pub idle_timeout: Duration,
    /// PostgreSQL aborts a statement running longer than this; `None` (or zero) leaves the server's setting.
    /// SQLite has no statement timeout: its only wait is the busy timeout on a locked database.
    pub statement_timeout: Option<Duration>,
    /// SQLite: how long a connection waits for another's write to end before failing with "database is busy"
    /// (answered 503 with `Retry-After`). Ignored by PostgreSQL, whose writers wait on row locks.
    pub busy_timeout: Duration,
}

impl DbSettings {
    /// Defaults for a URL: at most 10 connections, none kept idle, 5 s acquire timeout, idle connections closed
    /// after 10 minutes, statements limited to 30 s (PostgreSQL).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(600),
            statement_timeout: Some(Duration::from_secs(30)),
            busy_timeout: Duration::from_secs(10),
        }
    }
}

/// How busy the pool is, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Open connections (in use + idle).
    pub open: u32,
    /// Open connections not lent out.
    pub idle: u32,
    /// The pool's ceiling.
    pub max: u32,
}

/// The pool's current status. `None` for a connection that is not an sqlx pool (a mock).
pub fn pool_status(db: &DatabaseConnection) -> Option<PoolStatus> {
    // The accessors below panic on the wrong backend, hence the match on it first.
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            Some(PoolStatus {
                open: pool.size(),
                idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                max: pool.options().get_max_connections(),
            })
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            Some(PoolStatus {
                open: pool.size(),
                idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
                max: pool.options().get_max_connections(),
            })
        }
        _ => None,
    }
}

/// Opens the pool. For a SQLite file, creates its directory, and sets WAL journaling, foreign keys and a busy timeout
/// on every pooled connection (pragmas are per connection).
pub async fn connect(settings: &DbSettings) -> Result<DatabaseConnection, InfraError> {
    let busy_timeout = settings.busy_timeout;
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
        .min_connections(settings.min_connections.min(settings.max_connections))
        .acquire_timeout(settings.acquire_timeout)
        .connect_timeout(settings.acquire_timeout)
        .idle_timeout(settings.idle_timeout)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(busy_timeout)
        });
    if let Some(timeout) = settings.statement_timeout.filter(|t| !t.is_zero()) {
        // Sent as a start-up parameter of every PostgreSQL connection (no extra round trip); ignored by SQLite.
        // A proxy in transaction-pooling mode (PgBouncer) may refuse start-up parameters: set it on the role there.
        options.statement_timeout(timeout);
    }
    if settings.url.contains(":memory:") {
        // Every connection to `:memory:` is a new, empty database: keep exactly one.
        options.max_connections(1).min_connections(1);
    }
    Ok(Database::connect(options).await?)
}

/// Starts a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: a deferred transaction that reads
/// before it writes cannot upgrade to a writer while another connection writes, and SQLite then fails it at once
/// with "database is locked" instead of waiting (the busy timeout does not apply to that upgrade). Taking the write
/// lock up front makes it wait its turn like any writer. PostgreSQL ignores the mode.
pub(crate) async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Serialises the transactions that name the same `key` until they end, for a rule that reads before it writes
/// ("at most five attempts", "one Admin must stay"). PostgreSQL takes a transaction-scoped advisory lock on the
/// key's hash; SQLite needs nothing, as a transaction from [`begin_write`] already holds the one write lock.
pub(crate) async fn lock_key(txn: &DatabaseTransaction, key: &str) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            [key.into()],
        ))
        .await?;
    }
    Ok(())
}

/// An sqlx error met while opening a connection outside the pool, as sea-orm reports connection failures.
pub(crate) fn connection_error(err: sea_orm::sqlx::Error) -> DbErr {
    DbErr::Conn(RuntimeErr::SqlxError(err.into()))
}

/// Key of the PostgreSQL advisory lock that serialises migrations (any constant unique to this application).
const MIGRATION_LOCK: i64 = 0x6c65_6164_7363_6f72; // "leadscor"

/// Applies every pending migration. On PostgreSQL, replicas starting together would race on the same migration (one
/// fails on "already exists"), so they take turns under a session advisory lock, held on a one-connection pool so
/// every migration statement runs in the session that holds it; the later ones then find nothing pending.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), InfraError> {
    if db.get_database_backend() != DbBackend::Postgres {
        Migrator::up(db, None).await?;
        return Ok(());
    }
    let options = db.get_postgres_connection_pool().connect_options().as_ref().clone();
    let session = PgPoolOptions::new().max_connections(1).connect_with(options).await.map_err(connection_error)?;
    let session = SqlxPostgresConnector::from_sqlx_postgres_pool(session);
    let lock = |sql: &str| Statement::from_sql_and_values(DbBackend::Postgres, sql, [MIGRATION_LOCK.into()]);
    session.execute_raw(lock("SELECT pg_advisory_lock($1)")).await?;
    let result = Migrator::up(&session, None).await;
    // Closing the session releases the lock as well; unlocking first just frees it sooner.
    let _ = session.execute_raw(lock("SELECT pg_advisory_unlock($1)")).await;
    let _ = session.close().await;
    Ok(result?)
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
