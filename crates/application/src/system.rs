//! Ports for the machine the application runs on: time and dependency health.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// The current time. Injected so tests can control it.
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// Readiness of a dependency, for `/ready`.
#[async_trait]
pub trait HealthProbe: Send + Sync {
    /// A short name shown in the readiness report ("database", "model").
    fn name(&self) -> &'static str;
    /// `true` when the dependency can serve requests now. MUST NOT block for longer than a few seconds.
    async fn is_ready(&self) -> bool;
}
