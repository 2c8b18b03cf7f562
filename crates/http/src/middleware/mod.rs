//! Cross-cutting request handling: request ids, access logs, metrics, and envelopes for framework-made errors.

mod envelope_errors;
mod metrics;
mod observe;

pub use envelope_errors::envelope_framework_errors;
pub use metrics::Metrics;
pub use observe::observe;
