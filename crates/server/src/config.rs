//! Typed configuration, read once at start-up from the environment (and `.env`). Every field documents its
//! default; `README.md` has the same table.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};
use leadscore_application::files::FileLimits;
use leadscore_application::media::MediaService;
use leadscore_infrastructure::db::DbSettings;
use secrecy::{ExposeSecret, SecretString};

/// The JWT secret used when none is configured. Fine on a laptop; refused when `APP_ENV=production`.
pub const DEV_JWT_SECRET: &str = "leadscore-development-secret-do-not-use-in-production";

/// Where the process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AppEnv {
    /// A developer machine or CI.
    Development,
    /// Serving real users: secure cookies, no default secret.
    Production,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable.
    Pretty,
    /// One JSON object per line.
    Json,
}

fn duration(raw: &str) -> Result<Duration, String> {
    humantime::parse_duration(raw).map_err(|e| format!("expected a duration such as 15m or 7d: {e}"))
}

/// The settings as read from flags and environment variables.
#[derive(Args, Clone)]
pub struct ConfigArgs {
    /// Database URL: `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/leadscore.db?mode=rwc")]
    pub database_url: String,
    /// Largest number of pooled database connections.
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,
    /// Connections the pool keeps open even when idle.
    #[arg(long, env = "DB_MIN_CONNECTIONS", default_value_t = 0)]
    pub db_min_connections: u32,
    /// How long a request waits for a pooled connection before failing with 503.
    #[arg(long, env = "DB_ACQUIRE_TIMEOUT", default_value = "5s", value_parser = duration)]
    pub db_acquire_timeout: Duration,
    /// An idle connection above `DB_MIN_CONNECTIONS` is closed after this long.
    #[arg(long, env = "DB_IDLE_TIMEOUT", default_value = "10m", value_parser = duration)]
    pub db_idle_timeout: Duration,
    /// PostgreSQL aborts any statement running longer than this (`statement_timeout`; `0s` = no limit). SQLite has
    /// no equivalent.
    #[arg(long, env = "DB_STATEMENT_TIMEOUT", default_value = "30s", value_parser = duration)]
    pub db_statement_timeout: Duration,
    /// SQLite: how long a write waits for another connection's write to end before the request is answered 503
    /// with `Retry-After` (SQLite has one writer at a time). Ignored on PostgreSQL.
    #[arg(long, env = "DB_BUSY_TIMEOUT", default_value = "10s", value_parser = duration)]
    pub db_busy_timeout: Duration,
    /// Address and port to listen on.
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// `development` or `production`.
    #[arg(long, env = "APP_ENV", value_enum, default_value = "development")]
    pub app_env: AppEnv,
    /// Secret for signing access tokens (at least 32 bytes).
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Access-token lifetime.
    #[arg(long, env = "JWT_ACCESS_TTL", default_value = "15m", value_parser = duration)]
    pub jwt_access_ttl: Duration,
    /// Refresh-token lifetime.
    #[arg(long, env = "JWT_REFRESH_TTL", default_value = "7d", value_parser = duration)]
    pub jwt_refresh_ttl: Duration,
    /// How long a rotated refresh token may be presented again and get the same successor (two tabs refreshing at
    /// once) before it counts as reuse and revokes the session; `0s` turns the grace off.
    #[arg(long, env = "JWT_REFRESH_REUSE_WINDOW", default_value = "10s", value_parser = duration)]
    pub jwt_refresh_reuse_window: Duration,
    /// How long an authenticated request may use what this process read of the account (role, active, token
    /// version) instead of reading it again; a change made through another replica applies within this. `0s`:
    /// read on every request.
    #[arg(long, env = "AUTH_CACHE_TTL", default_value = "1s", value_parser = duration)]
    pub auth_cache_ttl: Duration,
    /// bcrypt cost (4-31).
    #[arg(long, env = "BCRYPT_COST", default_value_t = 12, value_parser = clap::value_parser!(u32).range(4..=31))]
    pub bcrypt_cost: u32,
    /// Whether anyone may register as Sales.
    #[arg(long, env = "ALLOW_SIGNUP", default_value_t = true, action = clap::ArgAction::Set)]
    pub allow_signup: bool,
    /// Comma-separated origins allowed by CORS (none by default).
    #[arg(long, env = "CORS_ORIGINS", value_delimiter = ',', default_value = "")]
    pub cors_origins: Vec<String>,
    /// Directory of uploaded files.
    #[arg(long, env = "STORAGE_DIR", default_value = "data/uploads")]
    pub storage_dir: PathBuf,
    /// `pretty` or `json`.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,
    /// Failed logins for one identifier within `LOGIN_WINDOW` before 429.
    #[arg(long, env = "LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: u64,
    /// Failed logins from one address within `LOGIN_WINDOW` before 429.
    #[arg(long, env = "LOGIN_MAX_FAILURES_PER_IP", default_value_t = 20)]
    pub login_max_failures_per_ip: u64,
    /// Sign-ups (successful or refused) from one client address per window, before 429.
    #[arg(long, env = "SIGNUP_MAX_PER_IP", default_value_t = 10)]
    pub signup_max_per_ip: u64,
    /// Sliding window of login throttling.
    #[arg(long, env = "LOGIN_WINDOW", default_value = "15m", value_parser = duration)]
    pub login_window: Duration,
    /// Largest JSON body in bytes.
    #[arg(long, env = "MAX_JSON_BYTES", default_value_t = 262_144)]
    pub max_json_bytes: usize,
    /// Largest uploaded image in bytes.
    #[arg(long, env = "MAX_IMAGE_BYTES", default_value_t = 5 * 1024 * 1024)]
    pub max_image_bytes: usize,
    /// Largest customer import file in bytes.
    #[arg(long, env = "MAX_IMPORT_BYTES", default_value_t = 50 * 1024 * 1024)]
    pub max_import_bytes: usize,
    /// Largest number of data rows in one customer import.
    #[arg(long, env = "MAX_IMPORT_ROWS", default_value_t = 1_000_000)]
    pub max_import_rows: u64,
    /// Largest transaction file for RFM segmentation, in bytes.
    #[arg(long, env = "MAX_DATASET_BYTES", default_value_t = 100 * 1024 * 1024)]
    pub max_dataset_bytes: usize,
    /// Largest number of bytes an uploaded workbook may expand to (all its parts together).
    #[arg(long, env = "MAX_FILE_INFLATED_BYTES", default_value_t = FileLimits::DEFAULT_MAX_INFLATED_BYTES)]
    pub max_file_inflated_bytes: u64,
    /// Largest number of cells a file reader keeps at once (a transaction workbook is kept whole).
    #[arg(long, env = "MAX_FILE_CELLS", default_value_t = FileLimits::DEFAULT_MAX_CELLS)]
    pub max_file_cells: u64,
    /// Largest image in pixels (width times height, read from its header); larger images are refused with 413.
    #[arg(long, env = "MAX_IMAGE_PIXELS", default_value_t = MediaService::DEFAULT_MAX_IMAGE_PIXELS)]
    pub max_image_pixels: u64,
    /// How long in-flight requests may finish after SIGTERM (SIGINT/Ctrl-C and SIGQUIT stop at once).
    #[arg(long, env = "SHUTDOWN_TIMEOUT", default_value = "30s", value_parser = duration)]
    pub shutdown_timeout: Duration,
    /// HTTP worker threads (0 = one per core).
    #[arg(long, env = "HTTP_WORKERS", default_value_t = 0)]
    pub http_workers: usize,
    /// A new connection must deliver its first request's headers within this time (else 408 and closed).
    #[arg(long, env = "HTTP_HEAD_TIMEOUT", default_value = "5s", value_parser = duration)]
    pub http_head_timeout: Duration,
    /// A request's body must have fully arrived this long after the request started (else 408 and closed).
    #[arg(long, env = "HTTP_BODY_TIMEOUT", default_value = "60s", value_parser = duration)]
    pub http_body_timeout: Duration,
    /// An idle keep-alive connection is closed after this long (`0s` disables keep-alive).
    #[arg(long, env = "HTTP_KEEP_ALIVE", default_value = "5s", value_parser = duration)]
    pub http_keep_alive: Duration,
    /// Time given to a client to acknowledge the close of its connection before it is dropped.
    #[arg(long, env = "HTTP_DISCONNECT_TIMEOUT", default_value = "1s", value_parser = duration)]
    pub http_disconnect_timeout: Duration,
    /// Directory holding `model.onnx`, `model.json` (the card) and `fixtures/parity.json`.
    #[arg(long, env = "MODEL_DIR", default_value = "model")]
    pub model_dir: PathBuf,
    /// How often a replica checks which model the fleet serves (the database's record of the last start-up or
    /// reload) and follows it; `0s` turns the check off (one replica only).
    #[arg(long, env = "MODEL_SYNC_INTERVAL", default_value = "5s", value_parser = duration)]
    pub model_sync_interval: Duration,
    /// How often the SQLite write-ahead log is checkpointed and truncated, so sustained traffic cannot grow it
    /// without bound; `0s` leaves it to SQLite's automatic checkpoints. Ignored on PostgreSQL.
    #[arg(long, env = "SQLITE_CHECKPOINT_INTERVAL", default_value = "5s", value_parser = duration)]
    pub sqlite_checkpoint_interval: Duration,
    /// Largest number of items in one `POST /predictions/batch`.
    #[arg(long, env = "MAX_BATCH_PREDICTIONS", default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_batch_predictions: u64,
    /// Store concurrent single predictions in one transaction (group commit); `false` gives each its own.
    #[arg(long, env = "PREDICTION_GROUP_COMMIT", default_value_t = true, action = clap::ArgAction::Set)]
    pub prediction_group_commit: bool,
    /// Factors per direction in a prediction's explanation (0 = no explanations).
    #[arg(long, env = "EXPLAIN_TOP_FACTORS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=20))]
    pub explain_top_factors: u64,
}

