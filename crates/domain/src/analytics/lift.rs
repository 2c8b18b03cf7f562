//! Whether high scores convert more: a lift table by score decile, ROC AUC and Brier score, derived from sums the
//! database computes per decile.

/// Fewer recorded outcomes than this give no lift table: with ten deciles of under five leads each, one call more or
/// less swings a decile's rate by 20 points.
pub const MIN_OUTCOMES: u64 = 50;

/// `numerator / denominator`, or `None` for an empty denominator.
pub fn rate(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// Sums over the leads of one decile, as the database returns them. Decile 1 holds the highest probabilities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecileSums {
    /// 1 to 10.
    pub decile: u8,
    /// Leads with a recorded outcome.
    pub count: u64,
    /// Of them, converted.
    pub positives: u64,
    /// Sum of their predicted probabilities.
    pub probability_sum: f64,
    /// Lowest probability.
    pub min_probability: f64,
    /// Highest probability.
    pub max_probability: f64,
    /// Sum, over the converted leads, of their rank among ALL outcomes by ascending probability (ties get the
    /// average of the ranks they span). Summed over the deciles it is the Mann–Whitney rank sum behind the AUC.
    pub positive_rank_sum: f64,
    /// Sum of (probability − outcome)², outcome 1 for converted and 0 for failed.
    pub squared_error_sum: f64,
}

/// One row of the lift table.
#[derive(Debug, Clone, PartialEq)]
pub struct Decile {
    /// 1 (highest scores) to 10.
    pub decile: u8,
    /// Leads with a recorded outcome.
    pub count: u64,
    /// Of them, converted.
    pub conversions: u64,
    /// Mean predicted probability.
    pub mean_probability: f64,
    /// Lowest probability.
    pub min_probability: f64,
    /// Highest probability.
    pub max_probability: f64,
    /// Observed conversion rate.
    pub conversion_rate: f64,
    /// Share of all conversions found in this decile and the ones above it.
    pub cumulative_capture: f64,
    /// Conversion rate over the base rate (1 = no better than calling at random).
    pub lift: f64,
    /// Conversion rate of this decile and the ones above it, over the base rate.
    pub cumulative_lift: f64,
}

/// The lift table and the quality of the scores against recorded outcomes.
#[derive(Debug, Clone, PartialEq)]
pub struct Lift {
    /// Leads with a recorded outcome.
    pub outcomes: u64,
    /// Of them, converted.
    pub conversions: u64,
    /// Conversion rate of all of them.
    pub base_rate: Option<f64>,
    /// Why no table is given; `None` when there is one.
    pub insufficient: Option<String>,
    /// The table (empty when insufficient).
    pub deciles: Vec<Decile>,
    /// Area under the ROC curve: the chance that a converted lead scored above a failed one (ties count half).
    pub auc: Option<f64>,
    /// Mean squared error of the probabilities against the outcomes (0 is perfect).
    pub brier: Option<f64>,
}

