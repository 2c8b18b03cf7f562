//! Ports for the machine the application runs on: time and dependency health.

use std::time::Instant;

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

/// Runs CPU-heavy work (parsing a file, clustering, writing a workbook) on the rayon pool, so async workers stay
/// free: the one way CPU work leaves the executor in the use cases. A panic becomes an internal error.
pub async fn on_compute_pool<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::AppError> {
    let (sender, receiver) = futures_channel::oneshot::channel();
    rayon::spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        let _ = sender.send(result);
    });
    match receiver.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(crate::AppError::Internal("a computation panicked".into())),
        Err(_) => Err(crate::AppError::Internal("a computation was dropped".into())),
    }
}

/// Milliseconds since `started`, for the `duration_ms` of a report; saturates instead of wrapping.
pub fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
