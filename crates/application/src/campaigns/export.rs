//! The call list of a campaign as CSV or XLSX: one row per lead, in call order.

use super::model::LeadView;
use crate::AppError;
use crate::tabular::{Cell, csv_lines, xlsx_sheet};

/// Column headers, in order.
pub const LEAD_COLUMNS: [&str; 18] = [
    "rank",
    "leadId",
    "status",
    "tier",
    "score",
    "probability",
    "name",
    "phone",
    "email",
    "city",
    "externalId",
    "age",
    "job",
    "balance",
    "poutcome",
    "assignee",
    "notes",
    "customerId",
];

fn cells(v: &LeadView) -> [Cell; 18] {
    let d = &v.customer.details;
    let p = &v.customer.profile;
    [
        Cell::Number(f64::from(v.lead.rank)),
        Cell::Text(v.lead.id.to_string()),
        Cell::Text(v.lead.status.as_str().into()),
        Cell::Text(v.lead.tier.as_str().into()),
        Cell::Number(f64::from(v.lead.score)),
        Cell::Number(v.lead.probability),
        Cell::opt_text(d.name.as_deref()),
        Cell::opt_text(d.phone.as_deref()),
        Cell::opt_text(d.email.as_ref().map(|e| e.as_str())),
        Cell::opt_text(d.city.as_deref()),
        Cell::opt_text(d.external_id.as_deref()),
        Cell::Number(f64::from(p.age.years())),
        Cell::Text(p.job.as_str().into()),
        Cell::Number(p.balance as f64),
        Cell::Text(p.poutcome.as_str().into()),
        Cell::opt_text(v.assignee.as_ref().map(|a| a.email.as_str())),
        Cell::Number(v.notes_count as f64),
        Cell::Text(v.customer.id.to_string()),
    ]
}

/// The call list as CSV with a header.
pub fn leads_csv(leads: &[LeadView]) -> Result<Vec<u8>, AppError> {
    csv_lines(Some(&LEAD_COLUMNS), leads.iter().map(cells))
}

/// The call list as a workbook.
pub fn leads_xlsx(leads: &[LeadView]) -> Result<Vec<u8>, AppError> {
    let width = |header: &str| match header {
        "leadId" | "customerId" => 38,
        "email" | "assignee" => 30,
        "name" => 24,
        "phone" | "city" | "externalId" | "probability" => 16,
        other => other.len().max(8) + 2,
    };
    xlsx_sheet("Call list", &LEAD_COLUMNS, width, leads.iter().map(cells))
}
