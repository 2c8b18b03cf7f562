//! Reading a transaction file (CSV or XLSX, decided by content) into scanned rows.
//!
//! The readers only split a file into rows of cells; the domain's `TransactionScanner` decides what each cell
//! means. A CSV file is cut into parts of about 1 MiB at record boundaries and the parts are read in parallel;
//! their results are merged in file order, so counts, sums and reported rows are the same on any number of cores.

use std::ops::Range;

use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use leadscore_application::AppError;
use leadscore_application::files::FileLimits;
use leadscore_domain::segmentation::DatasetFormat;
use leadscore_domain::segmentation::transactions::{
    ColumnMap, DateOrder, FileLayout, MissingColumns, ScanResult, TransactionScanner,
};
use rayon::prelude::*;

use super::{CsvRecord, SheetChoice, xlsx_rows};

/// Target size of the parts a CSV file is read in. Fixed (not derived from the core count) so that floating-point
/// sums are identical on every machine.
const PART_BYTES: usize = 1 << 20;
/// Date cells sampled from the start of each part to decide the date order of a file.
const DATE_SAMPLES_PER_PART: usize = 256;

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

// ---------------------------------------------------------------------------------------------------------------
// CSV

fn read_csv(bytes: &[u8], limits: &FileLimits) -> Result<ScanResult, AppError> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let delimiter = sniff_delimiter(text);
    let mut header = CsvRecord::new(delimiter, limits);
    let body_start = header.read(text)?;
    if header.len() == 0 {
        return Err(AppError::Unprocessable {
            message: "The file has no header row".into(),
            errors: Vec::new(),
            total_errors: 0,
        });
    }
    let names: Vec<String> = header.iter().map(|cell| String::from_utf8_lossy(cell).into_owned()).collect();
    let columns = ColumnMap::from_header(&names).map_err(missing_columns)?;
    let body = &text[body_start..];
    let parts = split_records(body, delimiter, PART_BYTES);
    let date_column = columns.invoice_date();
    let mut samples: Vec<Vec<u8>> = Vec::new();
    let mut record = CsvRecord::new(delimiter, limits);
    for part in &parts {
        let part = &body[part.clone()];
        let (mut pos, mut found) = (0, 0);
        while found < DATE_SAMPLES_PER_PART && pos < part.len() {
            pos += record.read(&part[pos..])?;
            if let Some(cell) = record.field(date_column) {
                samples.push(cell.to_vec());
                found += 1;
            }
        }
    }
    let layout = FileLayout {
        columns,
        dates: DateOrder::detect(samples.iter().map(Vec::as_slice)),
        decimal_comma: delimiter != b',',
    };
    let results: Vec<(ScanResult, u64)> = parts
        .par_iter()
        .map(|part| scan_csv_part(&body[part.clone()], delimiter, &layout, limits))
        .collect::<Result<_, _>>()?;
    let mut total = ScanResult::default();
    // The header is row 1; records are numbered from 2 across the parts.
    let mut records_before = 2;
    for (mut result, records) in results {
        result.offset_rows(records_before);
        records_before += records;
        total.merge(result);
    }
    Ok(total)
}

/// Reads one part; row numbers in the result are 0-based within the part. Also answers how many records it had.
///
/// Lines without a quote — nearly all of them — are split at the delimiter with memchr; a record with a quote goes
/// through csv-core, exactly as the csv crate reads it (quoted delimiters, doubled quotes, line breaks in quotes).
/// Blank lines are skipped, as the csv crate does. Files with bare carriage returns take the csv crate all the way.
fn scan_csv_part(
    part: &[u8],
    delimiter: u8,
    layout: &FileLayout,
    limits: &FileLimits,
) -> Result<(ScanResult, u64), AppError> {
    if has_bare_cr(part) {
        return scan_csv_part_with_csv_core(part, delimiter, layout, limits);
    }
    let mut scanner = TransactionScanner::new(layout);
    let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(16);
    let mut quoted = CsvRecord::new(delimiter, limits);
    let mut index = 0u64;
    let mut pos = 0;
    while pos < part.len() {
        if let Some(line_end) = split_plain_line(part, pos, delimiter, limits, &mut ranges)? {
            let blank = line_end == pos || (line_end == pos + 1 && part[pos] == b'\r');
            pos = line_end + 1;
            if blank {
                continue;
            }
            scanner.push(index, |i| ranges.get(i).map(|&(s, e)| &part[s..e]));
        } else {
            pos += quoted.read(&part[pos..])?;
            if quoted.len() == 0 {
                continue;
            }
            scanner.push(index, |i| quoted.field(i));
        }
        index += 1;
    }
    Ok((scanner.finish(), index))
}

