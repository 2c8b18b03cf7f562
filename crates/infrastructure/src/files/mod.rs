//! The file formats: reading uploaded CSV and XLSX tables within what they may expand to ([`FileLimits`]).
//!
//! An upload limit bounds only the compressed bytes: a 2 KB workbook can declare a billion shared strings or cells
//! at `A1` and `XFD1048576`, and a reader that trusts those numbers allocates before it reads anything. So every
//! file the server reads is bounded by what it *expands* to: inflated bytes, shared strings, XML elements, columns,
//! cells kept at once, bytes and fields of a CSV record. The limits are checked while the bytes are read, never
//! taken from what the file declares, and a file over one is refused with 413 naming the limit.
//!
//! calamine, which reads the cells, trusts two declared numbers: `uniqueCount` in `sharedStrings.xml` (it reserves
//! that many strings when the workbook is opened) and the sheet's extent (`worksheet_range` allocates the whole
//! rectangle). [`check_workbook`] streams every part of the archive first, counting what it really holds and
//! refusing declared counts over the limits, and [`xlsx_rows`] reads cells one by one instead of as a rectangle, so
//! what is kept is one row at a time.

use std::io::{self, Cursor, Read};

use calamine::{Data, DataRef, Reader, Xlsx, XlsxError};
use quick_xml::events::Event;

use leadscore_application::AppError;
use leadscore_application::files::FileLimits;

mod images;
#[cfg(test)]
mod parser_props;
#[cfg(test)]
mod props;
mod table;
mod transactions;
mod writer;

pub use images::ImageHeaders;
pub use table::FileReader;
pub use writer::FileWriter;

fn too_large(message: String) -> AppError {
    AppError::PayloadTooLarge(message)
}

/// Streams every part of a workbook archive and refuses it (413) when the parts together inflate to more than the
/// limit, when there are too many parts, when `sharedStrings.xml` declares or holds more strings than the limit,
/// or when another metadata part holds more elements than the limit. `unreadable` builds the answer for a file
/// that is not a readable archive.
fn check_workbook(bytes: &[u8], limits: &FileLimits, unreadable: impl Fn(String) -> AppError) -> Result<(), AppError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    if archive.len() > limits.max_entries {
        return Err(too_large(format!("the workbook has more than {} parts", limits.max_entries)));
    }
    let inflated_limit =
        || too_large(format!("the workbook expands to more than {} MiB", limits.max_inflated_bytes / (1024 * 1024)));
    // Declared sizes are only a quick first refusal; the real count below is what holds.
    let declared: u64 = (0..archive.len())
        .filter_map(|i| archive.by_index_raw(i).ok().map(|entry| entry.size()))
        .fold(0u64, u64::saturating_add);
    if declared > limits.max_inflated_bytes {
        return Err(inflated_limit());
    }
    let mut budget = limits.max_inflated_bytes;
    for index in 0..archive.len() {
        let entry = archive.by_index(index).map_err(|e| unreadable(e.to_string()))?;
        let name = entry.name().map_err(|e| unreadable(e.to_string()))?.to_ascii_lowercase();
        let mut counted = Counted { inner: entry, left: budget, over: false };
        let kind = if name.ends_with("sharedstrings.xml") {
            Part::SharedStrings
        } else if name.ends_with(".xml") || name.ends_with(".rels") {
            if name.contains("worksheets/") || name.contains("chartsheets/") { Part::Streamed } else { Part::Metadata }
        } else {
            Part::Opaque
        };
        let result = match kind {
            Part::Opaque | Part::Streamed => io::copy(&mut counted, &mut io::sink()).map(|_| ()).map_err(XmlFault::Io),
            Part::SharedStrings => check_shared_strings(&mut counted, limits),
            Part::Metadata => check_elements(&mut counted, limits.max_part_elements),
        };
        if counted.over {
            return Err(inflated_limit());
        }
        match result {
            Ok(()) => {}
            Err(XmlFault::Limit(err)) => return Err(err),
            Err(XmlFault::Io(e)) => return Err(unreadable(format!("{name}: {e}"))),
            // A part the check could not read to its end was not counted, so it must not reach calamine, whose
            // parser may be more lenient than this one.
            Err(XmlFault::Syntax) => return Err(unreadable(format!("{name} is not well-formed XML"))),
        }
        budget = counted.left;
    }
    Ok(())
}

enum Part {
    SharedStrings,
    Metadata,
    Streamed,
    Opaque,
}

enum XmlFault {
    Limit(AppError),
    Io(io::Error),
    Syntax,
}

