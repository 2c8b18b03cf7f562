//! What the segmentation use cases need from storage.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_domain::pagination::{Page, PageRequest, SortDir};
use leadscore_domain::segmentation::{Analysis, Dataset, SegmentedCustomer};
use uuid::Uuid;

use crate::AppError;

/// Fields a dataset list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DatasetSortField {
    /// Upload time (the default).
    #[default]
    CreatedAt,
    /// Data rows.
    Rows,
    Customers,
    /// File size.
    SizeBytes,
}

/// Filters, sort and page of the upload history.
#[derive(Debug, Clone, Default)]
pub struct DatasetQuery {
    /// Only datasets of this owner (set for everyone but Admins).
    pub owner_id: Option<Uuid>,
    /// Uploaded at or after.
    pub from: Option<DateTime<Utc>>,
    /// Uploaded at or before.
    pub to: Option<DateTime<Utc>>,
    pub sort_by: DatasetSortField,
    pub sort_dir: SortDir,
    pub page: PageRequest,
}

/// Fields the customers of an analysis can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CustomerResultSort {
    CustomerId,
    /// Days since the last purchase.
    Recency,
    /// Distinct invoices.
    Frequency,
    /// Total spent (the default).
    #[default]
    Monetary,
    /// Recency score.
    RScore,
    /// Frequency score.
    FScore,
    /// Monetary score.
    MScore,
    /// Cluster number.
    Cluster,
}

/// Which customers of an analysis.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerResultFilter {
    /// Only these clusters (any of them); empty means all.
    pub clusters: Vec<u8>,
    /// Case-insensitive substring of the customer id.
    pub q: Option<String>,
}

/// Filter, sort and page of the customers of an analysis.
#[derive(Debug, Clone, Default)]
pub struct CustomerResultQuery {
    /// Which customers.
    pub filter: CustomerResultFilter,
    /// Sort field; ties are broken by customer id.
    pub sort_by: CustomerResultSort,
    pub sort_dir: SortDir,
    pub page: PageRequest,
}

/// Storage of datasets, analyses, their segments and per-customer results.
#[async_trait]
pub trait SegmentationRepository: Send + Sync {
    /// Stores a new dataset. Its owner must exist.
    async fn insert_dataset(&self, dataset: &Dataset) -> Result<(), AppError>;

    /// The dataset with this id, if any.
    async fn find_dataset(&self, id: Uuid) -> Result<Option<Dataset>, AppError>;

    /// One page of datasets matching the query, ties broken by id.
    async fn list_datasets(&self, query: &DatasetQuery) -> Result<Page<Dataset>, AppError>;

    /// Deletes a dataset together with its analyses, their segments and customer results. Returns `false` when
    /// there was no such dataset.
    async fn delete_dataset(&self, id: Uuid) -> Result<bool, AppError>;

    /// Stores an analysis with its segments and every customer result in ONE transaction: a failure MUST leave
    /// nothing of it behind. MUST return `AppError::NotFound` when the dataset does not exist (deleted meanwhile).
    async fn insert_analysis(&self, analysis: &Analysis, customers: &[SegmentedCustomer]) -> Result<(), AppError>;

    /// The analysis with this id, with its segments ordered by cluster, if any.
    async fn find_analysis(&self, id: Uuid) -> Result<Option<Analysis>, AppError>;

    /// Every analysis of a dataset (with segments), newest first.
    async fn analyses_of_dataset(&self, dataset_id: Uuid) -> Result<Vec<Analysis>, AppError>;

    /// One page of the customers of an analysis (an unknown analysis has none).
    async fn list_customers(
        &self,
        analysis_id: Uuid,
        query: &CustomerResultQuery,
    ) -> Result<Page<SegmentedCustomer>, AppError>;

    /// Every customer of an analysis matching the filter, in the given order (ties by customer id): for exports.
    async fn all_customers(
        &self,
        analysis_id: Uuid,
        filter: &CustomerResultFilter,
        sort_by: CustomerResultSort,
        sort_dir: SortDir,
    ) -> Result<Vec<SegmentedCustomer>, AppError>;

    /// Deletes an analysis with its segments and customer results. Returns `false` when there was none.
    async fn delete_analysis(&self, id: Uuid) -> Result<bool, AppError>;
}
