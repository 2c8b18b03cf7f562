//! Cross-cutting request handling: request ids, access logs, metrics, security headers, body deadlines, and
//! envelopes for framework-made errors.

mod body_deadline;
mod envelope_errors;
mod metrics;
mod observe;
mod security_headers;

pub use body_deadline::body_deadline;
pub use envelope_errors::{envelope_cors_refusals, envelope_framework_errors};
pub use metrics::{Metrics, PoolStats, PoolStatsSource};
pub use observe::observe;
pub use security_headers::security_headers;
