//! The RFM analysis of a read file, step by step: RFM table → features → k-means → named segments and scores.
//! The service runs [`analyse`]; `leadscore segment` runs the same steps one by one to time them.

use chrono::{DateTime, NaiveDate, Utc};
use leadscore_domain::segmentation::features::{FeatureMatrix, quintile_scores, stat};
use leadscore_domain::segmentation::naming;
use leadscore_domain::segmentation::rfm::{self, CustomerRfm};
use leadscore_domain::segmentation::{Analysis, ClusterCount, KCandidate, RfmTriple, Segment, SegmentedCustomer};
use rayon::prelude::*;
use uuid::Uuid;

use super::clustering::{Clustering, KMeansSettings, kmeans, silhouette};
use super::parsed::ParsedTransactions;
use crate::AppError;

/// RFM values of every customer at a snapshot date.
#[derive(Debug, Clone, PartialEq)]
pub struct RfmTable {
    /// Recency is counted up to this date.
    pub snapshot_date: NaiveDate,
    /// One entry per customer, ordered by customer id.
    pub customers: Vec<CustomerRfm>,
}

/// Computes the RFM table; the snapshot defaults to the day after the last invoice and may not be earlier than the
/// last invoice's date.
pub fn rfm_table(parsed: &ParsedTransactions, snapshot: Option<NaiveDate>) -> Result<RfmTable, AppError> {
    let last = parsed.last_invoice.ok_or_else(|| AppError::BadRequest("the dataset has no purchases".into()))?;
    let snapshot_date = snapshot.unwrap_or_else(|| rfm::default_snapshot(last));
    if snapshot_date < last.date() {
        return Err(AppError::field(
            "snapshotDate",
            format!("must not be before the last invoice date ({})", last.date()),
        ));
    }
    Ok(RfmTable { snapshot_date, customers: rfm::compute(&parsed.activities, snapshot_date)? })
}

/// The k values to try: the fixed one, or 2–8 for `auto`. A k needs more customers than clusters (the silhouette
/// is undefined otherwise) and at least k distinct customer profiles.
pub fn candidate_ks(customers: usize, distinct: usize, count: ClusterCount) -> Result<Vec<usize>, AppError> {
    match count {
        ClusterCount::Fixed(k) => {
            let k = usize::from(k);
            if customers <= k {
                return Err(AppError::field(
                    "k",
                    format!("must be less than the number of customers in the dataset ({customers})"),
                ));
            }
            if distinct < k {
                return Err(AppError::field(
                    "k",
                    format!(
                        "the dataset has only {distinct} distinct customer profiles: choose k of at most {distinct}"
                    ),
                ));
            }
            Ok(vec![k])
        }
        ClusterCount::Auto => {
            let largest = usize::from(ClusterCount::AUTO_MAX).min(customers.saturating_sub(1)).min(distinct);
            if largest < usize::from(ClusterCount::MIN) {
                return Err(AppError::field(
                    "k",
                    format!(
                        "\"auto\" needs at least 3 customers with 2 distinct profiles (the dataset has {customers})"
                    ),
                ));
            }
            Ok((usize::from(ClusterCount::MIN)..=largest).collect())
        }
    }
}

/// The clustering kept, and how it was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct ChosenClustering {
    /// Labels and centroids.
    pub clustering: Clustering,
    /// Whether k was chosen by silhouette.
    pub auto_k: bool,
    /// With `auto_k`, every k tried and its silhouette.
    pub candidates: Vec<KCandidate>,
    /// Silhouette of the kept clustering.
    pub silhouette: f64,
}

