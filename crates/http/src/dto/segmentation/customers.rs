//! One customer's result in an analysis, and the parameters of the analysis' customer list and export.

use garde::Validate;
use leadscore_application::segmentation::{CustomerResultSort, CustomerSelection};
use leadscore_domain::pagination::{PageRequest, SortDir};
use leadscore_domain::segmentation::SegmentedCustomer;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::dto::common::list_params;
use crate::dto::common::{ExportFormatParam, SortDirParam};
use crate::error::ApiError;

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

/// Fields the customers of an analysis can be sorted by.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum SegmentCustomerSortBy {
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

list_params!(
    /// Filters, sort and page of the customers of an analysis.
    SegmentCustomerListParams sorted by SegmentCustomerSortBy {
        /// Only these segments, by name (repeat for several; case-insensitive).
        #[serde(default)]
        #[garde(length(max = 10), inner(length(chars, max = 64)))]
        #[param(max_items = 10)]
        pub segment: Vec<String>,
        /// Only these clusters (repeat for several).
        #[serde(default)]
        #[garde(length(max = 10))]
        #[param(max_items = 10)]
        pub cluster: Vec<u8>,
        /// Case-insensitive substring of the customer id.
        #[garde(length(chars, max = 64))]
        #[param(max_length = 64)]
        pub q: Option<String>,
    }
);

impl SegmentCustomerListParams {
    /// Selection, sort field, direction and page.
    pub fn into_query(self) -> Result<(CustomerSelection, CustomerResultSort, SortDir, PageRequest), ApiError> {
        let page = self.page_request()?;
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
    #[garde(length(max = 10), inner(length(chars, max = 64)))]
    #[param(max_items = 10)]
    pub segment: Vec<String>,
    /// Only these clusters (repeat for several).
    #[serde(default)]
    #[garde(length(max = 10))]
    #[param(max_items = 10)]
    pub cluster: Vec<u8>,
    /// Case-insensitive substring of the customer id.
    #[garde(length(chars, max = 64))]
    #[param(max_length = 64)]
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
    pub fn into_query(self) -> (CustomerSelection, CustomerResultSort, SortDir, Option<ExportFormatParam>) {
        (
            CustomerSelection { segments: self.segment, clusters: self.cluster, q: self.q },
            self.sort_by.unwrap_or_default().into(),
            self.sort_dir.unwrap_or_default().into(),
            self.format,
        )
    }
}
