//! Names for clusters, read from their centroids, and the order clusters are numbered in.
//!
//! A centroid is in the standardised space, so each coordinate says how many standard deviations the segment's
//! typical customer sits from the average customer. Two scores are read from it:
//!
//! - **recentness** `r = −z_R` (recency counts days, so fewer days is better);
//! - **value** `v = (z_F + z_M) / 2`, the mean of frequency and monetary.
//!
//! Each is put in a band — high above +0.5, low below −0.5, middle in between — and the pair of bands names the
//! segment after the classic RFM segment map:
//!
//! | recentness \ value | high      | middle              | low           |
//! |--------------------|-----------|---------------------|---------------|
//! | high               | Champions | Potential Loyalists | New Customers |
//! | middle             | Loyal     | Need Attention      | About to Sleep|
//! | low                | At Risk   | Hibernating         | Lost          |
//!
//! Clusters are numbered by `(r + z_F + z_M) / 3`, best first, so cluster 0 is the most valuable segment.
//!
//! Names are unique: clusters choose in order of how far their worth is from average (the best and the worst
//! first, so they anchor the corners of the map), and each takes the name of the nearest cell not yet taken —
//! its own cell when free, otherwise the cell whose region is closest to its `(r, v)`. Only a tenth cluster must
//! repeat a name, and it gets a number: "Lost 2".

use crate::string_enum;

/// Half-width of the middle band, in standard deviations.
pub const BAND: f64 = 0.5;

string_enum!(
    /// The names a segment can get (before numbering duplicates).
    SegmentLabel, "segment" {
        /// Bought recently, often, and spent the most.
        Champions => "Champions",
        /// Bought recently, average frequency and spend.
        PotentialLoyalists => "Potential Loyalists",
        /// Bought recently, but little so far.
        NewCustomers => "New Customers",
        /// Not the most recent, but frequent and big spenders.
        Loyal => "Loyal",
        /// Average on everything.
        NeedAttention => "Need Attention",
        /// Average recency, little value.
        AboutToSleep => "About to Sleep",
        /// Used to be valuable, not seen for a long time.
        AtRisk => "At Risk",
        /// Not seen for a long time, average value.
        Hibernating => "Hibernating",
        /// Not seen for a long time, little value.
        Lost => "Lost",
    }
);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Band {
    High,
    Middle,
    Low,
}

fn band(x: f64) -> Band {
    if x > BAND {
        Band::High
    } else if x < -BAND {
        Band::Low
    } else {
        Band::Middle
    }
}

/// The label of one centroid `[z_R, z_F, z_M]`.
pub fn label(centroid: [f64; 3]) -> SegmentLabel {
    let recentness = -centroid[0];
    let value = (centroid[1] + centroid[2]) / 2.0;
    match (band(recentness), band(value)) {
        (Band::High, Band::High) => SegmentLabel::Champions,
        (Band::High, Band::Middle) => SegmentLabel::PotentialLoyalists,
        (Band::High, Band::Low) => SegmentLabel::NewCustomers,
        (Band::Middle, Band::High) => SegmentLabel::Loyal,
        (Band::Middle, Band::Middle) => SegmentLabel::NeedAttention,
        (Band::Middle, Band::Low) => SegmentLabel::AboutToSleep,
        (Band::Low, Band::High) => SegmentLabel::AtRisk,
        (Band::Low, Band::Middle) => SegmentLabel::Hibernating,
        (Band::Low, Band::Low) => SegmentLabel::Lost,
    }
}

/// Overall worth of a centroid: mean of recentness, frequency and monetary z-scores.
pub fn worth(centroid: [f64; 3]) -> f64 {
    (-centroid[0] + centroid[1] + centroid[2]) / 3.0
}

/// The order to number clusters in: indices of `centroids`, most valuable first (ties by original index).
pub fn cluster_order(centroids: &[[f64; 3]]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..centroids.len()).collect();
    order.sort_by(|&a, &b| worth(centroids[b]).total_cmp(&worth(centroids[a])).then(a.cmp(&b)));
    order
}

/// The cell of a label: (recentness band, value band).
fn cell(label: SegmentLabel) -> (Band, Band) {
    match label {
        SegmentLabel::Champions => (Band::High, Band::High),
        SegmentLabel::PotentialLoyalists => (Band::High, Band::Middle),
        SegmentLabel::NewCustomers => (Band::High, Band::Low),
        SegmentLabel::Loyal => (Band::Middle, Band::High),
        SegmentLabel::NeedAttention => (Band::Middle, Band::Middle),
        SegmentLabel::AboutToSleep => (Band::Middle, Band::Low),
        SegmentLabel::AtRisk => (Band::Low, Band::High),
        SegmentLabel::Hibernating => (Band::Low, Band::Middle),
        SegmentLabel::Lost => (Band::Low, Band::Low),
    }
}

