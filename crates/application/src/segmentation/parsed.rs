//! A transaction file read and cleaned, whatever its format: the profile and the purchases per customer.

use chrono::{DateTime, NaiveDateTime, Utc};
use leadscore_domain::segmentation::rfm::CustomerActivity;
use leadscore_domain::segmentation::transactions::ScanResult;
use leadscore_domain::segmentation::{DatasetFormat, DatasetProfile};

use crate::AppError;
use crate::files::{FileLimits, TransactionReader};

/// Unreadable rows kept in a dataset's profile (an upload refused for them lists up to 100).
const PROFILE_ISSUES: usize = 10;

/// A file read and cleaned: its profile and one entry per customer.
#[derive(Debug, Clone)]
pub struct ParsedTransactions {
    /// CSV or XLSX.
    pub format: DatasetFormat,
    /// Counts, period, drops.
    pub profile: DatasetProfile,
    /// Purchases per customer, ordered by customer id.
    pub activities: Vec<CustomerActivity>,
    /// The last kept invoice (for the default snapshot date).
    pub last_invoice: Option<NaiveDateTime>,
}

/// Reads and cleans a whole file, within `limits` (413 past one). Refuses (422) a file without the required columns, without data rows, with more
/// than 1% unreadable rows, or where no row survives cleaning.
pub fn read_transactions(
    reader: &dyn TransactionReader,
    bytes: &[u8],
    limits: &FileLimits,
) -> Result<ParsedTransactions, AppError> {
    let (format, scan) = reader.scan(bytes, limits)?;
    finish(format, scan)
}

pub(crate) fn finish(format: DatasetFormat, scan: ScanResult) -> Result<ParsedTransactions, AppError> {
    if scan.rows == 0 {
        return Err(unprocessable("The file has a header row but no data rows", Vec::new(), 0));
    }
    if !scan.unreadable_rows_tolerable() {
        let bad = scan.dropped.unparseable;
        return Err(unprocessable(
            &format!("{bad} of {} rows cannot be read (at most 1% may be); the first ones are listed", scan.rows),
            scan.issues,
            bad,
        ));
    }
    let ScanResult { rows, dropped, mut issues, purchases } = scan;
    if purchases.kept_rows() == 0 {
        return Err(unprocessable(
            &format!(
                "No row is left after cleaning: {} without CustomerID, {} cancelled, {} with Quantity <= 0, {} with \
                 UnitPrice <= 0, {} unreadable",
                dropped.missing_customer_id,
                dropped.cancelled,
                dropped.non_positive_quantity,
                dropped.non_positive_price,
                dropped.unparseable
            ),
            Vec::new(),
            0,
        ));
    }
    issues.truncate(PROFILE_ISSUES);
    let period = purchases.period();
    let kept_rows = purchases.kept_rows();
    let activities = purchases.into_activities();
    let utc = |at: NaiveDateTime| DateTime::<Utc>::from_naive_utc_and_offset(at, Utc);
    Ok(ParsedTransactions {
        format,
        profile: DatasetProfile {
            rows,
            kept_rows,
            customers: activities.len() as u64,
            first_invoice_at: period.map(|(first, _)| utc(first)),
            last_invoice_at: period.map(|(_, last)| utc(last)),
            dropped,
            issues,
        },
        activities,
        last_invoice: period.map(|(_, last)| last),
    })
}

fn unprocessable(message: &str, errors: Vec<leadscore_domain::RowError>, total_errors: u64) -> AppError {
    AppError::Unprocessable { message: message.to_owned(), errors, total_errors }
}
