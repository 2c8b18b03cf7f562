//! `TestApp`: the real server, started in-process on port 0 against a fresh database, with an `Api` client and an
//! Admin signed in.

use std::ops::Deref;

use leadscore::config::Config;
use leadscore::startup::{Application, Services};
use leadscore_application::users::CreateUser;
use leadscore_domain::users::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;
use tempfile::TempDir;

use crate::client::{Api, TestUser};
use crate::db::TestDb;
use crate::fixtures;

/// E-mail of the Admin every `TestApp` starts with (and the process tests create with `admin create`).
pub const ADMIN_EMAIL: &str = "admin@leadscore.test";
/// Password of that Admin.
pub const ADMIN_PASSWORD: &str = "Admin-pass-1";

/// A running server on its own database and storage directory.
pub struct TestApp {
    pub api: Api,
    /// Kept alive as long as the app: dropping it drops the database.
    pub db: TestDb,
    /// The upload directory.
    pub storage: TempDir,
    /// The configuration the server runs with.
    pub config: Config,
    /// The Admin created at start-up, signed in.
    pub admin: TestUser,
}

/// A `TestApp` is used as its client (`app.call(..)`, `app.address`); the rest is what the tests reach behind it.
impl Deref for TestApp {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
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
        let api = Api::new(format!("http://127.0.0.1:{}", application.port()));
        tokio::spawn(application.run_until_stopped());
        let admin = api.login_as(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        Self { api, db, storage, config, admin }
    }

    /// Creates a user with `role` through the Admin API and logs them in.
    pub async fn user(&self, role: &str) -> TestUser {
        let email = format!("{}-{}@leadscore.test", role.to_lowercase(), uuid::Uuid::new_v4().simple());
        let password = "User-pass-123";
        let body = json!({"email": email, "password": password, "role": role, "fullName": format!("Test {role}")});
        self.created("/api/v1/users", &self.admin, body).await;
        self.login_as(&email, password).await
    }

    /// The Admin imports the first `rows` customers of the bundled UCI sample (with their outcomes); panics unless
    /// the import succeeds.
    pub async fn import_sample(&self, rows: usize) {
        let request = self
            .authed(Method::POST, "/api/v1/customers/import", &self.admin.token)
            .multipart(fixtures::csv_form(&fixtures::bank_rows(rows)));
        let (status, body) = self.send(request).await;
        assert_eq!(status, StatusCode::OK, "import of {rows} sample rows: {body}");
    }
}
