//! Rows of a transaction file: which columns it must have, how its cells are read, and which rows are kept.
//!
//! The file readers (CSV, XLSX) only split a file into rows of cells; every decision about a cell is made here, so
//! both formats follow the same rules. Cleaning follows S2: a row is dropped when it has no CustomerID, when its
//! invoice is a cancellation (InvoiceNo starting with `C`), or when Quantity or UnitPrice is not positive.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::model::DroppedRows;
use super::rfm::RfmAccumulator;
use crate::RowError;

/// At most this many unreadable rows are described (the count covers all of them).
pub const MAX_ISSUES: usize = 100;

/// A column of a transaction file (the UCI Online Retail layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// Invoice number; a leading `C` marks a cancellation.
    InvoiceNo,
    /// Product code (not used by the analysis).
    StockCode,
    /// Product name (not used by the analysis).
    Description,
    /// Units bought.
    Quantity,
    /// When the invoice was made.
    InvoiceDate,
    /// Price of one unit.
    UnitPrice,
    /// The customer.
    CustomerId,
    /// Customer's country (not used by the analysis).
    Country,
}

impl Column {
    /// The columns the analysis reads; a file without any of them is refused. The other three may be absent.
    pub const REQUIRED: [Column; 5] =
        [Column::InvoiceNo, Column::Quantity, Column::InvoiceDate, Column::UnitPrice, Column::CustomerId];

    /// The header as the UCI file spells it.
    pub fn header(self) -> &'static str {
        match self {
            Column::InvoiceNo => "InvoiceNo",
            Column::StockCode => "StockCode",
            Column::Description => "Description",
            Column::Quantity => "Quantity",
            Column::InvoiceDate => "InvoiceDate",
            Column::UnitPrice => "UnitPrice",
            Column::CustomerId => "CustomerID",
            Column::Country => "Country",
        }
    }

    /// The name used in API error items (camelCase).
    pub fn field(self) -> &'static str {
        match self {
            Column::InvoiceNo => "invoiceNo",
            Column::StockCode => "stockCode",
            Column::Description => "description",
            Column::Quantity => "quantity",
            Column::InvoiceDate => "invoiceDate",
            Column::UnitPrice => "unitPrice",
            Column::CustomerId => "customerId",
            Column::Country => "country",
        }
    }

    /// Accepted header names after [`normalise_header`]: the UCI names, plus those of "Online Retail II"
    /// (`Invoice`, `Price`, `Customer ID`).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::InvoiceNo => &["invoiceno", "invoice", "invoicenumber"],
            Column::StockCode => &["stockcode"],
            Column::Description => &["description"],
            Column::Quantity => &["quantity", "qty"],
            Column::InvoiceDate => &["invoicedate"],
            Column::UnitPrice => &["unitprice", "price"],
            Column::CustomerId => &["customerid", "customer"],
            Column::Country => &["country"],
        }
    }
}

/// A header name reduced to lower-case ASCII letters and digits: `Customer ID`, `customer_id` and `CUSTOMERID` are
/// the same column.
pub fn normalise_header(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Required columns the header lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingColumns {
    /// The required columns not found.
    pub missing: Vec<Column>,
    /// The header cells that were there.
    pub found: Vec<String>,
}

impl MissingColumns {
    /// One error per missing column, on row 1 (the header).
    pub fn row_errors(&self) -> Vec<RowError> {
        let found = if self.found.is_empty() { "none".to_owned() } else { self.found.join(", ") };
        self.missing
            .iter()
            .map(|column| RowError {
                row: 1,
                field: column.field().to_owned(),
                message: format!("missing column '{}' (header has: {found})", column.header()),
            })
            .collect()
    }
}

/// Where the required columns are in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnMap {
    invoice_no: usize,
    quantity: usize,
    invoice_date: usize,
    unit_price: usize,
    customer_id: usize,
}

impl ColumnMap {
    /// Finds the required columns in a header row, case-insensitively and ignoring spaces and punctuation. When a
    /// column appears twice, the first one wins.
    pub fn from_header<S: AsRef<str>>(names: &[S]) -> Result<Self, MissingColumns> {
        let normalised: Vec<String> = names.iter().map(|n| normalise_header(n.as_ref())).collect();
        let find = |column: Column| normalised.iter().position(|n| column.aliases().contains(&n.as_str()));
        let found: Vec<Option<usize>> = Column::REQUIRED.iter().map(|c| find(*c)).collect();
        match found.as_slice() {
            [Some(invoice_no), Some(quantity), Some(invoice_date), Some(unit_price), Some(customer_id)] => Ok(Self {
                invoice_no: *invoice_no,
                quantity: *quantity,
                invoice_date: *invoice_date,
                unit_price: *unit_price,
                customer_id: *customer_id,
            }),
            _ => Err(MissingColumns {
                missing: Column::REQUIRED.iter().zip(&found).filter(|(_, i)| i.is_none()).map(|(c, _)| *c).collect(),
                found: names.iter().map(|n| n.as_ref().trim().to_owned()).filter(|n| !n.is_empty()).collect(),
            }),
        }
    }

