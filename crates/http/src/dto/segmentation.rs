//! Bodies and parameters of the RFM segmentation endpoints.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use garde::Validate;
use leadscore_application::exports::ExportFormat;
use leadscore_application::segmentation::{
    AnalysisRequest, CustomerResultSort, CustomerSelection, DatasetDetail, DatasetQuery, DatasetSortField,
};
use leadscore_domain::pagination::{PageRequest, SortDir};
use leadscore_domain::segmentation::{
    Analysis, ClusterCount, Dataset, DatasetFormat, DroppedRows, KCandidate, RfmTriple, Segment, SegmentedCustomer,
    Stat,
};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::common::{ExportFormatParam, PageParams, SortDirParam, check_range};
use crate::error::ApiError;

/// The kind of an uploaded file, decided from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DatasetFormatDto {
    /// Comma-, semicolon- or tab-separated text.
    Csv,
    /// Excel workbook (first sheet).
    Xlsx,
}

impl From<DatasetFormat> for DatasetFormatDto {
    fn from(value: DatasetFormat) -> Self {
        match value {
            DatasetFormat::Csv => DatasetFormatDto::Csv,
            DatasetFormat::Xlsx => DatasetFormatDto::Xlsx,
        }
    }
}

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
    /// The dataset.
    #[serde(flatten)]
    pub dataset: DatasetDto,
    /// Its analyses.
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
    /// Mean.
    pub mean: f64,
    /// Median.
    pub median: f64,
}

impl From<Stat> for StatDto {
    fn from(s: Stat) -> Self {
        Self { mean: s.mean, median: s.median }
    }
}

/// A centroid in the standardised space: z-scores of the capped, log1p-transformed R, F and M.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"recency": -1.21, "frequency": 1.43, "monetary": 1.52}))]
pub struct CentroidDto {
    /// Recency z-score (negative = more recent than average).
    pub recency: f64,
    /// Frequency z-score.
    pub frequency: f64,
    /// Monetary z-score.
    pub monetary: f64,
}

impl From<RfmTriple> for CentroidDto {
    fn from(t: RfmTriple) -> Self {
        Self { recency: t.recency, frequency: t.frequency, monetary: t.monetary }
    }
}

/// One segment of an analysis.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"cluster": 0, "name": "Champions", "size": 716, "customerShare": 0.165,
    "recency": {"mean": 12.4, "median": 9.0}, "frequency": {"mean": 13.6, "median": 9.0},
    "monetary": {"mean": 7021.5, "median": 3288.9}, "revenue": 5027394.2, "revenueShare": 0.564,
    "centroid": {"recency": -1.21, "frequency": 1.43, "monetary": 1.52}}))]
pub struct SegmentDto {
    /// Cluster number; 0 is the most valuable segment.
    pub cluster: u8,
    /// Name from the centroid (see docs/segmentation.md): Champions, Loyal, Potential Loyalists, New Customers,
    /// Need Attention, About to Sleep, At Risk, Hibernating, Lost; a repeated name gets a number ("Lost 2").
    pub name: String,
    /// Customers.
    pub size: u64,
    /// Share of the analysed customers, 0–1.
    pub customer_share: f64,
    /// Days since the last purchase.
    pub recency: StatDto,
    /// Distinct invoices.
    pub frequency: StatDto,
    /// Total spent.
    pub monetary: StatDto,
    /// Σ monetary of the segment.
    pub revenue: f64,
    /// Share of all revenue, 0–1.
    pub revenue_share: f64,
    /// Standardised centroid.
    pub centroid: CentroidDto,
}

/// A k tried by an automatic choice.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"k": 4, "silhouette": 0.337}))]
pub struct KCandidateDto {
    /// Number of clusters.
    pub k: u8,
    /// Mean silhouette.
    pub silhouette: f64,
}

impl From<KCandidate> for KCandidateDto {
    fn from(c: KCandidate) -> Self {
        Self { k: c.k, silhouette: c.silhouette }
    }
}

/// How k was set.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum KModeDto {
    /// Given in the request (or the default 5).
    Fixed,
    /// Best silhouette over 2–8.
    Auto,
}

