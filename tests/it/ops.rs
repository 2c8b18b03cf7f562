//! Operations: database statement timeouts and pool settings, logs without secrets, and the metrics an operator
//! scrapes (see `docs/deployment.md`).

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use leadscore::config::LogFormat;
use leadscore::startup::Services;
use leadscore_tests::fixtures::{png_form, sample_features};
use leadscore_tests::{TestApp, TestDb};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use serde_json::{Value, json};

#[tokio::test]
async fn postgres_statements_over_the_timeout_are_cancelled() {
    let Some(db) = TestDb::postgres().await else { return };
    let storage = tempfile::tempdir().unwrap();
    let mut config = leadscore::Config::for_tests(db.url(), storage.path());
    config.db_statement_timeout = Duration::from_millis(200);
    config.db_max_connections = 3;
    let services = Services::build(&config).await.unwrap();
    let pool = &services.db;
    let backend = pool.get_database_backend();

    // Every pooled connection carries the setting, not just the first one.
    let mut connections = Vec::new();
    for _ in 0..3 {
        connections.push(pool.begin().await.unwrap());
    }
    for conn in &connections {
        let row = conn.query_one_raw(Statement::from_string(backend, "SHOW statement_timeout")).await.unwrap().unwrap();
        assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "200ms");
    }
    drop(connections);

    let err = pool
        .execute_raw(Statement::from_string(backend, "SELECT pg_sleep(1)"))
        .await
        .expect_err("a one-second statement outlives a 200 ms timeout");
    assert!(err.to_string().contains("statement timeout"), "{err}");
    // The pool is still usable afterwards.
    pool.execute_raw(Statement::from_string(backend, "SELECT 1")).await.unwrap();
}

#[tokio::test]
async fn replicas_migrating_one_postgres_database_at_once_take_turns() {
    let Some(admin_url) = std::env::var(leadscore_tests::db::PG_VAR).ok() else {
        assert!(std::env::var_os(leadscore_tests::db::REQUIRE_PG_VAR).is_none());
        return;
    };
    let name = format!("leadscore_migrate_{}", uuid::Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(&admin_url).await.unwrap();
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
    let url = leadscore_tests::db::replace_database(&admin_url, &name);
    let replicas: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move {
                let pool = leadscore_infrastructure::db::connect(&leadscore_infrastructure::db::DbSettings::new(url))
                    .await
                    .unwrap();
                let result = leadscore_infrastructure::db::migrate(&pool).await;
                pool.close().await.ok();
                result
            })
        })
        .collect();
    for replica in replicas {
        replica.await.unwrap().expect("every replica's start-up migration succeeds");
    }
    let pool =
        leadscore_infrastructure::db::connect(&leadscore_infrastructure::db::DbSettings::new(url)).await.unwrap();
    let backend = pool.get_database_backend();
    let row = pool
        .query_one_raw(Statement::from_string(backend, "SELECT CAST(COUNT(*) AS BIGINT) FROM seaql_migrations"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.try_get_by_index::<i64>(0).unwrap(),
        <migration::Migrator as migration::MigratorTrait>::migrations().len() as i64
    );
    pool.close().await.ok();
    admin.execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)")).await.unwrap();
}

#[tokio::test]
async fn postgres_statement_timeout_zero_means_none() {
    let Some(db) = TestDb::postgres().await else { return };
    let mut settings = leadscore_infrastructure::db::DbSettings::new(db.url());
    settings.statement_timeout = Some(Duration::ZERO);
    let pool = leadscore_infrastructure::db::connect(&settings).await.unwrap();
    let backend = pool.get_database_backend();
    let row = pool.query_one_raw(Statement::from_string(backend, "SHOW statement_timeout")).await.unwrap().unwrap();
    assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "0");
}