    /// Position of the InvoiceDate column.
    pub fn invoice_date(&self) -> usize {
        self.invoice_date
    }
}

/// The order of day, month and year in dates written with `/`, `-` or `.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// `2011-12-09 12:50:00`, `2011/12/09 12:50`, `2011-12-09T12:50:00Z` (ISO 8601 and the like).
    YearFirst,
    /// `12/9/2011 12:50` (the UCI/Kaggle CSV; US).
    MonthFirst,
    /// `9/12/2011 12:50`, `09.12.2011 12:50` (most of Europe).
    DayFirst,
}

impl DateOrder {
    /// Decides the order from sample cells: a 3- or 4-digit first number means year first; otherwise a first
    /// number above 12 means day first, a second number above 12 means month first, and when the samples do not
    /// tell (every number ≤ 12) month first is assumed, as in the UCI file.
    pub fn detect<'a>(samples: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut first_above_12 = false;
        let mut second_above_12 = false;
        for sample in samples {
            let Some(parts) = date_parts(trim(sample)) else { continue };
            if parts.first_digits >= 3 {
                return DateOrder::YearFirst;
            }
            first_above_12 |= parts.first > 12;
            second_above_12 |= parts.second > 12;
        }
        if first_above_12 && !second_above_12 { DateOrder::DayFirst } else { DateOrder::MonthFirst }
    }

    /// How dates of this order look, for error messages.
    pub fn example(self) -> &'static str {
        match self {
            DateOrder::YearFirst => "2011-12-09 12:50:00",
            DateOrder::MonthFirst => "12/9/2011 12:50",
            DateOrder::DayFirst => "9/12/2011 12:50",
        }
    }
}

struct DateParts {
    first: u32,
    first_digits: usize,
    second: u32,
    third: u32,
    third_digits: usize,
    rest: usize,
}

/// `n1 sep n2 sep n3` with one separator out of `-`, `/`, `.`; `rest` is where the time starts.
fn date_parts(b: &[u8]) -> Option<DateParts> {
    let (first, first_digits, i) = digits(b, 0, 4)?;
    let sep = *b.get(i)?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    let (second, _, i) = digits(b, i + 1, 2)?;
    if b.get(i) != Some(&sep) {
        return None;
    }
    let (third, third_digits, rest) = digits(b, i + 1, 4)?;
    Some(DateParts { first, first_digits, second, third, third_digits, rest })
}

/// Up to `max` ASCII digits from `start`: value, count, next position. `None` when there is no digit.
fn digits(b: &[u8], start: usize, max: usize) -> Option<(u32, usize, usize)> {
    let mut value = 0u32;
    let mut i = start;
    while i < b.len() && i - start < max && b[i].is_ascii_digit() {
        value = value * 10 + u32::from(b[i] - b'0');
        i += 1;
    }
    (i > start).then_some((value, i - start, i))
}