/// Derives the lift table, ROC AUC and Brier score from per-decile sums. With fewer than `min_outcomes` outcomes,
/// or without both a conversion and a failure, only the counts are given and `insufficient` says why.
pub fn lift(sums: &[DecileSums], min_outcomes: u64) -> Lift {
    let mut sums = sums.to_vec();
    sums.sort_by_key(|s| s.decile);
    let outcomes: u64 = sums.iter().map(|s| s.count).sum();
    let conversions: u64 = sums.iter().map(|s| s.positives).sum();
    let failures = outcomes - conversions.min(outcomes);
    let base_rate = rate(conversions, outcomes);
    let insufficient = if outcomes < min_outcomes {
        Some(format!(
            "{outcomes} leads have a recorded outcome (Converted or Failed); at least {min_outcomes} are needed"
        ))
    } else if conversions == 0 || failures == 0 {
        Some(format!(
            "the {outcomes} recorded outcomes are all {}; both conversions and failures are needed",
            if conversions == 0 { "failures" } else { "conversions" }
        ))
    } else {
        None
    };
    let (Some(base), None) = (base_rate, &insufficient) else {
        return Lift { outcomes, conversions, base_rate, insufficient, deciles: Vec::new(), auc: None, brier: None };
    };

    let mut cumulative_count = 0;
    let mut cumulative_conversions = 0;
    let deciles = sums
        .iter()
        .filter(|s| s.count > 0)
        .map(|s| {
            cumulative_count += s.count;
            cumulative_conversions += s.positives;
            let conversion_rate = s.positives as f64 / s.count as f64;
            let cumulative_rate = cumulative_conversions as f64 / cumulative_count as f64;
            Decile {
                decile: s.decile,
                count: s.count,
                conversions: s.positives,
                mean_probability: s.probability_sum / s.count as f64,
                min_probability: s.min_probability,
                max_probability: s.max_probability,
                conversion_rate,
                cumulative_capture: cumulative_conversions as f64 / conversions as f64,
                lift: conversion_rate / base,
                cumulative_lift: cumulative_rate / base,
            }
        })
        .collect();
    let (p, n) = (conversions as f64, failures as f64);
    let rank_sum: f64 = sums.iter().map(|s| s.positive_rank_sum).sum();
    let auc = (rank_sum - p * (p + 1.0) / 2.0) / (p * n);
    let brier = sums.iter().map(|s| s.squared_error_sum).sum::<f64>() / outcomes as f64;
    Lift { outcomes, conversions, base_rate, insufficient: None, deciles, auc: Some(auc), brier: Some(brier) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sums of one decile from its (probability, converted) rows and the rows' average ascending ranks.
    fn sums(decile: u8, rows: &[(f64, bool, f64)]) -> DecileSums {
        DecileSums {
            decile,
            count: rows.len() as u64,
            positives: rows.iter().filter(|r| r.1).count() as u64,
            probability_sum: rows.iter().map(|r| r.0).sum(),
            min_probability: rows.iter().map(|r| r.0).fold(f64::INFINITY, f64::min),
            max_probability: rows.iter().map(|r| r.0).fold(f64::NEG_INFINITY, f64::max),
            positive_rank_sum: rows.iter().filter(|r| r.1).map(|r| r.2).sum(),
            squared_error_sum: rows.iter().map(|r| (r.0 - f64::from(u8::from(r.1))).powi(2)).sum(),
        }
    }

    #[test]
    fn capture_lift_auc_and_brier_by_hand() {
        // Four leads, two deciles: (0.9 yes, rank 4), (0.6 no, rank 3) | (0.4 yes, rank 2), (0.1 no, rank 1).
        let table = [sums(1, &[(0.9, true, 4.0), (0.6, false, 3.0)]), sums(2, &[(0.4, true, 2.0), (0.1, false, 1.0)])];
        let got = lift(&table, 4);
        assert_eq!(got.insufficient, None);
        assert_eq!((got.outcomes, got.conversions, got.base_rate), (4, 2, Some(0.5)));
        let d1 = &got.deciles[0];
        assert!((d1.mean_probability - 0.75).abs() < 1e-12);
        assert_eq!((d1.conversion_rate, d1.cumulative_capture, d1.lift, d1.cumulative_lift), (0.5, 0.5, 1.0, 1.0));
        assert_eq!(got.deciles[1].cumulative_capture, 1.0);
        // Pairs (yes, no): (0.9, 0.6) ✓ (0.9, 0.1) ✓ (0.4, 0.6) ✗ (0.4, 0.1) ✓ → 3/4.
        assert_eq!(got.auc, Some(0.75));
        // (0.01 + 0.36 + 0.36 + 0.01) / 4.
        assert!((got.brier.unwrap_or_default() - 0.185).abs() < 1e-12);
    }

    #[test]
    fn ties_count_half() {
        // Every probability equal: each rank is the average 2.5, AUC 0.5.
        let table = [sums(1, &[(0.3, true, 2.5), (0.3, false, 2.5)]), sums(2, &[(0.3, true, 2.5), (0.3, false, 2.5)])];
        assert_eq!(lift(&table, 1).auc, Some(0.5));
    }

    #[test]
    fn too_few_outcomes_or_one_class_only_is_insufficient() {
        let few = lift(&[sums(1, &[(0.9, true, 2.0), (0.1, false, 1.0)])], MIN_OUTCOMES);
        assert!(few.insufficient.as_deref().is_some_and(|m| m.contains("at least 50")), "{few:?}");
        assert!(few.deciles.is_empty() && few.auc.is_none() && few.brier.is_none());
        assert_eq!((few.outcomes, few.conversions), (2, 1));
        let one_class = lift(&[sums(1, &[(0.9, true, 2.0), (0.1, true, 1.0)])], 2);
        assert!(one_class.insufficient.as_deref().is_some_and(|m| m.contains("all conversions")));
        let none = lift(&[], MIN_OUTCOMES);
        assert_eq!((none.outcomes, none.base_rate), (0, None));
        assert!(none.insufficient.is_some());
    }

    #[test]
    fn rate_of_nothing_is_none() {
        assert_eq!(rate(1, 0), None);
        assert_eq!(rate(1, 4), Some(0.25));
    }
}
