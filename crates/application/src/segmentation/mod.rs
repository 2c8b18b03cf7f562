//! RFM segmentation (seed S2): upload transaction files, cluster their customers with k-means into named
//! segments, read and export the results. The arithmetic is in the domain; here are the file readers, k-means,
//! the pipeline that strings them together, the exports and the use cases.

mod clustering;
mod export;
mod parsed;
mod pipeline;
mod ports;
mod service;

pub use clustering::{Clustering, KMeansSettings, kmeans, silhouette};
pub use export::{COLUMNS as EXPORT_COLUMNS, SEGMENT_COLUMNS, customers_sheet, segments_sheet};
pub use parsed::{ParsedTransactions, read_transactions};
pub use pipeline::{AnalysisOutcome, ChosenClustering, RfmTable, analyse, candidate_ks, cluster, describe, rfm_table};
pub use ports::{
    CustomerResultFilter, CustomerResultQuery, CustomerResultSort, DatasetQuery, DatasetSortField,
    SegmentationRepository,
};
pub use service::{
    AnalysisRequest, CustomerSelection, DatasetDetail, SegmentationService, SegmentationSettings, dataset_folder,
};