/// A reader that stops (with an error) once it has given `left` bytes.
struct Counted<R> {
    inner: R,
    left: u64,
    over: bool,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            self.over = true;
            return Err(io::Error::other("inflated size limit"));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn xml_fault(err: quick_xml::Error) -> XmlFault {
    match err {
        quick_xml::Error::Io(e) => XmlFault::Io(io::Error::new(e.kind(), e.to_string())),
        _ => XmlFault::Syntax,
    }
}

fn check_shared_strings(reader: impl Read, limits: &FileLimits) -> Result<(), XmlFault> {
    let limit = || {
        XmlFault::Limit(too_large(format!("the workbook has more than {} shared strings", limits.max_shared_strings)))
    };
    let mut xml = quick_xml::Reader::from_reader(io::BufReader::new(reader));
    let mut buf = Vec::new();
    let mut strings = 0u64;
    loop {
        match xml.read_event_into(&mut buf).map_err(xml_fault)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "sst" => {
                    for attr in e.attributes().flatten() {
                        if matches!(attr.key.local_name().as_ref(), "uniqueCount" | "count") {
                            let declared = attr.value.trim().parse::<u64>().ok();
                            // A count that is not a number is ignored by calamine; a number over the limit is what it
                            // would reserve.
                            if declared.is_some_and(|n| n > limits.max_shared_strings) {
                                return Err(limit());
                            }
                        }
                    }
                }
                "si" => {
                    strings += 1;
                    if strings > limits.max_shared_strings {
                        return Err(limit());
                    }
                }
                _ => {}
            },
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

fn check_elements(reader: impl Read, max: u64) -> Result<(), XmlFault> {
    let mut xml = quick_xml::Reader::from_reader(io::BufReader::new(reader));
    let mut buf = Vec::new();
    let mut elements = 0u64;
    loop {
        match xml.read_event_into(&mut buf).map_err(xml_fault)? {
            Event::Start(_) | Event::Empty(_) => {
                elements += 1;
                if elements > max {
                    return Err(XmlFault::Limit(too_large(format!(
                        "a part of the workbook has more than {max} XML elements"
                    ))));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// Which worksheet [`xlsx_rows`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SheetChoice {
    /// The first worksheet.
    First,
    /// The first worksheet that holds a non-empty cell: workbooks often start with a cover sheet left empty.
    FirstNonEmpty,
}

/// Reads the rows of one worksheet, after [`check_workbook`], one at a time: `visit` gets each row that has a
/// non-empty cell, with its spreadsheet row number (1-based) and its cells from the column of the first non-empty
/// cell of the sheet (cells left of it are dropped). A cell at or right of `max_columns` is refused with 413.
/// Answers whether a row was found. Cells must come in row order, as every spreadsheet program writes them.
pub(crate) fn xlsx_rows(
    bytes: &[u8],
    limits: &FileLimits,
    choice: SheetChoice,
    unreadable: impl Fn(String) -> AppError,
    mut visit: impl FnMut(u64, &[Data]) -> Result<(), AppError>,
) -> Result<bool, AppError> {
    check_workbook(bytes, limits, &unreadable)?;
    let fail = |e: XlsxError| unreadable(e.to_string());
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(fail)?;
    let names = workbook.sheet_names();
    let take = if choice == SheetChoice::First { 1 } else { names.len() };
    for name in names.iter().take(take) {
        let mut cells = workbook.worksheet_cells_reader(name).map_err(fail)?;
        let mut row: Vec<Data> = Vec::new();
        let mut current: Option<u32> = None;
        let mut first_column: Option<u32> = None;
        while let Some(cell) = cells.next_cell().map_err(fail)? {
            if matches!(cell.get_value(), DataRef::Empty) {
                continue;
            }
            let (r, c) = cell.get_position();
            if c >= limits.max_columns {
                return Err(too_large(format!("the sheet has more than {} columns", limits.max_columns)));
            }
            match current {
                Some(at) if at == r => {}
                Some(at) if r < at => {
                    return Err(unreadable(format!("the cells of row {} come after row {}", r + 1, at + 1)));
                }
                _ => {
                    if let Some(at) = current {
                        visit(u64::from(at) + 1, &row)?;
                    }
                    row.clear();
                    current = Some(r);
                }
            }
            let offset = *first_column.get_or_insert(c);
            let Some(index) = c.checked_sub(offset) else { continue };
            let index = index as usize;
            if row.len() <= index {
                row.resize(index + 1, Data::Empty);
            }
            row[index] = Data::from(cell.get_value().clone());
        }
        if let Some(at) = current {
            visit(u64::from(at) + 1, &row)?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// csv-core reading one record at a time into reusable buffers that grow only up to the limits: a record longer
/// than `max_record_bytes` or with more than `max_columns` fields is refused with 413 before more is allocated.
pub(crate) struct CsvRecord {
    reader: csv_core::Reader,
    output: Vec<u8>,
    ends: Vec<usize>,
    fields: usize,
    max_bytes: usize,
    max_fields: usize,
}

impl CsvRecord {
    pub(crate) fn new(delimiter: u8, limits: &FileLimits) -> Self {
        Self {
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            output: vec![0; limits.max_record_bytes.clamp(1, 4096)],
            ends: vec![0; (limits.max_columns as usize).clamp(1, 64)],
            fields: 0,
            max_bytes: limits.max_record_bytes,
            max_fields: limits.max_columns as usize,
        }
    }

    fn too_long(&self) -> AppError {
        too_large(format!("a CSV record is longer than {} bytes", self.max_bytes))
    }

    fn too_wide(&self) -> AppError {
        too_large(format!("a CSV record has more than {} fields", self.max_fields))
    }

    /// Reads the record at the start of `input` (blank lines before it are skipped): answers the bytes consumed;
    /// [`Self::len`] is then its number of fields (0 at the end of the input).
    pub(crate) fn read(&mut self, input: &[u8]) -> Result<usize, AppError> {
        let (mut consumed, mut written, mut fields) = (0, 0, 0);
        let mut input_over = false;
        loop {
            let rest = if input_over { &[][..] } else { &input[consumed..] };
            let (result, nin, nout, nend) =
                self.reader.read_record(rest, &mut self.output[written..], &mut self.ends[fields..]);
            consumed += nin;
            written += nout;
            fields += nend;
            match result {
                csv_core::ReadRecordResult::Record | csv_core::ReadRecordResult::End => break,
                csv_core::ReadRecordResult::OutputFull => {
                    if self.output.len() >= self.max_bytes {
                        return Err(self.too_long());
                    }
                    let grown = (self.output.len() * 2).min(self.max_bytes);
                    self.output.resize(grown, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() >= self.max_fields {
                        return Err(self.too_wide());
                    }
                    let grown = (self.ends.len() * 2).min(self.max_fields);
                    self.ends.resize(grown, 0);
                }
                // All the input was read without a record end: the last record, without a line break. An empty
                // input tells csv-core the input is over.
                csv_core::ReadRecordResult::InputEmpty if input_over => break,
                csv_core::ReadRecordResult::InputEmpty => input_over = true,
            }
        }
        // The buffers hold at most the limits; a record that fills them exactly is within them.
        if written > self.max_bytes {
            return Err(self.too_long());
        }
        if fields > self.max_fields {
            return Err(self.too_wide());
        }
        self.fields = fields;
        Ok(consumed)
    }

    /// Fields of the last record read.
    pub(crate) fn len(&self) -> usize {
        self.fields
    }

    /// Field `i` of the last record read.
    pub(crate) fn field(&self, i: usize) -> Option<&[u8]> {
        if i >= self.fields {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.output.get(start..self.ends[i])
    }

    /// All fields of the last record read.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.fields).filter_map(|i| self.field(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &[u8], limits: &FileLimits) -> Result<Vec<Vec<Vec<u8>>>, AppError> {
        let mut record = CsvRecord::new(b',', limits);
        let mut pos = 0;
        let mut out = Vec::new();
        while pos < text.len() {
            pos += record.read(&text[pos..])?;
            if record.len() > 0 {
                out.push(record.iter().map(<[u8]>::to_vec).collect());
            }
        }
        Ok(out)
    }

    #[test]
    fn csv_records_read_like_the_csv_crate() {
        let text = b"a,\"b,\"\"c\"\"\"\n\n\"multi\nline\",x\r\nlast,one";
        let mine = records(text, &FileLimits::default()).unwrap();
        let theirs: Vec<Vec<Vec<u8>>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&text[..])
            .byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect();
        assert_eq!(mine, theirs);
    }

    #[test]
    fn csv_records_stop_at_the_limits() {
        let limits = FileLimits { max_record_bytes: 10_000, max_columns: 100, ..FileLimits::default() };
        let wide = ",".repeat(100);
        assert!(
            matches!(records(wide.as_bytes(), &limits), Err(AppError::PayloadTooLarge(m)) if m.contains("100 fields"))
        );
        assert_eq!(records(",".repeat(99).as_bytes(), &limits).unwrap()[0].len(), 100);
        let long = "x".repeat(10_001);
        assert!(
            matches!(records(long.as_bytes(), &limits), Err(AppError::PayloadTooLarge(m)) if m.contains("10000 bytes"))
        );
        assert_eq!(records("x".repeat(10_000).as_bytes(), &limits).unwrap()[0][0].len(), 10_000);
    }
}
