//! Two server processes sharing one PostgreSQL database (issue 8): whichever replica a request reaches, login
//! throttling, refresh-token rotation with its reuse window and reuse detection, and the model in service behave the same, because that
//! state lives in the database.

use std::time::{Duration, Instant};

use leadscore_tests::app::{ADMIN_EMAIL, ADMIN_PASSWORD};
use leadscore_tests::model::write_model_copy;
use leadscore_tests::{Api, ProcessConfig, ServerProcess, TestDb};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const SERVER: &str = env!("CARGO_BIN_EXE_leadscore-server");

/// A login that may be refused (the throttling checks need the refusals), unlike `Api::login_as`.
async fn login(replica: &Api, identifier: &str, password: &str) -> (StatusCode, Value) {
    let body = json!({"identifier": identifier, "password": password});
    replica.call(Method::POST, "/api/v1/auth/login", None, Some(body)).await
}

async fn refresh(replica: &Api, token: &str) -> (StatusCode, Value) {
    replica.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": token}))).await
}

async fn model_version(replica: &Api, token: &str) -> String {
    let (status, body) = replica.call(Method::GET, "/api/v1/model", Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]["modelVersion"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn two_replicas_share_throttling_sessions_and_the_model() {
    let Some(db) = TestDb::postgres().await else { return };
    let storage = tempfile::tempdir().unwrap();
    let models = tempfile::tempdir().unwrap();
    write_model_copy(models.path(), None);
    let mut config = ProcessConfig::new(SERVER, db.url(), storage.path())
        .with("LOGIN_MAX_FAILURES", "4")
        .with("MODEL_SYNC_INTERVAL", "100ms");
    config.model_dir = models.path().to_owned();
    config.create_admin();
    let (server_a, server_b) = (ServerProcess::start(&config), ServerProcess::start(&config));
    let (a, b) = (server_a.api(), server_b.api());

    // An access token from one replica is good on the other (one signing secret, one user table).
    let session = a.login_as(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let token = session.token.clone();
    let (status, me) = b.call(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!((status, me["data"]["email"].as_str()), (StatusCode::OK, Some(ADMIN_EMAIL)));

    // Throttling: four failures split over both replicas lock the account on both.
    let (status, created) = a
        .call(
            Method::POST,
            "/api/v1/users",
            Some(&token),
            Some(json!({"email": "sales@bank.example", "password": "Sales-pass-123", "role": "Sales"})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    for replica in [&a, &b, &a, &b] {
        assert_eq!(login(replica, "sales@bank.example", "wrong-pass-1").await.0, 401);
    }
    for replica in [&a, &b] {
        let (status, body) = login(replica, "sales@bank.example", "Sales-pass-123").await;
        assert_eq!(status, 429, "the lock holds on every replica: {body}");
    }

    // Refresh rotation: rotate on B; the old token presented again on A within the reuse window (a second tab)
    // gets the successor B handed out, since both replicas derive it from the shared secret. Once the session has
    // moved on (rotated again on B), the old token on A is reuse: the whole session is revoked everywhere.
    let first = session.refresh_token;
    let (status, rotated) = refresh(&b, &first).await;
    assert_eq!(status, 200, "{rotated}");
    let second = rotated["data"]["refreshToken"].as_str().unwrap().to_owned();
    let (status, retried) = refresh(&a, &first).await;
    assert_eq!((status, retried["data"]["refreshToken"].as_str()), (StatusCode::OK, Some(second.as_str())));
    let (status, moved_on) = refresh(&b, &second).await;
    assert_eq!(status, 200, "{moved_on}");
    let third = moved_on["data"]["refreshToken"].as_str().unwrap().to_owned();
    assert_eq!(refresh(&a, &first).await.0, 401, "reuse of a token whose successor moved on");
    assert_eq!(refresh(&b, &third).await.0, 401, "the session was revoked on the other replica too");
    assert_eq!(refresh(&a, &third).await.0, 401);

    // The model: a new model lands in the shared directory and the Admin reloads replica A; replica B follows
    // within its sync interval, and scores with the new model.
    let token = b.login_as(ADMIN_EMAIL, ADMIN_PASSWORD).await.token;
    let original = model_version(&b, &token).await;
    write_model_copy(models.path(), Some("replica-test-v2"));
    let (status, reload) = a.call(Method::POST, "/api/v1/model/reload", Some(&token), None).await;
    assert_eq!(status, 200, "{reload}");
    assert_eq!(reload["data"]["previousVersion"], original.as_str());
    assert_eq!(model_version(&a, &token).await, "replica-test-v2");
    let deadline = Instant::now() + Duration::from_secs(30);
    while model_version(&b, &token).await != "replica-test-v2" {
        assert!(Instant::now() < deadline, "replica B still serves {original} 30 s after the reload on A");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let features = json!({"features": {
        "age": 35, "job": "admin.", "marital": "single", "education": "secondary", "default": "no",
        "balance": 800, "housing": "no", "loan": "no", "contact": "cellular", "day": 12, "month": "aug",
        "campaign": 2, "pdays": -1, "previous": 0, "poutcome": "unknown"
    }});
    let (status, scored) = b.call(Method::POST, "/api/v1/predictions", Some(&token), Some(features)).await;
    assert_eq!(status, 201, "{scored}");
    assert_eq!(scored["data"]["modelVersion"], "replica-test-v2");
    let logs = server_b.logs().join("\n");
    assert!(logs.contains("model reloaded to follow the deployed model"), "{logs}");
}

/// Authentication caches what it read of an account for `AUTH_CACHE_TTL` (issue 19): a deactivation through one
/// replica locks the account out there at once, and on the other within that time — never later, though B had
/// just cached the account as active.
#[tokio::test]
async fn a_deactivation_reaches_the_other_replica_within_the_account_cache_lifetime() {
    let Some(db) = TestDb::postgres().await else { return };
    let storage = tempfile::tempdir().unwrap();
    let ttl = Duration::from_millis(300);
    let config = ProcessConfig::new(SERVER, db.url(), storage.path()).with("AUTH_CACHE_TTL", "300ms");
    config.create_admin();
    let (server_a, server_b) = (ServerProcess::start(&config), ServerProcess::start(&config));
    let (a, b) = (server_a.api(), server_b.api());
    let admin = a.login_as(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let body = json!({"email": "caller@bank.example", "password": "Caller-pass-1", "role": "Sales"});
    let (status, created) = a.call(Method::POST, "/api/v1/users", Some(&admin.token), Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    let caller = b.login_as("caller@bank.example", "Caller-pass-1").await;
    for replica in [&a, &b] {
        assert_eq!(replica.call(Method::GET, "/api/v1/me", Some(&caller.token), None).await.0, 200);
    }

    let off = json!({"isActive": false});
    let changed = Instant::now();
    let (status, body) = a.call(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&admin.token), Some(off)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(a.call(Method::GET, "/api/v1/me", Some(&caller.token), None).await.0, 401, "at once on A");
    while b.call(Method::GET, "/api/v1/me", Some(&caller.token), None).await.0 != 401 {
        // The bound is the time to live; the margin is for a loaded machine's scheduling, not for the design.
        assert!(changed.elapsed() < ttl + Duration::from_secs(1), "B still accepts the account after {ttl:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
