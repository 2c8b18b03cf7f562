//! The tract scorer on the real model and the real rows of bank-full.csv: time and rows/s at batch 1, 64 and
//! 45,211, for the network alone ("predict only", on pre-encoded rows), for the application's scoring path of API
//! records ("encode + predict": `score_records` without explanations), and for the encoders alone: the record encoder
//! (`ModelCard::encode`, API input) and the profile encoder of bulk scoring (`ProfileEncoder`, stored customers). Then the chunk size of large batches and the
//! inline/blocking-pool split. Median of `RUNS` timed runs after warm-up.
//!
//!     cargo bench -p leadscore-infrastructure --bench scorer [-- FILE]
//!
//! With `SCORER_COLD_CHUNK=N` it only times the 45,211-row batch in chunks of N rows, first thing in the process:
//! the figure a server gets before its allocator has adapted (see `CHUNK_ROWS` in `scoring/onnx.rs`).
//!
//! FILE defaults to `../shared/data/bank-marketing/bank-full.csv` beside the repository.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use leadscore_application::customers::{ImportLimits, parse_customers};
use leadscore_application::scoring::{ScoringModel, score_records};
use leadscore_domain::customers::BankProfile;
use leadscore_domain::scoring::{FeatureRecord, FeatureSpec, FeatureValue, ModelCard};
use leadscore_infrastructure::scoring::{OnnxModel, OnnxModelLoader};

const DEFAULT_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/bank-marketing/bank-full.csv");
const MODEL_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../model");
const RUNS: usize = 21;

/// The file's rows as the API would receive them: the card's numeric features as numbers, the rest as text.
fn read_records(file: &str, card: &ModelCard) -> Vec<FeatureRecord> {
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_path(file).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            headers
                .iter()
                .zip(row.iter())
                .filter_map(|(name, raw)| {
                    let value = match card.feature(name)? {
                        FeatureSpec::Numeric(_) => FeatureValue::Number(raw.parse().unwrap()),
                        FeatureSpec::Categorical(_) => FeatureValue::Text(raw.to_owned()),
                    };
                    Some((name.to_owned(), value))
                })
                .collect()
        })
        .collect()
}

/// Median and best time of one call of `f`, from `RUNS` runs of `inner` calls each, after warm-up. The machine is
/// shared with other builds: the best run shows the code, the median what a caller typically gets.
fn time(inner: usize, mut f: impl FnMut()) -> Timing {
    for _ in 0..inner.max(3) {
        f();
    }
    let mut runs: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..inner {
                f();
            }
            start.elapsed() / inner as u32
        })
        .collect();
    runs.sort();
    Timing { median: runs[RUNS / 2], best: runs[0] }
}

#[derive(Clone, Copy)]
struct Timing {
    median: Duration,
    best: Duration,
}

fn inner_for(rows: usize) -> usize {
    match rows {
        0..=1 => 2_000,
        2..=64 => 200,
        65..=4_096 => 20,
        _ => 1,
    }
}

fn show(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    }
}

fn row(label: &str, rows: usize, t: Timing) {
    let secs = t.median.as_secs_f64();
    println!(
        "| {label} | {rows} | {} | {} | {:.2} µs | {:.0} |",
        show(t.median),
        show(t.best),
        secs / rows as f64 * 1e6,
        rows as f64 / secs
    );
}

