//! Logging set-up.
//!
//! What is never logged: request bodies (passwords, refresh tokens), headers (`Authorization`, cookies), query
//! strings, and SQL with its parameters — the access line carries method, path, route, status and time, inside a
//! span with the request id. `sqlx` and `sea_orm` stay at `warn` by default because at `debug` they print
//! statements with bound values (password hashes, refresh-token hashes); keep them there in production.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::config::LogFormat;

/// The filter when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn,actix_server=warn";

/// Installs the global subscriber once (later calls are no-ops, which tests rely on), writing to stderr.
/// `RUST_LOG` overrides the default filter.
pub fn init(format: LogFormat) {
    init_with_writer(format, std::io::stderr);
}

/// Like [`init`] with another destination (a test's buffer). Answers whether this call installed the subscriber.
pub fn init_with_writer<W>(format: LogFormat, writer: W) -> bool
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer);
    match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).try_init().is_ok(),
        LogFormat::Pretty => builder.compact().try_init().is_ok(),
    }
}