/// Runs k-means for the requested k, or for each k of `auto` (in parallel) keeping the best silhouette (the
/// smaller k on a tie).
pub fn cluster(
    features: &FeatureMatrix,
    count: ClusterCount,
    settings: &KMeansSettings,
) -> Result<ChosenClustering, AppError> {
    let ks = candidate_ks(features.points.len(), features.distinct_points(), count)?;
    let points = &features.points;
    let mut runs: Vec<(usize, Clustering, f64)> = ks
        .par_iter()
        .map(|&k| {
            let clustering = kmeans(points, k, settings)?;
            let score = silhouette(points, &clustering.labels, clustering.k()).unwrap_or(f64::NAN);
            Ok((k, clustering, score))
        })
        .collect::<Result<_, AppError>>()?;
    let auto_k = count == ClusterCount::Auto;
    let candidates = if auto_k {
        runs.iter().map(|(k, _, s)| KCandidate { k: u8::try_from(*k).unwrap_or(u8::MAX), silhouette: *s }).collect()
    } else {
        Vec::new()
    };
    let best = (0..runs.len())
        .reduce(|best, i| if runs[i].2 > runs[best].2 || runs[best].2.is_nan() { i } else { best })
        .ok_or_else(|| AppError::Internal("no clustering was computed".into()))?;
    let (_, clustering, silhouette) = runs.swap_remove(best);
    Ok(ChosenClustering {
        clustering,
        auto_k,
        candidates,
        silhouette: if silhouette.is_nan() { 0.0 } else { silhouette },
    })
}

/// Everything an analysis stores, before it gets an id.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisOutcome {
    /// Segments made.
    pub k: u8,
    /// Whether k was chosen by silhouette.
    pub auto_k: bool,
    /// With `auto_k`: every k tried.
    pub candidates: Vec<KCandidate>,
    /// Snapshot date used.
    pub snapshot_date: NaiveDate,
    /// Mean silhouette.
    pub silhouette: f64,
    /// Σ squared distances to centroids.
    pub inertia: f64,
    /// Σ monetary.
    pub total_revenue: f64,
    /// k-means seed.
    pub seed: u64,
    /// k-means restarts.
    pub restarts: u32,
    /// Segments, best first.
    pub segments: Vec<Segment>,
    /// Every customer, ordered by customer id.
    pub customers: Vec<SegmentedCustomer>,
}

impl AnalysisOutcome {
    /// The stored form.
    pub fn into_analysis(
        self,
        id: Uuid,
        dataset_id: Uuid,
        owner_id: Uuid,
        created_at: DateTime<Utc>,
    ) -> (Analysis, Vec<SegmentedCustomer>) {
        let analysis = Analysis {
            id,
            dataset_id,
            owner_id,
            k: self.k,
            auto_k: self.auto_k,
            candidates: self.candidates,
            snapshot_date: self.snapshot_date,
            customers: self.customers.len() as u64,
            silhouette: self.silhouette,
            inertia: self.inertia,
            total_revenue: self.total_revenue,
            seed: self.seed,
            restarts: self.restarts,
            segments: self.segments,
            created_at,
        };
        (analysis, self.customers)
    }
}

