//! The HTTP contract: envelopes for every error the framework or the app produces, request ids, limits.

use leadscore_tests::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn body_of(response: reqwest::Response) -> Value {
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(content_type.as_deref(), Some("application/json"), "every error is JSON");
    response.json().await.unwrap()
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_use_the_envelope() {
    let app = TestApp::spawn().await;
    for path in ["/nope", "/api/v1/nope", "/api/v2/users"] {
        let response = app.request(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body = body_of(response).await;
        assert_eq!(body, json!({"status": "fail", "message": "Resource not found"}));
    }
    let response = app.request(Method::DELETE, "/api/v1/auth/login").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body_of(response).await["status"], "fail");
    let response = app.request(Method::PUT, "/api/v1/users").bearer_auth(&app.admin.token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn malformed_json_wrong_types_and_unknown_fields_are_400s_naming_the_problem() {
    let app = TestApp::spawn().await;
    let send = |raw: &'static str| {
        app.request(Method::POST, "/api/v1/auth/login").header("content-type", "application/json").body(raw).send()
    };
    let body = body_of(send("{\"identifier\": ").await.unwrap()).await;
    assert_eq!(body["status"], "fail");
    assert!(body["message"].as_str().unwrap().starts_with("Malformed JSON"), "{body}");

    let response = send("{\"identifier\": 42, \"password\": \"x\"}").await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = body_of(response).await;
    assert_eq!(body["errors"][0]["field"], "identifier");

    let response = send("{\"identifier\": \"a\", \"password\": \"b\", \"role\": \"Admin\"}").await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(body_of(response).await["errors"][0]["message"].as_str().unwrap().contains("unknown field"));

    let response = send("").await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = send("[1,2]").await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn wrong_content_type_is_415_and_oversized_bodies_are_413() {
    let app = TestApp::spawn_with(|c| c.max_json_bytes = 1024).await;
    let response = app
        .request(Method::POST, "/api/v1/auth/login")
        .header("content-type", "text/plain")
        .body("identifier=a")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(body_of(response).await["status"], "fail");

    let huge = json!({"identifier": "x".repeat(4096), "password": "y"});
    let response = app.post_json("/api/v1/auth/login", &huge).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body_of(response).await["status"], "fail");
}

#[tokio::test]
async fn query_and_path_errors_name_the_parameter() {
    let app = TestApp::spawn().await;
    let token = app.admin.token.clone();
    for (query, field) in [
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("role=King", "role"),
        ("isActive=maybe", "isActive"),
        ("from=yesterday", "from"),
        ("sortBy=password", "sortBy"),
        ("bogus=1", "bogus"),
    ] {
        let (status, body) = app.call(Method::GET, &format!("/api/v1/users?{query}"), Some(&token), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    let (status, body) = app
        .call(Method::GET, "/api/v1/users?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "from");

    let (status, body) = app.call(Method::GET, "/api/v1/users/not-a-uuid", Some(&token), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["errors"][0]["field"], "id");
    let (status, body) =
        app.call(Method::GET, &format!("/api/v1/users/{}", uuid::Uuid::now_v7()), Some(&token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], "fail");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_keeps_a_sane_incoming_one() {
    let app = TestApp::spawn().await;
    let response = app.request(Method::GET, "/health").send().await.unwrap();
    let generated = response.headers().get("x-request-id").unwrap().to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&generated).is_ok());
    let response = app.request(Method::GET, "/nope").header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(response.headers().get("x-request-id").unwrap(), "abc-123");
    let response = app.request(Method::GET, "/health").header("x-request-id", "x".repeat(300)).send().await.unwrap();
    assert_ne!(response.headers().get("x-request-id").unwrap().to_str().unwrap(), "x".repeat(300));
}

#[tokio::test]
async fn security_headers_and_cors_deny_by_default() {
    let app = TestApp::spawn().await;
    let response = app.request(Method::GET, "/health").header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(response.headers().get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(response.headers().get("x-frame-options").unwrap(), "DENY");
    assert!(response.headers().get("access-control-allow-origin").is_none());

    let app = TestApp::spawn_with(|c| c.cors_origins = vec!["https://app.bank.example".into()]).await;
    let response = app
        .request(Method::OPTIONS, "/api/v1/me")
        .header("origin", "https://app.bank.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://app.bank.example");
}

#[tokio::test]
async fn health_ready_and_metrics() {
    let app = TestApp::spawn().await;
    let (status, body) = app.call(Method::GET, "/health", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["status"], "ok");
    let (status, body) = app.call(Method::GET, "/ready", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["checks"][0], json!({"name": "database", "ready": true}));

    app.call(Method::GET, &format!("/api/v1/users/{}", app.admin.id), Some(&app.admin.token), None).await;
    let text = app.request(Method::GET, "/metrics").send().await.unwrap().text().await.unwrap();
    assert!(
        text.contains("http_requests_total{method=\"GET\",route=\"/api/v1/users/{id}\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("http_request_duration_seconds_bucket"));
}

#[tokio::test]
async fn ready_is_503_while_the_database_refuses_connections_and_recovers() {
    let Some(db) = leadscore_tests::TestDb::postgres().await else { return };
    let name = db.url().rsplit('/').next().unwrap().split('?').next().unwrap().to_owned();
    let app = TestApp::spawn_on(db, |_| {}).await;
    let admin_url = std::env::var(leadscore_tests::db::PG_VAR).unwrap();
    let admin = sea_orm::Database::connect(&admin_url).await.unwrap();
    use sea_orm::ConnectionTrait;
    admin.execute_unprepared(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false")).await.unwrap();
    admin
        .execute_unprepared(&format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
        .await
        .unwrap();

    let (status, body) = app.call(Method::GET, "/ready", None, None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["data"]["checks"][0], json!({"name": "database", "ready": false}));
    let (status, body) = app.call(Method::GET, "/api/v1/me", Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body, json!({"status": "error", "message": "Service temporarily unavailable"}));

    admin.execute_unprepared(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true")).await.unwrap();
    let (status, _) = app.call(Method::GET, "/ready", None, None).await;
    assert_eq!(status, StatusCode::OK, "recovers without a restart");
    let (status, _) = app.call(Method::GET, "/api/v1/me", Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::OK);
}

/// SQLite has one writer at a time. A write that waits past the busy timeout for another connection's write is
/// answered 503 with `Retry-After`, never 500, and did nothing; once the other write ends, the same request works.
#[tokio::test]
async fn a_write_blocked_by_another_sqlite_writer_is_503_with_retry_after() {
    use sea_orm::{ConnectionTrait, SqliteTransactionMode, TransactionOptions, TransactionTrait};
    let app = TestApp::spawn_with(|c| c.db_busy_timeout = std::time::Duration::from_millis(100)).await;
    let other = sea_orm::Database::connect(app.db.url()).await.unwrap();
    let holder = other
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await
        .unwrap();
    holder.execute_unprepared("UPDATE users SET full_name = 'held' WHERE username = 'admin'").await.unwrap();

    let rename = json!({"fullName": "Renamed Admin"});
    let response = app.authed(Method::PATCH, "/api/v1/me", &app.admin.token).json(&rename).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("2"));
    assert_eq!(body_of(response).await["status"], "error");
    // Reads are not blocked by a writer (WAL).
    let (status, body) = app.call(Method::GET, "/api/v1/me", Some(&app.admin.token), None).await;
    assert_eq!((status, body["data"]["fullName"].as_str()), (StatusCode::OK, Some("Test Admin")));

    holder.rollback().await.unwrap();
    let (status, body) = app.call(Method::PATCH, "/api/v1/me", Some(&app.admin.token), Some(rename)).await;
    assert_eq!((status, body["data"]["fullName"].as_str()), (StatusCode::OK, Some("Renamed Admin")));
}
