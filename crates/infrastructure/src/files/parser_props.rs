//! Properties of the customer-file parser: whatever the bytes, it answers without panicking; what it reports is
//! consistent (row numbers, fields, totals); and any valid row gets through with exactly its values, in CSV or XLSX.

use leadscore_domain::customers::{Contact, Education, Job, Marital, Month, NewCustomer, Outcome, Poutcome};
use proptest::prelude::*;
use proptest::sample::select;

use leadscore_application::AppError;
use leadscore_application::customers::{IMPORT_COLUMNS, ImportLimits, ParsedFile, parse_customers};
use leadscore_application::files::restore_neutralised;

use super::FileReader;

/// The header of `bank-full.csv`, as UCI ships it.
const UCI_HEADER: &str = "\"age\";\"job\";\"marital\";\"education\";\"default\";\"balance\";\"housing\";\"loan\";\"contact\";\"day\";\"month\";\"duration\";\"campaign\";\"pdays\";\"previous\";\"poutcome\";\"y\"";

const MAX_ROWS: u64 = 10_000;

fn parse(bytes: &[u8]) -> Result<ParsedFile, AppError> {
    parse_customers(&FileReader, bytes, &ImportLimits { max_rows: MAX_ROWS, ..ImportLimits::default() }, |_, _| {})
}

/// What holds for every successful parse, whatever the input.
fn check_consistent(parsed: &ParsedFile) -> Result<(), TestCaseError> {
    prop_assert_eq!(parsed.total_rows, parsed.valid.len() as u64 + parsed.rejected, "every row is valid or rejected");
    prop_assert!(parsed.errors.len() as u64 >= parsed.rejected, "each rejected row has at least one error");
    for error in &parsed.errors {
        prop_assert!(error.row >= 2, "a data row comes after the header (row 1): {:?}", error);
        prop_assert!(!error.field.is_empty(), "every error names a field: {:?}", error);
        prop_assert!(!error.message.is_empty(), "every error says what is wrong: {:?}", error);
    }
    prop_assert!(parsed.errors.windows(2).all(|w| w[0].row <= w[1].row), "errors come in file order");
    prop_assert!(parsed.valid.iter().all(|(row, _)| *row >= 2), "valid rows come after the header");
    prop_assert!(parsed.valid.windows(2).all(|w| w[0].0 < w[1].0), "valid rows come in file order, once each");
    for (row, _) in &parsed.valid {
        prop_assert!(parsed.errors.iter().all(|e| e.row != *row), "row {} is both valid and rejected", row);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// (a) arbitrary bytes

fn arbitrary_file() -> impl Strategy<Value = Vec<u8>> {
    let bytes = || prop::collection::vec(any::<u8>(), 0..4_096);
    prop_oneof![
        bytes(),
        // Something that looks like a ZIP container, so the XLSX reader gets it.
        bytes().prop_map(|b| [b"PK\x03\x04".as_slice(), &b].concat()),
        // A UTF-8 byte-order mark, then anything.
        bytes().prop_map(|b| [b"\xEF\xBB\xBF".as_slice(), &b].concat()),
        // A valid header, then anything.
        bytes().prop_map(|b| [UCI_HEADER.as_bytes(), b"\n", &b].concat()),
        // Text made of the characters that matter to a CSV reader.
        "[a-z0-9;,|\t\"\r\n .-]{0,2000}".prop_map(String::into_bytes),
    ]
}

// ---------------------------------------------------------------------------------------------------------------
// (b) a valid header and arbitrary rows

fn arbitrary_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        // Any text but NUL (which makes the whole file binary): quotes, delimiters, line breaks, any script.
        "[^\\x00]{0,12}",
        "\\PC{0,12}",
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        "-?[0-9]{16,40}",
        "-?[0-9]{1,4}(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,3})?",
        select(
            &["yes", "NO", "true", "unknown", "admin.", "Married", "MAY", "success", "NaN", "inf", "-0", "1e400"][..]
        )
        .prop_map(str::to_owned),
        "[ \t]{0,2}[0-9]{1,3}[ \t]{0,2}",
        "\\PC{990,1010}",
    ]
}

