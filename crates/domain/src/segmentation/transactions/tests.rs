//! The transaction-file rules, end to end: headers, cells, and the row decisions.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::cells::plain_decimal;
use super::*;
use crate::segmentation::DroppedRows;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, s).unwrap()
}

#[test]
fn matches_headers_case_insensitively_and_by_alias() {
    let map = ColumnMap::from_header(&[
        "invoiceno",
        "StockCode",
        "Description",
        " QUANTITY ",
        "Invoice Date",
        "Price",
        "Customer ID",
        "Country",
    ])
    .unwrap();
    assert_eq!(map.invoice_date(), 4);
    assert_eq!(map.customer_id, 6);
    assert_eq!(map.unit_price, 5);
    // Only the five columns the analysis reads are required.
    assert!(ColumnMap::from_header(&["InvoiceNo", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"]).is_ok());
}

#[test]
fn names_every_missing_column() {
    let err = ColumnMap::from_header(&["InvoiceNo", "Qty", "When", "UnitPrice"]).unwrap_err();
    assert_eq!(err.missing, [Column::InvoiceDate, Column::CustomerId]);
    let errors = err.row_errors();
    assert_eq!(errors[0].row, 1);
    assert_eq!(errors[0].field, "invoiceDate");
    assert!(errors[1].message.contains("'CustomerID'") && errors[1].message.contains("When"), "{errors:?}");
}

#[test]
fn reads_common_date_formats() {
    let ymd = DateOrder::YearFirst;
    assert_eq!(parse_datetime(b"2010-12-01 08:26:00", ymd), Some(at(2010, 12, 1, 8, 26, 0)));
    assert_eq!(parse_datetime(b"2010-12-01T08:26", ymd), Some(at(2010, 12, 1, 8, 26, 0)));
    assert_eq!(parse_datetime(b"2010/12/01 8:26", ymd), Some(at(2010, 12, 1, 8, 26, 0)));
    assert_eq!(parse_datetime(b"2010-12-01", ymd), Some(at(2010, 12, 1, 0, 0, 0)));
    assert_eq!(
        parse_datetime(b"2010-12-01 08:26:00.5Z", ymd),
        Some(at(2010, 12, 1, 8, 26, 0) + Duration::milliseconds(500))
    );
    assert_eq!(parse_datetime(b"2010-12-01T08:26:00+01:00", ymd), Some(at(2010, 12, 1, 7, 26, 0)));
    let mdy = DateOrder::MonthFirst;
    assert_eq!(parse_datetime(b"12/1/2010 8:26", mdy), Some(at(2010, 12, 1, 8, 26, 0)));
    assert_eq!(parse_datetime(b"12/1/2010 8:26:00 PM", mdy), Some(at(2010, 12, 1, 20, 26, 0)));
    assert_eq!(parse_datetime(b"12/1/2010 12:05 AM", mdy), Some(at(2010, 12, 1, 0, 5, 0)));
    assert_eq!(parse_datetime(b"12/1/10 8:26", mdy), Some(at(2010, 12, 1, 8, 26, 0)));
    let dmy = DateOrder::DayFirst;
    assert_eq!(parse_datetime(b"01.12.2010 08:26", dmy), Some(at(2010, 12, 1, 8, 26, 0)));
    for bad in
        [&b"2010-13-01"[..], b"2010-02-30", b"yesterday", b"2010-12-01 25:00", b"2010-12-01 8:6", b"", b"40513.35"]
    {
        assert_eq!(parse_datetime(bad, ymd), None, "{}", String::from_utf8_lossy(bad));
    }
    assert_eq!(parse_datetime(b"12/1/2010", ymd), None, "the order is fixed per file");
}

#[test]
fn detects_the_date_order_of_a_file() {
    let detect = |samples: &[&str]| DateOrder::detect(samples.iter().map(|s| s.as_bytes()));
    assert_eq!(detect(&["2010-12-01 08:26:00"]), DateOrder::YearFirst);
    assert_eq!(detect(&["12/1/2010 8:26", "12/13/2010 9:00"]), DateOrder::MonthFirst);
    assert_eq!(detect(&["1/12/2010 8:26", "13/12/2010 9:00"]), DateOrder::DayFirst);
    assert_eq!(detect(&["1/2/2010 8:26"]), DateOrder::MonthFirst, "undecidable: US order, as in the UCI file");
    assert_eq!(detect(&["garbage", "01.12.2010"]), DateOrder::MonthFirst);
}

#[test]
fn the_fast_decimal_path_gives_the_standard_parser_s_doubles() {
    for text in ["2.55", "0.001", "38970", "-3", "1.", "123456789012345", "0.1", "4.15", "6.95", "0", "-0.5"] {
        assert_eq!(plain_decimal(text.as_bytes()), text.parse::<f64>().ok(), "{text}");
    }
    for other in ["1e5", "1234567890123456", ".", "-", "1.2.3", "+1", "1,5"] {
        assert_eq!(plain_decimal(other.as_bytes()), None, "{other}");
    }
    assert_eq!(parse_number(b"1e3", false), Some(1000.0));
    assert_eq!(parse_number(b"+1.5", false), Some(1.5));
}

#[test]
fn reads_numbers_and_customer_ids() {
    assert_eq!(parse_number(b" 2.55 ", false), Some(2.55));
    assert_eq!(parse_number(b"-3", false), Some(-3.0));
    assert_eq!(parse_number(b"2,55", true), Some(2.55));
    assert_eq!(parse_number(b"2,55", false), None);
    assert_eq!(parse_number(b"NaN", false), None);
    assert_eq!(parse_number(b"", false), None);
    assert_eq!(parse_customer_id(b"17850"), Ok(Some("17850")));
    assert_eq!(parse_customer_id(b" 17850.0 "), Ok(Some("17850")));
    assert_eq!(parse_customer_id(b"A-17.5"), Ok(Some("A-17.5")));
    assert_eq!(parse_customer_id(b""), Ok(None));
    assert_eq!(parse_customer_id(b"NaN"), Ok(None));
    assert!(parse_customer_id(b"\xe9t\xe9").is_err());
    assert!(parse_customer_id("x".repeat(65).as_bytes()).is_err());
}

fn layout() -> FileLayout {
    FileLayout {
        columns: ColumnMap::from_header(&["InvoiceNo", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"]).unwrap(),
        dates: DateOrder::YearFirst,
        decimal_comma: false,
    }
}

fn scan(rows: &[&str]) -> ScanResult {
    let layout = layout();
    let mut scanner = TransactionScanner::new(&layout);
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<&[u8]> = row.split(',').map(str::as_bytes).collect();
        scanner.push(i as u64 + 2, |c| cells.get(c).copied());
    }
    scanner.finish()
}

#[test]
fn drops_rows_for_one_reason_each_in_a_fixed_order() {
    let result = scan(&[
        "1,6,2010-12-01 08:26:00,2.55,17850",
        "2,6,2010-12-01 08:26:00,2.55,",
        "C3,-6,2010-12-01 08:26:00,2.55,17850",
        "4,0,2010-12-01 08:26:00,2.55,17850",
        "5,-2,2010-12-01 08:26:00,0,17850",
        "6,2,2010-12-01 08:26:00,0,17850",
        "7,2,someday,1,17850",
        ",,,,",
        "8,x,2010-12-01 08:26:00,1,",
    ]);
    assert_eq!(result.rows, 8, "the blank row is not a row");
    assert_eq!(
        result.dropped,
        DroppedRows {
            missing_customer_id: 2,
            cancelled: 1,
            non_positive_quantity: 2,
            non_positive_price: 1,
            unparseable: 1
        }
    );
    assert_eq!(result.dropped.total(), 7);
    assert_eq!(result.purchases.kept_rows(), 1);
    assert_eq!(result.issues.len(), 1);
    assert_eq!(result.issues[0].row, 8);
    assert_eq!(result.issues[0].field, "invoiceDate");
    assert!(result.issues[0].message.starts_with("'someday' is not a date"), "{}", result.issues[0].message);
    assert!(!result.unreadable_rows_tolerable(), "1 of 8 is more than 1%");
}

#[test]
fn merging_keeps_file_order_and_shifts_row_numbers() {
    let mut first = scan(&["1,1,2010-12-01,1,A", "2,1,bad,1,A"]);
    let mut second = scan(&["3,1,bad,1,B"]);
    second.offset_rows(2);
    first.merge(second);
    assert_eq!(first.rows, 3);
    assert_eq!(first.issues.iter().map(|i| i.row).collect::<Vec<_>>(), [3, 4]);
}
