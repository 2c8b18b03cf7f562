//! HTTP-level settings: what the bin crate reads from configuration and the server, the state and the middleware
//! read back.

use std::time::Duration;

/// HTTP-level settings, read from configuration by the bin crate.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Origins allowed by CORS; empty means no cross-origin access.
    pub cors_origins: Vec<String>,
    /// Largest JSON body accepted.
    pub json_limit: usize,
    /// Largest body of `POST /predictions/batch`, sized for its largest batch (see `batch_json_limit`).
    pub batch_json_limit: usize,
    /// Largest uploaded image.
    pub max_image_bytes: usize,
    /// Largest customer import file.
    pub max_import_bytes: usize,
    /// Whether the refresh-token cookie is marked `Secure` (true in production, behind TLS).
    pub secure_cookies: bool,
    /// Lifetime of the refresh-token cookie.
    pub refresh_ttl: Duration,
    /// How long in-flight requests may run after a shutdown signal.
    pub shutdown_timeout: Duration,
    /// Worker threads (0 = one per core).
    pub workers: usize,
    /// A connection's first request must deliver its headers within this time (actix answers 408 and closes).
    pub head_timeout: Duration,
    /// A request's body must have arrived this long after the request started (408 and closed otherwise; zero
    /// disables the deadline).
    pub body_timeout: Duration,
    /// Idle keep-alive connections are closed after this long (zero disables keep-alive).
    pub keep_alive: Duration,
    /// How long a closing connection may wait for the client's acknowledgement.
    pub disconnect_timeout: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            json_limit: 256 * 1024,
            batch_json_limit: batch_json_limit(256 * 1024, 1_000),
            max_image_bytes: 5 * 1024 * 1024,
            max_import_bytes: 50 * 1024 * 1024,
            secure_cookies: false,
            refresh_ttl: Duration::from_secs(7 * 24 * 3600),
            shutdown_timeout: Duration::from_secs(30),
            workers: 0,
            head_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(60),
            keep_alive: Duration::from_secs(5),
            disconnect_timeout: Duration::from_secs(1),
        }
    }
}

/// Room per item of a batch of predictions: one item of raw features is about 300 bytes of compact JSON and 450
/// pretty-printed, so 1 KiB leaves space for long category names and whitespace.
pub const BATCH_ITEM_BYTES: usize = 1024;

/// The batch body limit: the larger of the JSON limit and `max_batch` items of `BATCH_ITEM_BYTES`, so that the
/// largest batch the scoring service accepts is never refused as too large first.
pub fn batch_json_limit(json_limit: usize, max_batch: usize) -> usize {
    json_limit.max(max_batch.saturating_mul(BATCH_ITEM_BYTES))
}
