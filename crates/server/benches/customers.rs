//! Import and export throughput of the customer base (issue: import < 2 s, XLSX export < 3 s for 45,211 rows on
//! SQLite). Runs the real use cases on a fresh SQLite file and, when `TEST_POSTGRES_URL` is set, on a fresh
//! PostgreSQL database. Peak memory is the process's peak RSS during each phase (reset between phases through
//! `/proc/self/clear_refs`).
//!
//! `cargo bench -p leadscore --bench customers [-- PATH]` (default: ../shared/data/bank-marketing/bank-full.csv).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use leadscore::config::Config;
use leadscore::startup::Services;
use leadscore_application::Caller;
use leadscore_application::customers::{
    CustomerFilter, ImportLimits, ImportOptions, OnConflict, customer_sheet, export_columns, export_rows,
    parse_customers,
};
use leadscore_application::exports::TableWriter;
use leadscore_domain::users::Role;
use leadscore_infrastructure::files::FileWriter;
use sea_orm::{ConnectionTrait, Database};

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

struct Row {
    backend: &'static str,
    phase: &'static str,
    rows: usize,
    seconds: f64,
    peak_mb: f64,
}

async fn run(backend: &'static str, url: &str, bytes: &[u8], out: &mut Vec<Row>) {
    let storage = tempfile::tempdir().unwrap();
    let config = Config::for_tests(url, storage.path());
    let services = Services::build(&config).await.unwrap();
    let admin = Caller { id: uuid::Uuid::now_v7(), role: Role::Admin };

    reset_peak();
    let started = Instant::now();
    let parsed = parse_customers(
        &leadscore_infrastructure::files::FileReader,
        bytes,
        &ImportLimits { max_rows: 2_000_000, ..ImportLimits::default() },
        |_, _| {},
    )
    .unwrap();
    let options = ImportOptions { strict: true, on_conflict: OnConflict::Skip, dry_run: false };
    let report = services.customers.import_parsed(&admin, parsed, options, None, started).await.unwrap();
    out.push(Row {
        backend,
        phase: "import (parse + validate + write)",
        rows: report.created as usize,
        seconds: started.elapsed().as_secs_f64(),
        peak_mb: peak_rss_mb(),
    });

    let filter = CustomerFilter::default();
    reset_peak();
    let started = Instant::now();
    let mut size = FileWriter.csv(Some(&export_columns()), &[]).unwrap().len();
    let mut after = None;
    let mut rows = 0;
    loop {
        let batch = services.customers.export_batch(&admin, &filter, after, 2_000).await.unwrap();
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        rows += batch.len();
        size += FileWriter.csv(None, &export_rows(&batch)).unwrap().len();
    }
    out.push(Row {
        backend,
        phase: "export CSV (streamed in 2,000-row batches)",
        rows,
        seconds: started.elapsed().as_secs_f64(),
        peak_mb: peak_rss_mb(),
    });
    assert!(size > 0);

    reset_peak();
    let started = Instant::now();
    let all = services.customers.export_all(&admin, &filter).await.unwrap();
    let xlsx = FileWriter.xlsx(&[customer_sheet(&all)]).unwrap();
    out.push(Row {
        backend,
        phase: "export XLSX",
        rows: all.len(),
        seconds: started.elapsed().as_secs_f64(),
        peak_mb: peak_rss_mb(),
    });
    assert!(!xlsx.is_empty());
}

#[tokio::main]
async fn main() {
    let path = std::env::args().skip(1).find(|a| !a.starts_with("--")).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/bank-marketing/bank-full.csv").to_owned()
    });
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let mut results = Vec::new();

    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
    run("SQLite", &sqlite, &bytes, &mut results).await;

    if let Ok(admin_url) = std::env::var("TEST_POSTGRES_URL") {
        let name = format!("leadscore_bench_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url).await.unwrap();
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
        let url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
        run("PostgreSQL", &url, &bytes, &mut results).await;
        admin.execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)")).await.unwrap();
    } else {
        eprintln!("TEST_POSTGRES_URL not set: PostgreSQL skipped");
    }

    println!("| database | phase | rows | seconds | rows/s | peak RSS (MB) |");
    println!("|---|---|---:|---:|---:|---:|");
    for r in results {
        println!(
            "| {} | {} | {} | {:.3} | {:.0} | {:.0} |",
            r.backend,
            r.phase,
            r.rows,
            r.seconds,
            r.rows as f64 / r.seconds,
            r.peak_mb
        );
    }
}
