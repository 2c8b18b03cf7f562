//! Bodies and parameters of the RFM segmentation endpoints.

mod analyses;
mod customers;
mod datasets;

pub use analyses::*;
pub use customers::*;
pub use datasets::*;
