//! Turning an uploaded file into validated customers: header mapping (UCI and our export format, case-insensitive),
//! per-cell parsing, and every row error with its row number and column.

use leadscore_domain::customers::{BankAttribute, CustomerDraft, NewCustomer, parse_category, parse_yes_no};
use leadscore_domain::{DomainError, RowError};

use super::service::ImportLimits;
use crate::AppError;
use crate::files::{TableReader, TableVisitor};

/// A column of a customer file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    ExternalId,
    Name,
    Email,
    Phone,
    City,
    Bank(BankAttribute),
    Y,
    /// A column of our own export that is not imported (id, score, timestamps).
    Ignored,
}

impl Column {
    /// The API name, used in errors.
    fn api_name(self) -> &'static str {
        match self {
            Column::ExternalId => "externalId",
            Column::Name => "name",
            Column::Email => "email",
            Column::Phone => "phone",
            Column::City => "city",
            Column::Bank(attribute) => attribute.name(),
            Column::Y => "y",
            Column::Ignored => "",
        }
    }

    /// Header names are matched case-insensitively and without separators: `externalId`, `external_id` and
    /// `External ID` are one column.
    fn from_header(raw: &str) -> Option<Self> {
        let key: String = raw.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
        Some(match key.as_str() {
            "externalid" => Column::ExternalId,
            "name" | "fullname" => Column::Name,
            "email" => Column::Email,
            "phone" => Column::Phone,
            "city" => Column::City,
            "y" | "outcome" => Column::Y,
            "id" | "score" | "probability" | "tier" | "modelversion" | "scoredat" | "createdat" | "updatedat"
            | "outcomeat" => Column::Ignored,
            bank => Column::Bank(BankAttribute::named(bank)?),
        })
    }
}

/// A parsed file: the valid customers with their row numbers and every problem found.
#[derive(Debug, Default)]
pub struct ParsedFile {
    /// Valid rows, in file order.
    pub valid: Vec<(u64, NewCustomer)>,
    /// Every row error (all of them; the report keeps the first 100).
    pub errors: Vec<RowError>,
    /// Data rows read.
    pub total_rows: u64,
    /// Rows with at least one error.
    pub rejected: u64,
    /// Unrecognised columns.
    pub unknown_columns: Vec<String>,
}

struct Parser<F: FnMut(u64, &mut CustomerDraft)> {
    columns: Vec<Option<Column>>,
    out: ParsedFile,
    adjust: F,
}

fn whole_number(raw: &str, field: &str) -> Result<Option<i64>, DomainError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(v) = raw.parse::<i64>() {
        return Ok(Some(v));
    }
    match raw.parse::<f64>() {
        Ok(v) if v.fract() == 0.0 && v.abs() < 9e15 => Ok(Some(v as i64)),
        _ => Err(DomainError::invalid(field, format!("must be a whole number, got '{}'", truncate(raw)))),
    }
}

fn truncate(raw: &str) -> String {
    if raw.chars().count() > 40 { format!("{}…", raw.chars().take(40).collect::<String>()) } else { raw.to_owned() }
}

fn yes_no(raw: &str, field: &str) -> Result<Option<bool>, DomainError> {
    if raw.trim().is_empty() { Ok(None) } else { parse_yes_no(raw, field).map(Some) }
}

fn text(raw: &str) -> Option<String> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| raw.to_owned())
}

impl<F: FnMut(u64, &mut CustomerDraft)> Parser<F> {
    fn reject(&mut self, row: u64, errors: Vec<leadscore_domain::FieldError>) {
        self.out.rejected += 1;
        self.out.errors.extend(errors.into_iter().map(|e| RowError { row, field: e.field, message: e.message }));
    }
}