fn trim(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

/// Reads a date with an optional time: `[ |T]h:mm[:ss[.fraction]]`, an optional `AM`/`PM`, and an optional zone
/// (`Z` or `±hh:mm`, converted to UTC). Two-digit years are 20xx. A date alone means midnight. Times without a
/// zone are taken as UTC.
pub fn parse_datetime(raw: &[u8], order: DateOrder) -> Option<NaiveDateTime> {
    let b = trim(raw);
    let parts = date_parts(b)?;
    let (year, month, day, year_digits) = match order {
        DateOrder::YearFirst => (parts.first, parts.second, parts.third, parts.first_digits),
        DateOrder::MonthFirst => (parts.third, parts.first, parts.second, parts.third_digits),
        DateOrder::DayFirst => (parts.third, parts.second, parts.first, parts.third_digits),
    };
    if order == DateOrder::YearFirst && (parts.first_digits < 3 || parts.third_digits > 2) {
        return None;
    }
    let year = match year_digits {
        4 => i32::try_from(year).ok()?,
        2 => 2000 + i32::try_from(year).ok()?,
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut i = parts.rest;
    if i == b.len() {
        return Some(date.and_time(NaiveTime::MIN));
    }
    if !matches!(b[i], b' ' | b'T' | b't') {
        return None;
    }
    while i < b.len() && matches!(b[i], b' ' | b'T' | b't') {
        i += 1;
    }
    let (mut hour, _, next) = digits(b, i, 2)?;
    i = next;
    if b.get(i) != Some(&b':') {
        return None;
    }
    let (minute, minute_digits, next) = digits(b, i + 1, 2)?;
    if minute_digits != 2 {
        return None;
    }
    i = next;
    let mut second = 0;
    let mut micro = 0;
    if b.get(i) == Some(&b':') {
        let (s, s_digits, next) = digits(b, i + 1, 2)?;
        if s_digits != 2 {
            return None;
        }
        second = s;
        i = next;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start < 6 {
                    micro = micro * 10 + u32::from(b[i] - b'0');
                }
                i += 1;
            }
            if i == start {
                return None;
            }
            for _ in (i - start)..6 {
                micro *= 10;
            }
        }
    }
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    if let Some(suffix) = b.get(i..i + 2)
        && (suffix.eq_ignore_ascii_case(b"AM") || suffix.eq_ignore_ascii_case(b"PM"))
    {
        if !(1..=12).contains(&hour) {
            return None;
        }
        let pm = suffix.eq_ignore_ascii_case(b"PM");
        hour = match (hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
        i += 2;
    }
    let time = NaiveTime::from_hms_micro_opt(hour, minute, second, micro)?;
    let mut at = date.and_time(time);
    match &b[i..] {
        [] | [b'Z' | b'z'] => {}
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let (hours, _, _) = digits(&[*h1, *h2], 0, 2)?;
            let (minutes, _, _) = digits(&[*m1, *m2], 0, 2)?;
            let offset = Duration::minutes(i64::from(hours * 60 + minutes));
            at = if *sign == b'+' { at - offset } else { at + offset };
        }
        _ => return None,
    }
    Some(at)
}

/// Reads a number: optional sign, digits, an optional decimal part and exponent. With `decimal_comma`, a comma is
/// the decimal separator (files delimited by `;` or tabs, as European spreadsheets write them).
pub fn parse_number(raw: &[u8], decimal_comma: bool) -> Option<f64> {
    let b = trim(raw);
    if b.is_empty() {
        return None;
    }
    if let Some(value) = plain_decimal(b) {
        return Some(value);
    }
    let text = std::str::from_utf8(b).ok()?;
    let value = if decimal_comma && text.contains(',') {
        if text.contains('.') {
            return None;
        }
        text.replacen(',', ".", 1).parse::<f64>().ok()?
    } else {
        text.parse::<f64>().ok()?
    };
    value.is_finite().then_some(value)
}

/// `[-]digits[.digits]` with at most 15 digits, computed as an exact integer divided by an exact power of ten — one
/// correctly rounded operation, so the same double as the standard parser gives (Clinger's fast path) — or `None`
/// for anything else, which the standard parser then reads.
fn plain_decimal(b: &[u8]) -> Option<f64> {
    const POWERS: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    let (negative, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0;
    let mut fraction: Option<usize> = None;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                count += 1;
                if let Some(f) = fraction.as_mut() {
                    *f += 1;
                }
            }
            b'.' if fraction.is_none() => fraction = Some(0),
            _ => return None,
        }
        if count > 15 {
            return None;
        }
    }
    if count == 0 {
        return None;
    }
    let value = mantissa as f64 / POWERS[fraction.unwrap_or(0)];
    Some(if negative { -value } else { value })
}

/// Longest customer id accepted.
pub const MAX_CUSTOMER_ID_CHARS: usize = 64;

