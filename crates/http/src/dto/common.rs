//! Shapes shared by many endpoints: pagination and time ranges.

use chrono::{DateTime, Utc};
use leadscore_application::exports::ExportFormat;
use leadscore_domain::pagination::{DEFAULT_PAGE_SIZE, Page, PageRequest, SortDir};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

/// Paging data of a list answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    /// The page returned (from 1).
    #[schema(example = 1)]
    pub current_page: u32,
    /// Number of pages.
    #[schema(example = 5)]
    pub total_pages: u64,
    /// Rows matching across all pages.
    #[schema(example = 45)]
    pub total_items: u64,
    /// Page size.
    #[schema(example = 10)]
    pub items_per_page: u32,
}

/// A page of items with its paging data.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Paging data.
    pub pagination: Pagination,
}

impl<T> Paginated<T> {
    /// Converts a domain page.
    pub fn from_page<D>(page: Page<D>, f: impl FnMut(D) -> T) -> Self {
        let pagination = Pagination {
            current_page: page.request.page(),
            total_pages: page.total_pages(),
            total_items: page.total_items,
            items_per_page: page.request.limit(),
        };
        Self { items: page.items.into_iter().map(f).collect(), pagination }
    }
}

/// Declares the query parameters of a list: `page` and `limit` first, the list's own filters, then — for a
/// sorted list — `sortBy` (the given enum) and `sortDir`; and `page_request()`. Every list takes its paging and sort
/// the same way because every list is declared through this.
macro_rules! list_params {
    ($(#[$meta:meta])* $name:ident $(sorted by $sort:ty)? { $($(#[$fmeta:meta])* $vis:vis $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, serde::Deserialize, garde::Validate, utoipa::IntoParams)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            /// Page number, from 1.
            #[garde(range(min = 1))]
            #[param(minimum = 1, example = 1)]
            pub page: Option<u32>,
            /// Page size, 1 to 100 (default 10).
            #[garde(range(min = 1, max = leadscore_domain::pagination::MAX_PAGE_SIZE))]
            #[param(minimum = 1, maximum = 100, example = 10)]
            pub limit: Option<u32>,
            $($(#[$fmeta])* $vis $field: $ty,)*
            $(
                /// Sort field.
                #[garde(skip)]
                pub sort_by: Option<$sort>,
                /// Sort direction (default desc).
                #[garde(skip)]
                pub sort_dir: Option<$crate::dto::common::SortDirParam>,
            )?
        }

        impl $name {
            /// The requested page, checked.
            pub fn page_request(&self) -> Result<leadscore_domain::pagination::PageRequest, $crate::error::ApiError> {
                $crate::dto::common::PageParams { page: self.page, limit: self.limit }.request()
            }
        }
    };
}

pub(crate) use list_params;

list_params!(
    /// `page` and `limit` alone, for lists without filters (CONVENTIONS: default 1 and 10, at most 100; more is a
    /// 400).
    PageParams {}
);

impl PageParams {
    /// The validated page request.
    pub fn request(&self) -> Result<PageRequest, ApiError> {
        PageRequest::new(self.page.unwrap_or(1), self.limit.unwrap_or(DEFAULT_PAGE_SIZE))
            .map_err(|e| ApiError(e.into()))
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortDirParam {
    /// Smallest first.
    Asc,
    /// Largest first (default).
    #[default]
    Desc,
}

impl From<SortDirParam> for SortDir {
    fn from(value: SortDirParam) -> Self {
        match value {
            SortDirParam::Asc => SortDir::Asc,
            SortDirParam::Desc => SortDir::Desc,
        }
    }
}

/// Checks that a range is not inverted.
pub fn check_range(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Result<(), ApiError> {
    match (from, to) {
        (Some(from), Some(to)) if from > to => Err(ApiError::field("from", "must not be after 'to'")),
        _ => Ok(()),
    }
}

/// For PATCH bodies: distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// File format of every export: `csv` (RFC 4180, UTF-8; the default) or `xlsx` (an Excel workbook: bold frozen
/// header, autofilter, typed numbers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormatParam {
    /// CSV (default).
    #[default]
    Csv,
    /// Excel workbook.
    Xlsx,
}

impl From<ExportFormatParam> for ExportFormat {
    fn from(format: ExportFormatParam) -> Self {
        match format {
            ExportFormatParam::Csv => ExportFormat::Csv,
            ExportFormatParam::Xlsx => ExportFormat::Xlsx,
        }
    }
}
