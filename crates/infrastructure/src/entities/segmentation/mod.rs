//! Tables of RFM segmentation: datasets, analyses, their segments and per-customer results.

pub mod analyses;
pub mod customers;
pub mod datasets;
pub mod segments;