fn main() {
    let file = std::env::args().skip(1).find(|a| !a.starts_with("--")).unwrap_or_else(|| DEFAULT_FILE.to_owned());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();

    let start = Instant::now();
    let model: OnnxModel = OnnxModelLoader::new(MODEL_DIR).load_blocking().unwrap();
    let load = start.elapsed();
    let card = model.card().clone();
    let records = read_records(&file, &card);
    let profiles: Vec<BankProfile> = parse_customers(
        &leadscore_infrastructure::files::FileReader,
        &std::fs::read(&file).unwrap(),
        &ImportLimits::default(),
        |_, _| {},
    )
    .unwrap()
    .valid
    .into_iter()
    .map(|(_, row)| row.profile)
    .collect();
    assert_eq!(profiles.len(), records.len());
    let mut encoded = Vec::with_capacity(records.len() * card.n_columns);
    for record in &records {
        card.encode(record, &mut encoded).unwrap();
    }
    if let Ok(chunk) = std::env::var("SCORER_COLD_CHUNK") {
        let chunk: usize = chunk.parse().unwrap();
        let m = model.clone().with_chunk_rows(chunk);
        let t = time(1, || {
            std::hint::black_box(m.predict_blocking(&encoded, records.len()).unwrap());
        });
        println!(
            "cold process, {} rows in chunks of {chunk}: median {}, best {}",
            records.len(),
            show(t.median),
            show(t.best)
        );
        return;
    }
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "model {} ({} columns), {} rows of {file}; load + checks (incl. 300-row parity) {}; median of {RUNS} runs; \
         load average {}",
        card.model_version,
        card.n_columns,
        records.len(),
        show(load),
        loadavg.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );

    println!("\n| path | batch | median | best | per row (median) | rows/s (median) |\n|---|---:|---:|---:|---:|---:|");
    for rows in [1, 64, records.len()] {
        let input = &encoded[..rows * card.n_columns];
        let inner = inner_for(rows);
        let d = time(inner, || {
            std::hint::black_box(model.predict_blocking(input, rows).unwrap());
        });
        row("predict only, on the calling thread (`predict_blocking`)", rows, d);
        let d = time(inner, || {
            let owned = input.to_vec();
            std::hint::black_box(runtime.block_on(model.predict(owned, rows)).unwrap());
        });
        row("predict only, through the port (`ScoringModel::predict`)", rows, d);
        let d = time(inner, || {
            std::hint::black_box(runtime.block_on(score_records(&model, &records[..rows], 0)).unwrap().unwrap());
        });
        row("encode + predict (`score_records`, no explanations)", rows, d);
        let d = time(inner, || {
            let mut out = Vec::with_capacity(rows * card.n_columns);
            for record in &records[..rows] {
                card.encode(record, &mut out).unwrap();
            }
            std::hint::black_box(out);
        });
        row("encode only (`ModelCard::encode`)", rows, d);
        let encoder = card.profile_encoder();
        let d = time(inner, || {
            let mut out = Vec::with_capacity(rows * card.n_columns);
            for profile in &profiles[..rows] {
                encoder.encode(profile, &mut out).unwrap();
            }
            std::hint::black_box(out);
        });
        row("encode only, from stored profiles (`ProfileEncoder`)", rows, d);
    }
    let d = time(200, || {
        std::hint::black_box(runtime.block_on(score_records(&model, &records[..1], 5)).unwrap().unwrap());
    });
    row("1 record explained (`score_records`, top 5: 15 rows)", 1, d);

    println!("\nLarge batches by chunk size (`predict_blocking`, {} rows):\n", records.len());
    println!("| chunk rows | median | best | rows/s (median) |\n|---:|---:|---:|---:|");
    for chunk in [256, 512, 1_024, 2_048, 4_096, 8_192, usize::MAX] {
        let chunked = model.clone().with_chunk_rows(chunk);
        let d = time(1, || {
            std::hint::black_box(chunked.predict_blocking(&encoded, records.len()).unwrap());
        });
        let label = if chunk == usize::MAX { "one tensor".to_owned() } else { chunk.to_string() };
        println!(
            "| {label} | {} | {} | {:.0} |",
            show(d.median),
            show(d.best),
            records.len() as f64 / d.median.as_secs_f64()
        );
    }
    // Both cores on one batch, for reference: the service does not do this (a request would take both cores from
    // every other request), but it bounds what parallel chunks could gain.
    let half = records.len() / 2 * card.n_columns;
    let (a, b) = encoded.split_at(half);
    let d = time(1, || {
        std::thread::scope(|s| {
            let first = s.spawn(|| model.predict_blocking(a, a.len() / card.n_columns).unwrap());
            let second = model.predict_blocking(b, b.len() / card.n_columns).unwrap();
            std::hint::black_box((first.join().unwrap(), second));
        });
    });
    println!(
        "| 512, split over 2 threads | {} | {} | {:.0} |",
        show(d.median),
        show(d.best),
        records.len() as f64 / d.median.as_secs_f64()
    );

    // The port hands the blocking pool an `Arc` of the plan and the input Vec; an `Arc` of the model is as cheap.
    let shared = std::sync::Arc::new(model.clone());
    println!("\nSmall batches, on the calling thread vs handed to the blocking pool:\n");
    println!("| rows | inline (median) | spawn_blocking (median) |\n|---:|---:|---:|");
    for rows in [15, 64, 128, 256, 512, 1_024, 2_048] {
        let input = &encoded[..rows * card.n_columns];
        let inline = time(inner_for(rows), || {
            std::hint::black_box(model.predict_blocking(input, rows).unwrap());
        });
        let pooled = time(inner_for(rows), || {
            let m = shared.clone();
            let owned = input.to_vec();
            let handle = runtime.spawn_blocking(move || m.predict_blocking(&owned, rows).unwrap());
            std::hint::black_box(runtime.block_on(handle).unwrap());
        });
        println!("| {rows} | {} | {} |", show(inline.median), show(pooled.median));
    }
}
