//! k-means on the RFM features of a transaction file: this crate's Lloyd + greedy k-means++ against
//! linfa-clustering 0.8 with the same settings (k = 5, 10 restarts, at most 300 iterations, seed 42; linfa stops
//! at its default tolerance 1e-4, ours when no point changes cluster), and the silhouette. Median of 7 runs each,
//! on every core.
//!
//!     cargo bench -p leadscore-application --bench kmeans [-- FILE]
//!
//! FILE defaults to `../shared/data/online-retail/online_retail.csv` beside the repository.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use leadscore_application::files::FileLimits;
use leadscore_application::segmentation::{
    Clustering, KMeansSettings, kmeans, read_transactions, rfm_table, silhouette,
};
use leadscore_domain::segmentation::features::FeatureMatrix;
use linfa::DatasetBase;
use linfa::traits::{Fit, Predict};
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::Array2;
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::SeedableRng;

const DEFAULT_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/online-retail/online_retail.csv");

fn linfa_kmeans(points: &[[f64; 3]], k: usize, settings: &KMeansSettings) -> Clustering {
    let records = Array2::from_shape_vec((points.len(), 3), points.iter().flatten().copied().collect()).unwrap();
    let model = KMeans::params_with_rng(k, Xoshiro256Plus::seed_from_u64(settings.seed))
        .init_method(KMeansInit::KMeansPlusPlus)
        .n_runs(settings.restarts)
        .max_n_iterations(settings.max_iterations)
        // linfa refuses 0 (run to convergence); 1e-4 is its default and scikit-learn's.
        .tolerance(settings.tolerance.max(1e-4))
        .fit(&DatasetBase::from(records.clone()))
        .unwrap();
    let labels: Vec<usize> = model.predict(&records).iter().copied().collect();
    Clustering::from_labels(points, &labels)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn sizes(clustering: &Clustering) -> Vec<usize> {
    let mut sizes: Vec<usize> =
        (0..clustering.k()).map(|c| clustering.labels.iter().filter(|l| **l == c).count()).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    sizes
}

fn main() {
    let file = std::env::args().skip(1).find(|a| !a.starts_with("--")).unwrap_or_else(|| DEFAULT_FILE.to_owned());
    let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("reading {file}: {e}"));
    let parsed =
        read_transactions(&leadscore_infrastructure::files::FileReader, &bytes, &FileLimits::default()).unwrap();
    let table = rfm_table(&parsed, None).unwrap();
    let features = FeatureMatrix::build(&table.customers);
    let settings = KMeansSettings::default();
    println!("{} customers, k = 5, {} restarts, seed {}", features.points.len(), settings.restarts, settings.seed);

    let mut ours = None;
    let time = median(
        (0..7)
            .map(|_| {
                let started = Instant::now();
                ours = Some(kmeans(&features.points, 5, &settings).unwrap());
                started.elapsed()
            })
            .collect(),
    );
    let ours = ours.unwrap();
    println!("hand-written Lloyd : {:>9.2?}  inertia {:.3}  sizes {:?}", time, ours.inertia, sizes(&ours));

    let mut theirs = None;
    let time = median(
        (0..7)
            .map(|_| {
                let started = Instant::now();
                theirs = Some(linfa_kmeans(&features.points, 5, &settings));
                started.elapsed()
            })
            .collect(),
    );
    let theirs = theirs.unwrap();
    println!("linfa-clustering   : {:>9.2?}  inertia {:.3}  sizes {:?}", time, theirs.inertia, sizes(&theirs));

    let mut score = 0.0;
    let time = median(
        (0..7)
            .map(|_| {
                let started = Instant::now();
                score = silhouette(&features.points, &ours.labels, ours.k()).unwrap();
                started.elapsed()
            })
            .collect(),
    );
    println!("silhouette         : {:>9.2?}  {score:.4}", time);
}
