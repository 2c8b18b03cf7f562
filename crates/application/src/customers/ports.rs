//! What the customer use cases need from storage.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_domain::customers::{BankProfile, Customer, NewCustomer};
use leadscore_domain::pagination::{Page, PageRequest};
use uuid::Uuid;

use super::filter::{CustomerFilter, CustomerSort};
use crate::AppError;
use leadscore_domain::RowError;

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// New customers.
    pub created: u64,
    /// Existing customers (matched by external id, then e-mail) overwritten.
    pub updated: u64,
    /// Existing customers left alone.
    pub skipped: u64,
}

/// Called with the number of rows written so far.
pub type ImportProgress = Arc<dyn Fn(u64) + Send + Sync>;

/// Storage of customers.
#[async_trait]
pub trait CustomerRepository: Send + Sync {
    /// Stores a new customer. MUST return `AppError::Conflict` when the external id or e-mail is taken.
    async fn insert(&self, customer: &Customer) -> Result<(), AppError>;

    /// The customer with this id.
    async fn find_by_id(&self, id: Uuid) -> Result<Option<Customer>, AppError>;

    /// The customers with these ids that exist, in no particular order.
    async fn find_many(&self, ids: &[Uuid]) -> Result<Vec<Customer>, AppError>;

    /// Replaces every stored attribute (not the score). MUST return `NotFound` for an unknown id and `Conflict`
    /// when the new external id or e-mail is taken.
    async fn update(&self, customer: &Customer) -> Result<(), AppError>;

    /// Deletes; `false` when there was none.
    async fn delete(&self, id: Uuid) -> Result<bool, AppError>;

    /// One page of customers matching the filter, in the given order (ties broken by id).
    async fn list(
        &self,
        filter: &CustomerFilter,
        sort: CustomerSort,
        page: PageRequest,
    ) -> Result<Page<Customer>, AppError>;

    /// Up to `limit` customers matching the filter with an id greater than `after`, by id: the keyset walk used by
    /// exports and batch jobs, constant memory however large the base.
    async fn list_after(
        &self,
        filter: &CustomerFilter,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<Customer>, AppError>;

    /// The same keyset walk as `list_after` (same filter, same order, same `after` and `limit` rules), but each customer
    /// comes back as its id and bank attributes only: the read of bulk scoring, which needs neither contact details nor
    /// scores, and reads the whole base.
    async fn list_profiles_after(
        &self,
        filter: &CustomerFilter,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<(Uuid, BankProfile)>, AppError>;

    /// Number of customers matching the filter.
    async fn count(&self, filter: &CustomerFilter) -> Result<u64, AppError>;

    /// Writes a whole import in ONE transaction: rows are matched to existing customers by external id, then by
    /// e-mail (including rows earlier in the same import); matches are updated or skipped per `on_conflict`, others
    /// created. With `dry_run` the transaction is rolled back, so the counts say what would happen. A failure MUST
    /// leave the database as it was.
    async fn import(
        &self,
        rows: Vec<NewCustomer>,
        on_conflict: OnConflict,
        dry_run: bool,
        now: DateTime<Utc>,
        progress: Option<ImportProgress>,
    ) -> Result<ImportCounts, AppError>;
}

/// What to do with a row that matches an existing customer (by external id, then e-mail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnConflict {
    /// Leave the existing customer alone (default).
    #[default]
    Skip,
    /// Overwrite the existing customer's attributes.
    Update,
}

/// How an import behaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// `true`: any invalid row rejects the whole file (default). `false`: valid rows are imported, invalid ones
    /// reported.
    pub strict: bool,
    /// Matching customers.
    pub on_conflict: OnConflict,
    /// Validate and count without writing.
    pub dry_run: bool,
}

/// The outcome of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Data rows in the file.
    pub total_rows: u64,
    /// Customers created.
    pub created: u64,
    /// Customers updated.
    pub updated: u64,
    /// Rows matching existing customers that were left alone.
    pub skipped: u64,
    /// Invalid rows not imported.
    pub rejected: u64,
    /// Whether nothing was written.
    pub dry_run: bool,
    /// Wall time of the whole import.
    pub duration_ms: u64,
    /// Up to the first 100 row errors.
    pub errors: Vec<RowError>,
    /// Every row error found.
    pub total_errors: u64,
    /// Columns that mean nothing to us, reported so a typo does not go unnoticed.
    pub unknown_columns: Vec<String>,
}