/// A cell as written: raw, properly quoted, or with quotes left unbalanced.
fn render(cell: &str, style: u8) -> String {
    match style {
        0 => cell.to_owned(),
        1 => format!("\"{}\"", cell.replace('"', "\"\"")),
        _ => format!("\"{cell}"),
    }
}

fn arbitrary_line() -> impl Strategy<Value = String> {
    prop::collection::vec((arbitrary_cell(), 0..3u8), 0..20)
        .prop_map(|cells| cells.iter().map(|(c, style)| render(c, *style)).collect::<Vec<_>>().join(";"))
}

/// Unix and Windows line endings. Old Mac endings (a lone `\r`) are left out until `cr_only_line_endings_number_rows`
/// passes: today every row of such a file is numbered 1.
fn line_ending() -> impl Strategy<Value = &'static str> {
    select(&["\n", "\r\n", "\r"][..])
}

// ---------------------------------------------------------------------------------------------------------------
// (c) valid rows

/// The values of one valid row (text fields as written, before trimming).
#[derive(Debug, Clone)]
struct ValidRow {
    external_id: String,
    name: String,
    email: String,
    phone: String,
    city: String,
    age: i64,
    job: Job,
    marital: Marital,
    education: Education,
    default: bool,
    balance: i64,
    housing: bool,
    loan: bool,
    contact: Contact,
    day: i64,
    month: Month,
    duration: Option<i64>,
    campaign: i64,
    pdays: i64,
    previous: i64,
    poutcome: Poutcome,
    y: Option<Outcome>,
}

prop_compose! {
    fn contact_details()(
        external_id in "( ?[A-Za-z0-9_-]{0,20} ?)?",
        name in "[A-Za-zÁÉÍÓÚáéíóúñÑçãõ' .-]{0,40}",
        email in "([a-z0-9._+-]{1,12}@[a-z0-9-]{1,10}\\.(com|es|pt))?",
        phone in "(\\+?[0-9]{1,3}( [0-9]{2,4}){0,3})?",
        city in "[A-Za-zñç ]{0,20}",
    ) -> (String, String, String, String, String) {
        (external_id, name, email, phone, city)
    }
}

prop_compose! {
    fn bank_profile()(
        age in 18i64..=100,
        job in select(Job::ALL),
        marital in select(Marital::ALL),
        education in select(Education::ALL),
        default in any::<bool>(),
        balance in -1_000_000_000i64..=1_000_000_000,
        housing in any::<bool>(),
        loan in any::<bool>(),
    ) -> (i64, Job, Marital, Education, bool, i64, bool, bool) {
        (age, job, marital, education, default, balance, housing, loan)
    }
}

prop_compose! {
    fn last_contact()(
        contact in select(Contact::ALL),
        day in 1i64..=31,
        month in select(Month::ALL),
        duration in prop::option::of(0i64..=86_400),
        campaign in 0i64..=1_000,
        pdays in -1i64..=10_000,
        previous in 0i64..=1_000,
        poutcome in select(Poutcome::ALL),
        y in prop::option::of(select(Outcome::ALL)),
    ) -> (Contact, i64, Month, Option<i64>, i64, i64, i64, Poutcome, Option<Outcome>) {
        (contact, day, month, duration, campaign, pdays, previous, poutcome, y)
    }
}

fn valid_row() -> impl Strategy<Value = ValidRow> {
    (contact_details(), bank_profile(), last_contact()).prop_map(|(details, profile, last)| {
        let (external_id, name, email, phone, city) = details;
        let (age, job, marital, education, default, balance, housing, loan) = profile;
        let (contact, day, month, duration, campaign, pdays, previous, poutcome, y) = last;
        ValidRow {
            external_id,
            name,
            email,
            phone,
            city,
            age,
            job,
            marital,
            education,
            default,
            balance,
            housing,
            loan,
            contact,
            day,
            month,
            duration,
            campaign,
            pdays,
            previous,
            poutcome,
            y,
        }
    })
}