/// Splits the line starting at `pos` at the delimiter into `ranges` (positions in `part`, a final `\r`
/// excluded). Answers where the line ends (its `\n`, or the end of `part`), or `None` when the line has a quote
/// and needs the full CSV rules. A line past the record limits is refused (413) before it is split.
fn split_plain_line(
    part: &[u8],
    pos: usize,
    delimiter: u8,
    limits: &FileLimits,
    ranges: &mut Vec<(usize, usize)>,
) -> Result<Option<usize>, AppError> {
    let line_end = memchr::memchr(b'\n', &part[pos..]).map_or(part.len(), |offset| pos + offset);
    let line = &part[pos..line_end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if memchr::memchr(b'"', line).is_some() {
        return Ok(None);
    }
    if line.len() > limits.max_record_bytes {
        return Err(AppError::PayloadTooLarge(format!(
            "a CSV record is longer than {} bytes",
            limits.max_record_bytes
        )));
    }
    ranges.clear();
    let mut start = 0;
    for separator in memchr::memchr_iter(delimiter, line) {
        if ranges.len() + 1 >= limits.max_columns as usize {
            return Err(AppError::PayloadTooLarge(format!("a CSV record has more than {} fields", limits.max_columns)));
        }
        ranges.push((pos + start, pos + separator));
        start = separator + 1;
    }
    ranges.push((pos + start, pos + line.len()));
    Ok(Some(line_end))
}

/// A `\r` not followed by `\n` (old Mac line ends), which csv-core treats as a record end.
fn has_bare_cr(part: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', part).any(|i| part.get(i + 1) != Some(&b'\n'))
}

/// Reads a part with csv-core only: the reference the fast path is tested against, and the reader for files with
/// bare carriage returns.
fn scan_csv_part_with_csv_core(
    part: &[u8],
    delimiter: u8,
    layout: &FileLayout,
    limits: &FileLimits,
) -> Result<(ScanResult, u64), AppError> {
    let mut record = CsvRecord::new(delimiter, limits);
    let mut scanner = TransactionScanner::new(layout);
    let mut index = 0u64;
    let mut pos = 0;
    while pos < part.len() {
        pos += record.read(&part[pos..])?;
        if record.len() == 0 {
            continue;
        }
        scanner.push(index, |i| record.field(i));
        index += 1;
    }
    Ok((scanner.finish(), index))
}

/// The delimiter of a CSV file: whichever of `,` `;` tab `|` appears most often in the header line (`,` on ties).
fn sniff_delimiter(text: &[u8]) -> u8 {
    let line_end = memchr::memchr(b'\n', text).unwrap_or(text.len());
    let line = &text[..line_end];
    let mut best = (b',', memchr::memchr_iter(b',', line).count());
    for candidate in [b';', b'\t', b'|'] {
        let count = memchr::memchr_iter(candidate, line).count();
        if count > best.1 {
            best = (candidate, count);
        }
    }
    best.0
}

/// Cuts `body` into ranges of about `target` bytes that each end at the end of a record: at a newline outside
/// quotes. Quotes are tracked as the csv crate reads them: a quote opens a quoted field only at the start of a
/// field, `""` inside a quoted field is a literal quote, and any other quote inside a field is a literal character.
fn split_records(body: &[u8], delimiter: u8, target: usize) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    let mut pos = 0;
    while start < body.len() {
        let want = start.saturating_add(target);
        if want >= body.len() {
            parts.push(start..body.len());
            break;
        }
        let mut end = None;
        while end.is_none() {
            let Some(offset) = memchr::memchr2(b'"', b'\n', &body[pos..]) else { break };
            let at = pos + offset;
            pos = at + 1;
            if body[at] == b'"' {
                if in_quotes {
                    if body.get(at + 1) == Some(&b'"') {
                        pos = at + 2;
                    } else {
                        in_quotes = false;
                    }
                } else if at == 0 || matches!(body[at - 1], b'\n' | b'\r') || body[at - 1] == delimiter {
                    in_quotes = true;
                }
            } else if !in_quotes && at + 1 >= want {
                end = Some(at + 1);
            }
        }
        let end = end.unwrap_or(body.len());
        parts.push(start..end);
        start = end;
    }
    parts
}

