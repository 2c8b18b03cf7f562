//! The HTTP adapter: actix-web handlers, DTOs, the response envelope, the one error mapping, and the OpenAPI spec.
//!
//! Handlers parse and validate input (garde), call an application service with the authenticated `Caller`, and
//! shape the answer. They hold no business rules and never touch the database.

pub mod dto;
mod error;
mod extract;
mod middleware;
pub mod openapi;
mod response;
mod routes;
mod server;
mod settings;
mod state;

pub use actix_web::dev::Server;
pub use error::ApiError;
pub use middleware::{Metrics, PoolStats, PoolStatsSource};
pub use server::{build_server, build_server_with_metrics};
pub use settings::{BATCH_ITEM_BYTES, HttpSettings, batch_json_limit};
pub use state::AppState;
