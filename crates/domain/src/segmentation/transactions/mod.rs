//! Rows of a transaction file: which columns it must have, how its cells are read, and which rows are kept.
//!
//! The file readers (CSV, XLSX) only split a file into rows of cells; every decision about a cell is made here, so
//! both formats follow the same rules. Cleaning follows S2: a row is dropped when it has no CustomerID, when its
//! invoice is a cancellation (InvoiceNo starting with `C`), or when Quantity or UnitPrice is not positive.
//!
//! By concern: `columns` finds the columns in the header, `cells` reads one cell (dates, numbers, customer ids),
//! `scan` decides row by row what is kept and what is dropped.

mod cells;
mod columns;
mod scan;
#[cfg(test)]
mod tests;

pub use cells::{DateOrder, MAX_CUSTOMER_ID_CHARS, parse_customer_id, parse_datetime, parse_number};
pub use columns::{Column, ColumnMap, MissingColumns, normalise_header};
pub use scan::{DropReason, FileLayout, MAX_ISSUES, ScanResult, TransactionScanner};
