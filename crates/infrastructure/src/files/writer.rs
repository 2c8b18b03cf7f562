//! The CSV and XLSX writers behind the application's `TableWriter`: every export's files look alike.

use leadscore_application::AppError;
use leadscore_application::exports::{Cell, Column, Sheet, TableWriter};
use leadscore_application::files::neutralise_formula;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// RFC 4180 CSV (the csv crate) and XLSX workbooks (rust_xlsxwriter, constant-memory sheets).
#[derive(Debug, Clone, Copy, Default)]
pub struct FileWriter;

fn csv_error(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("writing CSV: {e}"))
}

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::Internal(format!("writing XLSX: {e}"))
}

fn csv_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => neutralise_formula(t.clone()),
        // Integers print without a fraction; probabilities keep full precision.
        Cell::Number(n) | Cell::Percent(n) | Cell::Decimal(n) if n.fract() == 0.0 => format!("{}", *n as i64),
        Cell::Number(n) | Cell::Percent(n) | Cell::Decimal(n) => n.to_string(),
        Cell::Money(n) => format!("{n:.2}"),
        Cell::Empty => String::new(),
    }
}

impl TableWriter for FileWriter {
    fn csv(&self, header: Option<&[Column]>, rows: &[Vec<Cell>]) -> Result<Vec<u8>, AppError> {
        let mut writer = csv::Writer::from_writer(Vec::with_capacity(64 * (rows.len() + 1)));
        if let Some(header) = header {
            writer.write_record(header.iter().map(|c| c.title)).map_err(csv_error)?;
        }
        for row in rows {
            writer.write_record(row.iter().map(csv_text)).map_err(csv_error)?;
        }
        writer.into_inner().map_err(csv_error)
    }

    fn xlsx(&self, sheets: &[Sheet]) -> Result<Vec<u8>, AppError> {
        let mut workbook = Workbook::new();
        for sheet in sheets {
            // Constant-memory mode streams each finished row to a temporary file instead of keeping every cell.
            let worksheet = workbook.add_worksheet_with_constant_memory().map_err(xlsx_error)?;
            write_sheet(worksheet, sheet).map_err(xlsx_error)?;
        }
        workbook.save_to_buffer().map_err(xlsx_error)
    }
}

fn col(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

/// Bold, frozen header with an autofilter; numbers as number cells, amounts, shares and means formatted.
fn write_sheet(worksheet: &mut Worksheet, sheet: &Sheet) -> Result<(), XlsxError> {
    worksheet.set_name(sheet.name)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let percent = Format::new().set_num_format("0.0%");
    let decimal = Format::new().set_num_format("0.00");
    // Rows are flushed as they are written, so widths are set first.
    for (index, column) in sheet.columns.iter().enumerate() {
        let width = column.width.unwrap_or((column.title.len().max(8) + 2) as f64);
        worksheet.set_column_width(col(index), width)?;
        worksheet.write_string_with_format(0, col(index), column.title, &bold)?;
    }
    for (index, cells) in sheet.rows.iter().enumerate() {
        let row = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for (index, cell) in cells.iter().enumerate() {
            let c = col(index);
            match cell {
                Cell::Text(t) => worksheet.write_string(row, c, t).map(|_| ())?,
                Cell::Number(n) => worksheet.write_number(row, c, *n).map(|_| ())?,
                Cell::Money(n) => worksheet.write_number_with_format(row, c, *n, &money).map(|_| ())?,
                Cell::Percent(n) => worksheet.write_number_with_format(row, c, *n, &percent).map(|_| ())?,
                Cell::Decimal(n) => worksheet.write_number_with_format(row, c, *n, &decimal).map(|_| ())?,
                Cell::Empty => {}
            }
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX);
    worksheet.autofilter(0, 0, last_row, col(sheet.columns.len().saturating_sub(1)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> Sheet {
        Sheet {
            name: "S",
            columns: Column::all(&["id", "amount"], |_| None),
            rows: vec![
                vec![Cell::Text("=HYPERLINK(\"x\")".into()), Cell::Money(1234.5)],
                vec![Cell::Text("17850".into()), Cell::Number(3.0)],
            ],
        }
    }

    #[test]
    fn csv_has_the_header_guards_formulas_and_prints_amounts_with_two_decimals() {
        let sheet = sheet();
        let text = String::from_utf8(FileWriter.csv(Some(&sheet.columns), &sheet.rows).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines, ["id,amount", "\"'=HYPERLINK(\"\"x\"\")\",1234.50", "17850,3"]);
    }

    #[test]
    fn xlsx_keeps_text_verbatim_and_writes_no_formula() {
        use calamine::{Reader, Xlsx};
        let bytes = FileWriter.xlsx(&[sheet(), Sheet { name: "T", ..sheet() }]).unwrap();
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(workbook.sheet_names(), ["S", "T"]);
        let range = workbook.worksheet_range("S").unwrap();
        assert_eq!(range.get((1, 0)), Some(&calamine::Data::String("=HYPERLINK(\"x\")".into())));
        assert_eq!(range.get((1, 1)), Some(&calamine::Data::Float(1234.5)));
        assert!(workbook.worksheet_formula("S").unwrap().used_cells().next().is_none());
    }
}
