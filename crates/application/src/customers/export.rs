//! Export formats. The CSV columns are our import format too, so an export re-imports to the same data.

use leadscore_domain::customers::Customer;

use crate::AppError;
use crate::tabular::{Cell, csv_lines, xlsx_sheet};

/// The file formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// RFC 4180 CSV, UTF-8, `,`-separated, streamed.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// Column headers, in order.
pub const EXPORT_COLUMNS: [&str; 29] = [
    "id",
    "externalId",
    "name",
    "email",
    "phone",
    "city",
    "age",
    "job",
    "marital",
    "education",
    "default",
    "balance",
    "housing",
    "loan",
    "contact",
    "day",
    "month",
    "duration",
    "campaign",
    "pdays",
    "previous",
    "poutcome",
    "y",
    "score",
    "probability",
    "tier",
    "modelVersion",
    "scoredAt",
    "createdAt",
];

fn yes_no(value: bool) -> Cell {
    Cell::yes_no(value)
}

fn opt_text(value: Option<&str>) -> Cell {
    Cell::opt_text(value)
}

fn cells(c: &Customer) -> [Cell; 29] {
    let p = &c.profile;
    let d = &c.details;
    let s = c.latest_score.as_ref();
    [
        Cell::Text(c.id.to_string()),
        opt_text(d.external_id.as_deref()),
        opt_text(d.name.as_deref()),
        opt_text(d.email.as_ref().map(|e| e.as_str())),
        opt_text(d.phone.as_deref()),
        opt_text(d.city.as_deref()),
        Cell::Number(f64::from(p.age.years())),
        Cell::Text(p.job.as_str().into()),
        Cell::Text(p.marital.as_str().into()),
        Cell::Text(p.education.as_str().into()),
        yes_no(p.default),
        Cell::Number(p.balance as f64),
        yes_no(p.housing),
        yes_no(p.loan),
        Cell::Text(p.contact.as_str().into()),
        Cell::Number(f64::from(p.day)),
        Cell::Text(p.month.as_str().into()),
        p.duration.map_or(Cell::Empty, |d| Cell::Number(f64::from(d))),
        Cell::Number(f64::from(p.campaign)),
        Cell::Number(f64::from(p.pdays)),
        Cell::Number(f64::from(p.previous)),
        Cell::Text(p.poutcome.as_str().into()),
        opt_text(c.outcome.map(|o| o.as_str())),
        s.map_or(Cell::Empty, |s| Cell::Number(f64::from(s.score))),
        s.map_or(Cell::Empty, |s| Cell::Number(s.probability)),
        opt_text(s.map(|s| s.tier.as_str())),
        opt_text(s.map(|s| s.model_version.as_str())),
        opt_text(s.map(|s| s.scored_at.to_rfc3339()).as_deref()),
        Cell::Text(c.created_at.to_rfc3339()),
    ]
}

/// The header line.
pub fn csv_header() -> Result<Vec<u8>, AppError> {
    csv_lines(Some(&EXPORT_COLUMNS), std::iter::empty::<[Cell; 29]>())
}

/// CSV lines for a batch of customers (no header).
pub fn csv_rows(customers: &[Customer]) -> Result<Vec<u8>, AppError> {
    csv_lines(None, customers.iter().map(cells))
}

/// A workbook with one sheet: bold, frozen header with an autofilter, numbers as number cells, sized columns.
pub fn xlsx_workbook(customers: &[Customer]) -> Result<Vec<u8>, AppError> {
    let width = |header: &str| match header {
        "id" => 38,
        "email" => 32,
        "name" | "modelVersion" | "scoredAt" | "createdAt" => 26,
        "externalId" | "phone" | "city" => 18,
        "job" | "education" | "probability" => 14,
        other => other.len().max(8) + 2,
    };
    xlsx_sheet("Customers", &EXPORT_COLUMNS, width, customers.iter().map(cells))
}
