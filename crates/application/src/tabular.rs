//! Writing rows of typed cells as CSV or as an XLSX sheet: shared by every export so the files look alike.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::AppError;
use crate::files::neutralise_formula;

/// A cell of an exported row.
pub(crate) enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    pub(crate) fn yes_no(value: bool) -> Self {
        Cell::Text(if value { "yes" } else { "no" }.into())
    }

    pub(crate) fn opt_text(value: Option<&str>) -> Self {
        value.map_or(Cell::Empty, |v| Cell::Text(v.to_owned()))
    }

    fn into_csv(self) -> String {
        match self {
            Cell::Text(t) => neutralise_formula(t),
            // Integers print without a fraction; probabilities keep full precision.
            Cell::Number(n) if n.fract() == 0.0 => format!("{}", n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

fn csv_error(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("writing CSV: {e}"))
}

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::Internal(format!("writing XLSX: {e}"))
}

/// CSV lines; with `header`, the header line first.
pub(crate) fn csv_lines<R: IntoIterator<Item = Cell>>(
    header: Option<&[&str]>,
    rows: impl IntoIterator<Item = R>,
) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if let Some(header) = header {
        writer.write_record(header).map_err(csv_error)?;
    }
    for row in rows {
        let record: Vec<String> = row.into_iter().map(Cell::into_csv).collect();
        writer.write_record(&record).map_err(csv_error)?;
    }
    writer.into_inner().map_err(csv_error)
}

/// A workbook with one sheet: bold, frozen header with an autofilter, numbers as number cells, columns sized by
/// `width(header)`.
pub(crate) fn xlsx_sheet<R: IntoIterator<Item = Cell>>(
    sheet_name: &str,
    header: &[&str],
    width: impl Fn(&str) -> usize,
    rows: impl IntoIterator<Item = R>,
) -> Result<Vec<u8>, AppError> {
    let mut workbook = Workbook::new();
    // Constant-memory mode streams each finished row to a temporary file instead of keeping every cell in memory.
    let sheet = workbook.add_worksheet_with_constant_memory().map_err(xlsx_error)?;
    sheet.set_name(sheet_name).map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    // Rows are flushed as they are written, so widths are set first.
    for (col, title) in header.iter().enumerate() {
        sheet.set_column_width(col as u16, width(title) as f64).map_err(xlsx_error)?;
        sheet.write_string_with_format(0, col as u16, *title, &bold).map_err(xlsx_error)?;
    }
    let mut last_row = 0u32;
    for (index, cells) in rows.into_iter().enumerate() {
        let row = index as u32 + 1;
        last_row = row;
        for (col, cell) in cells.into_iter().enumerate() {
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
    sheet.autofilter(0, 0, last_row, header.len() as u16 - 1).map_err(xlsx_error)?;
    workbook.save_to_buffer().map_err(xlsx_error)
}
