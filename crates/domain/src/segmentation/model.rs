//! What segmentation stores: uploaded datasets, analyses, their segments and per-customer results.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::{DomainError, RowError, string_enum};

string_enum!(
    /// The kind of an uploaded transaction file, decided from its content.
    DatasetFormat, "format" {
        /// Comma-, semicolon- or tab-separated text.
        Csv => "csv",
        /// An Excel workbook (the first sheet is read).
        Xlsx => "xlsx",
    }
);

/// Rows left out of an analysis, by reason. Each row is counted once, for the first reason that applies in the
/// order of the fields: no CustomerID, then an unreadable CustomerID or InvoiceNo, a cancellation, an unreadable
/// Quantity, UnitPrice or InvoiceDate, Quantity ≤ 0, UnitPrice ≤ 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DroppedRows {
    /// No CustomerID.
    pub missing_customer_id: u64,
    /// InvoiceNo starts with `C`.
    pub cancelled: u64,
    /// Quantity ≤ 0.
    pub non_positive_quantity: u64,
    /// UnitPrice ≤ 0.
    pub non_positive_price: u64,
    /// A needed cell could not be read.
    pub unparseable: u64,
}

impl DroppedRows {
    /// All dropped rows.
    pub fn total(&self) -> u64 {
        self.missing_customer_id
            + self.cancelled
            + self.non_positive_quantity
            + self.non_positive_price
            + self.unparseable
    }

    /// Adds another count.
    pub fn add(&mut self, other: &DroppedRows) {
        self.missing_customer_id += other.missing_customer_id;
        self.cancelled += other.cancelled;
        self.non_positive_quantity += other.non_positive_quantity;
        self.non_positive_price += other.non_positive_price;
        self.unparseable += other.unparseable;
    }
}

/// What an uploaded file contains, as found when it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetProfile {
    /// Data rows (the header and blank rows excluded).
    pub rows: u64,
    /// Rows an analysis uses.
    pub kept_rows: u64,
    /// Distinct customers in the kept rows: the customers an analysis segments.
    pub customers: u64,
    /// First invoice among the kept rows.
    pub first_invoice_at: Option<DateTime<Utc>>,
    /// Last invoice among the kept rows.
    pub last_invoice_at: Option<DateTime<Utc>>,
    /// Rows left out, by reason.
    pub dropped: DroppedRows,
    /// The first unreadable rows, if any (at most 10 are kept).
    pub issues: Vec<RowError>,
}

/// An uploaded transaction file.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// UUID v7.
    pub id: Uuid,
    /// Who uploaded it; only they (and Admins) can see it.
    pub owner_id: Uuid,
    /// CSV or XLSX.
    pub format: DatasetFormat,
    /// Size of the file.
    pub size_bytes: u64,
    /// Where the file is kept (`datasets/<owner>/<id>.<ext>`).
    pub storage_key: String,
    /// What the file contains.
    pub profile: DatasetProfile,
    /// Upload time.
    pub created_at: DateTime<Utc>,
}

/// How many segments an analysis makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterCount {
    /// Exactly this many (2–10).
    Fixed(u8),
    /// The k in 2–8 with the best silhouette.
    Auto,
}

impl ClusterCount {
    /// Fewest segments.
    pub const MIN: u8 = 2;
    /// Most segments.
    pub const MAX: u8 = 10;
    /// Largest k tried by `Auto`.
    pub const AUTO_MAX: u8 = 8;
    /// Used when the request does not say.
    pub const DEFAULT: ClusterCount = ClusterCount::Fixed(5);

    /// A fixed k, checked against 2–10.
    pub fn fixed(k: i64) -> Result<Self, DomainError> {
        u8::try_from(k)
            .ok()
            .filter(|k| (Self::MIN..=Self::MAX).contains(k))
            .map(ClusterCount::Fixed)
            .ok_or_else(|| DomainError::invalid("k", "must be an integer from 2 to 10, or \"auto\""))
    }

    /// `auto` or an integer from 2 to 10 (the command-line form).
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("auto") {
            return Ok(ClusterCount::Auto);
        }
        raw.parse::<i64>()
            .map_err(|_| DomainError::invalid("k", "must be an integer from 2 to 10, or \"auto\""))
            .and_then(Self::fixed)
    }
}

