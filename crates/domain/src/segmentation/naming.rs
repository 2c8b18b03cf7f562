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
//! Clusters are numbered by `(r + z_F + z_M) / 3`, best first, so cluster 0 is the most valuable segment. When two
//! clusters fall in the same cell, the later one gets a number: "Lost", "Lost 2".

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

/// A name for each centroid (already in cluster order), unique within the list.
pub fn names(centroids: &[[f64; 3]]) -> Vec<String> {
    let mut seen: Vec<(SegmentLabel, usize)> = Vec::new();
    centroids
        .iter()
        .map(|c| {
            let label = label(*c);
            let count = match seen.iter_mut().find(|(l, _)| *l == label) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    seen.push((label, 1));
                    1
                }
            };
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
    fn duplicate_names_are_numbered() {
        let names = names(&[[-1.0, 1.0, 1.0], [1.0, -1.0, -1.0], [1.5, -1.5, -1.5], [-0.9, 0.9, 0.9]]);
        assert_eq!(names, ["Champions", "Lost", "Lost 2", "Champions 2"]);
    }
}