/// An RFM analysis with its segments.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "019a5a3d-1111-7c4a-9f1e-2b3c4d5e6f70", "datasetId": "019a5a3c-7d1e-7c4a-9f1e-2b3c4d5e6f70",
    "ownerId": "019a5a3c-0000-7c4a-9f1e-2b3c4d5e6f70", "k": 5, "kMode": "fixed", "candidates": [],
    "snapshotDate": "2011-12-10", "customers": 4338, "silhouette": 0.31, "inertia": 3167.7,
    "totalRevenue": 8911407.9, "seed": 42, "restarts": 10,
    "segments": [{"cluster": 0, "name": "Champions", "size": 716, "customerShare": 0.165,
        "recency": {"mean": 12.4, "median": 9.0}, "frequency": {"mean": 13.6, "median": 9.0},
        "monetary": {"mean": 7021.5, "median": 3288.9}, "revenue": 5027394.2, "revenueShare": 0.564,
        "centroid": {"recency": -1.21, "frequency": 1.43, "monetary": 1.52}}],
    "createdAt": "2026-11-22T08:31:00Z"}))]
pub struct AnalysisDto {
    /// Analysis id.
    pub id: Uuid,
    /// The dataset analysed.
    pub dataset_id: Uuid,
    /// Owner of the dataset.
    pub owner_id: Uuid,
    /// Segments made.
    pub k: u8,
    /// Whether k was given or chosen by silhouette.
    pub k_mode: KModeDto,
    /// With `kMode: auto`, every k tried and its silhouette; empty otherwise.
    pub candidates: Vec<KCandidateDto>,
    /// Recency is counted in days up to this date.
    pub snapshot_date: NaiveDate,
    /// Customers segmented.
    pub customers: u64,
    /// Mean silhouette, −1 to 1 (higher = better separated; on an even sample above 10,000 customers).
    pub silhouette: f64,
    /// Σ squared distance of each customer to its centroid (standardised space).
    pub inertia: f64,
    /// Σ monetary over all customers.
    pub total_revenue: f64,
    /// k-means seed.
    pub seed: u64,
    /// k-means++ restarts; the lowest-inertia one is kept.
    pub restarts: u32,
    /// Segments, best first.
    pub segments: Vec<SegmentDto>,
    /// When it was run.
    pub created_at: DateTime<Utc>,
}

fn segment_dto(s: Segment, customers: u64) -> SegmentDto {
    SegmentDto {
        cluster: s.cluster,
        name: s.name,
        size: s.size,
        customer_share: if customers > 0 { s.size as f64 / customers as f64 } else { 0.0 },
        recency: s.recency.into(),
        frequency: s.frequency.into(),
        monetary: s.monetary.into(),
        revenue: s.revenue,
        revenue_share: s.revenue_share,
        centroid: s.centroid.into(),
    }
}

impl From<Analysis> for AnalysisDto {
    fn from(a: Analysis) -> Self {
        let customers = a.customers;
        Self {
            id: a.id,
            dataset_id: a.dataset_id,
            owner_id: a.owner_id,
            k: a.k,
            k_mode: if a.auto_k { KModeDto::Auto } else { KModeDto::Fixed },
            candidates: a.candidates.into_iter().map(KCandidateDto::from).collect(),
            snapshot_date: a.snapshot_date,
            customers,
            silhouette: a.silhouette,
            inertia: a.inertia,
            total_revenue: a.total_revenue,
            seed: a.seed,
            restarts: a.restarts,
            segments: a.segments.into_iter().map(|s| segment_dto(s, customers)).collect(),
            created_at: a.created_at,
        }
    }
}

/// One customer's result in an analysis.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"customerId": "12347", "recency": 3, "frequency": 7, "monetary": 4310.0, "rScore": 5,
    "fScore": 5, "mScore": 5, "rfmScore": "555", "cluster": 0, "segment": "Champions"}))]
pub struct SegmentCustomerDto {
    /// Customer id from the file.
    pub customer_id: String,
    /// Days since the last purchase.
    pub recency: u32,
    /// Distinct invoices.
    pub frequency: u32,
    /// Total spent.
    pub monetary: f64,
    /// Recency quintile score 1–5 (5 = most recent).
    pub r_score: u8,
    /// Frequency quintile score 1–5.
    pub f_score: u8,
    /// Monetary quintile score 1–5.
    pub m_score: u8,
    /// The three scores as one code, e.g. "545".
    pub rfm_score: String,
    /// Cluster number.
    pub cluster: u8,
    /// Segment name.
    pub segment: String,
}