/// How the file spells things: delimiter, upper-cased categories, `true`/`false` for booleans, quoted numbers.
#[derive(Debug, Clone, Copy)]
struct Spelling {
    delimiter: char,
    shout: bool,
    true_false: bool,
    quote_numbers: bool,
}

fn spelling() -> impl Strategy<Value = Spelling> {
    (select(&[';', ',', '\t', '|'][..]), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(delimiter, shout, true_false, quote_numbers)| Spelling { delimiter, shout, true_false, quote_numbers },
    )
}

impl ValidRow {
    /// The cells in `IMPORT_COLUMNS` order; `None` for a number cell, so XLSX can write numbers as numbers.
    fn cells(&self, s: Spelling) -> Vec<(String, Option<f64>)> {
        let text = |v: &str| (v.to_owned(), None);
        let category = |v: &str| text(&if s.shout { v.to_uppercase() } else { v.to_owned() });
        let flag = |v: bool| {
            text(match (v, s.true_false) {
                (true, false) => "yes",
                (false, false) => "no",
                (true, true) => "TRUE",
                (false, true) => "false",
            })
        };
        let number = |v: i64| (v.to_string(), Some(v as f64));
        vec![
            text(&self.external_id),
            text(&self.name),
            text(&self.email),
            text(&self.phone),
            text(&self.city),
            number(self.age),
            category(self.job.as_str()),
            category(self.marital.as_str()),
            category(self.education.as_str()),
            flag(self.default),
            number(self.balance),
            flag(self.housing),
            flag(self.loan),
            category(self.contact.as_str()),
            number(self.day),
            category(self.month.as_str()),
            self.duration.map_or_else(|| text(""), number),
            number(self.campaign),
            number(self.pdays),
            number(self.previous),
            category(self.poutcome.as_str()),
            self.y.map_or_else(|| text(""), |y| category(y.as_str())),
        ]
    }

    fn csv_line(&self, s: Spelling) -> String {
        let cells: Vec<String> = self
            .cells(s)
            .into_iter()
            .map(|(cell, number)| if number.is_some() && !s.quote_numbers { cell } else { render(&cell, 1) })
            .collect();
        cells.join(&s.delimiter.to_string())
    }

    /// The customer this row must become.
    fn check(&self, customer: &NewCustomer, from_csv: bool) -> Result<(), TestCaseError> {
        // A CSV cell starting with the formula guard's `'` reads back without it (`files::restore_neutralised`);
        // a workbook's text cells are read as they are.
        let restore = |v: &str| if from_csv { restore_neutralised(v).to_owned() } else { v.to_owned() };
        let trimmed = |v: &str| Some(restore(v).trim().to_owned()).filter(|v| !v.is_empty());
        let d = &customer.details;
        prop_assert_eq!(&d.external_id, &trimmed(&self.external_id));
        prop_assert_eq!(&d.name, &trimmed(&self.name));
        prop_assert_eq!(d.email.as_ref().map(|e| e.as_str().to_owned()), trimmed(&self.email));
        prop_assert_eq!(&d.phone, &trimmed(&self.phone));
        prop_assert_eq!(&d.city, &trimmed(&self.city));
        let p = &customer.profile;
        prop_assert_eq!(i64::from(p.age.years()), self.age);
        prop_assert_eq!(p.job, self.job);
        prop_assert_eq!(p.marital, self.marital);
        prop_assert_eq!(p.education, self.education);
        prop_assert_eq!(p.default, self.default);
        prop_assert_eq!(p.balance, self.balance);
        prop_assert_eq!(p.housing, self.housing);
        prop_assert_eq!(p.loan, self.loan);
        prop_assert_eq!(p.contact, self.contact);
        prop_assert_eq!(i64::from(p.day), self.day);
        prop_assert_eq!(p.month, self.month);
        prop_assert_eq!(p.duration.map(i64::from), self.duration);
        prop_assert_eq!(i64::from(p.campaign), self.campaign);
        prop_assert_eq!(i64::from(p.pdays), self.pdays);
        prop_assert_eq!(i64::from(p.previous), self.previous);
        prop_assert_eq!(p.poutcome, self.poutcome);
        prop_assert_eq!(customer.outcome, self.y);
        Ok(())
    }
}

