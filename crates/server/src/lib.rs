//! The leadscore server: configuration, wiring and the command line. This is the only crate that knows every other
//! crate; it builds the adapters, hands them to the application services and starts the HTTP server.

pub mod cli;
pub mod config;
pub mod observability;
pub mod startup;
pub mod telemetry;

pub use config::Config;
pub use startup::Application;
