//! Export formats. The CSV columns are our import format too, so an export re-imports to the same data.

use leadscore_domain::customers::Customer;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::AppError;

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

/// A cell of an exported row.
enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

fn yes_no(value: bool) -> Cell {
    Cell::Text(if value { "yes" } else { "no" }.into())
}

fn opt_text(value: Option<&str>) -> Cell {
    value.map_or(Cell::Empty, |v| Cell::Text(v.to_owned()))
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

fn csv_error(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("writing CSV: {e}"))
}

/// The header line.
pub fn csv_header() -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(EXPORT_COLUMNS).map_err(csv_error)?;
    writer.into_inner().map_err(csv_error)
}

/// CSV lines for a batch of customers (no header).
pub fn csv_rows(customers: &[Customer]) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::with_capacity(customers.len() * 200));
    for customer in customers {
        let record = cells(customer).map(|cell| match cell {
            Cell::Text(t) => t,
            // Integers print without a fraction; probabilities keep full precision.
            Cell::Number(n) if n.fract() == 0.0 => format!("{}", n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        });
        writer.write_record(&record).map_err(csv_error)?;
    }
    writer.into_inner().map_err(csv_error)
}

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::Internal(format!("writing XLSX: {e}"))
}

/// A workbook with one sheet: bold, frozen header with an autofilter, numbers as number cells, sized columns.
pub fn xlsx_workbook(customers: &[Customer]) -> Result<Vec<u8>, AppError> {
    let mut workbook = Workbook::new();
    // Constant-memory mode streams each finished row to a temporary file instead of keeping every cell in memory.
    let sheet = workbook.add_worksheet_with_constant_memory().map_err(xlsx_error)?;
    sheet.set_name("Customers").map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    // Rows are flushed as they are written, so widths are set first, from what each column can hold.
    for (col, header) in EXPORT_COLUMNS.iter().enumerate() {
        let width = match *header {
            "id" => 38,
            "email" => 32,
            "name" | "modelVersion" | "scoredAt" | "createdAt" => 26,
            "externalId" | "phone" | "city" => 18,
            "job" | "education" | "probability" => 14,
            other => other.len().max(8) + 2,
        };
        sheet.set_column_width(col as u16, width as f64).map_err(xlsx_error)?;
        sheet.write_string_with_format(0, col as u16, *header, &bold).map_err(xlsx_error)?;
    }
    for (index, customer) in customers.iter().enumerate() {
        let row = index as u32 + 1;
        for (col, cell) in cells(customer).into_iter().enumerate() {
            match cell {
                Cell::Text(t) => {
                    sheet.write_string(row, col as u16, t).map_err(xlsx_error)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(row, col as u16, n).map_err(xlsx_error)?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    sheet.autofilter(0, 0, customers.len() as u32, EXPORT_COLUMNS.len() as u16 - 1).map_err(xlsx_error)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}
