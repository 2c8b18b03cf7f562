//! The customers of an analysis, and its segment summary, as sheets.

use leadscore_domain::segmentation::{Analysis, SegmentedCustomer};

use crate::exports::{Cell, Column, Sheet};

/// Column headers of both formats, as the API names the fields.
pub const COLUMNS: [&str; 10] =
    ["customerId", "recency", "frequency", "monetary", "rScore", "fScore", "mScore", "rfmScore", "cluster", "segment"];

/// The three scores as one code, e.g. `545`.
pub fn rfm_code(customer: &SegmentedCustomer) -> String {
    format!("{}{}{}", customer.r_score, customer.f_score, customer.m_score)
}

/// The customers, one row each (customer ids come from uploaded files: the writer guards them in CSV).
pub fn customers_sheet(customers: &[SegmentedCustomer]) -> Sheet {
    let columns = Column::all(&COLUMNS, |title| match title {
        "customerId" | "monetary" => Some(14),
        "segment" => Some(22),
        _ => None,
    });
    let rows = customers
        .iter()
        .map(|c| {
            vec![
                Cell::Text(c.customer_id.clone()),
                Cell::Number(f64::from(c.recency)),
                Cell::Number(f64::from(c.frequency)),
                Cell::Money(c.monetary),
                Cell::Number(f64::from(c.r_score)),
                Cell::Number(f64::from(c.f_score)),
                Cell::Number(f64::from(c.m_score)),
                Cell::Text(rfm_code(c)),
                Cell::Number(f64::from(c.cluster)),
                Cell::Text(c.segment.clone()),
            ]
        })
        .collect();
    Sheet { name: "Customers", columns, rows }
}

/// Column headers of the segment summary.
pub const SEGMENT_COLUMNS: [&str; 11] = [
    "cluster",
    "segment",
    "customers",
    "revenue",
    "revenueShare",
    "recencyMean",
    "recencyMedian",
    "frequencyMean",
    "frequencyMedian",
    "monetaryMean",
    "monetaryMedian",
];

/// The segment summary, one row per segment (the workbook's second sheet).
pub fn segments_sheet(analysis: &Analysis) -> Sheet {
    let columns = Column::all(&SEGMENT_COLUMNS, |title| (title == "segment").then_some(22));
    let rows = analysis
        .segments
        .iter()
        .map(|s| {
            vec![
                Cell::Number(f64::from(s.cluster)),
                Cell::Text(s.name.clone()),
                Cell::Number(s.size as f64),
                Cell::Money(s.revenue),
                Cell::Percent(s.revenue_share),
                Cell::Decimal(s.recency.mean),
                Cell::Decimal(s.recency.median),
                Cell::Decimal(s.frequency.mean),
                Cell::Decimal(s.frequency.median),
                Cell::Money(s.monetary.mean),
                Cell::Money(s.monetary.median),
            ]
        })
        .collect();
    Sheet { name: "Segments", columns, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(id: &str) -> SegmentedCustomer {
        SegmentedCustomer {
            customer_id: id.into(),
            recency: 3,
            frequency: 7,
            monetary: 1234.5,
            r_score: 5,
            f_score: 4,
            m_score: 5,
            cluster: 0,
            segment: "Champions".into(),
        }
    }

    #[test]
    fn the_customers_sheet_has_the_api_names_and_typed_values() {
        let sheet = customers_sheet(&[customer("17850")]);
        assert_eq!(sheet.columns.iter().map(|c| c.title).collect::<Vec<_>>(), COLUMNS);
        assert_eq!(sheet.rows[0][3], Cell::Money(1234.5));
        assert_eq!(sheet.rows[0][7], Cell::Text("545".into()));
    }
}
