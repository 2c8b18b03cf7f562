//! Bodies and parameters of the customer endpoints.

mod attributes;
mod customer;
mod import;
mod queries;

pub use attributes::*;
pub use customer::*;
pub use import::*;
pub use queries::*;
