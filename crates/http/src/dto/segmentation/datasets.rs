//! Uploaded transaction files: their description, the rows left out, and the dataset list's parameters.

use chrono::{DateTime, Utc};
use leadscore_application::segmentation::{DatasetDetail, DatasetQuery, DatasetSortField};
use leadscore_domain::segmentation::{Dataset, DatasetFormat, DroppedRows, Stat};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::AnalysisDto;
use crate::dto::common::check_range;
use crate::dto::common::list_params;
use crate::error::ApiError;

api_enum!(
    /// The kind of an uploaded file, decided from its content.
    DatasetFormatDto => DatasetFormat {
        /// Comma-, semicolon- or tab-separated text.
        Csv = "csv",
        /// Excel workbook (first sheet).
        Xlsx = "xlsx",
    }
);

/// Rows left out of analyses, by reason (each row counted once, for the first reason that applies).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"missingCustomerId": 135080, "cancelled": 8905, "nonPositiveQuantity": 0,
    "nonPositivePrice": 40, "unparseable": 0, "total": 144025}))]
pub struct DroppedRowsDto {
    /// No CustomerID.
    pub missing_customer_id: u64,
    /// Cancellations (InvoiceNo starting with `C`).
    pub cancelled: u64,
    /// Quantity ≤ 0.
    pub non_positive_quantity: u64,
    /// UnitPrice ≤ 0.
    pub non_positive_price: u64,
    /// A needed cell could not be read (at most 1% of the rows, or the file is refused).
    pub unparseable: u64,
    /// All of the above.
    pub total: u64,
}

impl From<DroppedRows> for DroppedRowsDto {
    fn from(d: DroppedRows) -> Self {
        Self {
            missing_customer_id: d.missing_customer_id,
            cancelled: d.cancelled,
            non_positive_quantity: d.non_positive_quantity,
            non_positive_price: d.non_positive_price,
            unparseable: d.unparseable,
            total: d.total(),
        }
    }
}

/// An unreadable row of an uploaded file.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"row": 1204, "field": "invoiceDate", "message": "'31/31/2011' is not a date (expected e.g. 2011-12-09 12:50:00)"}))]
pub struct RowIssueDto {
    /// Spreadsheet row number (the header is row 1).
    pub row: u64,
    /// The column, camelCase.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// An uploaded transaction file and what it contains.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "019a5a3c-7d1e-7c4a-9f1e-2b3c4d5e6f70", "ownerId": "019a5a3c-0000-7c4a-9f1e-2b3c4d5e6f70",
    "format": "csv", "sizeBytes": 47217126, "rows": 541909, "keptRows": 397884, "customers": 4338,
    "firstInvoiceAt": "2010-12-01T08:26:00Z", "lastInvoiceAt": "2011-12-09T12:50:00Z",
    "dropped": {"missingCustomerId": 135080, "cancelled": 8905, "nonPositiveQuantity": 0, "nonPositivePrice": 40,
        "unparseable": 0, "total": 144025},
    "issues": [], "createdAt": "2026-11-22T08:30:00Z"}))]
pub struct DatasetDto {
    /// Dataset id.
    pub id: Uuid,
    /// Who uploaded it.
    pub owner_id: Uuid,
    /// CSV or XLSX.
    pub format: DatasetFormatDto,
    /// File size.
    pub size_bytes: u64,
    /// Data rows (header and blank rows excluded).
    pub rows: u64,
    /// Rows an analysis uses.
    pub kept_rows: u64,
    /// Customers an analysis segments.
    pub customers: u64,
    /// First invoice among the kept rows (file times are taken as UTC).
    pub first_invoice_at: Option<DateTime<Utc>>,
    /// Last invoice among the kept rows.
    pub last_invoice_at: Option<DateTime<Utc>>,
    /// Rows left out, by reason.
    pub dropped: DroppedRowsDto,
    /// The first unreadable rows (at most 10).
    pub issues: Vec<RowIssueDto>,
    /// Upload time.
    pub created_at: DateTime<Utc>,
}

impl From<Dataset> for DatasetDto {
    fn from(d: Dataset) -> Self {
        let p = d.profile;
        Self {
            id: d.id,
            owner_id: d.owner_id,
            format: d.format.into(),
            size_bytes: d.size_bytes,
            rows: p.rows,
            kept_rows: p.kept_rows,
            customers: p.customers,
            first_invoice_at: p.first_invoice_at,
            last_invoice_at: p.last_invoice_at,
            dropped: p.dropped.into(),
            issues: p
                .issues
                .into_iter()
                .map(|i| RowIssueDto { row: i.row, field: i.field, message: i.message })
                .collect(),
            created_at: d.created_at,
        }
    }
}

/// A dataset with its analyses, newest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DatasetDetailDto {
    #[serde(flatten)]
    pub dataset: DatasetDto,
    pub analyses: Vec<AnalysisDto>,
}

impl From<DatasetDetail> for DatasetDetailDto {
    fn from(d: DatasetDetail) -> Self {
        Self { dataset: d.dataset.into(), analyses: d.analyses.into_iter().map(AnalysisDto::from).collect() }
    }
}

/// Mean and median over a segment.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"mean": 12.4, "median": 9.0}))]
pub struct StatDto {
    pub mean: f64,
    pub median: f64,
}

impl From<Stat> for StatDto {
    fn from(s: Stat) -> Self {
        Self { mean: s.mean, median: s.median }
    }
}

/// Fields the upload history can be sorted by.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum DatasetSortBy {
    /// Upload time (default).
    #[default]
    CreatedAt,
    /// Data rows.
    Rows,
    Customers,
    /// File size.
    SizeBytes,
}

list_params!(
    /// Filters of the upload history.
    DatasetListParams sorted by DatasetSortBy {
        /// Uploaded at or after (RFC 3339).
        #[garde(skip)]
        pub from: Option<DateTime<Utc>>,
        /// Uploaded at or before (RFC 3339).
        #[garde(skip)]
        pub to: Option<DateTime<Utc>>,
    }
);

impl DatasetListParams {
    /// The application query (the owner is set by the use case).
    pub fn into_query(self) -> Result<DatasetQuery, ApiError> {
        check_range(self.from, self.to)?;
        Ok(DatasetQuery {
            owner_id: None,
            from: self.from,
            to: self.to,
            sort_by: match self.sort_by.unwrap_or_default() {
                DatasetSortBy::CreatedAt => DatasetSortField::CreatedAt,
                DatasetSortBy::Rows => DatasetSortField::Rows,
                DatasetSortBy::Customers => DatasetSortField::Customers,
                DatasetSortBy::SizeBytes => DatasetSortField::SizeBytes,
            },
            sort_dir: self.sort_dir.unwrap_or_default().into(),
            page: self.page_request()?,
        })
    }
}
