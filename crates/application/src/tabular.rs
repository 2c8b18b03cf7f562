//! Writing rows of typed cells as CSV or as an XLSX sheet: shared by every export so the files look alike.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::AppError;

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

/// The characters that make a spreadsheet read a CSV cell as a formula when they come first.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A spreadsheet opening a CSV runs a cell starting with `=`, `+`, `-`, `@`, tab or CR as a formula, and customer
/// fields come from uploaded files (OWASP "CSV injection"). Every such cell gets a leading `'`, which spreadsheets
/// show as text — phone numbers too: `-1+1` and `+(1)-(1)` look like phones and are formulas, so no shape is
/// spared. The import takes the `'` off again ([`restore_neutralised`]), so an export re-imports unchanged. XLSX
/// needs none of this: its text cells are never evaluated. The one rule for every CSV export.
pub(crate) fn neutralise_formula(text: String) -> String {
    if guarded(&text) { format!("'{text}") } else { text }
}

/// Text the guard prefixes: a formula start, possibly behind quotes — `'=1` is guarded too (as `''=1`), so that
/// taking one quote off on import gives back exactly what was exported.
fn guarded(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// The inverse of [`neutralise_formula`] for a CSV cell read back: the guard's `'` is dropped. Spreadsheets read a
/// leading `'` the same way — as a mark that the cell is text, not as part of its value.
pub(crate) fn restore_neutralised(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if guarded(rest) => rest,
        _ => text,
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

#[cfg(test)]
mod tests {
    use super::{neutralise_formula, restore_neutralised};

    #[test]
    fn formula_like_text_is_neutralised_phones_too_and_restored_on_import() {
        for (raw, expected) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("\t=1", "'\t=1"),
            ("+351 912 345 678", "'+351 912 345 678"),
            // Each looks like a phone and is a formula.
            ("-1+1", "'-1+1"),
            ("+1-1", "'+1-1"),
            ("+(1)-(1)", "'+(1)-(1)"),
            ("-", "'-"),
            ("Ana", "Ana"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralise_formula(raw.to_owned()), expected, "{raw}");
            assert_eq!(restore_neutralised(expected), raw, "{raw} round-trips");
        }
        assert_eq!(restore_neutralised("'quoted"), "'quoted", "only the guard's own quote is taken off");
        for raw in ["'=1", "''-2", "'", "''", "'a"] {
            assert_eq!(restore_neutralised(&neutralise_formula(raw.to_owned())), raw, "{raw} round-trips");
        }
    }
}
