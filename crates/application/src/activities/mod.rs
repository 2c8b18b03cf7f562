//! The audit trail: recording and reading activities.

mod ports;
mod service;

pub use ports::{ActivityQuery, ActivityRepository};
pub use service::{ActivityLog, ActivityService, NewActivity};
