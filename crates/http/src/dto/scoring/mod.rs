//! Bodies and parameters of the model and prediction endpoints.

mod features;
mod model;
mod predictions;

pub use features::*;
pub use model::*;
pub use predictions::*;
