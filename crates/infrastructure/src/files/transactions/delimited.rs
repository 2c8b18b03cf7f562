//! CSV: the delimiter sniffed, the text cut into parts at record boundaries, the parts scanned in parallel and
//! merged in file order.

use std::ops::Range;

use leadscore_application::AppError;
use leadscore_application::files::FileLimits;
use leadscore_domain::segmentation::transactions::{ColumnMap, DateOrder, FileLayout, ScanResult, TransactionScanner};
use rayon::prelude::*;

use super::super::CsvRecord;
use super::missing_columns;

/// Target size of the parts a CSV file is read in. Fixed (not derived from the core count) so that floating-point
/// sums are identical on every machine.
const PART_BYTES: usize = 1 << 20;
/// Date cells sampled from the start of each part to decide the date order of a file.
const DATE_SAMPLES_PER_PART: usize = 256;

pub(super) fn read_csv(bytes: &[u8], limits: &FileLimits) -> Result<ScanResult, AppError> {
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
pub(super) fn scan_csv_part(
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
pub(super) fn scan_csv_part_with_csv_core(
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
pub(super) fn split_records(body: &[u8], delimiter: u8, target: usize) -> Vec<Range<usize>> {
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
