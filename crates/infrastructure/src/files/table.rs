//! Reading an uploaded table (CSV or XLSX, decided by content) row by row, with spreadsheet row numbers.

use calamine::Data;
use leadscore_application::AppError;
use leadscore_application::files::{FileLimits, TableReader, TableVisitor, TransactionReader, restore_neutralised};
use leadscore_domain::RowError;
use leadscore_domain::segmentation::DatasetFormat;
use leadscore_domain::segmentation::transactions::ScanResult;

use super::{CsvRecord, SheetChoice, xlsx_rows};

/// The CSV and XLSX reader behind [`TableReader`] (customer files) and [`TransactionReader`] (transaction files).
#[derive(Debug, Clone, Copy, Default)]
pub struct FileReader;

impl TableReader for FileReader {
    fn read_table(
        &self,
        bytes: &[u8],
        max_rows: u64,
        limits: &FileLimits,
        visitor: &mut dyn TableVisitor,
    ) -> Result<(), AppError> {
        read_table(bytes, max_rows, limits, visitor)
    }
}

impl TransactionReader for FileReader {
    fn sniff(&self, bytes: &[u8]) -> Result<DatasetFormat, AppError> {
        super::transactions::sniff(bytes)
    }

    fn scan(&self, bytes: &[u8], limits: &FileLimits) -> Result<(DatasetFormat, ScanResult), AppError> {
        super::transactions::scan(bytes, limits)
    }
}

/// The formats an upload can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableFormat {
    /// Office Open XML workbook.
    Xlsx,
    /// Delimited text.
    Csv,
}

/// Decides the format from the bytes: a ZIP container is XLSX; an OLE2 container is a legacy `.xls` (refused);
/// anything else is treated as delimited text.
fn sniff(bytes: &[u8]) -> Result<TableFormat, AppError> {
    if bytes.starts_with(b"PK\x03\x04") {
        Ok(TableFormat::Xlsx)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Err(AppError::UnsupportedMediaType("legacy .xls files are not supported: save as .xlsx or CSV".into()))
    } else if bytes.iter().take(4096).any(|b| *b == 0) {
        Err(AppError::UnsupportedMediaType("the file is neither CSV text nor an XLSX workbook".into()))
    } else {
        Ok(TableFormat::Csv)
    }
}

/// Reads the table, stopping with 413 after `max_rows` data rows or past one of the file limits.
fn read_table(
    bytes: &[u8],
    max_rows: u64,
    limits: &FileLimits,
    visitor: &mut dyn TableVisitor,
) -> Result<(), AppError> {
    match sniff(bytes)? {
        TableFormat::Xlsx => read_xlsx(bytes, max_rows, limits, visitor),
        TableFormat::Csv => read_csv(bytes, max_rows, limits, visitor),
    }
}

fn too_many(max_rows: u64) -> AppError {
    AppError::PayloadTooLarge(format!("the file has more than {max_rows} data rows"))
}

fn empty() -> AppError {
    AppError::Unprocessable { message: "The file is empty".into(), errors: Vec::new(), total_errors: 0 }
}

/// The delimiter that splits the header line into the most fields (quotes respected).
fn detect_delimiter(text: &[u8]) -> u8 {
    let line = text.split(|b| *b == b'\n' || *b == b'\r').next().unwrap_or_default();
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0), (b'|', 0)];
    let mut quoted = false;
    for byte in line {
        if *byte == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(entry) = counts.iter_mut().find(|(d, _)| d == byte) {
            entry.1 += 1;
        }
    }
    counts.iter().max_by_key(|(_, n)| *n).filter(|(_, n)| *n > 0).map_or(b',', |(d, _)| *d)
}

fn read_csv(bytes: &[u8], max_rows: u64, limits: &FileLimits, visitor: &mut dyn TableVisitor) -> Result<(), AppError> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut record = CsvRecord::new(detect_delimiter(text), limits);
    let mut header_len = None;
    let mut pos = 0usize;
    let mut lines_before = 0u64;
    let mut data_rows = 0u64;
    while pos < text.len() {
        let start = pos;
        pos += record.read(&text[start..])?;
        // The line where the record starts, as an editor counts it (blank lines included): skip the line breaks
        // the reader passed over before it.
        let run = text[start..pos].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        let number = lines_before + newlines(text, start..start + run) + 1;
        lines_before += newlines(text, start..pos);
        if record.len() == 0 {
            continue;
        }
        let Some(expected) = header_len else {
            let cells = record
                .iter()
                .map(|f| std::str::from_utf8(f).map(|s| s.trim().to_owned()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| not_utf8(1))?;
            header_len = Some(cells.len());
            visitor.header(&cells)?;
            continue;
        };
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        data_rows += 1;
        if data_rows > max_rows {
            return Err(too_many(max_rows));
        }
        if record.len() != expected {
            visitor.bad_row(RowError {
                row: number,
                field: "row".into(),
                message: format!("has {} fields where the header has {expected}", record.len()),
            });
            continue;
        }
        // A cell the CSV export guarded against formulas (`'=...`) reads back as it was.
        match record.iter().map(|f| std::str::from_utf8(f).map(restore_neutralised)).collect::<Result<Vec<&str>, _>>() {
            Ok(cells) => visitor.row(number, &cells),
            Err(_) => visitor.bad_row(RowError {
                row: number,
                field: "row".into(),
                message: "is not valid UTF-8 text; save the file as UTF-8".into(),
            }),
        }
    }
    if header_len.is_none() { Err(empty()) } else { Ok(()) }
}

