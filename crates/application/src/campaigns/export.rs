//! The call list of a campaign as CSV or XLSX: one row per lead, in call order.

use super::model::LeadView;
use crate::exports::{Cell, Column, Sheet};

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

/// The call list as one sheet.
pub fn leads_sheet(leads: &[LeadView]) -> Sheet {
    let columns = Column::all(&LEAD_COLUMNS, |title| match title {
        "leadId" | "customerId" => Some(38),
        "email" | "assignee" => Some(30),
        "name" => Some(24),
        "phone" | "city" | "externalId" | "probability" => Some(16),
        _ => None,
    });
    Sheet { name: "Call list", columns, rows: leads.iter().map(|l| cells(l).into()).collect() }
}