impl From<SegmentedCustomer> for SegmentCustomerDto {
    fn from(c: SegmentedCustomer) -> Self {
        Self {
            rfm_score: format!("{}{}{}", c.r_score, c.f_score, c.m_score),
            customer_id: c.customer_id,
            recency: c.recency,
            frequency: c.frequency,
            monetary: c.monetary,
            r_score: c.r_score,
            f_score: c.f_score,
            m_score: c.m_score,
            cluster: c.cluster,
            segment: c.segment,
        }
    }
}

/// `k`: an integer from 2 to 10, or `"auto"` (best silhouette over 2–8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KParam {
    /// A fixed number of segments, 2–10.
    Count(u8),
    /// Choose k by silhouette.
    Auto,
}

impl utoipa::PartialSchema for KParam {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(2))
                    .maximum(Some(10))
                    .description(Some("A fixed number of segments")),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(["auto"]))
                    .description(Some("The k in 2–8 with the best mean silhouette")),
            )
            .description(Some("`k`: an integer from 2 to 10, or `\"auto\"`"))
            .into()
    }
}

impl ToSchema for KParam {}

const K_EXPECTED: &str = "an integer from 2 to 10 or \"auto\"";

impl<'de> Deserialize<'de> for KParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KVisitor;

        impl Visitor<'_> for KVisitor {
            type Value = KParam;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(K_EXPECTED)
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<KParam, E> {
                match ClusterCount::fixed(value) {
                    Ok(ClusterCount::Fixed(k)) => Ok(KParam::Count(k)),
                    _ => Err(E::custom(format!("must be {K_EXPECTED}"))),
                }
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<KParam, E> {
                self.visit_i64(i64::try_from(value).unwrap_or(i64::MAX))
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<KParam, E> {
                Err(E::custom(format!("must be {K_EXPECTED}")))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<KParam, E> {
                if value.eq_ignore_ascii_case("auto") {
                    Ok(KParam::Auto)
                } else {
                    Err(E::custom(format!("must be {K_EXPECTED}")))
                }
            }
        }

        deserializer.deserialize_any(KVisitor)
    }
}

/// Parameters of a new analysis. `{}` runs with k = 5 and the default snapshot date.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"k": "auto", "snapshotDate": "2011-12-10"}))]
pub struct CreateAnalysisRequest {
    /// Segments: 2–10 (default 5) or "auto" (best silhouette over 2–8). Must be less than the customers.
    #[garde(skip)]
    pub k: Option<KParam>,
    /// Count recency up to this date (YYYY-MM-DD); default: the day after the last invoice. It may not be before
    /// the last invoice's date.
    #[garde(skip)]
    pub snapshot_date: Option<NaiveDate>,
}

impl From<CreateAnalysisRequest> for AnalysisRequest {
    fn from(body: CreateAnalysisRequest) -> Self {
        AnalysisRequest {
            k: match body.k {
                None => ClusterCount::DEFAULT,
                Some(KParam::Count(k)) => ClusterCount::Fixed(k),
                Some(KParam::Auto) => ClusterCount::Auto,
            },
            snapshot_date: body.snapshot_date,
        }
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
    /// Customers.
    Customers,
    /// File size.
    SizeBytes,
}

/// Filters of the upload history.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DatasetListParams {
    /// Page number, from 1.
    #[garde(range(min = 1))]
    #[param(minimum = 1, example = 1)]
    pub page: Option<u32>,
    /// Page size, 1 to 100.
    #[garde(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100, example = 10)]
    pub limit: Option<u32>,
    /// Uploaded at or after (RFC 3339).
    #[garde(skip)]
    pub from: Option<DateTime<Utc>>,
    /// Uploaded at or before (RFC 3339).
    #[garde(skip)]
    pub to: Option<DateTime<Utc>>,
    /// Sort field.
    #[garde(skip)]
    pub sort_by: Option<DatasetSortBy>,
    /// Sort direction (default desc).
    #[garde(skip)]
    pub sort_dir: Option<SortDirParam>,
}

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
            page: PageParams { page: self.page, limit: self.limit }.request()?,
        })
    }
}

/// Fields the customers of an analysis can be sorted by.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum SegmentCustomerSortBy {
    /// Customer id.
    CustomerId,
    /// Days since the last purchase.
    Recency,
    /// Distinct invoices.
    Frequency,
    /// Total spent (default).
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

