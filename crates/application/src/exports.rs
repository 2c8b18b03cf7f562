//! Exports as the use cases see them: rows of neutral cells in sheets, the formats a client may ask for, and the
//! file handed back. The writers live in the infrastructure crate behind [`TableWriter`]; every export use case
//! returns an [`ExportFile`], so every export handler is the same few lines.

use std::pin::Pin;

use futures_util::Stream;

use crate::AppError;

/// The file formats of every export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    /// RFC 4180 CSV, UTF-8, comma-separated (the default); cells a spreadsheet would run as formulas are guarded.
    #[default]
    Csv,
    /// An Excel workbook: bold frozen header, autofilter, typed numbers.
    Xlsx,
}

impl ExportFormat {
    /// The media type served.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// File extension, and the word used in the audit trail.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

/// A cell of an exported row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text (guarded against formulas in CSV).
    Text(String),
    /// A number as it is (integers print without a fraction in CSV).
    Number(f64),
    /// An amount: two decimals in CSV, a money format in XLSX.
    Money(f64),
    /// A share in [0, 1]: a percentage format in XLSX.
    Percent(f64),
    /// A mean or median: two decimals in XLSX.
    Decimal(f64),
    /// Nothing.
    Empty,
}

impl Cell {
    /// `yes` or `no`.
    pub fn yes_no(value: bool) -> Self {
        Cell::Text(if value { "yes" } else { "no" }.into())
    }

    /// Text, or empty.
    pub fn opt_text(value: Option<&str>) -> Self {
        value.map_or(Cell::Empty, |v| Cell::Text(v.to_owned()))
    }
}

/// A column: its title and, for XLSX, its width in characters (`None`: sized from the title).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// Header cell.
    pub title: &'static str,
    /// XLSX column width.
    pub width: Option<f64>,
}

impl Column {
    /// Columns of these titles, each sized by `width` (or from its title).
    pub fn all(titles: &[&'static str], width: impl Fn(&str) -> Option<usize>) -> Vec<Column> {
        titles.iter().map(|&title| Column { title, width: width(title).map(|w| w as f64) }).collect()
    }
}

/// One sheet of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Sheet name (XLSX).
    pub name: &'static str,
    /// The header.
    pub columns: Vec<Column>,
    /// The rows, each as long as the header.
    pub rows: Vec<Vec<Cell>>,
}

/// Writes sheets as CSV or XLSX. CPU work for large sheets.
pub trait TableWriter: Send + Sync {
    /// CSV lines of `rows`, the header line first when `header` is given. Text cells a spreadsheet would run as a
    /// formula MUST be guarded ([`crate::files::neutralise_formula`]).
    fn csv(&self, header: Option<&[Column]>, rows: &[Vec<Cell>]) -> Result<Vec<u8>, AppError>;
    /// A workbook with these sheets, in order.
    fn xlsx(&self, sheets: &[Sheet]) -> Result<Vec<u8>, AppError>;
    /// A sheet in `format`: the first sheet only for CSV.
    fn write(&self, format: ExportFormat, sheets: &[Sheet]) -> Result<Vec<u8>, AppError> {
        match (format, sheets.first()) {
            (ExportFormat::Xlsx, _) => self.xlsx(sheets),
            (ExportFormat::Csv, Some(sheet)) => self.csv(Some(&sheet.columns), &sheet.rows),
            (ExportFormat::Csv, None) => Ok(Vec::new()),
        }
    }
}

/// Chunks of a CSV written while the rows are read, so memory stays flat however large the export.
pub type CsvStream = Pin<Box<dyn Stream<Item = Result<Vec<u8>, AppError>> + Send>>;

/// What an export sends.
pub enum ExportBody {
    /// The whole file.
    Bytes(Vec<u8>),
    /// Streamed chunks (CSV of the customer base).
    Stream(CsvStream),
}

impl std::fmt::Debug for ExportBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportBody::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            ExportBody::Stream(_) => f.write_str("Stream"),
        }
    }
}

/// A file ready to be sent.
#[derive(Debug)]
pub struct ExportFile {
    /// Suggested file name, dated by the service's clock where it carries a date.
    pub file_name: String,
    /// Media type.
    pub content_type: &'static str,
    /// Content.
    pub body: ExportBody,
}

impl ExportFile {
    /// A whole file in `format`.
    pub fn bytes(file_name: String, format: ExportFormat, bytes: Vec<u8>) -> Self {
        Self { file_name, content_type: format.content_type(), body: ExportBody::Bytes(bytes) }
    }
}