/// Line breaks in `text[range]`: `\n`, `\r\n` and a lone `\r` (old Mac files) each count once. The whole text is
/// consulted so a `\r\n` split by the range's end is still one break.
fn newlines(text: &[u8], range: std::ops::Range<usize>) -> u64 {
    let start = range.start;
    let slice = &text[range];
    let lf = memchr::memchr_iter(b'\n', slice).count();
    let lone_cr = memchr::memchr_iter(b'\r', slice).filter(|&i| text.get(start + i + 1) != Some(&b'\n')).count();
    (lf + lone_cr) as u64
}

fn not_utf8(row: u64) -> AppError {
    AppError::Unprocessable {
        message: "The file is not UTF-8 text; save it as UTF-8 CSV".into(),
        errors: vec![RowError { row, field: "row".into(), message: "is not valid UTF-8".into() }],
        total_errors: 1,
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        // Spreadsheets store every number as a float; whole numbers must read back as integers.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn read_xlsx(bytes: &[u8], max_rows: u64, limits: &FileLimits, visitor: &mut dyn TableVisitor) -> Result<(), AppError> {
    let unreadable = |detail: String| AppError::Unprocessable {
        message: format!("The XLSX workbook cannot be read: {detail}"),
        errors: Vec::new(),
        total_errors: 1,
    };
    let mut header_seen = false;
    let mut data_rows = 0u64;
    let mut cells: Vec<String> = Vec::new();
    xlsx_rows(bytes, limits, SheetChoice::FirstNonEmpty, unreadable, |number, row| {
        cells.clear();
        cells.extend(row.iter().map(cell_text));
        if cells.iter().all(String::is_empty) {
            return Ok(());
        }
        if !header_seen {
            header_seen = true;
            return visitor.header(&cells);
        }
        data_rows += 1;
        if data_rows > max_rows {
            return Err(too_many(max_rows));
        }
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        visitor.row(number, &refs);
        Ok(())
    })?;
    if header_seen { Ok(()) } else { Err(empty()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect {
        header: Vec<String>,
        rows: Vec<(u64, Vec<String>)>,
        bad: Vec<RowError>,
    }

    impl TableVisitor for Collect {
        fn header(&mut self, cells: &[String]) -> Result<(), AppError> {
            self.header = cells.to_vec();
            Ok(())
        }
        fn row(&mut self, number: u64, cells: &[&str]) {
            self.rows.push((number, cells.iter().map(|c| c.to_string()).collect()));
        }
        fn bad_row(&mut self, error: RowError) {
            self.bad.push(error);
        }
    }

    fn read(bytes: &[u8]) -> Collect {
        let mut c = Collect::default();
        read_table(bytes, 100, &FileLimits::default(), &mut c).unwrap();
        c
    }

    #[test]
    fn detects_delimiters_and_strips_bom_and_quotes() {
        let c = read(b"\xEF\xBB\xBF\"age\";\"job\"\r\n58;\"management\"\r\n\r\n44;\"technician\"\r\n");
        assert_eq!(c.header, ["age", "job"]);
        assert_eq!(
            c.rows,
            vec![(2, vec!["58".into(), "management".into()]), (4, vec!["44".into(), "technician".into()])]
        );
        let c = read(b"age,job\n58,\"admin.\"\n");
        assert_eq!(c.rows[0].1, ["58", "admin."]);
        let c = read(b"age\tjob\n58\tretired\n");
        assert_eq!(c.rows[0].1, ["58", "retired"]);
    }

    #[test]
    fn reports_ragged_and_non_utf8_rows() {
        let c = read(b"a;b\n1;2;3\n\xff\xfe;x\n1;2\n");
        assert_eq!(c.bad.len(), 2);
        assert_eq!(c.bad[0].row, 2);
        assert!(c.bad[1].message.contains("UTF-8"));
        assert_eq!(c.rows.len(), 1);
    }

    #[test]
    fn limits_and_empty_files() {
        let mut c = Collect::default();
        assert!(matches!(
            read_table(b"a\n1\n2\n3\n", 2, &FileLimits::default(), &mut c),
            Err(AppError::PayloadTooLarge(_))
        ));
        assert!(matches!(
            read_table(b"", 2, &FileLimits::default(), &mut Collect::default()),
            Err(AppError::Unprocessable { .. })
        ));
        assert!(matches!(sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0]), Err(AppError::UnsupportedMediaType(_))));
    }
}
