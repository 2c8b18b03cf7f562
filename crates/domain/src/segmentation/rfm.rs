//! Recency, Frequency and Monetary value per customer.
//!
//! - **Recency**: whole days from the date of the customer's last purchase to the snapshot date (0 when they bought
//!   on the snapshot date itself). The snapshot date defaults to the day after the last invoice in the file, so the
//!   most recent customers have recency 1.
//! - **Frequency**: distinct invoices.
//! - **Monetary**: Σ Quantity × UnitPrice over the kept rows, rounded to 6 decimals so that floating-point summation
//!   noise (`280206.0199999999`) does not show.

use std::collections::HashMap;

use chrono::{Days, NaiveDate, NaiveDateTime};

use crate::DomainError;

#[derive(Debug, Clone)]
struct CustomerSlot {
    id: Box<str>,
    last_purchase: NaiveDateTime,
    monetary: f64,
    /// Invoices in file order, with consecutive repeats (rows of one invoice) collapsed; deduplicated at the end.
    invoices: Vec<Box<[u8]>>,
}

/// Purchases gathered per customer while rows are read. Parts of a file can be read separately and merged in file
/// order; the sums then do not depend on how many parts there were, only on where the parts start.
#[derive(Debug, Clone, Default)]
pub struct RfmAccumulator {
    index: HashMap<Box<str>, usize>,
    customers: Vec<CustomerSlot>,
    last_slot: Option<usize>,
    kept_rows: u64,
    first_at: Option<NaiveDateTime>,
    last_at: Option<NaiveDateTime>,
}

impl RfmAccumulator {
    /// Records one kept row.
    pub fn add(&mut self, customer: &str, invoice: &[u8], at: NaiveDateTime, amount: f64) {
        // Rows of one invoice are consecutive and share the customer: skip the hash lookup for them.
        let slot = match self.last_slot {
            Some(slot) if *self.customers[slot].id == *customer => slot,
            _ => {
                let slot = match self.index.get(customer) {
                    Some(slot) => *slot,
                    None => {
                        self.customers.push(CustomerSlot {
                            id: customer.into(),
                            last_purchase: at,
                            monetary: 0.0,
                            invoices: Vec::new(),
                        });
                        self.index.insert(customer.into(), self.customers.len() - 1);
                        self.customers.len() - 1
                    }
                };
                self.last_slot = Some(slot);
                slot
            }
        };
        let entry = &mut self.customers[slot];
        entry.monetary += amount;
        if at > entry.last_purchase {
            entry.last_purchase = at;
        }
        if entry.invoices.last().is_none_or(|last| **last != *invoice) {
            entry.invoices.push(invoice.into());
        }
        self.kept_rows += 1;
        self.first_at = Some(self.first_at.map_or(at, |first| first.min(at)));
        self.last_at = Some(self.last_at.map_or(at, |last| last.max(at)));
    }

    /// Adds the purchases of a later part of the file.
    pub fn merge(&mut self, later: RfmAccumulator) {
        self.kept_rows += later.kept_rows;
        self.first_at = match (self.first_at, later.first_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_at = match (self.last_at, later.last_at) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        for other in later.customers {
            match self.index.get(&other.id) {
                Some(&slot) => {
                    let entry = &mut self.customers[slot];
                    entry.monetary += other.monetary;
                    entry.last_purchase = entry.last_purchase.max(other.last_purchase);
                    entry.invoices.extend(other.invoices);
                }
                None => {
                    self.index.insert(other.id.clone(), self.customers.len());
                    self.customers.push(other);
                }
            }
        }
        self.last_slot = None;
    }

    /// Rows kept so far.
    pub fn kept_rows(&self) -> u64 {
        self.kept_rows
    }

    /// Distinct customers so far.
    pub fn customers(&self) -> usize {
        self.customers.len()
    }

    /// Time of the first and the last kept invoice.
    pub fn period(&self) -> Option<(NaiveDateTime, NaiveDateTime)> {
        self.first_at.zip(self.last_at)
    }

    /// One entry per customer, ordered by customer id (so everything downstream is reproducible).
    pub fn into_activities(self) -> Vec<CustomerActivity> {
        let mut activities: Vec<CustomerActivity> = self
            .customers
            .into_iter()
            .map(|mut c| {
                c.invoices.sort_unstable();
                c.invoices.dedup();
                CustomerActivity {
                    customer_id: c.id.into(),
                    last_purchase: c.last_purchase,
                    frequency: u32::try_from(c.invoices.len()).unwrap_or(u32::MAX),
                    monetary: (c.monetary * 1e6).round() / 1e6,
                }
            })
            .collect();
        activities.sort_unstable_by(|a, b| a.customer_id.cmp(&b.customer_id));
        activities
    }
}

/// What one customer did in the kept rows.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerActivity {
    pub customer_id: String,
    /// Time of their last purchase.
    pub last_purchase: NaiveDateTime,
    /// Distinct invoices.
    pub frequency: u32,
    /// Total spent.
    pub monetary: f64,
}

