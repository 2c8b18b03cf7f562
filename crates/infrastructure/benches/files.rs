//! The bounded CSV reader against its peer, side by side in one run: bank-full.csv repeated ten times (452,110
//! data rows, 46 MB) read row by row into a visitor that checks each cell is UTF-8, once through `FileReader` (the
//! csv-core record reader with its limits, as every import reads) and once through the csv crate's `ByteRecord`
//! loop it replaced. Median of `RUNS` runs each, interleaved, and their ratio.
//!
//!     cargo bench -p leadscore-infrastructure --bench files [-- FILE]

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use leadscore_application::AppError;
use leadscore_application::files::{FileLimits, TableReader, TableVisitor};
use leadscore_domain::RowError;
use leadscore_infrastructure::files::FileReader;

const DEFAULT_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/bank-marketing/bank-full.csv");
const RUNS: usize = 7;
const COPIES: usize = 10;

#[derive(Default)]
struct Count {
    rows: u64,
    bytes: u64,
}

impl TableVisitor for Count {
    fn header(&mut self, _: &[String]) -> Result<(), AppError> {
        Ok(())
    }
    fn row(&mut self, _: u64, cells: &[&str]) {
        self.rows += 1;
        self.bytes += cells.iter().map(|c| c.len() as u64).sum::<u64>();
    }
    fn bad_row(&mut self, _: RowError) {}
}

fn peer(text: &[u8]) -> Count {
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').has_headers(true).flexible(true).from_reader(text);
    let mut record = csv::ByteRecord::new();
    let mut count = Count::default();
    while reader.read_byte_record(&mut record).unwrap() {
        let cells: Vec<&str> = record.iter().map(|f| std::str::from_utf8(f).unwrap()).collect();
        count.row(0, &cells);
    }
    count
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let file = std::env::args().nth(1).filter(|a| !a.starts_with('-')).unwrap_or_else(|| DEFAULT_FILE.to_owned());
    let one = std::fs::read(&file).unwrap();
    let body = one.iter().position(|b| *b == b'\n').unwrap() + 1;
    let mut text = one.clone();
    for _ in 1..COPIES {
        text.extend_from_slice(&one[body..]);
    }
    let limits = FileLimits { max_record_bytes: 1 << 20, ..FileLimits::default() };
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut count = Count::default();
        FileReader.read_table(&text, u64::MAX, &limits, &mut count).unwrap();
        ours.push(started.elapsed());
        let started = Instant::now();
        let other = peer(&text);
        theirs.push(started.elapsed());
        assert_eq!((count.rows, count.bytes), (other.rows, other.bytes), "both read the same cells");
    }
    let (ours, theirs) = (median(ours), median(theirs));
    println!("| reader | rows | median | rows/s |\n|---|---:|---:|---:|");
    let rows = (one.iter().filter(|b| **b == b'\n').count() - 1) * COPIES;
    for (name, time) in [("FileReader (csv-core, bounded)", ours), ("csv crate ByteRecord (peer)", theirs)] {
        println!("| {name} | {rows} | {:.1} ms | {:.0} |", time.as_secs_f64() * 1e3, rows as f64 / time.as_secs_f64());
    }
    println!("\nratio FileReader / csv crate: {:.2}", ours.as_secs_f64() / theirs.as_secs_f64());
}