/// Validated configuration.
#[derive(Clone)]
pub struct Config {
    /// Database URL.
    pub database_url: String,
    /// Pool size.
    pub db_max_connections: u32,
    /// Connections kept open.
    pub db_min_connections: u32,
    /// Wait for a pooled connection.
    pub db_acquire_timeout: Duration,
    /// Idle connection lifetime.
    pub db_idle_timeout: Duration,
    /// PostgreSQL `statement_timeout` (zero = none).
    pub db_statement_timeout: Duration,
    /// SQLite busy timeout.
    pub db_busy_timeout: Duration,
    /// Listen address (port 0 picks a free port).
    pub bind: SocketAddr,
    /// Environment.
    pub app_env: AppEnv,
    /// JWT signing secret.
    pub jwt_secret: SecretString,
    /// Access-token lifetime.
    pub jwt_access_ttl: Duration,
    /// Refresh-token lifetime.
    pub jwt_refresh_ttl: Duration,
    /// Grace for a rotated refresh token presented again.
    pub jwt_refresh_reuse_window: Duration,
    /// Lifetime of what authentication caches of an account.
    pub auth_cache_ttl: Duration,
    /// bcrypt cost.
    pub bcrypt_cost: u32,
    /// Self-service sign-up.
    pub allow_signup: bool,
    /// CORS origins.
    pub cors_origins: Vec<String>,
    /// Upload directory.
    pub storage_dir: PathBuf,
    /// Log format.
    pub log_format: LogFormat,
    /// Failures per identifier before 429.
    pub login_max_failures: u64,
    /// Failures per address before 429.
    pub login_max_failures_per_ip: u64,
    /// Sign-ups per address before 429.
    pub signup_max_per_ip: u64,
    /// Throttling window.
    pub login_window: Duration,
    /// JSON body limit.
    pub max_json_bytes: usize,
    /// Image size limit.
    pub max_image_bytes: usize,
    /// Import file size limit.
    pub max_import_bytes: usize,
    /// Import row limit.
    pub max_import_rows: u64,
    /// Segmentation file size limit.
    pub max_dataset_bytes: usize,
    /// What an uploaded file may expand to.
    pub file_limits: FileLimits,
    /// Image size limit in pixels.
    pub max_image_pixels: u64,
    /// Drain time on shutdown.
    pub shutdown_timeout: Duration,
    /// Worker threads.
    pub http_workers: usize,
    /// Deadline for the first request's headers on a connection.
    pub http_head_timeout: Duration,
    /// Deadline for a request's body, from the start of the request.
    pub http_body_timeout: Duration,
    /// Keep-alive idle time (zero = off).
    pub http_keep_alive: Duration,
    /// Time a closing connection may linger.
    pub http_disconnect_timeout: Duration,
    /// Model directory.
    pub model_dir: PathBuf,
    /// Interval of the model sync between replicas (zero = off).
    pub model_sync_interval: Duration,
    /// Interval of the SQLite WAL checkpoint (zero = SQLite's automatic checkpoints only).
    pub sqlite_checkpoint_interval: Duration,
    /// Batch prediction limit.
    pub max_batch_predictions: usize,
    /// Explanation size.
    pub explain_top_factors: usize,
    /// Group commit of single predictions.
    pub prediction_group_commit: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("bind", &self.bind)
            .field("app_env", &self.app_env)
            .field("jwt_secret", &"[redacted]")
            .field("jwt_access_ttl", &self.jwt_access_ttl)
            .field("jwt_refresh_ttl", &self.jwt_refresh_ttl)
            .field("jwt_refresh_reuse_window", &self.jwt_refresh_reuse_window)
            .field("auth_cache_ttl", &self.auth_cache_ttl)
            .field("bcrypt_cost", &self.bcrypt_cost)
            .field("allow_signup", &self.allow_signup)
            .field("cors_origins", &self.cors_origins)
            .field("storage_dir", &self.storage_dir)
            .field("model_dir", &self.model_dir)
            .finish_non_exhaustive()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl ConfigArgs {
    /// Validates the raw settings. Refuses the development secret in production.
    pub fn into_config(self) -> anyhow::Result<Config> {
        let using_default = self.jwt_secret.is_none();
        let secret = self.jwt_secret.unwrap_or_else(|| DEV_JWT_SECRET.to_owned());
        if self.app_env == AppEnv::Production && (using_default || secret == DEV_JWT_SECRET) {
            anyhow::bail!("JWT_SECRET must be set to a private value when APP_ENV=production");
        }
        if self.db_min_connections > self.db_max_connections {
            anyhow::bail!("DB_MIN_CONNECTIONS must not exceed DB_MAX_CONNECTIONS");
        }
        Ok(Config {
            database_url: self.database_url,
            db_max_connections: self.db_max_connections,
            db_min_connections: self.db_min_connections,
            db_acquire_timeout: self.db_acquire_timeout,
            db_idle_timeout: self.db_idle_timeout,
            db_statement_timeout: self.db_statement_timeout,
            db_busy_timeout: self.db_busy_timeout,
            bind: self.bind,
            app_env: self.app_env,
            jwt_secret: SecretString::from(secret),
            jwt_access_ttl: self.jwt_access_ttl,
            jwt_refresh_ttl: self.jwt_refresh_ttl,
            jwt_refresh_reuse_window: self.jwt_refresh_reuse_window,
            auth_cache_ttl: self.auth_cache_ttl,
            bcrypt_cost: self.bcrypt_cost,
            allow_signup: self.allow_signup,
            cors_origins: self
                .cors_origins
                .into_iter()
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
            storage_dir: self.storage_dir,
            log_format: self.log_format,
            login_max_failures: self.login_max_failures,
            login_max_failures_per_ip: self.login_max_failures_per_ip,
            signup_max_per_ip: self.signup_max_per_ip,
            login_window: self.login_window,
            max_json_bytes: self.max_json_bytes,
            max_image_bytes: self.max_image_bytes,
            max_import_bytes: self.max_import_bytes,
            max_import_rows: self.max_import_rows,
            max_dataset_bytes: self.max_dataset_bytes,
            file_limits: FileLimits {
                max_inflated_bytes: self.max_file_inflated_bytes,
                max_cells: self.max_file_cells,
                ..FileLimits::default()
            },
            max_image_pixels: self.max_image_pixels,
            shutdown_timeout: self.shutdown_timeout,
            http_workers: self.http_workers,
            http_head_timeout: self.http_head_timeout,
            http_body_timeout: self.http_body_timeout,
            http_keep_alive: self.http_keep_alive,
            http_disconnect_timeout: self.http_disconnect_timeout,
            model_dir: self.model_dir,
            model_sync_interval: self.model_sync_interval,
            sqlite_checkpoint_interval: self.sqlite_checkpoint_interval,
            max_batch_predictions: usize::try_from(self.max_batch_predictions)?,
            explain_top_factors: usize::try_from(self.explain_top_factors)?,
            prediction_group_commit: self.prediction_group_commit,
        })
    }
}

impl Config {
    /// The database pool settings (`DB_*`), used by the server and by every command that opens the database.
    pub fn db_settings(&self) -> DbSettings {
        let mut settings = DbSettings::new(self.database_url.clone());
        settings.max_connections = self.db_max_connections;
        settings.min_connections = self.db_min_connections;
        settings.acquire_timeout = self.db_acquire_timeout;
        settings.idle_timeout = self.db_idle_timeout;
        settings.statement_timeout = Some(self.db_statement_timeout);
        settings.busy_timeout = self.db_busy_timeout;
        settings
    }

