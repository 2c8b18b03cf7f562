//! The leadscore domain: entities, value objects and the rules that hold for them.
//!
//! Nothing here performs I/O or knows a framework; every type that crosses a layer boundary starts here.

pub mod activity;
pub mod analytics;
pub mod campaigns;
pub mod customers;
pub mod error;
pub mod limits;
mod macros;
pub mod pagination;
pub mod scoring;
pub mod segmentation;
pub mod users;

pub use error::{DomainError, FieldError, RowError, Validator};