/// A log destination the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn json_logs_carry_no_password_token_or_secret() {
    let captured = Captured::default();
    // The subscriber is global to the process and only this test installs one: under nextest it sees only its own
    // server, under `cargo test` every server running beside it too, and no line of either may leak a secret.
    assert!(
        leadscore::telemetry::init_with_writer(LogFormat::Json, captured.clone()),
        "another subscriber is installed (TEST_LOG set?)"
    );
    // Storage pointing at a regular file makes uploads fail with a logged 503; a missing table makes a logged 500.
    let blocker = tempfile::NamedTempFile::new().unwrap();
    let blocker_path = blocker.path().to_path_buf();
    let app = TestApp::spawn_with(|c| c.storage_dir = blocker_path.clone()).await;
    let user = app.user("Sales").await;

    let (status, refreshed) =
        app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": user.refresh_token}))).await;
    assert_eq!(status, StatusCode::OK);
    let rotated = refreshed["data"]["refreshToken"].as_str().unwrap().to_owned();
    let new_access = refreshed["data"]["accessToken"].as_str().unwrap().to_owned();
    let wrong_password = "Wrong-pass-987";
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"identifier": user.email, "password": wrong_password})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let response = app
        .request(Method::POST, "/api/v1/auth/refresh")
        .header("cookie", format!("rt={rotated}"))
        .header("x-request-id", "ops-log-test")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response =
        app.authed(Method::PUT, "/api/v1/me/avatar", &new_access).multipart(png_form()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    app.db.execute("ALTER TABLE customers RENAME TO customers_gone").await;
    let (status, _) = app.call(Method::GET, "/api/v1/customers", Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&new_access),
            Some(json!({"currentPassword": user.password, "newPassword": "Changed-pass-456",
                "confirmPassword": "Changed-pass-456"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = logs.lines().map(|l| serde_json::from_str(l).expect("every line is JSON")).collect();
    // The logs are there: access lines with request ids, and the 500's cause.
    assert!(lines.iter().any(|l| l["span"]["request_id"] == "ops-log-test" && l["status"] == 200), "{logs}");
    for cause in ["internal error", "dependency unavailable", "file storage failed"] {
        let logged = lines.iter().any(|l| l["message"] == cause && l["span"]["request_id"].is_string());
        assert!(logged, "{cause} is logged with its request id: {logs}");
    }
    let secrets = [
        ("the user's password", user.password.clone()),
        ("the wrong password", wrong_password.to_owned()),
        ("the new password", "Changed-pass-456".to_owned()),
        ("the Admin's password", app.admin.password.clone()),
        ("an access token", user.token.clone()),
        ("an access token's signature", user.token.rsplit('.').next().unwrap().to_owned()),
        ("the refreshed access token", new_access.clone()),
        ("a refresh token", user.refresh_token.clone()),
        ("a rotated refresh token", rotated.clone()),
        ("the JWT secret", String::from_utf8(app.config.jwt_secret_bytes().to_vec()).unwrap()),
        ("an Authorization header", "Bearer ".to_owned()),
    ];
    for (what, secret) in secrets {
        assert!(!logs.contains(&secret), "{what} appears in the logs");
    }
}

#[tokio::test]
async fn metrics_cover_the_database_pool_and_model_inference() {
    let app = TestApp::spawn().await;
    let features = json!({"age": 41, "job": "management", "marital": "married", "education": "tertiary",
        "default": "no", "balance": 1850, "housing": "no", "loan": "no", "contact": "cellular", "month": "apr",
        "campaign": 1, "pdays": 92, "previous": 2, "poutcome": "success"});
    let (status, body) = app
        .call(Method::POST, "/api/v1/predictions", Some(&app.admin.token), Some(json!({"features": features})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let items: Vec<Value> = (0..20).map(|_| json!({"features": features})).collect();
    let (status, body) = app
        .call(Method::POST, "/api/v1/predictions/batch", Some(&app.admin.token), Some(json!({"items": items})))
        .await;
    assert!(status.is_success(), "{body}");

    let text = app.request(Method::GET, "/metrics").send().await.unwrap().text().await.unwrap();
    let value = |prefix: &str| -> f64 {
        let line = text.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("{prefix} in {text}"));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert_eq!(value("db_pool_max_connections "), f64::from(app.config.db_max_connections));
    let open = value("db_pool_connections{state=\"idle\"}") + value("db_pool_connections{state=\"in_use\"}");
    assert!(open >= 1.0 && open <= f64::from(app.config.db_max_connections), "{open}");
    let calls: f64 = text
        .lines()
        .filter(|l| l.starts_with("scoring_inference_duration_seconds_count"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
        .sum();
    assert!(calls >= 2.0, "a single and a batch prediction were timed: {text}");
    assert!(text.contains("scoring_inference_duration_seconds_bucket{batch_rows="), "{text}");
}

/// The size of a SQLite database's write-ahead log (0 when it does not exist).
fn wal_bytes(db: &TestDb) -> u64 {
    let path = db.url().trim_start_matches("sqlite://").split('?').next().unwrap().to_owned();
    std::fs::metadata(format!("{path}-wal")).map_or(0, |m| m.len())
}

#[tokio::test]
async fn the_sqlite_checkpointer_truncates_the_log_once_old_readers_are_done() {
    use leadscore_infrastructure::wal::WalCheckpointer;

    let db = TestDb::sqlite().await;
    db.execute("CREATE TABLE filler (n INTEGER NOT NULL, pad TEXT NOT NULL)").await;
    // A recursive CTE rather than generate_series, which is an extension in some SQLite builds.
    let fill = |from: u32| {
        format!(
            "WITH RECURSIVE s(n) AS (SELECT {from} UNION ALL SELECT n + 1 FROM s WHERE n < {}) \
             INSERT INTO filler SELECT n, printf('%.2000c', 'x') FROM s",
            from + 499
        )
    };
    db.execute(&fill(0)).await;
    assert!(wal_bytes(&db) > 500 * 2_000, "the writes went to the log first");

    // A reader that began before the next write holds an older snapshot: the log cannot be restarted under it.
    let reader = db.conn().begin().await.unwrap();
    let seen = reader
        .query_one_raw(Statement::from_string(db.conn().get_database_backend(), "SELECT COUNT(*) AS n FROM filler"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.try_get::<i64>("", "n").unwrap(), 500);
    db.execute(&fill(500)).await;

    let mut checkpointer =
        WalCheckpointer::for_pool(db.conn()).await.unwrap().expect("a SQLite file has a checkpointer");
    let started = std::time::Instant::now();
    let blocked = checkpointer.checkpoint().await.unwrap();
    assert!(blocked.busy, "an old snapshot is still being read: {blocked:?}");
    assert!(started.elapsed() < WalCheckpointer::BUSY_TIMEOUT * 5, "it gives up instead of holding writers back");
    assert!(wal_bytes(&db) > 0);

    reader.commit().await.unwrap();
    assert!(blocked.log_frames > 0, "{blocked:?}");
    let done = checkpointer.checkpoint().await.unwrap();
    assert!(!done.busy, "{done:?}");
    assert_eq!(done.checkpointed_frames, done.log_frames, "{done:?}");
    assert_eq!(wal_bytes(&db), 0, "the log is truncated");

    // Nothing was lost, and the database keeps working on a fresh log.
    db.execute(&fill(1_000)).await;
    let total = db
        .conn()
        .query_one_raw(Statement::from_string(db.conn().get_database_backend(), "SELECT COUNT(*) AS n FROM filler"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(total.try_get::<i64>("", "n").unwrap(), 1_500);
}

#[tokio::test]
async fn postgres_and_in_memory_databases_have_no_checkpointer() {
    use leadscore_infrastructure::db::{self, DbSettings};
    use leadscore_infrastructure::wal::WalCheckpointer;

    let memory = db::connect(&DbSettings::new("sqlite::memory:")).await.unwrap();
    assert!(WalCheckpointer::for_pool(&memory).await.unwrap().is_none());
    let Some(pg) = TestDb::postgres().await else { return };
    assert!(WalCheckpointer::for_pool(pg.conn()).await.unwrap().is_none());
}

#[tokio::test]
async fn the_server_keeps_the_sqlite_log_truncated_while_it_takes_writes() {
    let app = TestApp::spawn_with(|c| c.sqlite_checkpoint_interval = Duration::from_millis(100)).await;
    let features = json!({ "features": sample_features() });
    for _ in 0..20 {
        let (status, body) =
            app.call(Method::POST, "/api/v1/predictions", Some(&app.admin.token), Some(features.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // The writes went to the log; the server's checkpointer (not SQLite's automatic one, which truncates nothing)
    // must bring it back to zero bytes within a few ticks.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while wal_bytes(&app.db) > 0 {
        assert!(std::time::Instant::now() < deadline, "the log still holds {} bytes", wal_bytes(&app.db));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, listed) = app.call(Method::GET, "/api/v1/predictions?limit=1", Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed["data"]["pagination"]["totalItems"], 20, "nothing was lost: {listed}");
}
