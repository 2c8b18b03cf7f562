//! The customer export's sheet. Its columns are our import format too, so an export re-imports to the same data.

use leadscore_domain::customers::Customer;

use crate::exports::{Cell, Column, Sheet};

/// The columns an import reads, in export order: contact details, the UCI attributes (as
/// [`BankAttribute::ALL`](leadscore_domain::customers::BankAttribute::ALL) names them), the known outcome.
pub const IMPORT_COLUMNS: [&str; 22] = [
    "externalId",
    "name",
    "email",
    "phone",
    "city",
    "age",
    "job",
    "marital",
    "education",
    "default",
    "balance",
    "housing",
    "loan",
    "contact",
    "day",
    "month",
    "duration",
    "campaign",
    "pdays",
    "previous",
    "poutcome",
    "y",
];

/// Column headers of an export, in order: the id, [`IMPORT_COLUMNS`], then the latest score and the creation time,
/// which an import skips.
pub const EXPORT_COLUMNS: [&str; 29] = export_headers();

const fn export_headers() -> [&'static str; 29] {
    const AFTER: [&str; 6] = ["score", "probability", "tier", "modelVersion", "scoredAt", "createdAt"];
    let mut out = [""; 29];
    out[0] = "id";
    let mut i = 0;
    while i < IMPORT_COLUMNS.len() {
        out[1 + i] = IMPORT_COLUMNS[i];
        i += 1;
    }
    let mut j = 0;
    while j < AFTER.len() {
        out[1 + IMPORT_COLUMNS.len() + j] = AFTER[j];
        j += 1;
    }
    out
}

fn yes_no(value: bool) -> Cell {
    Cell::yes_no(value)
}

fn opt_text(value: Option<&str>) -> Cell {
    Cell::opt_text(value)
}

fn cells(c: &Customer) -> [Cell; 29] {
    let p = &c.profile;
    let d = &c.details;
    let s = c.latest_score.as_ref();
    [
        Cell::Text(c.id.to_string()),
        opt_text(d.external_id.as_deref()),
        opt_text(d.name.as_deref()),
        opt_text(d.email.as_ref().map(|e| e.as_str())),
        opt_text(d.phone.as_deref()),
        opt_text(d.city.as_deref()),
        Cell::Number(f64::from(p.age.years())),
        Cell::Text(p.job.as_str().into()),
        Cell::Text(p.marital.as_str().into()),
        Cell::Text(p.education.as_str().into()),
        yes_no(p.default),
        Cell::Number(p.balance as f64),
        yes_no(p.housing),
        yes_no(p.loan),
        Cell::Text(p.contact.as_str().into()),
        Cell::Number(f64::from(p.day)),
        Cell::Text(p.month.as_str().into()),
        p.duration.map_or(Cell::Empty, |d| Cell::Number(f64::from(d))),
        Cell::Number(f64::from(p.campaign)),
        Cell::Number(f64::from(p.pdays)),
        Cell::Number(f64::from(p.previous)),
        Cell::Text(p.poutcome.as_str().into()),
        opt_text(c.outcome.map(|o| o.as_str())),
        s.map_or(Cell::Empty, |s| Cell::Number(f64::from(s.score))),
        s.map_or(Cell::Empty, |s| Cell::Number(s.probability)),
        opt_text(s.map(|s| s.tier.as_str())),
        opt_text(s.map(|s| s.model_version.as_str())),
        opt_text(s.map(|s| s.scored_at.to_rfc3339()).as_deref()),
        Cell::Text(c.created_at.to_rfc3339()),
    ]
}

/// The columns, sized for a workbook.
pub fn export_columns() -> Vec<Column> {
    Column::all(&EXPORT_COLUMNS, |title| match title {
        "id" => Some(38),
        "email" => Some(32),
        "name" | "modelVersion" | "scoredAt" | "createdAt" => Some(26),
        "externalId" | "phone" | "city" => Some(18),
        "job" | "education" | "probability" => Some(14),
        _ => None,
    })
}

/// One row per customer.
pub fn export_rows(customers: &[Customer]) -> Vec<Vec<Cell>> {
    customers.iter().map(|c| cells(c).into()).collect()
}

/// The customers as one sheet.
pub fn customer_sheet(customers: &[Customer]) -> Sheet {
    Sheet { name: "Customers", columns: export_columns(), rows: export_rows(customers) }
}