impl<F: FnMut(u64, &mut CustomerDraft)> TableVisitor for Parser<F> {
    fn header(&mut self, cells: &[String]) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let mut seen: Vec<Column> = Vec::new();
        for cell in cells {
            let column = Column::from_header(cell);
            match column {
                Some(Column::Ignored) | None => {}
                Some(c) if seen.contains(&c) => errors.push(RowError {
                    row: 1,
                    field: c.api_name().into(),
                    message: format!("column '{cell}' appears twice"),
                }),
                Some(c) => seen.push(c),
            }
            if column.is_none() && !cell.is_empty() {
                self.out.unknown_columns.push(cell.clone());
            }
            self.columns.push(column);
        }
        for required in BankAttribute::ALL.into_iter().filter(|a| a.is_required()).map(Column::Bank) {
            if !seen.contains(&required) {
                errors.push(RowError {
                    row: 1,
                    field: required.api_name().into(),
                    message: "required column is missing".into(),
                });
            }
        }
        if errors.is_empty() {
            return Ok(());
        }
        let missing: Vec<String> =
            errors.iter().filter(|e| e.message.contains("missing")).map(|e| e.field.clone()).collect();
        let mut message = if missing.is_empty() {
            "The header is invalid".to_owned()
        } else {
            format!("Missing required columns: {}", missing.join(", "))
        };
        if cells.len() == 1 {
            message.push_str("; the header has a single column: is the file delimited by ';' or ','?");
        }
        let total_errors = errors.len() as u64;
        Err(AppError::Unprocessable { message, errors, total_errors })
    }

    fn row(&mut self, number: u64, cells: &[&str]) {
        self.out.total_rows += 1;
        let mut draft = CustomerDraft::default();
        let mut errors = Vec::new();
        let mut keep = |r: Result<(), DomainError>| {
            if let Err(DomainError::Invalid(e)) = r {
                errors.extend(e);
            }
        };
        for (column, raw) in self.columns.iter().zip(cells) {
            let Some(column) = column else { continue };
            let field = column.api_name();
            if raw.chars().count() > 1_000 {
                keep(Err(DomainError::invalid(field, "is longer than 1000 characters")));
                continue;
            }
            match column {
                Column::ExternalId => draft.external_id = text(raw),
                Column::Name => draft.name = text(raw),
                Column::Email => draft.email = text(raw),
                Column::Phone => draft.phone = text(raw),
                Column::City => draft.city = text(raw),
                Column::Y => keep(parse_category(raw).map(|v| draft.y = v)),
                Column::Bank(attribute) => match attribute {
                    BankAttribute::Job => keep(parse_category(raw).map(|v| draft.job = v)),
                    BankAttribute::Marital => keep(parse_category(raw).map(|v| draft.marital = v)),
                    BankAttribute::Education => keep(parse_category(raw).map(|v| draft.education = v)),
                    BankAttribute::Contact => keep(parse_category(raw).map(|v| draft.contact = v)),
                    BankAttribute::Month => keep(parse_category(raw).map(|v| draft.month = v)),
                    BankAttribute::Poutcome => keep(parse_category(raw).map(|v| draft.poutcome = v)),
                    BankAttribute::Age => keep(whole_number(raw, field).map(|v| draft.age = v)),
                    BankAttribute::Balance => keep(whole_number(raw, field).map(|v| draft.balance = v)),
                    BankAttribute::Day => keep(whole_number(raw, field).map(|v| draft.day = v)),
                    BankAttribute::Duration => keep(whole_number(raw, field).map(|v| draft.duration = v)),
                    BankAttribute::Campaign => keep(whole_number(raw, field).map(|v| draft.campaign = v)),
                    BankAttribute::Pdays => keep(whole_number(raw, field).map(|v| draft.pdays = v)),
                    BankAttribute::Previous => keep(whole_number(raw, field).map(|v| draft.previous = v)),
                    BankAttribute::Default => keep(yes_no(raw, field).map(|v| draft.default = v)),
                    BankAttribute::Housing => keep(yes_no(raw, field).map(|v| draft.housing = v)),
                    BankAttribute::Loan => keep(yes_no(raw, field).map(|v| draft.loan = v)),
                },
                Column::Ignored => {}
            }
        }
        if !errors.is_empty() {
            // Cells that did not even parse: report them, and the rule errors of the other cells too (a cell that
            // failed to parse is absent from the draft; its "is required" would say the same thing twice).
            if let Err(DomainError::Invalid(more)) = draft.validate() {
                let more: Vec<_> = more.into_iter().filter(|m| !errors.iter().any(|e| e.field == m.field)).collect();
                errors.extend(more);
            }
            self.reject(number, errors);
            return;
        }
        (self.adjust)(number, &mut draft);
        match draft.validate() {
            Ok(customer) => self.out.valid.push((number, customer)),
            Err(DomainError::Invalid(e)) => self.reject(number, e),
            Err(DomainError::InvalidTransition(m)) => {
                self.reject(number, vec![leadscore_domain::FieldError::new("row", m)]);
            }
        }
    }

    fn bad_row(&mut self, error: RowError) {
        self.out.total_rows += 1;
        self.out.rejected += 1;
        self.out.errors.push(error);
    }
}

