//! leadscore use cases and the ports (traits) they need from the outside world.
//!
//! Each module holds one concept: its ports (`ports.rs`) and its service (`service.rs`). Adapters live in the
//! infrastructure crate; the HTTP crate calls the services. Object-level authorisation happens here, so every entry
//! point that reaches a use case gets the same rules.

pub mod activities;
pub mod analytics;
pub mod auth;
pub mod caller;
pub mod campaigns;
pub mod customers;
pub mod error;
pub mod exports;
pub mod files;
pub mod imports;
pub mod media;
pub mod scoring;
pub mod segmentation;
pub mod sessions;
pub mod system;
#[cfg(test)]
pub mod testing;
pub mod users;

pub use caller::Caller;
pub use error::AppError;
