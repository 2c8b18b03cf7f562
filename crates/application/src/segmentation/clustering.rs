//! k-means (linfa-clustering) and the silhouette, on the standardised RFM points.

use leadscore_domain::segmentation::silhouette::{Silhouette, sample_indices};
use linfa::DatasetBase;
use linfa::traits::{Fit, Predict};
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::Array2;
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::SeedableRng;
use rayon::prelude::*;

use crate::AppError;

/// How k-means runs. The defaults match scikit-learn's `KMeans(n_init=10, max_iter=300, tol=1e-4)` with a fixed
/// seed, so the same file and k always give the same segments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KMeansSettings {
    /// Seed of the k-means++ initialisations.
    pub seed: u64,
    /// Independent k-means++ runs; the one with the lowest inertia is kept.
    pub restarts: usize,
    /// Lloyd iterations per run at most.
    pub max_iterations: u64,
    /// A run stops when the centroids move less than this.
    pub tolerance: f64,
}

impl Default for KMeansSettings {
    fn default() -> Self {
        Self { seed: 42, restarts: 10, max_iterations: 300, tolerance: 1e-4 }
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

/// k-means with k-means++ initialisation and restarts. `k` must be at least 1 and at most the number of points.
pub fn kmeans(points: &[[f64; 3]], k: usize, settings: &KMeansSettings) -> Result<Clustering, AppError> {
    let records = Array2::from_shape_vec((points.len(), 3), points.iter().flatten().copied().collect())
        .map_err(|e| AppError::Internal(format!("k-means input: {e}")))?;
    let dataset = DatasetBase::from(records.clone());
    let model = KMeans::params_with_rng(k, Xoshiro256Plus::seed_from_u64(settings.seed))
        .init_method(KMeansInit::KMeansPlusPlus)
        .n_runs(settings.restarts)
        .max_n_iterations(settings.max_iterations)
        .tolerance(settings.tolerance)
        .fit(&dataset)
        .map_err(|e| AppError::Internal(format!("k-means: {e}")))?;
    let labels: Vec<usize> = model.predict(&records).iter().copied().collect();
    Ok(Clustering::from_labels(points, &labels))
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
    fn from_labels_drops_empty_clusters() {
        let points = [[0.0; 3], [2.0, 0.0, 0.0], [10.0, 0.0, 0.0]];
        let clustering = Clustering::from_labels(&points, &[0, 0, 2]);
        assert_eq!(clustering.labels, [0, 0, 1]);
        assert_eq!(clustering.centroids, [[1.0, 0.0, 0.0], [10.0, 0.0, 0.0]]);
        assert_eq!(clustering.inertia, 2.0);
    }
}