/// Parses and validates a customer file. `adjust` may change each draft before validation (the demo seeder fills
/// in generated contact details this way).
pub fn parse_customers(
    reader: &dyn TableReader,
    bytes: &[u8],
    limits: &ImportLimits,
    adjust: impl FnMut(u64, &mut CustomerDraft),
) -> Result<ParsedFile, AppError> {
    let mut parser = Parser { columns: Vec::new(), out: ParsedFile::default(), adjust };
    reader.read_table(bytes, limits.max_rows, &limits.files, &mut parser)?;
    Ok(parser.out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customers::{EXPORT_COLUMNS, IMPORT_COLUMNS};
    use crate::files::FileLimits;

    /// A fake of the table reader for the mapping rules: one row per line, cells split at `;` (or `,` when the
    /// header has no `;`), surrounding quotes dropped.
    struct Lines;

    impl TableReader for Lines {
        fn read_table(
            &self,
            bytes: &[u8],
            _: u64,
            _: &FileLimits,
            visitor: &mut dyn TableVisitor,
        ) -> Result<(), AppError> {
            let text = std::str::from_utf8(bytes).map_err(|e| AppError::BadRequest(e.to_string()))?;
            let mut lines = text.lines();
            let header = lines.next().unwrap_or_default();
            let delimiter = if header.contains(';') { ';' } else { ',' };
            let split = |line: &str| -> Vec<String> {
                line.split(delimiter).map(|c| c.trim().trim_matches('"').to_owned()).collect()
            };
            visitor.header(&split(header))?;
            for (i, line) in lines.enumerate() {
                let cells = split(line);
                visitor.row(i as u64 + 2, &cells.iter().map(String::as_str).collect::<Vec<_>>());
            }
            Ok(())
        }
    }

    fn parse(bytes: &[u8]) -> Result<ParsedFile, AppError> {
        parse_customers(&Lines, bytes, &ImportLimits { max_rows: 10, ..ImportLimits::default() }, |_, _| {})
    }

    const UCI: &str = "\"age\";\"job\";\"marital\";\"education\";\"default\";\"balance\";\"housing\";\"loan\";\"contact\";\"day\";\"month\";\"duration\";\"campaign\";\"pdays\";\"previous\";\"poutcome\";\"y\"\n";

    #[test]
    fn parses_uci_rows() {
        let file = format!(
            "{UCI}58;\"management\";\"married\";\"tertiary\";\"no\";2143;\"yes\";\"no\";\"unknown\";5;\"may\";261;1;-1;0;\"unknown\";\"no\"\n"
        );
        let parsed = parse(file.as_bytes()).unwrap();
        assert_eq!(parsed.total_rows, 1);
        assert_eq!(parsed.valid.len(), 1);
        assert_eq!(parsed.valid[0].0, 2);
        assert!(parsed.errors.is_empty());
    }

    #[test]
    fn reports_each_bad_cell_with_row_and_column() {
        let file = format!(
            "{UCI}300;\"pilot\";\"married\";\"tertiary\";\"no\";abc;\"yes\";\"no\";\"unknown\";5;\"may\";261;1;-1;0;\"unknown\";\"no\"\n"
        );
        let parsed = parse(file.as_bytes()).unwrap();
        assert_eq!(parsed.rejected, 1);
        let fields: Vec<(&str, u64)> = parsed.errors.iter().map(|e| (e.field.as_str(), e.row)).collect();
        assert!(fields.contains(&("balance", 2)), "{fields:?}");
        assert!(fields.contains(&("age", 2)), "{fields:?}");
        assert!(fields.contains(&("job", 2)), "{fields:?}");
    }

    #[test]
    fn a_row_with_an_unparsable_cell_reports_it_once_and_every_missing_field_too() {
        let file = format!(
            "{UCI};\"pilot\";;\"tertiary\";\"no\";2143;\"yes\";\"no\";\"unknown\";5;\"may\";261;1;-1;0;\"unknown\";\"no\"\n"
        );
        let parsed = parse(file.as_bytes()).unwrap();
        assert_eq!(parsed.rejected, 1);
        let mut fields: Vec<&str> = parsed.errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["age", "job", "marital"], "{:?}", parsed.errors);
        let job = parsed.errors.iter().find(|e| e.field == "job").unwrap();
        assert!(job.message.contains("must be one of"), "{job:?}");
    }

    #[test]
    fn missing_columns_are_named_and_unknown_ones_reported() {
        let err = parse(b"age,job,favouriteColour\n30,admin.,blue\n").unwrap_err();
        let AppError::Unprocessable { message, errors, .. } = err else { panic!() };
        assert!(message.contains("marital") && message.contains("poutcome"), "{message}");
        assert!(errors.iter().all(|e| e.row == 1));
        let err = parse(b"age;job\n").unwrap_err();
        assert!(matches!(err, AppError::Unprocessable { .. }));
    }

    #[test]
    fn the_import_columns_are_what_the_parser_reads_and_the_export_re_imports() {
        for name in IMPORT_COLUMNS {
            let column = Column::from_header(name);
            assert!(matches!(column, Some(c) if c != Column::Ignored && c.api_name() == name), "{name}: {column:?}");
        }
        let bank: Vec<&str> = BankAttribute::ALL.iter().map(|a| a.name()).collect();
        assert_eq!(IMPORT_COLUMNS[5..21], bank[..]);
        for name in EXPORT_COLUMNS {
            assert!(Column::from_header(name).is_some(), "an export column the import refuses: {name}");
        }
    }

    #[test]
    fn export_headers_are_accepted_case_insensitively() {
        for raw in ["externalId", "EXTERNAL_ID", "External Id"] {
            assert_eq!(Column::from_header(raw), Some(Column::ExternalId));
        }
        assert_eq!(Column::from_header("modelVersion"), Some(Column::Ignored));
        assert_eq!(Column::from_header("colour"), None);
    }
}
