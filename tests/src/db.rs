//! Throw-away databases.

use leadscore_infrastructure::db::{self, DbSettings};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use tempfile::TempDir;

/// The variable that points the PostgreSQL tests at a server, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`.
pub const PG_VAR: &str = "TEST_POSTGRES_URL";
/// When set (CI does), a missing `TEST_POSTGRES_URL` fails the PostgreSQL tests instead of skipping them.
pub const REQUIRE_PG_VAR: &str = "LEADSCORE_REQUIRE_PG";

/// A migrated database that disappears with this value.
pub struct TestDb {
    conn: DatabaseConnection,
    url: String,
    kind: Kind,
}

enum Kind {
    Sqlite(#[allow(dead_code)] TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh, migrated SQLite file in a temporary directory.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
        let conn = db::connect(&DbSettings::new(url.clone())).await.expect("connect sqlite");
        db::migrate(&conn).await.expect("migrate sqlite");
        Self { conn, url, kind: Kind::Sqlite(dir) }
    }

    /// A fresh, migrated PostgreSQL database, or `None` (with a note on stderr) when `TEST_POSTGRES_URL` is not set.
    /// Panics when it is not set but `LEADSCORE_REQUIRE_PG` is.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var(PG_VAR) else {
            if std::env::var_os(REQUIRE_PG_VAR).is_some() {
                panic!("{PG_VAR} is not set but {REQUIRE_PG_VAR} is: the PostgreSQL tests must run");
            }
            eprintln!("SKIPPED: {PG_VAR} is not set, so this PostgreSQL test did not run");
            return None;
        };
        Some(Self::postgres_on(&admin_url).await)
    }

    /// A fresh, migrated database on the PostgreSQL server that `admin_url` reaches (e.g. a `PrivatePostgres`).
    pub async fn postgres_on(admin_url: &str) -> Self {
        let admin_url = admin_url.to_owned();
        let name = format!("leadscore_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url).await.expect("connect to TEST_POSTGRES_URL");
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
        admin.close().await.ok();
        let url = replace_database(&admin_url, &name);
        let conn = db::connect(&DbSettings::new(url.clone())).await.expect("connect postgres");
        db::migrate(&conn).await.expect("migrate postgres");
        Self { conn, url, kind: Kind::Postgres { admin_url, name } }
    }

    /// The pool.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// The URL, for starting a server on this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match self.kind {
            Kind::Sqlite(_) => "sqlite",
            Kind::Postgres { .. } => "postgres",
        }
    }

    /// Runs a raw statement (tests that need to reach behind the repositories).
    pub async fn execute(&self, sql: &str) {
        let backend = self.conn.get_database_backend();
        self.conn.execute_raw(Statement::from_string(backend, sql.to_owned())).await.expect("raw statement");
    }
}

/// `postgres://u@h:5432/postgres?x=y` with the database part replaced.
pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Kind::Postgres { admin_url, name } = &self.kind else { return };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop cannot await: clean up on a thread with its own runtime. The test's pool is NOT closed from here: its
        // connections belong to the test's runtime, which is blocked on this join, so closing them would deadlock.
        // `DROP DATABASE ... WITH (FORCE)` ends those sessions instead.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            runtime.block_on(async move {
                if let Ok(admin) = Database::connect(&admin_url).await {
                    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
                    admin.close().await.ok();
                }
            });
        })
        .join();
    }
}