/// Recency, frequency and monetary value of one customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRfm {
    pub customer_id: String,
    /// Days since the last purchase.
    pub recency: u32,
    /// Distinct invoices.
    pub frequency: u32,
    /// Total spent.
    pub monetary: f64,
}

/// The default snapshot date: the day after the last invoice.
pub fn default_snapshot(last_invoice: NaiveDateTime) -> NaiveDate {
    last_invoice.date() + Days::new(1)
}

/// RFM of every customer at `snapshot`. The snapshot may not be before any last purchase (recency would be negative).
pub fn compute(activities: &[CustomerActivity], snapshot: NaiveDate) -> Result<Vec<CustomerRfm>, DomainError> {
    activities
        .iter()
        .map(|a| {
            let days = (snapshot - a.last_purchase.date()).num_days();
            let recency = u32::try_from(days).map_err(|_| {
                DomainError::invalid(
                    "snapshotDate",
                    format!("must not be before the last purchase ({})", a.last_purchase.date()),
                )
            })?;
            Ok(CustomerRfm {
                customer_id: a.customer_id.clone(),
                recency,
                frequency: a.frequency,
                monetary: a.monetary,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2011, 12, day).unwrap().and_hms_opt(hour, 0, 0).unwrap()
    }

    #[test]
    fn counts_distinct_invoices_sums_money_and_keeps_the_last_purchase() {
        let mut acc = RfmAccumulator::default();
        acc.add("A", b"1", at(1, 9), 10.0);
        acc.add("A", b"1", at(1, 9), 5.5);
        acc.add("B", b"2", at(2, 9), 3.0);
        acc.add("A", b"3", at(5, 18), 1.0);
        acc.add("A", b"1", at(1, 9), 1.0); // invoice 1 again, not consecutive
        let mut later = RfmAccumulator::default();
        later.add("B", b"4", at(9, 8), 2.0);
        later.add("C", b"5", at(3, 8), 7.0);
        acc.merge(later);
        assert_eq!(acc.kept_rows(), 7);
        assert_eq!(acc.period(), Some((at(1, 9), at(9, 8))));
        let activities = acc.into_activities();
        let ids: Vec<&str> = activities.iter().map(|a| a.customer_id.as_str()).collect();
        assert_eq!(ids, ["A", "B", "C"]);
        assert_eq!(
            (activities[0].frequency, activities[0].monetary, activities[0].last_purchase),
            (2, 17.5, at(5, 18))
        );
        assert_eq!((activities[1].frequency, activities[1].monetary, activities[1].last_purchase), (2, 5.0, at(9, 8)));

        let snapshot = default_snapshot(at(9, 8));
        assert_eq!(snapshot, NaiveDate::from_ymd_opt(2011, 12, 10).unwrap());
        let rfm = compute(&activities, snapshot).unwrap();
        // Whole days between dates: a purchase late on the 5th is 5 days before the 10th.
        assert_eq!(rfm.iter().map(|r| r.recency).collect::<Vec<_>>(), [5, 1, 7]);

        let mut noisy = RfmAccumulator::default();
        for _ in 0..10 {
            noisy.add("A", b"1", at(1, 9), 0.1);
        }
        assert_eq!(noisy.into_activities()[0].monetary, 1.0, "0.1 summed ten times is shown as 1");
        assert!(compute(&activities, NaiveDate::from_ymd_opt(2011, 12, 8).unwrap()).is_err());
        assert_eq!(compute(&activities, NaiveDate::from_ymd_opt(2011, 12, 9).unwrap()).unwrap()[1].recency, 0);
    }
}