/// Numbers the clusters best first, names them from their centroids, scores every customer and sums up each
/// segment.
pub fn describe(table: &RfmTable, chosen: ChosenClustering, settings: &KMeansSettings) -> AnalysisOutcome {
    let ChosenClustering { clustering, auto_k, candidates, silhouette } = chosen;
    let order = naming::cluster_order(&clustering.centroids);
    let mut position = vec![0usize; order.len()];
    for (new, &old) in order.iter().enumerate() {
        position[old] = new;
    }
    let centroids: Vec<[f64; 3]> = order.iter().map(|&old| clustering.centroids[old]).collect();
    let names = naming::names(&centroids);
    let recency: Vec<f64> = table.customers.iter().map(|c| f64::from(c.recency)).collect();
    let frequency: Vec<f64> = table.customers.iter().map(|c| f64::from(c.frequency)).collect();
    let monetary: Vec<f64> = table.customers.iter().map(|c| c.monetary).collect();
    let (r_scores, f_scores, m_scores) =
        (quintile_scores(&recency, true), quintile_scores(&frequency, false), quintile_scores(&monetary, false));
    let total_revenue: f64 = monetary.iter().sum();
    let customers: Vec<SegmentedCustomer> = table
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let cluster = position[clustering.labels[i]];
            SegmentedCustomer {
                customer_id: c.customer_id.clone(),
                recency: c.recency,
                frequency: c.frequency,
                monetary: c.monetary,
                r_score: r_scores[i],
                f_score: f_scores[i],
                m_score: m_scores[i],
                cluster: u8::try_from(cluster).unwrap_or(u8::MAX),
                segment: names[cluster].clone(),
            }
        })
        .collect();
    let segments = (0..centroids.len())
        .map(|cluster| {
            let members: Vec<usize> =
                (0..customers.len()).filter(|&i| usize::from(customers[i].cluster) == cluster).collect();
            let values = |f: &dyn Fn(usize) -> f64| members.iter().map(|&i| f(i)).collect::<Vec<f64>>();
            let revenue: f64 = members.iter().map(|&i| monetary[i]).sum();
            Segment {
                cluster: u8::try_from(cluster).unwrap_or(u8::MAX),
                name: names[cluster].clone(),
                size: members.len() as u64,
                recency: stat(&mut values(&|i| recency[i])),
                frequency: stat(&mut values(&|i| frequency[i])),
                monetary: stat(&mut values(&|i| monetary[i])),
                revenue,
                revenue_share: if total_revenue > 0.0 { revenue / total_revenue } else { 0.0 },
                centroid: RfmTriple {
                    recency: centroids[cluster][0],
                    frequency: centroids[cluster][1],
                    monetary: centroids[cluster][2],
                },
            }
        })
        .collect();
    AnalysisOutcome {
        k: u8::try_from(centroids.len()).unwrap_or(u8::MAX),
        auto_k,
        candidates,
        snapshot_date: table.snapshot_date,
        silhouette,
        inertia: clustering.inertia,
        total_revenue,
        seed: settings.seed,
        restarts: u32::try_from(settings.restarts).unwrap_or(u32::MAX),
        segments,
        customers,
    }
}

