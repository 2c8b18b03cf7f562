//! Hostile and generated files against the readers: targeted cases for each limit, then a structure-aware fuzz
//! target (proptest) that builds workbooks part by part — archive, shared strings, styles, sheets with any cell
//! references and types — and mutates them, and CSV text with any quoting. The property: every file is read or
//! refused with a 4xx answer; nothing panics, and nothing allocates from a number the file declares.

use std::io::Write;

use proptest::prelude::*;
use zip::write::SimpleFileOptions;

use leadscore_application::AppError;
use leadscore_application::customers::{IMPORT_COLUMNS, ImportLimits, parse_customers};
use leadscore_application::files::FileLimits;
use leadscore_application::segmentation::read_transactions;

use super::FileReader;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>"#;

/// A workbook of these parts (each deflated), in the layout every spreadsheet program writes.
fn workbook(shared_strings: &str, styles: &str, sheet: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/styles.xml", styles),
        ("xl/sharedStrings.xml", shared_strings),
        ("xl/worksheets/sheet1.xml", sheet),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn sst(declared: &str, strings: &[&str]) -> String {
    let items: String = strings.iter().map(|s| format!("<si><t>{s}</t></si>")).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{declared}" uniqueCount="{declared}">{items}</sst>"#
    )
}

fn sheet(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// The UCI columns of an import file (the five contact columns are optional).
const UCI_HEADER: &[&str] = IMPORT_COLUMNS.split_at(5).1;
const UCI_ROW: [&str; 17] = [
    "41",
    "technician",
    "married",
    "secondary",
    "no",
    "1270",
    "yes",
    "no",
    "cellular",
    "5",
    "may",
    "120",
    "1",
    "-1",
    "0",
    "unknown",
    "no",
];

/// Row `r` of inline-string cells from column A.
fn text_row(r: u32, cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .enumerate()
        .map(|(c, t)| format!(r#"<c r="{}{r}" t="inlineStr"><is><t>{t}</t></is></c>"#, column_name(c as u32)))
        .collect();
    format!(r#"<row r="{r}">{cells}</row>"#)
}

/// A customer sheet: the UCI header in row 1, one customer in row 2, then `extra`.
fn customer_sheet(extra: &str) -> String {
    sheet(&format!("{}{}{extra}", text_row(1, UCI_HEADER), text_row(2, &UCI_ROW)))
}

fn customers(bytes: &[u8], files: FileLimits) -> Result<u64, AppError> {
    parse_customers(&FileReader, bytes, &ImportLimits { max_rows: 1_000, files }, |_, _| {})
        .map(|p| p.valid.len() as u64)
}

fn too_large(result: Result<u64, AppError>, naming: &str) {
    match result {
        Err(AppError::PayloadTooLarge(message)) => assert!(message.contains(naming), "{message}"),
        other => panic!("expected 413 naming {naming:?}, got {other:?}"),
    }
}

#[test]
fn a_valid_workbook_reads() {
    let bytes = workbook(&sst("2", &["age", "job"]), STYLES, &customer_sheet(""));
    assert_eq!(customers(&bytes, FileLimits::default()).unwrap(), 1);
}

#[test]
fn a_declared_billion_shared_strings_is_refused_before_anything_is_reserved() {
    // calamine reserves `uniqueCount` strings when the workbook is opened: 4 billion of them abort the process.
    let bytes = workbook(&sst("4000000000", &["age", "job"]), STYLES, &customer_sheet(""));
    assert!(bytes.len() < 3_000, "{} bytes", bytes.len());
    too_large(customers(&bytes, FileLimits::default()), "shared strings");
}

#[test]
fn a_shared_strings_part_the_check_cannot_read_to_its_end_is_refused() {
    let broken = format!("<x></y>{}", sst("4000000000", &["age", "job"]));
    let bytes = workbook(&broken, STYLES, &customer_sheet(""));
    match customers(&bytes, FileLimits::default()) {
        Err(AppError::Unprocessable { message, .. }) => assert!(message.contains("not well-formed"), "{message}"),
        other => panic!("expected 422, got {other:?}"),
    }
}

#[test]
fn more_real_shared_strings_than_the_limit_are_refused() {
    let many: Vec<&str> = std::iter::repeat_n("x", 101).collect();
    let bytes = workbook(&sst("2", &many), STYLES, &customer_sheet(""));
    too_large(customers(&bytes, FileLimits { max_shared_strings: 100, ..FileLimits::default() }), "100 shared strings");
}

#[test]
fn cells_at_a1_and_xfd1048576_do_not_allocate_the_rectangle() {
    // As a rectangle this is 17 billion cells. A cell past the column limit is refused; a far row costs nothing.
    let far = r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
    let bytes = workbook(&sst("2", &["age", "job"]), STYLES, &customer_sheet(far));
    too_large(customers(&bytes, FileLimits::default()), "512 columns");
    let tall = text_row(1_048_576, &UCI_ROW);
    let bytes = workbook(&sst("2", &["age", "job"]), STYLES, &customer_sheet(&tall));
    assert_eq!(customers(&bytes, FileLimits::default()).unwrap(), 2);
}

#[test]
fn a_sheet_that_inflates_past_the_limit_is_refused() {
    // 8 MiB of XML deflates to about 8 KB.
    let padding = " ".repeat(8 * 1024 * 1024);
    let bytes = workbook(&sst("2", &["age", "job"]), STYLES, &customer_sheet(&padding));
    assert!(bytes.len() < 64 * 1024, "{} bytes", bytes.len());
    too_large(customers(&bytes, FileLimits { max_inflated_bytes: 4 * 1024 * 1024, ..FileLimits::default() }), "4 MiB");
    assert_eq!(customers(&bytes, FileLimits::default()).unwrap(), 1);
}

#[test]
fn styles_with_more_elements_than_the_limit_are_refused() {
    let xfs = "<xf/>".repeat(1_001);
    let styles = format!(r#"<styleSheet><cellXfs count="1001">{xfs}</cellXfs></styleSheet>"#);
    let bytes = workbook(&sst("2", &["age", "job"]), &styles, &customer_sheet(""));
    too_large(customers(&bytes, FileLimits { max_part_elements: 1_000, ..FileLimits::default() }), "1000 XML elements");
}

#[test]
fn a_transaction_sheet_is_bounded_by_cells() {
    let header = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>InvoiceNo</t></is></c><c r="B1" t="inlineStr"><is><t>Quantity</t></is></c><c r="C1" t="inlineStr"><is><t>InvoiceDate</t></is></c><c r="D1" t="inlineStr"><is><t>UnitPrice</t></is></c><c r="E1" t="inlineStr"><is><t>CustomerID</t></is></c></row>"#;
    let rows: String = (2..=50)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c><c r="C{r}"><v>40000</v></c><c r="D{r}"><v>2.5</v></c><c r="E{r}"><v>{}</v></c></row>"#, 100 + r % 7))
        .collect();
    let bytes = workbook(&sst("0", &[]), STYLES, &sheet(&format!("{header}{rows}")));
    let parsed = read_transactions(&FileReader, &bytes, &FileLimits::default()).unwrap();
    assert_eq!(parsed.profile.rows, 49);
    assert!(matches!(
        read_transactions(&FileReader, &bytes, &FileLimits { max_cells: 100, ..FileLimits::default() }),
        Err(AppError::PayloadTooLarge(m)) if m.contains("100 cells")
    ));
}

#[test]
fn csv_records_past_the_limits_are_refused_in_both_readers() {
    let limits = FileLimits { max_record_bytes: 1_000, max_columns: 50, ..FileLimits::default() };
    let header = UCI_HEADER.join(",");
    let wide = format!("{header}\n{}\n", ",".repeat(60));
    too_large(customers(wide.as_bytes(), limits), "50 fields");
    let long = format!("{header}\n\"{}\",x\n", "y".repeat(2_000));
    too_large(customers(long.as_bytes(), limits), "1000 bytes");
    let header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
    for body in [",".repeat(60), "z".repeat(2_000), format!("\"{}\"", "q".repeat(2_000))] {
        let file = format!("{header}{body}\n");
        assert!(
            matches!(read_transactions(&FileReader, file.as_bytes(), &limits), Err(AppError::PayloadTooLarge(_))),
            "{}",
            &body[..10]
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Fuzz target

/// Any 4xx answer is a refusal; a 5xx or a panic is a defect.
fn refused_cleanly(err: &AppError) -> bool {
    matches!(
        err,
        AppError::Validation(_)
            | AppError::BadRequest(_)
            | AppError::PayloadTooLarge(_)
            | AppError::UnsupportedMediaType(_)
            | AppError::Unprocessable { .. }
    )
}

fn cell_ref() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..30, 1u32..40).prop_map(|(c, r)| format!("{}{r}", column_name(c))),
        (0u32..20_000, 1u32..2_000_000).prop_map(|(c, r)| format!("{}{r}", column_name(c))),
        "[A-Z]{0,4}[0-9]{0,8}",
        Just(String::new()),
    ]
}

fn column_name(mut c: u32) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

fn cell() -> impl Strategy<Value = String> {
    let text =
        "[a-zA-Z0-9 ,.;\"&<>]{0,12}".prop_map(|t| t.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"));
    (
        cell_ref(),
        prop_oneof![Just(""), Just("s"), Just("n"), Just("b"), Just("str"), Just("e"), Just("inlineStr"), Just("d")],
        text,
        any::<i64>(),
    )
        .prop_map(|(r, t, text, n)| {
            let r = if r.is_empty() { String::new() } else { format!(r#" r="{r}""#) };
            match t {
                "inlineStr" => format!(r#"<c{r} t="inlineStr"><is><t>{text}</t></is></c>"#),
                "s" => format!(r#"<c{r} t="s"><v>{}</v></c>"#, n.rem_euclid(8)),
                "" | "n" => format!(r#"<c{r}><v>{}</v></c>"#, n as f64 / 7.0),
                other => format!(r#"<c{r} t="{other}"><v>{text}</v></c>"#),
            }
        })
}

fn row() -> impl Strategy<Value = String> {
    (prop::option::of(1u32..3_000_000), prop::collection::vec(cell(), 0..8)).prop_map(|(r, cells)| {
        let r = r.map(|r| format!(r#" r="{r}""#)).unwrap_or_default();
        format!("<row{r}>{}</row>", cells.concat())
    })
}

fn header_row() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(format!("{}{}", text_row(1, UCI_HEADER), text_row(2, &UCI_ROW))),
        Just(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>InvoiceNo</t></is></c><c r="B1" t="inlineStr"><is><t>Quantity</t></is></c><c r="C1" t="inlineStr"><is><t>InvoiceDate</t></is></c><c r="D1" t="inlineStr"><is><t>UnitPrice</t></is></c><c r="E1" t="inlineStr"><is><t>CustomerID</t></is></c></row>"#.to_owned()),
        row(),
    ]
}

fn shared_strings() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("8".to_owned()), (0u64..u64::MAX).prop_map(|n| n.to_string()), "[-0-9a-z]{0,6}"],
        prop::collection::vec("[a-z ]{0,8}", 0..12),
    )
        .prop_map(|(declared, strings)| {
            let refs: Vec<&str> = strings.iter().map(String::as_str).collect();
            sst(&declared, &refs)
        })
}

/// A workbook, then maybe damaged: bytes flipped, or cut short.
fn hostile_workbook() -> impl Strategy<Value = Vec<u8>> {
    (
        shared_strings(),
        prop::collection::vec(row(), 0..12),
        header_row(),
        prop::option::of((any::<prop::sample::Index>(), any::<u8>())),
        prop::option::of(any::<prop::sample::Index>()),
        prop::option::of("<[a-zA-Z]{1,6}( [a-z]{1,3}=\"[0-9]{0,12}\"){0,3}/?>"),
    )
        .prop_map(|(sst, rows, header, flip, cut, junk)| {
            let mut body = format!("{header}{}", rows.concat());
            if let Some(junk) = junk {
                body.push_str(&junk);
            }
            let mut bytes = workbook(&sst, STYLES, &sheet(&body));
            if let Some((at, value)) = flip {
                let i = at.index(bytes.len());
                bytes[i] ^= value;
            }
            if let Some(at) = cut {
                bytes.truncate(at.index(bytes.len()).max(4));
            }
            bytes
        })
}

fn hostile_csv() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![
        Just(format!("{}\n", UCI_HEADER.join(","))),
        Just(format!("{}\n{}\n", UCI_HEADER.join(";"), UCI_ROW.join(";"))),
        Just("InvoiceNo,Quantity,InvoiceDate,UnitPrice,CustomerID\n".to_owned()),
        "[a-z,;\t|\"]{0,20}\n",
    ];
    (header, prop::collection::vec("[0-9a-z ,;\"\r\n\t|-]{0,40}", 0..20), prop::collection::vec(any::<u8>(), 0..4))
        .prop_map(|(header, lines, raw)| {
            let mut bytes = header.into_bytes();
            for line in lines {
                bytes.extend(line.into_bytes());
                bytes.push(b'\n');
            }
            bytes.extend(raw);
            bytes
        })
}

fn small_limits() -> FileLimits {
    FileLimits {
        max_inflated_bytes: 1 << 20,
        max_entries: 20,
        max_shared_strings: 10,
        max_part_elements: 100,
        max_columns: 64,
        max_cells: 500,
        max_record_bytes: 256,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_workbook_is_read_or_refused_with_a_4xx(bytes in hostile_workbook(), small in any::<bool>()) {
        let limits = if small { small_limits() } else { FileLimits::default() };
        if let Err(err) = customers(&bytes, limits) {
            prop_assert!(refused_cleanly(&err), "customers: {err:?}");
        }
        if let Err(err) = read_transactions(&FileReader, &bytes, &limits) {
            prop_assert!(refused_cleanly(&err), "transactions: {err:?}");
        }
    }

    #[test]
    fn any_csv_is_read_or_refused_with_a_4xx(bytes in hostile_csv(), small in any::<bool>()) {
        let limits = if small { small_limits() } else { FileLimits::default() };
        if let Err(err) = customers(&bytes, limits) {
            prop_assert!(refused_cleanly(&err), "customers: {err:?}");
        }
        if let Err(err) = read_transactions(&FileReader, &bytes, &limits) {
            prop_assert!(refused_cleanly(&err), "transactions: {err:?}");
        }
    }
}
