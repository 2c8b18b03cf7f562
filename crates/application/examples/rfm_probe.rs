#![allow(clippy::unwrap_used)]
use leadscore_application::segmentation::*;
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let reps: usize = std::env::args().nth(2).map(|s| s.parse().unwrap()).unwrap_or(5);
    let bytes = std::fs::read(path).unwrap();
    for _ in 0..reps {
        let t = Instant::now();
        let parsed = read_transactions(&bytes).unwrap();
        println!("parse {:?} {}", t.elapsed(), parsed.activities.len());
    }
}
