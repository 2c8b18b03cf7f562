//! Two server processes sharing one PostgreSQL database (issue 8): whichever replica a request reaches, login
//! throttling, refresh-token rotation with reuse detection, and the model in service behave the same, because that
//! state lives in the database.

use std::time::{Duration, Instant};

use leadscore_tests::model::write_model_copy;
use leadscore_tests::{ProcessConfig, ServerProcess, TestDb};
use reqwest::Client;
use serde_json::{Value, json};

const SERVER: &str = env!("CARGO_BIN_EXE_leadscore-server");

struct Replica<'a> {
    client: &'a Client,
    server: &'a ServerProcess,
}

impl Replica<'_> {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.server.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn login(&self, identifier: &str, password: &str) -> (u16, Value) {
        self.call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"identifier": identifier, "password": password})),
        )
        .await
    }

    async fn refresh(&self, token: &str) -> (u16, Value) {
        self.call(reqwest::Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": token}))).await
    }

    async fn model_version(&self, token: &str) -> String {
        let (status, body) = self.call(reqwest::Method::GET, "/api/v1/model", Some(token), None).await;
        assert_eq!(status, 200, "{body}");
        body["data"]["modelVersion"].as_str().unwrap().to_owned()
    }
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
    let client = Client::new();
    let (a, b) = (Replica { client: &client, server: &server_a }, Replica { client: &client, server: &server_b });
    let (admin, password) = (leadscore_tests::app::ADMIN_EMAIL, leadscore_tests::app::ADMIN_PASSWORD);

    // An access token from one replica is good on the other (one signing secret, one user table).
    let (status, session) = a.login(admin, password).await;
    assert_eq!(status, 200, "{session}");
    let token = session["data"]["accessToken"].as_str().unwrap().to_owned();
    let (status, me) = b.call(reqwest::Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!((status, me["data"]["email"].as_str()), (200, Some(admin)));

    // Throttling: four failures split over both replicas lock the account on both.
    let (status, created) = a
        .call(
            reqwest::Method::POST,
            "/api/v1/users",
            Some(&token),
            Some(json!({"email": "sales@bank.example", "password": "Sales-pass-123", "role": "Sales"})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    for replica in [&a, &b, &a, &b] {
        assert_eq!(replica.login("sales@bank.example", "wrong-pass-1").await.0, 401);
    }
    for replica in [&a, &b] {
        let (status, body) = replica.login("sales@bank.example", "Sales-pass-123").await;
        assert_eq!(status, 429, "the lock holds on every replica: {body}");
    }

    // Refresh rotation: rotate on B, then reuse the old token on A: the reuse is detected and the whole session
    // (including the token B just issued) is revoked everywhere.
    let first = session["data"]["refreshToken"].as_str().unwrap().to_owned();
    let (status, rotated) = b.refresh(&first).await;
    assert_eq!(status, 200, "{rotated}");
    let second = rotated["data"]["refreshToken"].as_str().unwrap().to_owned();
    assert_eq!(a.refresh(&first).await.0, 401, "reuse of a rotated token");
    assert_eq!(b.refresh(&second).await.0, 401, "the session was revoked on the other replica too");
    assert_eq!(a.refresh(&second).await.0, 401);

    // The model: a new model lands in the shared directory and the Admin reloads replica A; replica B follows
    // within its sync interval, and scores with the new model.
    let (_, session) = b.login(admin, password).await;
    let token = session["data"]["accessToken"].as_str().unwrap().to_owned();
    let original = b.model_version(&token).await;
    write_model_copy(models.path(), Some("replica-test-v2"));
    let (status, reload) = a.call(reqwest::Method::POST, "/api/v1/model/reload", Some(&token), None).await;
    assert_eq!(status, 200, "{reload}");
    assert_eq!(reload["data"]["previousVersion"], original.as_str());
    assert_eq!(a.model_version(&token).await, "replica-test-v2");
    let deadline = Instant::now() + Duration::from_secs(30);
    while b.model_version(&token).await != "replica-test-v2" {
        assert!(Instant::now() < deadline, "replica B still serves {original} 30 s after the reload on A");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let features = json!({"features": {
        "age": 35, "job": "admin.", "marital": "single", "education": "secondary", "default": "no",
        "balance": 800, "housing": "no", "loan": "no", "contact": "cellular", "day": 12, "month": "aug",
        "campaign": 2, "pdays": -1, "previous": 0, "poutcome": "unknown"
    }});
    let (status, scored) = b.call(reqwest::Method::POST, "/api/v1/predictions", Some(&token), Some(features)).await;
    assert_eq!(status, 201, "{scored}");
    assert_eq!(scored["data"]["modelVersion"], "replica-test-v2");
    let logs = server_b.logs().join("\n");
    assert!(logs.contains("model reloaded to follow the deployed model"), "{logs}");
}