fn csv_file(rows: &[ValidRow], s: Spelling, ending: &str) -> Vec<u8> {
    let mut lines = vec![IMPORT_COLUMNS.join(&s.delimiter.to_string())];
    lines.extend(rows.iter().map(|r| r.csv_line(s)));
    (lines.join(ending) + ending).into_bytes()
}

fn xlsx_file(rows: &[ValidRow], s: Spelling) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (col, name) in IMPORT_COLUMNS.iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        for (col, (cell, number)) in row.cells(s).into_iter().enumerate() {
            let (r, c) = (i as u32 + 1, col as u16);
            match number {
                Some(n) => {
                    sheet.write_number(r, c, n).unwrap();
                }
                None if cell.is_empty() => {}
                None => {
                    sheet.write_string(r, c, cell).unwrap();
                }
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

/// A way to make a valid row invalid, and the field that must be reported.
fn breakage() -> impl Strategy<Value = (usize, &'static str, &'static str)> {
    select(
        &[
            (5, "abc", "age"),
            (5, "17", "age"),
            (5, "101", "age"),
            (5, "", "age"),
            (6, "pilot", "job"),
            (9, "maybe", "default"),
            (10, "1e20", "balance"),
            (10, "2000000000", "balance"),
            (14, "32", "day"),
            (14, "0", "day"),
            (15, "mayo", "month"),
            (16, "-1", "duration"),
            (16, "4.5", "duration"),
            (18, "-2", "pdays"),
            (2, "not-an-email", "email"),
            (3, "call me", "phone"),
            (21, "maybe", "y"),
        ][..],
    )
}

// ---------------------------------------------------------------------------------------------------------------
// the properties

/// A few seconds in all; failures are printed with their minimal input, not written to a regressions file.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(cases) }
}

proptest! {
    #![proptest_config(config(256))]

    /// (a) Any bytes get an answer, never a panic; a successful answer is consistent.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in arbitrary_file()) {
        if let Ok(parsed) = parse(&bytes) {
            check_consistent(&parsed)?;
        }
    }

    /// (b) After a valid header, any lines are read: every problem is a row error on a data row, naming a field.
    #[test]
    fn arbitrary_rows_after_a_valid_header_are_reported_not_fatal(
        lines in prop::collection::vec(arbitrary_line(), 0..8),
        ending in line_ending(),
        trailing in any::<bool>(),
    ) {
        let mut file = [UCI_HEADER.to_owned()].into_iter().chain(lines).collect::<Vec<_>>().join(ending);
        if trailing {
            file.push_str(ending);
        }
        match parse(file.as_bytes()) {
            Ok(parsed) => check_consistent(&parsed)?,
            Err(err) => prop_assert!(false, "a file with a valid header must be read, got {:?}", err),
        }
    }

    /// (c) Valid rows, however spelled, are all accepted with exactly their values and their spreadsheet rows.
    #[test]
    fn valid_csv_rows_round_trip(
        rows in prop::collection::vec(valid_row(), 1..20),
        s in spelling(),
        ending in line_ending(),
    ) {
        let parsed = parse(&csv_file(&rows, s, ending)).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        prop_assert!(parsed.unknown_columns.is_empty());
        prop_assert_eq!(parsed.total_rows, rows.len() as u64);
        prop_assert_eq!(parsed.rejected, 0);
        prop_assert_eq!(parsed.valid.len(), rows.len());
        for (i, (row, (number, customer))) in rows.iter().zip(&parsed.valid).enumerate() {
            prop_assert_eq!(*number, i as u64 + 2);
            row.check(customer, true)?;
        }
    }

    /// (d) In a mix of valid and broken rows, each row is counted once: valid ones accepted, broken ones rejected
    /// with an error on their row naming the broken field.
    #[test]
    fn totals_add_up_in_a_mix_of_valid_and_broken_rows(
        rows in prop::collection::vec((valid_row(), prop::option::of(breakage())), 1..20),
        s in spelling(),
    ) {
        let mut lines = vec![IMPORT_COLUMNS.join(&s.delimiter.to_string())];
        for (row, broken) in &rows {
            let mut cells: Vec<String> = row.cells(s).into_iter().map(|(cell, _)| render(&cell, 1)).collect();
            if let Some((col, value, _)) = broken {
                cells[*col] = render(value, 1);
            }
            lines.push(cells.join(&s.delimiter.to_string()));
        }
        let parsed = parse((lines.join("\n") + "\n").as_bytes()).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        check_consistent(&parsed)?;
        let broken = rows.iter().filter(|(_, b)| b.is_some()).count() as u64;
        prop_assert_eq!(parsed.total_rows, rows.len() as u64);
        prop_assert_eq!(parsed.rejected, broken);
        prop_assert_eq!(parsed.valid.len() as u64, rows.len() as u64 - broken);
        let mut valid = parsed.valid.iter();
        for (i, (row, b)) in rows.iter().enumerate() {
            let number = i as u64 + 2;
            match b {
                None => {
                    let (at, customer) = valid.next().ok_or_else(|| TestCaseError::fail("a valid row is missing"))?;
                    prop_assert_eq!(*at, number);
                    row.check(customer, true)?;
                }
                Some((_, _, field)) => prop_assert!(
                    parsed.errors.iter().any(|e| e.row == number && e.field == *field),
                    "row {} should have an error on {}: {:?}", number, field, parsed.errors
                ),
            }
        }
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// (c) The same for a workbook, with numbers stored as numbers.
    #[test]
    fn valid_xlsx_rows_round_trip(rows in prop::collection::vec(valid_row(), 1..12), s in spelling()) {
        let parsed = parse(&xlsx_file(&rows, s)).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        prop_assert_eq!(parsed.total_rows, rows.len() as u64);
        prop_assert_eq!(parsed.valid.len(), rows.len());
        for (i, (row, (number, customer))) in rows.iter().zip(&parsed.valid).enumerate() {
            prop_assert_eq!(*number, i as u64 + 2);
            row.check(customer, false)?;
        }
    }

    /// (a) A damaged workbook (truncated, or with bytes overwritten) gets an answer, never a panic.
    #[test]
    fn damaged_workbooks_never_panic(
        rows in prop::collection::vec(valid_row(), 1..4),
        s in spelling(),
        cut in prop::option::of(any::<prop::sample::Index>()),
        damage in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let mut bytes = xlsx_file(&rows, s);
        for (at, byte) in damage {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Ok(parsed) = parse(&bytes) {
            check_consistent(&parsed)?;
        }
    }
}

/// Found by `arbitrary_rows_after_a_valid_header_are_reported_not_fatal` with `\r` endings: `read_csv` counts only
/// `\n` to number rows, so in a file with old Mac line endings (Excel's "CSV (Macintosh)") every row is row 1 and
/// row errors point at the header.
#[test]
fn cr_only_line_endings_number_rows() {
    let row = |age: &str| {
        format!(
            "{age};\"admin.\";\"married\";\"primary\";\"no\";0;\"no\";\"no\";\"cellular\";1;\"jan\";;0;-1;0;\"unknown\";\"no\""
        )
    };
    let file = [UCI_HEADER.to_owned(), row("30"), row("abc"), row("40")].join("\r");
    let parsed = parse(file.as_bytes()).unwrap();
    assert_eq!(parsed.valid.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(parsed.errors.iter().map(|e| (e.row, e.field.as_str())).collect::<Vec<_>>(), [(3, "age")]);
}
