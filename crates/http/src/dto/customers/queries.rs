//! Filters, sort and page of the customer list and export.

use garde::Validate;
use leadscore_application::customers::{CustomerFilter, CustomerSort, CustomerSortField};
use leadscore_domain::pagination::PageRequest;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::dto::common::ExportFormatParam;
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
    list
    /// Filters, sort and page of the customer list.
    CustomerListParams sorted by CustomerSortBy
);

customer_filter!(
    param
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
        let page = self.page_request()?;
        Ok((self.filter(), CustomerSort { field, dir: self.sort_dir.unwrap_or_default().into() }, page))
    }
}