/// The whole analysis of a read file.
pub fn analyse(
    parsed: &ParsedTransactions,
    count: ClusterCount,
    snapshot: Option<NaiveDate>,
    settings: &KMeansSettings,
) -> Result<AnalysisOutcome, AppError> {
    let table = rfm_table(parsed, snapshot)?;
    let features = FeatureMatrix::build(&table.customers);
    let chosen = cluster(&features, count, settings)?;
    Ok(describe(&table, chosen, settings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use leadscore_domain::segmentation::DatasetFormat;
    use leadscore_domain::segmentation::transactions::{ColumnMap, DateOrder, FileLayout, TransactionScanner};

    use crate::segmentation::parsed::finish;

    /// A plain comma-separated file (no quotes) through the domain's scanner: the pipeline tests need no file
    /// format.
    fn read_transactions(bytes: &[u8]) -> Result<ParsedTransactions, AppError> {
        let text = std::str::from_utf8(bytes).map_err(|e| AppError::BadRequest(e.to_string()))?;
        let mut lines = text.lines();
        let header: Vec<String> = lines.next().unwrap_or_default().split(',').map(str::to_owned).collect();
        let columns = ColumnMap::from_header(&header).map_err(|_| AppError::BadRequest("columns".into()))?;
        let layout = FileLayout { columns, dates: DateOrder::YearFirst, decimal_comma: false };
        let mut scanner = TransactionScanner::new(&layout);
        for (i, line) in lines.enumerate() {
            let cells: Vec<&str> = line.split(',').collect();
            scanner.push(i as u64 + 2, |c| cells.get(c).map(|s| s.as_bytes()));
        }
        finish(DatasetFormat::Csv, scanner.finish())
    }

    /// Twelve customers in three obvious groups: recent big spenders, middling ones, and one-off old buyers.
    fn sample_file() -> String {
        let mut csv =
            String::from("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
        let mut invoice = 1000;
        for c in 0..4 {
            for day in [1, 5, 9, 12, 15, 20] {
                invoice += 1;
                csv.push_str(&format!("{invoice},A,x,{},2011-12-{day:02} 10:00:00,10,{},UK\n", 10 + c, 100 + c));
            }
        }
        for c in 0..4 {
            for day in [1, 8] {
                invoice += 1;
                csv.push_str(&format!("{invoice},A,x,{},2011-10-{day:02} 10:00:00,5,{},UK\n", 3 + c, 200 + c));
            }
        }
        for c in 0..4 {
            invoice += 1;
            csv.push_str(&format!("{invoice},A,x,1,2011-01-{:02} 10:00:00,{},{},UK\n", 3 + c, 2 + c, 300 + c));
        }
        csv
    }

    #[test]
    fn computes_rfm_by_hand_and_names_three_groups() {
        let parsed = read_transactions(sample_file().as_bytes()).unwrap();
        let table = rfm_table(&parsed, None).unwrap();
        assert_eq!(table.snapshot_date, NaiveDate::from_ymd_opt(2011, 12, 21).unwrap());
        let first = &table.customers[0];
        // Customer 100: six invoices, 10 units × 10 each, last on the 20th.
        assert_eq!((first.customer_id.as_str(), first.recency, first.frequency, first.monetary), ("100", 1, 6, 600.0));
        let old = table.customers.iter().find(|c| c.customer_id == "303").unwrap();
        assert_eq!((old.recency, old.frequency, old.monetary), (349, 1, 5.0));

        let outcome = analyse(&parsed, ClusterCount::Fixed(3), None, &KMeansSettings::default()).unwrap();
        assert_eq!(outcome.k, 3);
        assert_eq!(outcome.segments.iter().map(|s| s.size).collect::<Vec<_>>(), [4, 4, 4]);
        assert_eq!(outcome.segments[0].name, "Champions");
        assert_eq!(outcome.segments[2].name, "Lost");
        let champion = outcome.customers.iter().find(|c| c.customer_id == "103").unwrap();
        assert_eq!((champion.cluster, champion.segment.as_str()), (0, "Champions"));
        // Four customers tie for the best recency and frequency: 8 of 12 are worse, so 1 + ⌊5·8/12⌋ = 4.
        assert_eq!((champion.r_score, champion.f_score, champion.m_score), (4, 4, 5));
        assert!(outcome.silhouette > 0.5, "{}", outcome.silhouette);
        let share: f64 = outcome.segments.iter().map(|s| s.revenue_share).sum();
        assert!((share - 1.0).abs() < 1e-12);
        assert_eq!(outcome.segments[0].frequency.median, 6.0);
        assert_eq!(outcome.segments[2].recency.mean, (352.0 + 351.0 + 350.0 + 349.0) / 4.0);
        assert_eq!(analyse(&parsed, ClusterCount::Fixed(3), None, &KMeansSettings::default()).unwrap(), outcome);
    }

    #[test]
    fn auto_tries_2_to_8_and_keeps_the_best_silhouette() {
        let parsed = read_transactions(sample_file().as_bytes()).unwrap();
        let outcome = analyse(&parsed, ClusterCount::Auto, None, &KMeansSettings::default()).unwrap();
        assert!(outcome.auto_k);
        assert_eq!(outcome.candidates.iter().map(|c| c.k).collect::<Vec<_>>(), (2..=8).collect::<Vec<u8>>());
        let best = outcome.candidates.iter().map(|c| c.silhouette).fold(f64::MIN, f64::max);
        assert_eq!(outcome.silhouette, best);
    }

    #[test]
    fn refuses_k_above_the_customers_and_early_snapshots() {
        let parsed = read_transactions(sample_file().as_bytes()).unwrap();
        let err = candidate_ks(10, 10, ClusterCount::Fixed(10));
        assert!(matches!(err, Err(AppError::Validation(ref f)) if f[0].field == "k" && f[0].message.contains("(10)")));
        let early = NaiveDate::from_ymd_opt(2011, 12, 19);
        let err = analyse(&parsed, ClusterCount::Fixed(3), early, &KMeansSettings::default());
        assert!(matches!(err, Err(AppError::Validation(ref f)) if f[0].field == "snapshotDate"));
        assert!(candidate_ks(2, 2, ClusterCount::Auto).is_err());
        assert_eq!(candidate_ks(3, 3, ClusterCount::Auto).unwrap(), [2]);
        assert!(candidate_ks(12, 2, ClusterCount::Fixed(3)).is_err());
    }
}
