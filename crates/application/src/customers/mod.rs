//! The customer base: CRUD, search, import and export. The filter defined here is the one typed filter over
//! customers; campaign criteria reuse it as is.

mod demo;
mod export;
mod filter;
mod import;
mod ports;
mod service;

pub use demo::DemoIdentity;
pub use export::{EXPORT_COLUMNS, IMPORT_COLUMNS, customer_sheet, export_columns, export_rows};
pub use filter::{CustomerFilter, CustomerSort, CustomerSortField};
pub use import::{ParsedFile, parse_customers};
pub use ports::{CustomerRepository, ImportCounts, ImportOptions, ImportProgress, ImportReport, OnConflict};
pub use service::{CustomerPatch, CustomerService, ImportLimits};
