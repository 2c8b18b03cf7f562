//! From RFM values to the points k-means clusters, and the classic quintile scores.
//!
//! The transform is S2's, with a cap first: each of R, F, M is capped at its 99th percentile (so a handful of
//! wholesale buyers do not stretch the scale), then `ln(1 + x)`, then standardised to mean 0 and standard deviation
//! 1 (population deviation; a constant column is left at 0, as scikit-learn's `StandardScaler` does).

use super::model::Stat;
use super::rfm::CustomerRfm;

/// The percentile each value is capped at.
pub const CAP_QUANTILE: f64 = 0.99;

/// The q-quantile of `sorted` (ascending) by linear interpolation between closest ranks — the default of NumPy and
/// pandas. `None` for no values.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = q.clamp(0.0, 1.0) * last as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    let fraction = position - below as f64;
    Some(sorted[below] + (sorted[above] - sorted[below]) * fraction)
}

/// The standardised points, one `[recency, frequency, monetary]` per customer, and how they were made.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureMatrix {
    /// One row per customer, in the order of the input.
    pub points: Vec<[f64; 3]>,
    /// The 99th-percentile caps of the raw values.
    pub caps: [f64; 3],
    /// Means of the log-transformed values.
    pub means: [f64; 3],
    /// Standard deviations of the log-transformed values (1 for a constant column).
    pub scales: [f64; 3],
}

impl FeatureMatrix {
    /// Caps, log-transforms and standardises the RFM values.
    pub fn build(customers: &[CustomerRfm]) -> Self {
        let raw: Vec<[f64; 3]> =
            customers.iter().map(|c| [f64::from(c.recency), f64::from(c.frequency), c.monetary]).collect();
        let mut caps = [0.0; 3];
        for (j, cap) in caps.iter_mut().enumerate() {
            let mut column: Vec<f64> = raw.iter().map(|r| r[j]).collect();
            column.sort_unstable_by(f64::total_cmp);
            *cap = quantile(&column, CAP_QUANTILE).unwrap_or(0.0);
        }
        let mut points: Vec<[f64; 3]> =
            raw.iter().map(|r| std::array::from_fn(|j| r[j].min(caps[j]).max(0.0).ln_1p())).collect();
        let n = points.len().max(1) as f64;
        let means: [f64; 3] = std::array::from_fn(|j| points.iter().map(|p| p[j]).sum::<f64>() / n);
        let scales: [f64; 3] = std::array::from_fn(|j| {
            let variance = points.iter().map(|p| (p[j] - means[j]).powi(2)).sum::<f64>() / n;
            let deviation = variance.sqrt();
            if deviation > f64::EPSILON * means[j].abs().max(1.0) { deviation } else { 1.0 }
        });
        for point in &mut points {
            for j in 0..3 {
                point[j] = (point[j] - means[j]) / scales[j];
            }
        }
        Self { points, caps, means, scales }
    }

    /// Number of different points (customers with identical standardised values count once).
    pub fn distinct_points(&self) -> usize {
        let mut keys: Vec<[u64; 3]> = self.points.iter().map(|p| p.map(f64::to_bits)).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.len()
    }
}

/// Quintile scores 1–5. A customer's score is `1 + ⌊5 · w / n⌋`, where `w` is the number of customers with a
/// strictly worse value (smaller, or larger when `lower_is_better`). Equal values always get equal scores, and
/// the best fifth gets 5 — so with many ties (a third of customers bought once) a score can be skipped rather than
/// splitting identical customers arbitrarily.
pub fn quintile_scores(values: &[f64], lower_is_better: bool) -> Vec<u8> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    values
        .iter()
        .map(|v| {
            let worse = if lower_is_better {
                n - sorted.partition_point(|x| x.total_cmp(v).is_le())
            } else {
                sorted.partition_point(|x| x.total_cmp(v).is_lt())
            };
            let score = 1 + (5 * worse) / n.max(1);
            u8::try_from(score.min(5)).unwrap_or(5)
        })
        .collect()
}

/// Mean and median of some values (zeros for none).
pub fn stat(values: &mut [f64]) -> Stat {
    if values.is_empty() {
        return Stat::default();
    }
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 };
    Stat { mean: values.iter().sum::<f64>() / n as f64, median }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfm(recency: u32, frequency: u32, monetary: f64) -> CustomerRfm {
        CustomerRfm { customer_id: String::new(), recency, frequency, monetary }
    }

    #[test]
    fn quantile_interpolates_like_numpy() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile(&values, 0.99), Some(9.91));
        assert_eq!(quantile(&values, 0.5), Some(5.5));
        assert_eq!(quantile(&[4.0], 0.99), Some(4.0));
        assert_eq!(quantile(&[], 0.99), None);
    }

    #[test]
    fn caps_logs_and_standardises() {
        let customers: Vec<CustomerRfm> = (0..100).map(|i| rfm(i, 1 + i % 3, f64::from(i * 10))).collect();
        let features = FeatureMatrix::build(&customers);
        // 99th percentile of 0..=99 is 98.01; of 0..=990 is 980.1.
        assert!((features.caps[0] - 98.01).abs() < 1e-9);
        assert!((features.caps[2] - 980.1).abs() < 1e-9);
        for j in 0..3 {
            let mean = features.points.iter().map(|p| p[j]).sum::<f64>() / 100.0;
            let var = features.points.iter().map(|p| (p[j] - mean).powi(2)).sum::<f64>() / 100.0;
            assert!(mean.abs() < 1e-12 && (var - 1.0).abs() < 1e-9, "column {j}: mean {mean}, var {var}");
        }
        // Customer 99 is capped: its recency becomes ln(1 + 98.01), standardised.
        let expected = (98.01f64.ln_1p() - features.means[0]) / features.scales[0];
        assert!((features.points[99][0] - expected).abs() < 1e-12);
    }

    #[test]
    fn a_constant_column_stays_at_zero() {
        let features = FeatureMatrix::build(&[rfm(1, 1, 5.0), rfm(2, 1, 6.0), rfm(3, 1, 7.0)]);
        assert_eq!(features.scales[1], 1.0);
        assert!(features.points.iter().all(|p| p[1] == 0.0));
        assert_eq!(features.distinct_points(), 3);
        assert_eq!(FeatureMatrix::build(&[rfm(1, 1, 5.0), rfm(1, 1, 5.0)]).distinct_points(), 1);
    }

    #[test]
    fn quintile_scores_are_tie_safe() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quintile_scores(&values, false), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(quintile_scores(&values, true), [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
        // Four customers bought once (40%): all score 1; the next value starts at 1 + ⌊5·4/10⌋ = 3.
        let frequency = [1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 5.0, 8.0, 20.0];
        assert_eq!(quintile_scores(&frequency, false), [1, 1, 1, 1, 3, 3, 4, 4, 5, 5]);
        assert_eq!(quintile_scores(&[7.0, 7.0, 7.0], false), [1, 1, 1]);
        assert_eq!(quintile_scores(&[7.0, 7.0, 7.0], true), [1, 1, 1]);
    }

    #[test]
    fn stat_gives_mean_and_median() {
        assert_eq!(stat(&mut [3.0, 1.0, 2.0]), Stat { mean: 2.0, median: 2.0 });
        assert_eq!(stat(&mut [4.0, 1.0, 2.0, 1.0]), Stat { mean: 2.0, median: 1.5 });
        assert_eq!(stat(&mut []), Stat::default());
    }
}
