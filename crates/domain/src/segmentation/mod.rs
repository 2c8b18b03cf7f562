//! RFM segmentation of transaction files (seed S2): which rows count, Recency/Frequency/Monetary per customer, the
//! feature transform k-means runs on, quintile scores, the silhouette, and segment names read from centroids.
//!
//! Everything here is arithmetic on values; reading files, running k-means and storing results happen outside.
//! The whole rule book, with the reasons for each choice, is `docs/segmentation.md`.

pub mod features;
pub mod model;
pub mod naming;
pub mod rfm;
pub mod silhouette;
pub mod transactions;

pub use model::{
    Analysis, ClusterCount, Dataset, DatasetFormat, DatasetProfile, DroppedRows, KCandidate, RfmTriple, Segment,
    SegmentedCustomer, Stat,
};