/// How far `x` is outside a band (0 inside it).
fn outside(x: f64, band: Band) -> f64 {
    match band {
        Band::High => (BAND - x).max(0.0),
        Band::Middle => (x.abs() - BAND).max(0.0),
        Band::Low => (x + BAND).max(0.0),
    }
}

/// Distance from a centroid's `(r, v)` to the region of a label's cell.
fn distance(centroid: [f64; 3], label: SegmentLabel) -> f64 {
    let (recent_band, value_band) = cell(label);
    let r = outside(-centroid[0], recent_band);
    let v = outside((centroid[1] + centroid[2]) / 2.0, value_band);
    r.hypot(v)
}

/// A unique name for each centroid (given in cluster order); see the module documentation for the rule.
pub fn names(centroids: &[[f64; 3]]) -> Vec<String> {
    let mut choosing: Vec<usize> = (0..centroids.len()).collect();
    choosing.sort_by(|&a, &b| worth(centroids[b]).abs().total_cmp(&worth(centroids[a]).abs()).then(a.cmp(&b)));
    let mut chosen: Vec<Option<SegmentLabel>> = vec![None; centroids.len()];
    for &i in &choosing {
        let own = label(centroids[i]);
        let free = SegmentLabel::ALL.iter().copied().filter(|l| !chosen.contains(&Some(*l))).min_by(|a, b| {
            distance(centroids[i], *a).total_cmp(&distance(centroids[i], *b)).then((*a != own).cmp(&(*b != own)))
        });
        chosen[i] = Some(free.unwrap_or(own));
    }
    let mut seen: Vec<SegmentLabel> = Vec::new();
    chosen
        .into_iter()
        .zip(centroids)
        .map(|(label, centroid)| {
            let label = label.unwrap_or_else(|| self::label(*centroid));
            seen.push(label);
            let count = seen.iter().filter(|l| **l == label).count();
            if count == 1 { label.as_str().to_owned() } else { format!("{} {count}", label.as_str()) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_of_the_map() {
        let cases = [
            ([-1.0, 1.0, 1.0], "Champions"),
            ([-1.0, 0.0, 0.2], "Potential Loyalists"),
            ([-1.0, -1.0, -0.8], "New Customers"),
            ([0.0, 1.0, 0.6], "Loyal"),
            ([0.2, 0.1, -0.1], "Need Attention"),
            ([0.4, -1.0, -1.0], "About to Sleep"),
            ([1.0, 1.0, 1.0], "At Risk"),
            ([1.0, 0.3, -0.2], "Hibernating"),
            ([1.2, -1.1, -1.3], "Lost"),
        ];
        for (centroid, name) in cases {
            assert_eq!(label(centroid).as_str(), name, "{centroid:?}");
        }
    }

    #[test]
    fn band_edges_belong_to_the_middle() {
        assert_eq!(label([-0.5, 0.5, 0.5]), SegmentLabel::NeedAttention);
        assert_eq!(label([-0.51, 0.51, 0.51]), SegmentLabel::Champions);
    }

    #[test]
    fn clusters_are_ordered_best_first() {
        let centroids = [[1.2, -1.0, -1.0], [-1.0, 1.5, 1.5], [0.0, 0.0, 0.0]];
        assert_eq!(cluster_order(&centroids), [1, 2, 0]);
    }

    #[test]
    fn a_taken_cell_sends_a_cluster_to_the_nearest_free_one() {
        // Two clusters in the Champions cell: the more valuable keeps it; the other is closer to the Loyal cell
        // (its recentness 0.6 is 0.1 inside the high band) than to Potential Loyalists (its value 0.9 is 0.4 in).
        let four = names(&[[-1.0, 1.0, 1.0], [-0.6, 0.9, 0.9], [1.5, -1.5, -1.5], [1.0, -1.0, -1.0]]);
        assert_eq!(four, ["Champions", "Loyal", "Lost", "About to Sleep"]);
        // The worst cluster chooses before the nearly-as-bad one, so it is the one called Lost.
        let two = names(&[[1.0, -1.0, -1.0], [1.5, -1.5, -1.5]]);
        assert_eq!(two, ["About to Sleep", "Lost"]);
    }

    #[test]
    fn only_a_tenth_cluster_repeats_a_name() {
        let mut centroids: Vec<[f64; 3]> = Vec::new();
        for r in [-1.0, 0.0, 1.0] {
            for v in [1.0, 0.0, -1.0] {
                centroids.push([r, v, v]);
            }
        }
        let nine = names(&centroids);
        let own: Vec<&str> = centroids.iter().map(|c| label(*c).as_str()).collect();
        assert_eq!(nine, own, "one cluster per cell: every cluster keeps its own cell's name");
        centroids.push([-1.2, 1.2, 1.2]);
        let ten = names(&centroids);
        let numbered: Vec<&String> = ten.iter().filter(|n| n.ends_with(" 2")).collect();
        assert_eq!(numbered.len(), 1, "{ten:?}");
        assert_eq!(ten[9], "Champions", "the most extreme cluster chooses first: {ten:?}");
    }
}
