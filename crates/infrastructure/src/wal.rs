//! Keeping a SQLite write-ahead log bounded under sustained traffic.
//!
//! SQLite's automatic checkpoint (PASSIVE, every 1,000 pages) copies committed pages into the database file but can
//! restart the log from its beginning only at a moment when no reader is using it. A server whose pooled connections
//! keep read transactions overlapping never reaches that moment, so the log grows without bound, to many times the
//! database's size under load (see docs/benchmarks.md). A `TRUNCATE` checkpoint takes the writer
//! lock, waits for the readers of older snapshots to finish, copies every frame and truncates the log to zero bytes.

use std::time::Duration;

use sea_orm::sqlx::sqlite::SqliteConnection;
use sea_orm::sqlx::{self, Connection};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, RuntimeErr, Statement};

use crate::InfraError;
use crate::db::connection_error;

/// What one checkpoint did: SQLite's `PRAGMA wal_checkpoint` row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// The checkpoint could not finish within the busy timeout (readers or a writer held on); it is tried again at
    /// the next tick and nothing is lost.
    pub busy: bool,
    /// Frames in the log before it was truncated (-1 when the database is not in WAL mode).
    pub log_frames: i64,
    /// Frames copied into the database file.
    pub checkpointed_frames: i64,
}

/// A dedicated connection that checkpoints the write-ahead log. It is not one of the pool's connections, so its
/// short busy timeout bounds how long it may hold writers back without changing theirs.
pub struct WalCheckpointer {
    conn: SqliteConnection,
}

impl WalCheckpointer {
    /// How long a checkpoint waits for readers of older snapshots (and holds new writers back meanwhile) before it
    /// gives up until the next tick. Reads in this application take well under this.
    pub const BUSY_TIMEOUT: Duration = Duration::from_secs(1);

    /// A checkpointer for the pool's database, or `None` when it has no write-ahead log (PostgreSQL, `:memory:`).
    pub async fn for_pool(db: &DatabaseConnection) -> Result<Option<Self>, InfraError> {
        if db.get_database_backend() != DbBackend::Sqlite {
            return Ok(None);
        }
        let mode = db.query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA journal_mode")).await?;
        let in_wal = match mode {
            Some(row) => row.try_get_by_index::<String>(0)?.eq_ignore_ascii_case("wal"),
            None => false,
        };
        if !in_wal {
            return Ok(None);
        }
        let options = db.get_sqlite_connection_pool().connect_options().as_ref().clone();
        let conn = SqliteConnection::connect_with(&options.busy_timeout(Self::BUSY_TIMEOUT))
            .await
            .map_err(connection_error)?;
        Ok(Some(Self { conn }))
    }

    /// Checkpoints every frame and truncates the log to zero bytes.
    pub async fn checkpoint(&mut self) -> Result<Checkpoint, InfraError> {
        let (busy, log_frames, checkpointed_frames): (i64, i64, i64) =
            sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&mut self.conn)
                .await
                .map_err(|e| DbErr::Query(RuntimeErr::SqlxError(e.into())))?;
        Ok(Checkpoint { busy: busy != 0, log_frames, checkpointed_frames })
    }
}