    /// Defaults for a given database and storage directory (tests, tools): port 0, a test secret, bcrypt cost 4.
    pub fn for_tests(database_url: impl Into<String>, storage_dir: impl Into<PathBuf>) -> Self {
        Self {
            database_url: database_url.into(),
            db_max_connections: 5,
            db_min_connections: 0,
            db_acquire_timeout: Duration::from_secs(5),
            db_idle_timeout: Duration::from_secs(600),
            db_statement_timeout: Duration::from_secs(30),
            db_busy_timeout: Duration::from_secs(10),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            app_env: AppEnv::Development,
            jwt_secret: SecretString::from("test-secret-test-secret-test-secret-0123".to_owned()),
            jwt_access_ttl: Duration::from_secs(15 * 60),
            jwt_refresh_ttl: Duration::from_secs(7 * 24 * 3600),
            jwt_refresh_reuse_window: Duration::from_secs(10),
            auth_cache_ttl: Duration::from_secs(1),
            bcrypt_cost: 4,
            allow_signup: true,
            cors_origins: Vec::new(),
            storage_dir: storage_dir.into(),
            log_format: LogFormat::Pretty,
            login_max_failures: 5,
            login_max_failures_per_ip: 20,
            // Test suites sign many accounts up from one address; the sign-up throttle test sets its own limit.
            signup_max_per_ip: 1_000,
            login_window: Duration::from_secs(15 * 60),
            max_json_bytes: 262_144,
            max_image_bytes: 5 * 1024 * 1024,
            max_import_bytes: 50 * 1024 * 1024,
            max_import_rows: 1_000_000,
            max_dataset_bytes: 100 * 1024 * 1024,
            file_limits: FileLimits::default(),
            max_image_pixels: MediaService::DEFAULT_MAX_IMAGE_PIXELS,
            shutdown_timeout: Duration::from_secs(5),
            http_workers: 2,
            http_head_timeout: Duration::from_secs(5),
            http_body_timeout: Duration::from_secs(60),
            http_keep_alive: Duration::from_secs(5),
            http_disconnect_timeout: Duration::from_secs(1),
            model_dir: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../model")),
            model_sync_interval: Duration::from_secs(5),
            sqlite_checkpoint_interval: Duration::from_secs(5),
            max_batch_predictions: 1_000,
            explain_top_factors: 5,
            prediction_group_commit: true,
        }
    }