/// One k tried by an automatic choice, with its silhouette.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KCandidate {
    /// Number of clusters.
    pub k: u8,
    /// Mean silhouette of that clustering.
    pub silhouette: f64,
}

/// Mean and median of a value over a segment.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stat {
    /// Arithmetic mean.
    pub mean: f64,
    /// Median (mean of the two middle values for an even count).
    pub median: f64,
}

/// A value for each of recency, frequency and monetary.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RfmTriple {
    pub recency: f64,
    pub frequency: f64,
    pub monetary: f64,
}

/// One cluster of an analysis, with its name and figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Cluster number, 0 for the most valuable segment (ordered by centroid, see `naming`).
    pub cluster: u8,
    /// Name read from the centroid (unique within the analysis).
    pub name: String,
    /// Customers in the segment.
    pub size: u64,
    /// Days since the last purchase.
    pub recency: Stat,
    /// Distinct invoices.
    pub frequency: Stat,
    /// Total spent.
    pub monetary: Stat,
    /// Σ monetary of the segment.
    pub revenue: f64,
    /// Share of all customers' monetary, 0–1.
    pub revenue_share: f64,
    /// Centroid in the standardised feature space (z-scores of the capped, log1p-transformed values).
    pub centroid: RfmTriple,
}

/// A stored RFM analysis of a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// UUID v7.
    pub id: Uuid,
    /// The dataset analysed.
    pub dataset_id: Uuid,
    /// Owner of the dataset.
    pub owner_id: Uuid,
    /// Number of segments made.
    pub k: u8,
    /// Whether k was chosen by silhouette.
    pub auto_k: bool,
    /// With `auto_k`: every k tried and its silhouette.
    pub candidates: Vec<KCandidate>,
    /// Recency is counted up to this date.
    pub snapshot_date: NaiveDate,
    /// Customers segmented.
    pub customers: u64,
    /// Mean silhouette of the clustering (−1 to 1; higher is better separated).
    pub silhouette: f64,
    /// Σ squared distance of each customer to its centroid, in the standardised space.
    pub inertia: f64,
    /// Σ monetary over all customers.
    pub total_revenue: f64,
    /// Seed of the k-means random choices.
    pub seed: u64,
    /// k-means restarts (the best of them is kept).
    pub restarts: u32,
    /// Segments ordered by cluster number.
    pub segments: Vec<Segment>,
    /// When it was run.
    pub created_at: DateTime<Utc>,
}

/// One customer's place in an analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentedCustomer {
    /// The customer id from the file.
    pub customer_id: String,
    /// Days since the last purchase.
    pub recency: u32,
    /// Distinct invoices.
    pub frequency: u32,
    /// Total spent.
    pub monetary: f64,
    /// Recency quintile score, 5 = most recent.
    pub r_score: u8,
    /// Frequency quintile score, 5 = most frequent.
    pub f_score: u8,
    /// Monetary quintile score, 5 = biggest spender.
    pub m_score: u8,
    /// Cluster number.
    pub cluster: u8,
    /// Segment name.
    pub segment: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_count_accepts_2_to_10_and_auto() {
        assert_eq!(ClusterCount::parse("auto").unwrap(), ClusterCount::Auto);
        assert_eq!(ClusterCount::parse(" 7 ").unwrap(), ClusterCount::Fixed(7));
        for bad in ["1", "11", "-3", "five", "", "2.5"] {
            assert!(ClusterCount::parse(bad).is_err(), "{bad}");
        }
        assert!(ClusterCount::fixed(2).is_ok() && ClusterCount::fixed(10).is_ok() && ClusterCount::fixed(300).is_err());
    }

    #[test]
    fn dropped_rows_add_up() {
        let mut a = DroppedRows {
            missing_customer_id: 1,
            cancelled: 2,
            non_positive_quantity: 3,
            non_positive_price: 4,
            unparseable: 5,
        };
        a.add(&a.clone());
        assert_eq!(a.total(), 30);
    }
}
