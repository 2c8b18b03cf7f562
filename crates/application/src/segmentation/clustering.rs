//! k-means and the silhouette, on the standardised RFM points.
//!
//! k-means is Lloyd's algorithm with greedy k-means++ seeding — the algorithm of scikit-learn's
//! `KMeans(algorithm="lloyd")`, which S2 used — written out here for three-dimensional points. linfa-clustering's
//! `KMeans` was the first choice and reaches the same optimum on the Online Retail file, but is several times slower
//! (figures in `docs/benchmarks.md`): it allocates an array per distance and damps its centroid updates (m_k-means),
//! so it needs more and slower iterations. `cargo bench -p leadscore-infrastructure --bench kmeans` measures both;
//! a test checks they agree.

use leadscore_domain::segmentation::silhouette::{Silhouette, sample_indices};
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rayon::prelude::*;

use crate::AppError;

/// How k-means runs: scikit-learn's `KMeans(n_init=10, max_iter=300)` with a fixed seed, so the same file and k
/// always give the same segments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KMeansSettings {
    /// Seed of the k-means++ initialisations; run r uses a generator seeded with `seed + r`.
    pub seed: u64,
    /// Independent k-means++ runs; the one with the lowest inertia is kept (the first on a tie).
    pub restarts: usize,
    /// Lloyd iterations per run at most.
    pub max_iterations: u64,
    /// A run also stops when the squared centroid shift falls below this times the mean variance of the axes. The
    /// default 0 runs each restart until no point changes cluster (scikit-learn stops at 1e-4, a little earlier):
    /// an iteration costs microseconds here.
    pub tolerance: f64,
}

impl Default for KMeansSettings {
    fn default() -> Self {
        Self { seed: 42, restarts: 10, max_iterations: 300, tolerance: 0.0 }
    }
}

/// A clustering: a label per point (0..k, every label used) and the mean point of each cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Clustering {
    /// Cluster of each point.
    pub labels: Vec<usize>,
    /// Mean of each cluster.
    pub centroids: Vec<[f64; 3]>,
    /// Σ squared distance of each point to its centroid.
    pub inertia: f64,
}

impl Clustering {
    /// Number of clusters.
    pub fn k(&self) -> usize {
        self.centroids.len()
    }

    /// Builds the clustering from labels: drops empty clusters (renumbering the others in order) and computes the
    /// centroids and inertia.
    pub fn from_labels(points: &[[f64; 3]], labels: &[usize]) -> Self {
        let k = labels.iter().copied().max().map_or(0, |m| m + 1);
        let mut sums = vec![[0.0; 3]; k];
        let mut counts = vec![0usize; k];
        for (point, &label) in points.iter().zip(labels) {
            counts[label] += 1;
            for axis in 0..3 {
                sums[label][axis] += point[axis];
            }
        }
        let mut renumber = vec![usize::MAX; k];
        let mut centroids = Vec::new();
        for cluster in 0..k {
            if counts[cluster] > 0 {
                renumber[cluster] = centroids.len();
                let n = counts[cluster] as f64;
                centroids.push(sums[cluster].map(|s| s / n));
            }
        }
        let labels: Vec<usize> = labels.iter().map(|&l| renumber[l]).collect();
        let inertia = points
            .iter()
            .zip(&labels)
            .map(|(p, &l)| (0..3).map(|axis| (p[axis] - centroids[l][axis]).powi(2)).sum::<f64>())
            .sum();
        Self { labels, centroids, inertia }
    }
}

fn squared_distance(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let (x, y, z) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    x * x + y * y + z * z
}

/// Index and squared distance of the nearest centroid (the first on a tie).
fn nearest(point: &[f64; 3], centroids: &[[f64; 3]]) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (j, centroid) in centroids.iter().enumerate() {
        let d = squared_distance(point, centroid);
        if d < best.1 {
            best = (j, d);
        }
    }
    best
}