/// Reads a CustomerID: `Ok(None)` when it is empty or a missing-value marker (`nan`, `null`, `none`, `n/a`, `na`);
/// `17850.0` (an integer id that went through a float column) becomes `17850`.
pub fn parse_customer_id(raw: &[u8]) -> Result<Option<&str>, &'static str> {
    let b = trim(raw);
    if b.is_empty() {
        return Ok(None);
    }
    if [&b"nan"[..], b"null", b"none", b"n/a", b"na"].iter().any(|m| b.eq_ignore_ascii_case(m)) {
        return Ok(None);
    }
    // Nearly every id is a few ASCII digits or letters: accept those without the general checks.
    if b.len() <= MAX_CUSTOMER_ID_CHARS
        && b.iter().all(u8::is_ascii_alphanumeric)
        && let Ok(text) = std::str::from_utf8(b)
    {
        return Ok(Some(text));
    }
    let text = std::str::from_utf8(b).map_err(|_| "is not valid UTF-8 text")?;
    let text = match text.split_once('.') {
        Some((int, frac))
            if !int.is_empty() && int.bytes().all(|c| c.is_ascii_digit()) && frac.bytes().all(|c| c == b'0') =>
        {
            int
        }
        _ => text,
    };
    if text.chars().count() > MAX_CUSTOMER_ID_CHARS {
        return Err("is longer than 64 characters");
    }
    if text.chars().any(char::is_control) {
        return Err("contains control characters");
    }
    Ok(Some(text))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, s).unwrap()
    }

    #[test]
    fn matches_headers_case_insensitively_and_by_alias() {
        let map = ColumnMap::from_header(&[
            "invoiceno",
            "StockCode",
            "Description",
            " QUANTITY ",
            "Invoice Date",
            "Price",
            "Customer ID",
            "Country",
        ])
        .unwrap();
        assert_eq!(map.invoice_date(), 4);
        assert_eq!(map.customer_id, 6);
        assert_eq!(map.unit_price, 5);
        // Only the five columns the analysis reads are required.
        assert!(ColumnMap::from_header(&["InvoiceNo", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"]).is_ok());
    }

    #[test]
    fn names_every_missing_column() {
        let err = ColumnMap::from_header(&["InvoiceNo", "Qty", "When", "UnitPrice"]).unwrap_err();
        assert_eq!(err.missing, [Column::InvoiceDate, Column::CustomerId]);
        let errors = err.row_errors();
        assert_eq!(errors[0].row, 1);
        assert_eq!(errors[0].field, "invoiceDate");
        assert!(errors[1].message.contains("'CustomerID'") && errors[1].message.contains("When"), "{errors:?}");
    }

    #[test]
    fn reads_common_date_formats() {
        let ymd = DateOrder::YearFirst;
        assert_eq!(parse_datetime(b"2010-12-01 08:26:00", ymd), Some(at(2010, 12, 1, 8, 26, 0)));
        assert_eq!(parse_datetime(b"2010-12-01T08:26", ymd), Some(at(2010, 12, 1, 8, 26, 0)));
        assert_eq!(parse_datetime(b"2010/12/01 8:26", ymd), Some(at(2010, 12, 1, 8, 26, 0)));
        assert_eq!(parse_datetime(b"2010-12-01", ymd), Some(at(2010, 12, 1, 0, 0, 0)));
        assert_eq!(
            parse_datetime(b"2010-12-01 08:26:00.5Z", ymd),
            Some(at(2010, 12, 1, 8, 26, 0) + Duration::milliseconds(500))
        );
        assert_eq!(parse_datetime(b"2010-12-01T08:26:00+01:00", ymd), Some(at(2010, 12, 1, 7, 26, 0)));
        let mdy = DateOrder::MonthFirst;
        assert_eq!(parse_datetime(b"12/1/2010 8:26", mdy), Some(at(2010, 12, 1, 8, 26, 0)));
        assert_eq!(parse_datetime(b"12/1/2010 8:26:00 PM", mdy), Some(at(2010, 12, 1, 20, 26, 0)));
        assert_eq!(parse_datetime(b"12/1/2010 12:05 AM", mdy), Some(at(2010, 12, 1, 0, 5, 0)));
        assert_eq!(parse_datetime(b"12/1/10 8:26", mdy), Some(at(2010, 12, 1, 8, 26, 0)));
        let dmy = DateOrder::DayFirst;
        assert_eq!(parse_datetime(b"01.12.2010 08:26", dmy), Some(at(2010, 12, 1, 8, 26, 0)));
        for bad in
            [&b"2010-13-01"[..], b"2010-02-30", b"yesterday", b"2010-12-01 25:00", b"2010-12-01 8:6", b"", b"40513.35"]
        {
            assert_eq!(parse_datetime(bad, ymd), None, "{}", String::from_utf8_lossy(bad));
        }
        assert_eq!(parse_datetime(b"12/1/2010", ymd), None, "the order is fixed per file");
    }

    #[test]
    fn detects_the_date_order_of_a_file() {
        let detect = |samples: &[&str]| DateOrder::detect(samples.iter().map(|s| s.as_bytes()));
        assert_eq!(detect(&["2010-12-01 08:26:00"]), DateOrder::YearFirst);
        assert_eq!(detect(&["12/1/2010 8:26", "12/13/2010 9:00"]), DateOrder::MonthFirst);
        assert_eq!(detect(&["1/12/2010 8:26", "13/12/2010 9:00"]), DateOrder::DayFirst);
        assert_eq!(detect(&["1/2/2010 8:26"]), DateOrder::MonthFirst, "undecidable: US order, as in the UCI file");
        assert_eq!(detect(&["garbage", "01.12.2010"]), DateOrder::MonthFirst);
    }

    #[test]
    fn the_fast_decimal_path_gives_the_standard_parser_s_doubles() {
        for text in ["2.55", "0.001", "38970", "-3", "1.", "123456789012345", "0.1", "4.15", "6.95", "0", "-0.5"] {
            assert_eq!(plain_decimal(text.as_bytes()), text.parse::<f64>().ok(), "{text}");
        }
        for other in ["1e5", "1234567890123456", ".", "-", "1.2.3", "+1", "1,5"] {
            assert_eq!(plain_decimal(other.as_bytes()), None, "{other}");
        }
        assert_eq!(parse_number(b"1e3", false), Some(1000.0));
        assert_eq!(parse_number(b"+1.5", false), Some(1.5));
    }

    #[test]
    fn reads_numbers_and_customer_ids() {
        assert_eq!(parse_number(b" 2.55 ", false), Some(2.55));
        assert_eq!(parse_number(b"-3", false), Some(-3.0));
        assert_eq!(parse_number(b"2,55", true), Some(2.55));
        assert_eq!(parse_number(b"2,55", false), None);
        assert_eq!(parse_number(b"NaN", false), None);
        assert_eq!(parse_number(b"", false), None);
        assert_eq!(parse_customer_id(b"17850"), Ok(Some("17850")));
        assert_eq!(parse_customer_id(b" 17850.0 "), Ok(Some("17850")));
        assert_eq!(parse_customer_id(b"A-17.5"), Ok(Some("A-17.5")));
        assert_eq!(parse_customer_id(b""), Ok(None));
        assert_eq!(parse_customer_id(b"NaN"), Ok(None));
        assert!(parse_customer_id(b"\xe9t\xe9").is_err());
        assert!(parse_customer_id("x".repeat(65).as_bytes()).is_err());
    }

    fn layout() -> FileLayout {
        FileLayout {
            columns: ColumnMap::from_header(&["InvoiceNo", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"])
                .unwrap(),
            dates: DateOrder::YearFirst,
            decimal_comma: false,
        }
    }

    fn scan(rows: &[&str]) -> ScanResult {
        let layout = layout();
        let mut scanner = TransactionScanner::new(&layout);
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<&[u8]> = row.split(',').map(str::as_bytes).collect();
            scanner.push(i as u64 + 2, |c| cells.get(c).copied());
        }
        scanner.finish()
    }

    #[test]
    fn drops_rows_for_one_reason_each_in_a_fixed_order() {
        let result = scan(&[
            "1,6,2010-12-01 08:26:00,2.55,17850",
            "2,6,2010-12-01 08:26:00,2.55,",
            "C3,-6,2010-12-01 08:26:00,2.55,17850",
            "4,0,2010-12-01 08:26:00,2.55,17850",
            "5,-2,2010-12-01 08:26:00,0,17850",
            "6,2,2010-12-01 08:26:00,0,17850",
            "7,2,someday,1,17850",
            ",,,,",
            "8,x,2010-12-01 08:26:00,1,",
        ]);
        assert_eq!(result.rows, 8, "the blank row is not a row");
        assert_eq!(
            result.dropped,
            DroppedRows {
                missing_customer_id: 2,
                cancelled: 1,
                non_positive_quantity: 2,
                non_positive_price: 1,
                unparseable: 1
            }
        );
        assert_eq!(result.dropped.total(), 7);
        assert_eq!(result.purchases.kept_rows(), 1);
        assert_eq!(result.issues.len(), 1);
        assert_eq!(result.issues[0].row, 8);
        assert_eq!(result.issues[0].field, "invoiceDate");
        assert!(result.issues[0].message.starts_with("'someday' is not a date"), "{}", result.issues[0].message);
        assert!(!result.unreadable_rows_tolerable(), "1 of 8 is more than 1%");
    }

    #[test]
    fn merging_keeps_file_order_and_shifts_row_numbers() {
        let mut first = scan(&["1,1,2010-12-01,1,A", "2,1,bad,1,A"]);
        let mut second = scan(&["3,1,bad,1,B"]);
        second.offset_rows(2);
        first.merge(second);
        assert_eq!(first.rows, 3);
        assert_eq!(first.issues.iter().map(|i| i.row).collect::<Vec<_>>(), [3, 4]);
    }
}
