//! The transaction readers on small files, and the fast CSV splitter against csv-core.

use leadscore_domain::segmentation::transactions::{ColumnMap, DateOrder, FileLayout};

use super::delimited::*;
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
        columns: ColumnMap::from_header(&["InvoiceNo", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"]).unwrap(),
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
    let AppError::Unprocessable { errors, total_errors, .. } = leadscore_application::segmentation::read_transactions(
        &crate::files::FileReader,
        bad_dates.as_bytes(),
        &FileLimits::default(),
    )
    .unwrap_err() else {
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