// ---------------------------------------------------------------------------------------------------------------
// XLSX

/// Reads the first worksheet. The rows are kept (within `max_cells`) because the date order is decided from
/// samples across the whole sheet before any row is scanned.
fn read_xlsx(bytes: &[u8], limits: &FileLimits) -> Result<ScanResult, AppError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes)
    }

    const HEADER: &str = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";

    #[test]
    fn sniffs_formats_by_content() {
        assert_eq!(sniff(b"InvoiceNo,Quantity\n").unwrap(), DatasetFormat::Csv);
        assert!(matches!(sniff(b""), Err(AppError::Validation(_))));
        assert!(matches!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Err(AppError::UnsupportedMediaType(_))));
        assert!(matches!(sniff(b"\xFF\xFEI\0n\0"), Err(AppError::UnsupportedMediaType(_))));
        assert!(matches!(sniff(b"abc\0def"), Err(AppError::UnsupportedMediaType(_))));
    }

    #[test]
    fn splits_only_between_records() {
        let body = b"1,\"a\nb\",x\n2,\"say \"\"hi\"\"\n\",y\n3,12\" ruler,z\n4,\"q\",w\n".to_vec();
        for target in 1..body.len() + 2 {
            let parts = split_records(&body, b',', target);
            assert_eq!(parts.first().map(|p| p.start), Some(0));
            assert_eq!(parts.last().map(|p| p.end), Some(body.len()));
            let mut rows = Vec::new();
            for part in &parts {
                let mut reader = csv_reader(&body[part.clone()], b',');
                for record in reader.byte_records() {
                    rows.push(record.unwrap().get(0).unwrap().to_vec());
                }
            }
            assert_eq!(rows, [b"1", b"2", b"3", b"4"], "target {target}: {parts:?}");
        }
    }

    #[test]
    fn the_fast_splitter_reads_like_csv_core() {
        let layout = FileLayout {
            columns: ColumnMap::from_header(&["InvoiceNo", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"])
                .unwrap(),
            dates: DateOrder::YearFirst,
            decimal_comma: false,
        };
        let body = "1,2,2011-01-01,1.5,A\r\n\n\
                    \"2\",\"3\",\"2011-01-02\",\"2.5\",\"B,\"\"x\"\"\"\n\
                    3,4,2011-01-03,1,\"multi\nline\"\n\
                    ,,,,\n\
                    4,x,2011-01-04,1,C\n\
                    5,1,2011-01-05,1,\"D\"";
        let limits = FileLimits::default();
        let (fast, fast_rows) = scan_csv_part(body.as_bytes(), b',', &layout, &limits).unwrap();
        let (slow, slow_rows) = scan_csv_part_with_csv_core(body.as_bytes(), b',', &layout, &limits).unwrap();
        assert_eq!(fast_rows, slow_rows);
        assert_eq!((fast.rows, fast.dropped, fast.issues.clone()), (slow.rows, slow.dropped, slow.issues.clone()));
        let ids = |r: ScanResult| r.purchases.into_activities().into_iter().map(|a| a.customer_id).collect::<Vec<_>>();
        // A line break inside quotes stays in the field (and makes that CustomerID unreadable).
        assert_eq!(
            fast.issues.iter().map(|i| (i.row, i.field.as_str())).collect::<Vec<_>>(),
            [(2, "customerId"), (4, "quantity")]
        );
        assert_eq!(ids(fast), ["A", "B,\"x\"", "D"]);
        assert_eq!(ids(slow), ["A", "B,\"x\"", "D"]);
    }

    #[test]
    fn reads_a_small_csv_with_its_counts() {
        let csv = format!(
            "\u{feff}{HEADER}\
             536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n\
             536365,71053,\"LANTERN, WHITE\",6,2010-12-01 08:26:00,3.39,17850,United Kingdom\n\
             536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,,United Kingdom\n\
             C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527,United Kingdom\n\
             536380,22961,JAM JAR,24,2010-12-02 09:41:00,0,14527,United Kingdom\n\
             536381,22139,RETROSPOT,-5,2010-12-02 09:41:00,4.25,14527,United Kingdom\n\
             536382,22139,RETROSPOT,5,2010-12-03 10:00:00,4.25,14527,United Kingdom\n\
             \n"
        );
        let parsed = leadscore_application::segmentation::read_transactions(
            &crate::files::FileReader,
            csv.as_bytes(),
            &FileLimits::default(),
        )
        .unwrap();
        let p = &parsed.profile;
        assert_eq!((p.rows, p.kept_rows, p.customers), (7, 3, 2));
        assert_eq!(p.dropped.missing_customer_id, 1);
        assert_eq!(p.dropped.cancelled, 1);
        assert_eq!(p.dropped.non_positive_price, 1);
        assert_eq!(p.dropped.non_positive_quantity, 1);
        assert_eq!(p.first_invoice_at.unwrap().to_rfc3339(), "2010-12-01T08:26:00+00:00");
        assert_eq!(p.last_invoice_at.unwrap().to_rfc3339(), "2010-12-03T10:00:00+00:00");
        let a = &parsed.activities;
        assert_eq!(a[0].customer_id, "14527");
        assert_eq!((a[0].frequency, a[0].monetary), (1, 21.25));
        assert_eq!(a[1].customer_id, "17850");
        assert_eq!(a[1].frequency, 1);
        assert!((a[1].monetary - (6.0 * 2.55 + 6.0 * 3.39)).abs() < 1e-9);
    }

    #[test]
    fn semicolon_files_with_decimal_commas_and_european_dates() {
        let csv = "Invoice;Quantity;InvoiceDate;Price;Customer ID\n\
                   1;2;13.12.2010 10:00;2,50;A\n\
                   2;1;01.12.2010 09:00;1,00;A\n";
        let parsed = leadscore_application::segmentation::read_transactions(
            &crate::files::FileReader,
            csv.as_bytes(),
            &FileLimits::default(),
        )
        .unwrap();
        assert_eq!(parsed.activities[0].monetary, 6.0);
        assert_eq!(parsed.profile.last_invoice_at.unwrap().to_rfc3339(), "2010-12-13T10:00:00+00:00");
    }

    #[test]
    fn refuses_files_it_cannot_use() {
        let missing = leadscore_application::segmentation::read_transactions(
            &crate::files::FileReader,
            b"InvoiceNo,Quantity,Price\n1,2,3\n",
            &FileLimits::default(),
        )
        .unwrap_err();
        let AppError::Unprocessable { message, errors, .. } = missing else { panic!("{missing:?}") };
        assert!(message.contains("InvoiceDate") && message.contains("CustomerID"), "{message}");
        assert_eq!(errors.len(), 2);

        let header_only = leadscore_application::segmentation::read_transactions(
            &crate::files::FileReader,
            HEADER.as_bytes(),
            &FileLimits::default(),
        )
        .unwrap_err();
        assert!(matches!(header_only, AppError::Unprocessable { ref message, .. } if message.contains("no data rows")));

        let bad_dates = format!("{HEADER}1,a,b,1,soon,1,5,UK\n2,a,b,1,2010-12-01 10:00,1,5,UK\n");
        let AppError::Unprocessable { errors, total_errors, .. } =
            leadscore_application::segmentation::read_transactions(
                &crate::files::FileReader,
                bad_dates.as_bytes(),
                &FileLimits::default(),
            )
            .unwrap_err()
        else {
            panic!()
        };
        assert_eq!(total_errors, 1);
        assert_eq!((errors[0].row, errors[0].field.as_str()), (2, "invoiceDate"));

        let nothing_left = format!("{HEADER}1,a,b,1,2010-12-01 10:00,1,,UK\n");
        assert!(matches!(
            leadscore_application::segmentation::read_transactions(
                &crate::files::FileReader,
                nothing_left.as_bytes(),
                &FileLimits::default()
            ),
            Err(AppError::Unprocessable { .. })
        ));
    }
}
