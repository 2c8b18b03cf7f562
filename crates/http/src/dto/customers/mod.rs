//! Bodies and parameters of the customer endpoints.

mod customer;
mod import;
mod queries;

pub use customer::*;
pub use import::*;
pub use queries::*;