/// A uniform number in [0, 1).
fn unit(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Greedy k-means++ (Arthur & Vassilvitskii 2007, with scikit-learn's 2 + ln k local trials per centre): each new
/// centre is the best, by resulting potential, of a few points drawn with probability proportional to their
/// squared distance to the nearest centre so far.
fn seed_centroids(points: &[[f64; 3]], k: usize, rng: &mut Xoshiro256PlusPlus) -> Vec<[f64; 3]> {
    let n = points.len();
    let trials = 2 + (k as f64).ln().floor() as usize;
    let first = ((unit(rng) * n as f64) as usize).min(n - 1);
    let mut centroids = vec![points[first]];
    let mut closest: Vec<f64> = points.iter().map(|p| squared_distance(p, &points[first])).collect();
    let mut candidate = vec![0.0; n];
    let mut best_closest = vec![0.0; n];
    while centroids.len() < k {
        let mut cumulative = Vec::with_capacity(n);
        let mut total = 0.0;
        for d in &closest {
            total += d;
            cumulative.push(total);
        }
        let mut best: Option<(usize, f64)> = None;
        for _ in 0..trials {
            let target = unit(rng) * total;
            let index = cumulative.partition_point(|c| *c <= target).min(n - 1);
            let mut potential = 0.0;
            for (i, p) in points.iter().enumerate() {
                candidate[i] = closest[i].min(squared_distance(p, &points[index]));
                potential += candidate[i];
            }
            if best.is_none_or(|(_, b)| potential < b) {
                best = Some((index, potential));
                best_closest.copy_from_slice(&candidate);
            }
        }
        let Some((index, _)) = best else { break };
        centroids.push(points[index]);
        std::mem::swap(&mut closest, &mut best_closest);
    }
    centroids
}

/// Lloyd iterations from the given centroids; answers labels and inertia. A cluster that empties is moved to the
/// point farthest from its centroid.
fn lloyd(points: &[[f64; 3]], mut centroids: Vec<[f64; 3]>, max_iterations: u64, tolerance: f64) -> (Vec<usize>, f64) {
    let k = centroids.len();
    let mut labels = vec![usize::MAX; points.len()];
    let mut distances = vec![0.0; points.len()];
    for _ in 0..max_iterations {
        let mut changed = false;
        for (i, point) in points.iter().enumerate() {
            let (label, distance) = nearest(point, &centroids);
            changed |= labels[i] != label;
            labels[i] = label;
            distances[i] = distance;
        }
        if !changed {
            break;
        }
        let mut sums = vec![[0.0; 3]; k];
        let mut counts = vec![0usize; k];
        for (point, &label) in points.iter().zip(&labels) {
            counts[label] += 1;
            for axis in 0..3 {
                sums[label][axis] += point[axis];
            }
        }
        let mut shift = 0.0;
        for j in 0..k {
            let updated = if counts[j] == 0 {
                let far = (0..points.len()).max_by(|&a, &b| distances[a].total_cmp(&distances[b])).unwrap_or(0);
                distances[far] = 0.0;
                points[far]
            } else {
                sums[j].map(|s| s / counts[j] as f64)
            };
            shift += squared_distance(&updated, &centroids[j]);
            centroids[j] = updated;
        }
        if shift <= tolerance {
            break;
        }
    }
    let mut inertia = 0.0;
    for (i, point) in points.iter().enumerate() {
        let (label, distance) = nearest(point, &centroids);
        labels[i] = label;
        inertia += distance;
    }
    (labels, inertia)
}

/// k-means with greedy k-means++ seeding and restarts (run in parallel; the result does not depend on the number
/// of cores). `k` must be from 1 to the number of points.
pub fn kmeans(points: &[[f64; 3]], k: usize, settings: &KMeansSettings) -> Result<Clustering, AppError> {
    if k == 0 || k > points.len() {
        return Err(AppError::Internal(format!("k-means with k = {k} on {} points", points.len())));
    }
    let n = points.len() as f64;
    let mean_variance = (0..3)
        .map(|axis| {
            let mean = points.iter().map(|p| p[axis]).sum::<f64>() / n;
            points.iter().map(|p| (p[axis] - mean).powi(2)).sum::<f64>() / n
        })
        .sum::<f64>()
        / 3.0;
    let tolerance = settings.tolerance * mean_variance;
    let runs: Vec<(Vec<usize>, f64)> = (0..settings.restarts.max(1) as u64)
        .into_par_iter()
        .map(|run| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(settings.seed.wrapping_add(run));
            let centroids = seed_centroids(points, k, &mut rng);
            lloyd(points, centroids, settings.max_iterations, tolerance)
        })
        .collect();
    let best = runs
        .iter()
        .enumerate()
        .min_by(|(a, (_, x)), (b, (_, y))| x.total_cmp(y).then(a.cmp(b)))
        .map(|(i, _)| i)
        .ok_or_else(|| AppError::Internal("k-means made no run".into()))?;
    Ok(Clustering::from_labels(points, &runs[best].0))
}

/// Mean silhouette of a clustering (on an evenly spaced sample above 10,000 points), computed on every core.
/// `None` when it is undefined (one cluster, or as many clusters as points).
pub fn silhouette(points: &[[f64; 3]], labels: &[usize], k: usize) -> Option<f64> {
    let sample = sample_indices(points.len());
    let (points, labels): (Vec<[f64; 3]>, Vec<usize>) = if sample.len() == points.len() {
        (points.to_vec(), labels.to_vec())
    } else {
        sample.iter().map(|&i| (points[i], labels[i])).unzip()
    };
    let silhouette = Silhouette::new(&points, &labels, k)?;
    let n = silhouette.len();
    let total: f64 = (0..n.div_ceil(256))
        .into_par_iter()
        .map(|block| silhouette.sum(block * 256..((block + 1) * 256).min(n)))
        .collect::<Vec<f64>>()
        .into_iter()
        .sum();
    Some(total / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs() -> Vec<[f64; 3]> {
        let mut points = Vec::new();
        for (cx, cy) in [(0.0, 0.0), (5.0, 5.0), (-5.0, 5.0)] {
            for i in 0..30 {
                let t = f64::from(i);
                points.push([cx + (t * 0.37).sin() * 0.5, cy + (t * 0.73).cos() * 0.5, (t * 0.11).sin() * 0.3]);
            }
        }
        points
    }

    #[test]
    fn finds_separated_blobs_reproducibly() {
        let points = blobs();
        let settings = KMeansSettings::default();
        let first = kmeans(&points, 3, &settings).unwrap();
        assert_eq!(first.k(), 3);
        for blob in 0..3 {
            let labels = &first.labels[blob * 30..(blob + 1) * 30];
            assert!(labels.iter().all(|l| *l == labels[0]), "blob {blob} is split: {labels:?}");
        }
        assert_eq!(kmeans(&points, 3, &settings).unwrap(), first, "same seed, same result");
        let s = silhouette(&points, &first.labels, 3).unwrap();
        assert!(s > 0.8, "{s}");
        let serial = Silhouette::new(&points, &first.labels, 3).unwrap().mean();
        assert!((s - serial).abs() < 1e-12);
    }

    #[test]
    fn agrees_with_linfa_clustering() {
        use linfa::DatasetBase;
        use linfa::traits::{Fit, Predict};
        use linfa_clustering::{KMeans, KMeansInit};
        use rand_xoshiro::Xoshiro256Plus;

        let points = blobs();
        let ours = kmeans(&points, 3, &KMeansSettings::default()).unwrap();
        let records =
            ndarray::Array2::from_shape_vec((points.len(), 3), points.iter().flatten().copied().collect()).unwrap();
        let model = KMeans::params_with_rng(3, Xoshiro256Plus::seed_from_u64(42))
            .init_method(KMeansInit::KMeansPlusPlus)
            .n_runs(10)
            .fit(&DatasetBase::from(records.clone()))
            .unwrap();
        let labels: Vec<usize> = model.predict(&records).iter().copied().collect();
        let theirs = Clustering::from_labels(&points, &labels);
        assert!((ours.inertia - theirs.inertia).abs() < 1e-9, "{} vs {}", ours.inertia, theirs.inertia);
        // The same partition, whatever the cluster numbers.
        for i in 0..points.len() {
            for j in 0..points.len() {
                assert_eq!(ours.labels[i] == ours.labels[j], theirs.labels[i] == theirs.labels[j]);
            }
        }
    }

    #[test]
    fn restarts_keep_the_lowest_inertia_and_k_is_checked() {
        let points = blobs();
        let one = kmeans(&points, 4, &KMeansSettings { restarts: 1, ..KMeansSettings::default() }).unwrap();
        let ten = kmeans(&points, 4, &KMeansSettings::default()).unwrap();
        assert!(ten.inertia <= one.inertia);
        assert!(kmeans(&points, 0, &KMeansSettings::default()).is_err());
        assert!(kmeans(&points[..2], 3, &KMeansSettings::default()).is_err());
    }

    #[test]
    fn from_labels_drops_empty_clusters() {
        let points = [[0.0; 3], [2.0, 0.0, 0.0], [10.0, 0.0, 0.0]];
        let clustering = Clustering::from_labels(&points, &[0, 0, 2]);
        assert_eq!(clustering.labels, [0, 0, 1]);
        assert_eq!(clustering.centroids, [[1.0, 0.0, 0.0], [10.0, 0.0, 0.0]]);
        assert_eq!(clustering.inertia, 2.0);
    }
}
