//! XLSX: the first worksheet, its cells as the text the scanner reads.

use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use leadscore_application::AppError;
use leadscore_application::files::FileLimits;
use leadscore_domain::segmentation::transactions::{ColumnMap, DateOrder, FileLayout, ScanResult, TransactionScanner};

use super::super::{SheetChoice, xlsx_rows};
use super::missing_columns;

/// Reads the first worksheet. The rows are kept (within `max_cells`) because the date order is decided from
/// samples across the whole sheet before any row is scanned.
pub(super) fn read_xlsx(bytes: &[u8], limits: &FileLimits) -> Result<ScanResult, AppError> {
    let unreadable = |detail: String| AppError::field("file", format!("is not a readable XLSX workbook: {detail}"));
    let mut header: Option<(ColumnMap, usize)> = None;
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    let mut cells = 0u64;
    let found = xlsx_rows(bytes, limits, SheetChoice::First, unreadable, |number, row| {
        let Some((_, date_column)) = &header else {
            let names: Vec<String> = row.iter().map(|cell| cell_text(cell, false)).collect();
            let columns = ColumnMap::from_header(&names).map_err(missing_columns)?;
            let date_column = columns.invoice_date();
            header = Some((columns, date_column));
            return Ok(());
        };
        cells += row.len() as u64;
        if cells > limits.max_cells {
            return Err(AppError::PayloadTooLarge(format!("the sheet has more than {} cells", limits.max_cells)));
        }
        rows.push((number, row.iter().enumerate().map(|(i, cell)| cell_text(cell, i == *date_column)).collect()));
        Ok(())
    })?;
    let Some((columns, date_column)) = header.filter(|_| found) else {
        return Err(AppError::Unprocessable {
            message: "The first worksheet is empty".into(),
            errors: Vec::new(),
            total_errors: 0,
        });
    };
    let step = (rows.len() / 4096).max(1);
    let samples: Vec<&str> =
        rows.iter().step_by(step).filter_map(|(_, cells)| cells.get(date_column)).map(String::as_str).collect();
    let layout =
        FileLayout { columns, dates: DateOrder::detect(samples.iter().map(|s| s.as_bytes())), decimal_comma: false };
    let mut scanner = TransactionScanner::new(&layout);
    for (number, cells) in &rows {
        scanner.push(*number, |i| cells.get(i).map(String::as_bytes));
    }
    Ok(scanner.finish())
}

/// A cell as text: integral numbers without a fraction, dates as `YYYY-MM-DD HH:MM:SS.mmm`. In the date column a
/// plain number is read as an Excel serial date (a date cell that lost its date format).
fn cell_text(cell: &Data, date_column: bool) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) if date_column => serial_date(*i as f64),
        Data::Float(f) if date_column => serial_date(*f),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => excel_date(dt),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn serial_date(serial: f64) -> String {
    excel_date(&ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false))
}

fn excel_date(dt: &ExcelDateTime) -> String {
    let (year, month, day, hour, minute, second, milli) = dt.to_ymd_hms_milli();
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}.{milli:03}")
}
