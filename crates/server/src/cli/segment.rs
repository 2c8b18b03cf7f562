//! `leadscore segment FILE [--k N|auto]`: the RFM pipeline of the API on a local file, without a database. Also the
//! whole-process benchmark of `docs/benchmarks.md` (`--timings` prints each step's time to standard error).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use chrono::NaiveDate;
use leadscore_application::AppError;
use leadscore_application::files::FileLimits;
use leadscore_application::segmentation::{self, KMeansSettings, read_transactions, rfm_table};
use leadscore_domain::segmentation::ClusterCount;
use leadscore_domain::segmentation::features::FeatureMatrix;
use leadscore_infrastructure::files::FileReader;

/// Arguments of `leadscore segment`.
#[derive(clap::Args)]
pub struct SegmentArgs {
    /// A transaction file: CSV or XLSX with the Online Retail columns.
    file: PathBuf,
    /// Number of segments, 2 to 10, or `auto` (best silhouette over 2 to 8).
    #[arg(long, default_value = "5", value_parser = parse_k)]
    k: ClusterCount,
    /// Count recency up to this date (YYYY-MM-DD); default: the day after the last invoice.
    #[arg(long)]
    snapshot_date: Option<NaiveDate>,
    /// Print the time of each step to standard error, as one JSON object.
    #[arg(long)]
    timings: bool,
}

fn parse_k(raw: &str) -> Result<ClusterCount, String> {
    ClusterCount::parse(raw).map_err(|_| "must be an integer from 2 to 10, or auto".to_owned())
}

fn failure(err: AppError) -> anyhow::Error {
    match err {
        AppError::Validation(fields) => anyhow::anyhow!(
            "{}",
            fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
        ),
        AppError::Unprocessable { message, errors, .. } => anyhow::anyhow!(
            "{message}{}",
            errors.iter().map(|e| format!("\n  row {}, {}: {}", e.row, e.field, e.message)).collect::<String>()
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

/// Thousands separators for counts.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs the pipeline on the file and prints the dataset profile and the segments.
pub async fn run(args: SegmentArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let bytes = std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let read = started.elapsed();
    let parsed = read_transactions(&FileReader, &bytes, &FileLimits::default()).map_err(failure)?;
    let parse = started.elapsed();
    let table = rfm_table(&parsed, args.snapshot_date).map_err(failure)?;
    let features = FeatureMatrix::build(&table.customers);
    let prepare = started.elapsed();
    let settings = KMeansSettings::default();
    let chosen = segmentation::cluster(&features, args.k, &settings).map_err(failure)?;
    let clustered = started.elapsed();
    let outcome = segmentation::describe(&table, chosen, &settings);
    let described = started.elapsed();

    let p = &parsed.profile;
    let period = match (p.first_invoice_at, p.last_invoice_at) {
        (Some(first), Some(last)) => format!("{} to {}", first.format("%Y-%m-%d %H:%M"), last.format("%Y-%m-%d %H:%M")),
        _ => "no dates".to_owned(),
    };
    println!(
        "{}: {} rows, {} kept, {} customers, invoices {period}",
        parsed.format.as_str().to_uppercase(),
        grouped(p.rows),
        grouped(p.kept_rows),
        grouped(p.customers)
    );
    let d = &p.dropped;
    println!(
        "dropped {}: {} without CustomerID, {} cancelled, {} with Quantity <= 0, {} with UnitPrice <= 0, {} unreadable",
        grouped(d.total()),
        grouped(d.missing_customer_id),
        grouped(d.cancelled),
        grouped(d.non_positive_quantity),
        grouped(d.non_positive_price),
        grouped(d.unparseable)
    );
    for candidate in &outcome.candidates {
        println!("  k={} silhouette {:.4}", candidate.k, candidate.silhouette);
    }
    println!(
        "k={}{}, snapshot {}, silhouette {:.4}, inertia {:.1}, seed {}, {} restarts",
        outcome.k,
        if outcome.auto_k { " (auto)" } else { "" },
        outcome.snapshot_date,
        outcome.silhouette,
        outcome.inertia,
        outcome.seed,
        outcome.restarts
    );
    println!(
        "{:>2}  {:<22} {:>9} {:>15} {:>15} {:>21} {:>8}",
        "#", "segment", "customers", "recency mean/md", "frequency m/md", "monetary mean/median", "revenue"
    );
    for s in &outcome.segments {
        println!(
            "{:>2}  {:<22} {:>9} {:>7.1}/{:<7.0} {:>7.1}/{:<7.0} {:>10.0}/{:<10.0} {:>7.1}%",
            s.cluster,
            s.name,
            grouped(s.size),
            s.recency.mean,
            s.recency.median,
            s.frequency.mean,
            s.frequency.median,
            s.monetary.mean,
            s.monetary.median,
            s.revenue_share * 100.0
        );
    }
    if args.timings {
        let secs = |d: std::time::Duration| d.as_secs_f64();
        eprintln!(
            "{{\"read_s\": {:.4}, \"parse_clean_aggregate_s\": {:.4}, \"rfm_features_s\": {:.4}, \
             \"kmeans_silhouette_s\": {:.4}, \"describe_s\": {:.4}, \"total_s\": {:.4}}}",
            secs(read),
            secs(parse - read),
            secs(prepare - parse),
            secs(clustered - prepare),
            secs(described - clustered),
            secs(described)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(541_909), "541,909");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
