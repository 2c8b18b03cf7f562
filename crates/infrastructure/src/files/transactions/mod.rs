//! Reading a transaction file (CSV or XLSX, decided by content) into scanned rows.
//!
//! The readers only split a file into rows of cells; the domain's `TransactionScanner` decides what each cell
//! means. A CSV file is cut into parts of about 1 MiB at record boundaries and the parts are read in parallel;
//! their results are merged in file order, so counts, sums and reported rows are the same on any number of cores.
//!
//! By format: `delimited` reads CSV (in parallel parts), `workbook` reads the first worksheet of an XLSX file.

mod delimited;
#[cfg(test)]
mod tests;
mod workbook;

use leadscore_application::AppError;
use leadscore_application::files::FileLimits;
use leadscore_domain::segmentation::DatasetFormat;
use leadscore_domain::segmentation::transactions::{MissingColumns, ScanResult};

use self::delimited::read_csv;
use self::workbook::read_xlsx;

/// Decides the format from the bytes: an XLSX workbook (a ZIP holding `xl/`), or text taken as CSV. Other binary
/// files, legacy `.xls` workbooks and UTF-16 text are refused with 415.
pub(super) fn sniff(bytes: &[u8]) -> Result<DatasetFormat, AppError> {
    if bytes.is_empty() {
        return Err(AppError::field("file", "must not be empty"));
    }
    let unsupported = |what: &str| AppError::UnsupportedMediaType(format!("file must be a CSV or XLSX file ({what})"));
    if let Some(kind) = infer::get(bytes) {
        return match kind.mime_type() {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Ok(DatasetFormat::Xlsx),
            "application/vnd.ms-excel" => Err(unsupported("legacy .xls workbooks are not read; save it as .xlsx")),
            "application/zip" => Err(unsupported("a ZIP archive that is not an XLSX workbook")),
            other => Err(unsupported(&format!("got {other}"))),
        };
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(unsupported("UTF-16 text is not read; save it as UTF-8 CSV"));
    }
    if bytes[..bytes.len().min(64 * 1024)].contains(&0) {
        return Err(unsupported("binary content"));
    }
    Ok(DatasetFormat::Csv)
}

/// Splits a file into rows and scans them, within `limits` (413 past one).
pub(super) fn scan(bytes: &[u8], limits: &FileLimits) -> Result<(DatasetFormat, ScanResult), AppError> {
    let format = sniff(bytes)?;
    let scan = match format {
        DatasetFormat::Csv => read_csv(bytes, limits)?,
        DatasetFormat::Xlsx => read_xlsx(bytes, limits)?,
    };
    Ok((format, scan))
}

fn unprocessable(message: &str, errors: Vec<leadscore_domain::RowError>, total_errors: u64) -> AppError {
    AppError::Unprocessable { message: message.to_owned(), errors, total_errors }
}

fn missing_columns(missing: MissingColumns) -> AppError {
    let names: Vec<&str> = missing.missing.iter().map(|c| c.header()).collect();
    let errors = missing.row_errors();
    let total = errors.len() as u64;
    unprocessable(&format!("The file lacks required columns: {}", names.join(", ")), errors, total)
}