impl From<SegmentCustomerSortBy> for CustomerResultSort {
    fn from(value: SegmentCustomerSortBy) -> Self {
        match value {
            SegmentCustomerSortBy::CustomerId => CustomerResultSort::CustomerId,
            SegmentCustomerSortBy::Recency => CustomerResultSort::Recency,
            SegmentCustomerSortBy::Frequency => CustomerResultSort::Frequency,
            SegmentCustomerSortBy::Monetary => CustomerResultSort::Monetary,
            SegmentCustomerSortBy::RScore => CustomerResultSort::RScore,
            SegmentCustomerSortBy::FScore => CustomerResultSort::FScore,
            SegmentCustomerSortBy::MScore => CustomerResultSort::MScore,
            SegmentCustomerSortBy::Cluster => CustomerResultSort::Cluster,
        }
    }
}

/// Filters, sort and page of the customers of an analysis.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SegmentCustomerListParams {
    /// Page number, from 1.
    #[garde(range(min = 1))]
    #[param(minimum = 1, example = 1)]
    pub page: Option<u32>,
    /// Page size, 1 to 100.
    #[garde(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100, example = 10)]
    pub limit: Option<u32>,
    /// Only these segments, by name (repeat for several; case-insensitive).
    #[serde(default)]
    #[garde(length(max = 10), inner(length(max = 64)))]
    pub segment: Vec<String>,
    /// Only these clusters (repeat for several).
    #[serde(default)]
    #[garde(length(max = 10))]
    pub cluster: Vec<u8>,
    /// Case-insensitive substring of the customer id.
    #[garde(length(max = 64))]
    pub q: Option<String>,
    /// Sort field (default monetary).
    #[garde(skip)]
    pub sort_by: Option<SegmentCustomerSortBy>,
    /// Sort direction (default desc).
    #[garde(skip)]
    pub sort_dir: Option<SortDirParam>,
}

impl SegmentCustomerListParams {
    /// Selection, sort field, direction and page.
    pub fn into_parts(self) -> Result<(CustomerSelection, CustomerResultSort, SortDir, PageRequest), ApiError> {
        let page = PageParams { page: self.page, limit: self.limit }.request()?;
        Ok((
            CustomerSelection { segments: self.segment, clusters: self.cluster, q: self.q },
            self.sort_by.unwrap_or_default().into(),
            self.sort_dir.unwrap_or_default().into(),
            page,
        ))
    }
}

/// Format, filters and sort of an export (every matching customer, no paging).
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SegmentExportParams {
    /// `csv` (default) or `xlsx`.
    #[garde(skip)]
    pub format: Option<ExportFormatParam>,
    /// Only these segments, by name (repeat for several).
    #[serde(default)]
    #[garde(length(max = 10), inner(length(max = 64)))]
    pub segment: Vec<String>,
    /// Only these clusters (repeat for several).
    #[serde(default)]
    #[garde(length(max = 10))]
    pub cluster: Vec<u8>,
    /// Case-insensitive substring of the customer id.
    #[garde(length(max = 64))]
    pub q: Option<String>,
    /// Sort field (default monetary).
    #[garde(skip)]
    pub sort_by: Option<SegmentCustomerSortBy>,
    /// Sort direction (default desc).
    #[garde(skip)]
    pub sort_dir: Option<SortDirParam>,
}

impl SegmentExportParams {
    /// Selection, sort field, direction and format.
    pub fn into_parts(self) -> (CustomerSelection, CustomerResultSort, SortDir, ExportFormat) {
        (
            CustomerSelection { segments: self.segment, clusters: self.cluster, q: self.q },
            self.sort_by.unwrap_or_default().into(),
            self.sort_dir.unwrap_or_default().into(),
            self.format.unwrap_or_default().into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<CreateAnalysisRequest, String> {
        crate::extract::parse_json::<CreateAnalysisRequest>(json.as_bytes()).map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn k_is_an_integer_from_2_to_10_or_auto() {
        assert_eq!(parse(r#"{"k": 7}"#).unwrap().k, Some(KParam::Count(7)));
        assert_eq!(parse(r#"{"k": "auto"}"#).unwrap().k, Some(KParam::Auto));
        assert_eq!(parse("{}").unwrap().k, None);
        for bad in [r#"{"k": 1}"#, r#"{"k": 11}"#, r#"{"k": 2.5}"#, r#"{"k": "five"}"#, r#"{"k": -3}"#] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("\"k\"") || err.contains("field: \"k\""), "{bad}: {err}");
        }
        assert!(parse(r#"{"snapshotDate": "2011-13-01"}"#).unwrap_err().contains("snapshotDate"));
        assert!(parse(r#"{"clusters": 3}"#).is_err());
    }
}
