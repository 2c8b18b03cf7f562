//! Filters, sort and page of the customer list and export.

use garde::Validate;
use leadscore_application::customers::{CustomerFilter, CustomerSort, CustomerSortField};
use leadscore_domain::pagination::PageRequest;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::dto::common::{ExportFormatParam, PageParams, SortDirParam};
use crate::dto::criteria::customer_filter;
use crate::error::ApiError;

/// Fields a customer list can be sorted by.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum CustomerSortBy {
    Age,
    Balance,
    /// Score (unscored last).
    Score,
    /// Creation time (default).
    #[default]
    CreatedAt,
    /// Name (unnamed last).
    Name,
}

customer_filter!(
    /// Filters, sort and page of the customer list.
    #[derive(Debug, Deserialize, Validate, IntoParams)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    CustomerListParams {
        /// Page number, from 1.
        #[garde(range(min = 1))]
        #[param(minimum = 1, example = 1)]
        pub page: Option<u32>,
        /// Page size, 1 to 100.
        #[garde(range(min = 1, max = leadscore_domain::pagination::MAX_PAGE_SIZE))]
        #[param(minimum = 1, maximum = 100, example = 10)]
        pub limit: Option<u32>,
        /// Sort field.
        #[garde(skip)]
        pub sort_by: Option<CustomerSortBy>,
        /// Sort direction (default desc).
        #[garde(skip)]
        pub sort_dir: Option<SortDirParam>,
    }
);

customer_filter!(
    /// The same filters as the list, and the file format.
    #[derive(Debug, Deserialize, Validate, IntoParams)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    #[into_params(parameter_in = Query)]
    CustomerExportParams {
        /// `csv` (default) or `xlsx`.
        #[garde(skip)]
        pub format: Option<ExportFormatParam>,
    }
);

impl CustomerListParams {
    /// The filter, sort and page: every list's parameters turn into their query by `into_query`.
    pub fn into_query(self) -> Result<(CustomerFilter, CustomerSort, PageRequest), ApiError> {
        let field = match self.sort_by.unwrap_or_default() {
            CustomerSortBy::Age => CustomerSortField::Age,
            CustomerSortBy::Balance => CustomerSortField::Balance,
            CustomerSortBy::Score => CustomerSortField::Score,
            CustomerSortBy::CreatedAt => CustomerSortField::CreatedAt,
            CustomerSortBy::Name => CustomerSortField::Name,
        };
        let page = PageParams { page: self.page, limit: self.limit }.request()?;
        Ok((self.filter(), CustomerSort { field, dir: self.sort_dir.unwrap_or_default().into() }, page))
    }
}
