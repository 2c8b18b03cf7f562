//! Files as the use cases see them, whatever their format: what an upload may expand to, the ports that read
//! tables and transaction files (the format adapters live in the infrastructure crate), and the CSV-injection
//! rule every export and import shares.

use leadscore_domain::segmentation::DatasetFormat;
use leadscore_domain::segmentation::transactions::ScanResult;

use crate::AppError;

/// Bounds on what one uploaded file may expand to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimits {
    /// Bytes all parts of a workbook inflate to, together.
    pub max_inflated_bytes: u64,
    /// Parts in a workbook archive.
    pub max_entries: usize,
    /// Shared strings in a workbook, declared or real.
    pub max_shared_strings: u64,
    /// XML elements in one workbook part other than a worksheet or the shared strings (styles, workbook,
    /// relationships): what calamine keeps in memory from those parts grows with them.
    pub max_part_elements: u64,
    /// Columns of a table (a cell right of the limit is refused, not ignored).
    pub max_columns: u32,
    /// Cells a reader keeps at once (the transaction reader keeps a whole sheet).
    pub max_cells: u64,
    /// Bytes of one CSV record.
    pub max_record_bytes: usize,
}

impl FileLimits {
    /// 256 MiB of XML: the Online Retail file (541,909 rows) as a workbook expands to about 170 MB.
    pub const DEFAULT_MAX_INFLATED_BYTES: u64 = 256 * 1024 * 1024;
    /// 20 million cells: the Online Retail file has 4.3 million.
    pub const DEFAULT_MAX_CELLS: u64 = 20_000_000;
}

impl Default for FileLimits {
    fn default() -> Self {
        Self {
            max_inflated_bytes: Self::DEFAULT_MAX_INFLATED_BYTES,
            max_entries: 1_000,
            max_shared_strings: 2_000_000,
            max_part_elements: 200_000,
            max_columns: 512,
            max_cells: Self::DEFAULT_MAX_CELLS,
            max_record_bytes: 1024 * 1024,
        }
    }
}

/// Receives a table's header, then each data row.
pub trait TableVisitor {
    /// The header row (trimmed cells). An error stops reading.
    fn header(&mut self, cells: &[String]) -> Result<(), AppError>;
    /// One data row; `number` is the spreadsheet row (header = 1). Wholly blank rows are not passed on.
    fn row(&mut self, number: u64, cells: &[&str]);
    /// A row that could not be read at all (bad encoding, wrong number of fields).
    fn bad_row(&mut self, error: leadscore_domain::RowError);
}

/// Reads an uploaded table — CSV or XLSX, decided by its bytes — row by row. MUST refuse with 413 past `max_rows`
/// data rows or any of `limits`, before allocating for what the file declares; 415 for a format it does not read;
/// 422 for a file it cannot read. CPU work: call it off the async executor.
pub trait TableReader: Send + Sync {
    /// Reads the table into `visitor`.
    fn read_table(
        &self,
        bytes: &[u8],
        max_rows: u64,
        limits: &FileLimits,
        visitor: &mut dyn TableVisitor,
    ) -> Result<(), AppError>;
}

/// Reads an uploaded transaction file (CSV or XLSX) into scanned rows, with the same duties as [`TableReader`].
pub trait TransactionReader: Send + Sync {
    /// The format of an upload, from its bytes: 415 for anything but CSV text or an XLSX workbook, 400 when empty.
    fn sniff(&self, bytes: &[u8]) -> Result<DatasetFormat, AppError>;
    /// Splits the file into rows and runs each through the domain's transaction scanner.
    fn scan(&self, bytes: &[u8], limits: &FileLimits) -> Result<(DatasetFormat, ScanResult), AppError>;
}

/// The characters that make a spreadsheet read a CSV cell as a formula when they come first.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A spreadsheet opening a CSV runs a cell starting with `=`, `+`, `-`, `@`, tab or CR as a formula, and customer
/// fields come from uploaded files (OWASP "CSV injection"). Every such cell gets a leading `'`, which spreadsheets
/// show as text — phone numbers too: `-1+1` and `+(1)-(1)` look like phones and are formulas, so no shape is
/// spared. The import takes the `'` off again ([`restore_neutralised`]), so an export re-imports unchanged. XLSX
/// needs none of this: its text cells are never evaluated. The one rule for every CSV export.
pub fn neutralise_formula(text: String) -> String {
    if guarded(&text) { format!("'{text}") } else { text }
}

/// Text the guard prefixes: a formula start, possibly behind quotes — `'=1` is guarded too (as `''=1`), so that
/// taking one quote off on import gives back exactly what was exported.
fn guarded(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// The inverse of [`neutralise_formula`] for a CSV cell read back: the guard's `'` is dropped. Spreadsheets read a
/// leading `'` the same way — as a mark that the cell is text, not as part of its value.
pub fn restore_neutralised(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if guarded(rest) => rest,
        _ => text,
    }
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
