//! `TestApp`: the real server, started in-process on port 0 against a fresh database, with an HTTP client.

use leadscore::config::Config;
use leadscore::startup::{Application, Services};
use leadscore_application::users::CreateUser;
use leadscore_domain::users::Role;
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::db::TestDb;

/// Credentials of the Admin every `TestApp` starts with.
pub const ADMIN_EMAIL: &str = "admin@leadscore.test";
/// Password of that Admin.
pub const ADMIN_PASSWORD: &str = "Admin-pass-1";

/// A signed-in test user.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Account id.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Password.
    pub password: String,
    /// Access token.
    pub token: String,
    /// Refresh token.
    pub refresh_token: String,
}

/// A running server on its own database and storage directory.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// A client without a cookie store (tokens are passed explicitly).
    pub client: Client,
    /// The database, kept alive as long as the app.
    pub db: TestDb,
    /// The upload directory.
    pub storage: TempDir,
    /// The configuration the server runs with.
    pub config: Config,
    /// The Admin created at start-up.
    pub admin: TestUser,
}

impl TestApp {
    /// A server on a fresh SQLite database with test defaults.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// A server on a fresh SQLite database, with the configuration adjusted by `tweak`.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_on(TestDb::sqlite().await, tweak).await
    }

    /// A server on the given database.
    pub async fn spawn_on(db: TestDb, tweak: impl FnOnce(&mut Config)) -> Self {
        if std::env::var_os("TEST_LOG").is_some() {
            leadscore::telemetry::init(leadscore::config::LogFormat::Pretty);
        }
        let storage = tempfile::tempdir().expect("storage dir");
        let mut config = Config::for_tests(db.url(), storage.path());
        tweak(&mut config);
        let services = Services::build(&config).await.expect("services");
        services
            .users
            .provision(CreateUser {
                email: ADMIN_EMAIL.into(),
                username: Some("admin".into()),
                password: ADMIN_PASSWORD.into(),
                full_name: Some("Test Admin".into()),
                phone: None,
                address: None,
                role: Role::Admin,
            })
            .await
            .expect("provision admin");
        let application = Application::with_services(config.clone(), services).await.expect("build application");
        let address = format!("http://127.0.0.1:{}", application.port());
        tokio::spawn(application.run_until_stopped());
        let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        let mut app = Self {
            address,
            client,
            db,
            storage,
            config,
            admin: TestUser {
                id: String::new(),
                email: ADMIN_EMAIL.into(),
                password: ADMIN_PASSWORD.into(),
                token: String::new(),
                refresh_token: String::new(),
            },
        };
        app.admin = app.login_as(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        app
    }

    /// A request to `path` (absolute on the server).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{}", self.address, path))
    }

    /// A request with a bearer token.
    pub fn authed(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(token)
    }

    /// POST JSON without a token.
    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path).json(body).send().await.expect("request")
    }

    /// Sends a request with an optional token and JSON body; answers status and parsed body (Null if not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.request(method, path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// Logs in and returns the user with tokens; panics unless the login succeeds.
    pub async fn login_as(&self, identifier: &str, password: &str) -> TestUser {
        let response =
            self.post_json("/api/v1/auth/login", &json!({"identifier": identifier, "password": password})).await;
        assert_eq!(response.status(), StatusCode::OK, "login as {identifier}");
        let body: Value = response.json().await.expect("json");
        let data = &body["data"];
        TestUser {
            id: data["user"]["id"].as_str().expect("id").to_owned(),
            email: data["user"]["email"].as_str().expect("email").to_owned(),
            password: password.to_owned(),
            token: data["accessToken"].as_str().expect("access token").to_owned(),
            refresh_token: data["refreshToken"].as_str().expect("refresh token").to_owned(),
        }
    }

    /// Creates a user with `role` through the Admin API and logs them in.
    pub async fn user(&self, role: &str) -> TestUser {
        let email = format!("{}-{}@leadscore.test", role.to_lowercase(), uuid::Uuid::new_v4().simple());
        let password = "User-pass-123";
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/users",
                Some(&self.admin.token),
                Some(json!({"email": email, "password": password, "role": role, "fullName": format!("Test {role}")})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "create {role}: {body}");
        self.login_as(&email, password).await
    }
}