    /// The secret bytes, for the token issuer only.
    pub fn jwt_secret_bytes(&self) -> &[u8] {
        self.jwt_secret.expose_secret().as_bytes()
    }

    /// Whether tokens would be signed with the public development secret: worth a warning where tokens are issued
    /// to clients (`serve`), noise on `migrate`, `openapi` or `import`.
    pub fn uses_development_secret(&self) -> bool {
        self.jwt_secret.expose_secret() == DEV_JWT_SECRET
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_in_urls() {
        assert_eq!(redact_url("postgres://app:hunter2@db:5432/x"), "postgres://app:***@db:5432/x");
        assert_eq!(redact_url("postgres://postgres@127.0.0.1/x"), "postgres://postgres@127.0.0.1/x");
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn the_development_secret_is_recognised_whether_defaulted_or_given() {
        #[derive(clap::Parser)]
        struct Flags {
            #[command(flatten)]
            config: ConfigArgs,
        }
        let parse =
            |args: &[&str]| <Flags as clap::Parser>::try_parse_from(args).unwrap().config.into_config().unwrap();
        assert!(parse(&["leadscore"]).uses_development_secret());
        assert!(parse(&["leadscore", "--jwt-secret", DEV_JWT_SECRET]).uses_development_secret());
        assert!(
            !parse(&["leadscore", "--jwt-secret", "a-private-secret-a-private-secret-0123"]).uses_development_secret()
        );
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let config = Config::for_tests("sqlite::memory:", "/tmp");
        assert!(!format!("{config:?}").contains("test-secret"));
    }
}
