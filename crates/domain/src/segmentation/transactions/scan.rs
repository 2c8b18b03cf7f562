//! Row by row: which rows are kept for the analysis, which are dropped and why, and what is reported.

use chrono::NaiveDateTime;

use super::DateOrder;
use super::cells::{parse_customer_id, parse_datetime, parse_number, trim};
use super::columns::{Column, ColumnMap};
use crate::RowError;
use crate::segmentation::model::DroppedRows;
use crate::segmentation::rfm::RfmAccumulator;

/// At most this many unreadable rows are described (the count covers all of them).
pub const MAX_ISSUES: usize = 100;

/// Why a row is not part of the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// No CustomerID: the purchase cannot be attributed to anyone.
    MissingCustomerId,
    /// The invoice is a cancellation (InvoiceNo starts with `C`).
    Cancelled,
    /// Quantity is zero or negative (returns, corrections).
    NonPositiveQuantity,
    /// UnitPrice is zero or negative (gifts, bad-debt adjustments).
    NonPositivePrice,
    /// A cell the analysis needs cannot be read.
    Unparseable,
}

impl DroppedRows {
    fn count(&mut self, reason: DropReason) {
        let slot = match reason {
            DropReason::MissingCustomerId => &mut self.missing_customer_id,
            DropReason::Cancelled => &mut self.cancelled,
            DropReason::NonPositiveQuantity => &mut self.non_positive_quantity,
            DropReason::NonPositivePrice => &mut self.non_positive_price,
            DropReason::Unparseable => &mut self.unparseable,
        };
        *slot += 1;
    }
}

/// How the rows of one file are read: where the columns are, the date order and the decimal separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLayout {
    /// Column positions.
    pub columns: ColumnMap,
    /// Order of day, month and year.
    pub dates: DateOrder,
    /// Whether `,` is the decimal separator.
    pub decimal_comma: bool,
}

/// The outcome of reading some rows: counts, the first problems, and the purchases kept.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// Data rows read (blank rows are not counted).
    pub rows: u64,
    /// Rows dropped, by reason.
    pub dropped: DroppedRows,
    /// The first unreadable rows (at most [`MAX_ISSUES`]).
    pub issues: Vec<RowError>,
    /// Purchases of the kept rows, per customer.
    pub purchases: RfmAccumulator,
}

impl ScanResult {
    /// Adds the rows read after these (in file order), keeping the first issues.
    pub fn merge(&mut self, later: ScanResult) {
        self.rows += later.rows;
        self.dropped.add(&later.dropped);
        let room = MAX_ISSUES.saturating_sub(self.issues.len());
        self.issues.extend(later.issues.into_iter().take(room));
        self.purchases.merge(later.purchases);
    }

    /// Whether the unreadable rows stay within the tolerance: at most 1% of the rows, so a stray footer or a few
    /// damaged lines in a large export do not sink it, while a file in a wrong layout is refused.
    pub fn unreadable_rows_tolerable(&self) -> bool {
        self.dropped.unparseable * 100 <= self.rows
    }

    /// Shifts the row numbers of the issues by `rows` (for a part of a file read on its own).
    pub fn offset_rows(&mut self, rows: u64) {
        for issue in &mut self.issues {
            issue.row += rows;
        }
    }
}

/// Reads rows one by one into a [`ScanResult`]. Consecutive rows of one invoice repeat the date text, so the last
/// date read is cached.
#[derive(Debug)]
pub struct TransactionScanner<'l> {
    layout: &'l FileLayout,
    result: ScanResult,
    last_date_text: Vec<u8>,
    last_date: Option<NaiveDateTime>,
}

impl<'l> TransactionScanner<'l> {
    /// A scanner for a file of this layout.
    pub fn new(layout: &'l FileLayout) -> Self {
        Self { layout, result: ScanResult::default(), last_date_text: Vec::new(), last_date: None }
    }

    /// Reads one data row. `row` is its number as a spreadsheet shows it (the header is row 1); `cell(i)` is the
    /// text of the i-th cell, `None` past the end of a short row. Rows whose cells are all blank are skipped.
    pub fn push<'r>(&mut self, row: u64, cell: impl Fn(usize) -> Option<&'r [u8]>) {
        let columns = &self.layout.columns;
        let get = |i: usize| cell(i).unwrap_or(b"");
        let customer_raw = get(columns.customer_id);
        let invoice_raw = trim(get(columns.invoice_no));
        if trim(customer_raw).is_empty() && invoice_raw.is_empty() && self.is_blank(&cell) {
            return;
        }
        self.result.rows += 1;
        let customer = match parse_customer_id(customer_raw) {
            Ok(Some(customer)) => customer,
            Ok(None) => return self.result.dropped.count(DropReason::MissingCustomerId),
            Err(message) => return self.unreadable(row, Column::CustomerId, customer_raw, message),
        };
        if invoice_raw.is_empty() {
            return self.unreadable(row, Column::InvoiceNo, invoice_raw, "is empty");
        }
        if matches!(invoice_raw[0], b'C' | b'c') {
            return self.result.dropped.count(DropReason::Cancelled);
        }
        let decimal_comma = self.layout.decimal_comma;
        let quantity_raw = get(columns.quantity);
        let Some(quantity) = parse_number(quantity_raw, decimal_comma) else {
            return self.unreadable(row, Column::Quantity, quantity_raw, "is not a number");
        };
        let price_raw = get(columns.unit_price);
        let Some(price) = parse_number(price_raw, decimal_comma) else {
            return self.unreadable(row, Column::UnitPrice, price_raw, "is not a number");
        };
        let date_raw = trim(get(columns.invoice_date));
        let Some(at) = self.date(date_raw) else {
            let message = format!("is not a date (expected e.g. {})", self.layout.dates.example());
            return self.unreadable(row, Column::InvoiceDate, date_raw, &message);
        };
        if quantity <= 0.0 {
            return self.result.dropped.count(DropReason::NonPositiveQuantity);
        }
        if price <= 0.0 {
            return self.result.dropped.count(DropReason::NonPositivePrice);
        }
        self.result.purchases.add(customer, invoice_raw, at, quantity * price);
    }

    /// What was read.
    pub fn finish(self) -> ScanResult {
        self.result
    }

    fn is_blank<'r>(&self, cell: &impl Fn(usize) -> Option<&'r [u8]>) -> bool {
        (0..).map(cell).take_while(Option::is_some).flatten().all(|c| trim(c).is_empty())
    }

    fn date(&mut self, text: &[u8]) -> Option<NaiveDateTime> {
        if text != self.last_date_text.as_slice() || self.last_date_text.is_empty() {
            self.last_date_text.clear();
            self.last_date_text.extend_from_slice(text);
            self.last_date = parse_datetime(text, self.layout.dates);
        }
        self.last_date
    }

    fn unreadable(&mut self, row: u64, column: Column, raw: &[u8], message: &str) {
        self.result.dropped.count(DropReason::Unparseable);
        if self.result.issues.len() < MAX_ISSUES {
            let shown: String = String::from_utf8_lossy(trim(raw)).chars().take(40).collect();
            let message = if shown.is_empty() { message.to_owned() } else { format!("'{shown}' {message}") };
            self.result.issues.push(RowError { row, field: column.field().to_owned(), message });
        }
    }
}
