//! The silhouette of a clustering: for each point, how much closer it is to its own cluster than to the nearest
//! other one, `s = (b − a) / max(a, b)`, averaged over the points (Rousseeuw 1987; scikit-learn's
//! `silhouette_score`, including `s = 0` for a point alone in its cluster). Euclidean distance.
//!
//! Exact computation is quadratic, so above [`SAMPLE_LIMIT`] customers it is computed on an evenly spaced sample
//! of them (every m-th customer in id order), which is deterministic.

use std::ops::Range;

/// Largest number of points the silhouette is computed on exactly.
pub const SAMPLE_LIMIT: usize = 10_000;

/// Indices of the points used for the silhouette of `n` points: all of them, or every m-th so that at most
/// [`SAMPLE_LIMIT`] remain.
pub fn sample_indices(n: usize) -> Vec<usize> {
    let step = n.div_ceil(SAMPLE_LIMIT).max(1);
    (0..n).step_by(step).collect()
}

/// Points grouped by cluster (coordinates stored per axis so the inner loop vectorises).
#[derive(Debug, Clone)]
pub struct Silhouette {
    points: Vec<[f64; 3]>,
    labels: Vec<usize>,
    clusters: Vec<[Vec<f64>; 3]>,
}

impl Silhouette {
    /// Prepares the computation; `None` unless there are at least two non-empty clusters and fewer clusters than
    /// points (the silhouette is undefined otherwise). Labels must be below `k`.
    pub fn new(points: &[[f64; 3]], labels: &[usize], k: usize) -> Option<Self> {
        if points.len() != labels.len() || labels.iter().any(|&l| l >= k) {
            return None;
        }
        let mut clusters: Vec<[Vec<f64>; 3]> = vec![[Vec::new(), Vec::new(), Vec::new()]; k];
        for (point, &label) in points.iter().zip(labels) {
            for axis in 0..3 {
                clusters[label][axis].push(point[axis]);
            }
        }
        let non_empty = clusters.iter().filter(|c| !c[0].is_empty()).count();
        if non_empty < 2 || non_empty >= points.len() {
            return None;
        }
        Some(Self { points: points.to_vec(), labels: labels.to_vec(), clusters })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether there are no points (never, for a value made by `new`).
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Σ s(i) for the points in `rows`; split the points into ranges to compute it in parallel.
    pub fn sum(&self, rows: Range<usize>) -> f64 {
        let mut total = 0.0;
        let mut sums = vec![0.0; self.clusters.len()];
        for i in rows {
            let [x, y, z] = self.points[i];
            for (sum, [xs, ys, zs]) in sums.iter_mut().zip(&self.clusters) {
                *sum = distance_sum(xs, ys, zs, x, y, z);
            }
            let own = self.labels[i];
            let own_size = self.clusters[own][0].len();
            if own_size < 2 {
                continue;
            }
            let a = sums[own] / (own_size - 1) as f64;
            let b = self
                .clusters
                .iter()
                .enumerate()
                .filter(|(c, points)| *c != own && !points[0].is_empty())
                .map(|(c, points)| sums[c] / points[0].len() as f64)
                .fold(f64::INFINITY, f64::min);
            let largest = a.max(b);
            if largest > 0.0 {
                total += (b - a) / largest;
            }
        }
        total
    }

    /// The mean silhouette, computed on one thread.
    pub fn mean(&self) -> f64 {
        self.sum(0..self.len()) / self.len() as f64
    }
}

/// Σ of the distances from `(x, y, z)` to the points given per axis. Four independent partial sums let the
/// compiler use vector instructions (a single running sum is a dependency chain it may not reorder).
fn distance_sum(xs: &[f64], ys: &[f64], zs: &[f64], x: f64, y: f64, z: f64) -> f64 {
    let n = xs.len().min(ys.len()).min(zs.len());
    let (xs, ys, zs) = (&xs[..n], &ys[..n], &zs[..n]);
    let mut partial = [0.0f64; 4];
    let whole = n - n % 4;
    for start in (0..whole).step_by(4) {
        for (lane, sum) in partial.iter_mut().enumerate() {
            let i = start + lane;
            let (dx, dy, dz) = (xs[i] - x, ys[i] - y, zs[i] - z);
            *sum += (dx * dx + dy * dy + dz * dz).sqrt();
        }
    }
    let mut total = (partial[0] + partial[1]) + (partial[2] + partial[3]);
    for i in whole..n {
        let (dx, dy, dz) = (xs[i] - x, ys[i] - y, zs[i] - z);
        total += (dx * dx + dy * dy + dz * dz).sqrt();
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_hand_computed_value() {
        // Two clusters on a line: {0, 1} and {4}. The lone point scores 0 (scikit-learn's convention).
        // Point 0: a = 1, b = 4 → 0.75. Point 1: a = 1, b = 3 → 2/3. Mean = (0.75 + 2/3 + 0) / 3.
        let points = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [4.0, 0.0, 0.0]];
        let s = Silhouette::new(&points, &[0, 0, 1], 2).unwrap();
        assert!((s.mean() - (0.75 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        assert!((s.sum(0..1) + s.sum(1..3) - s.sum(0..3)).abs() < 1e-12);
    }

    #[test]
    fn well_separated_clusters_score_near_one_and_mixed_ones_low() {
        let mut points = Vec::new();
        let mut labels = Vec::new();
        for i in 0..20 {
            let jitter = f64::from(i % 5) * 0.01;
            points.push([jitter, 0.0, 0.0]);
            labels.push(0);
            points.push([10.0 + jitter, 10.0, 0.0]);
            labels.push(1);
        }
        assert!(Silhouette::new(&points, &labels, 2).unwrap().mean() > 0.99);
        let alternating: Vec<usize> = (0..points.len()).map(|i| (i / 2) % 2).collect();
        assert!(Silhouette::new(&points, &alternating, 2).unwrap().mean() < 0.1);
    }

    #[test]
    fn undefined_cases_are_none() {
        let points = [[0.0; 3], [1.0, 0.0, 0.0]];
        assert!(Silhouette::new(&points, &[0, 0], 2).is_none(), "one cluster");
        assert!(Silhouette::new(&points, &[0, 1], 2).is_none(), "as many clusters as points");
        assert!(Silhouette::new(&points, &[0, 2], 2).is_none(), "label out of range");
    }

    #[test]
    fn samples_evenly_above_the_limit() {
        assert_eq!(sample_indices(5), [0, 1, 2, 3, 4]);
        let sample = sample_indices(25_000);
        assert_eq!(sample.len(), 8_334);
        assert_eq!(&sample[..3], [0, 3, 6]);
    }
}
