//! RFM analyses: the request (with its `k` parameter) and the result with its segments.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use garde::Validate;
use leadscore_application::segmentation::AnalysisRequest;
use leadscore_domain::segmentation::{Analysis, ClusterCount, KCandidate, RfmTriple, Segment};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::StatDto;

/// A centroid in the standardised space: z-scores of the capped, log1p-transformed R, F and M.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"recency": -1.21, "frequency": 1.43, "monetary": 1.52}))]
pub struct CentroidDto {
    /// Recency z-score (negative = more recent than average).
    pub recency: f64,
    /// Frequency z-score.
    pub frequency: f64,
    /// Monetary z-score.
    pub monetary: f64,
}

impl From<RfmTriple> for CentroidDto {
    fn from(t: RfmTriple) -> Self {
        Self { recency: t.recency, frequency: t.frequency, monetary: t.monetary }
    }
}

/// One segment of an analysis.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"cluster": 0, "name": "Champions", "size": 716, "customerShare": 0.165,
    "recency": {"mean": 12.4, "median": 9.0}, "frequency": {"mean": 13.6, "median": 9.0},
    "monetary": {"mean": 7021.5, "median": 3288.9}, "revenue": 5027394.2, "revenueShare": 0.564,
    "centroid": {"recency": -1.21, "frequency": 1.43, "monetary": 1.52}}))]
pub struct SegmentDto {
    /// Cluster number; 0 is the most valuable segment.
    pub cluster: u8,
    /// Name from the centroid (see docs/segmentation.md): Champions, Loyal, Potential Loyalists, New Customers,
    /// Need Attention, About to Sleep, At Risk, Hibernating, Lost; a repeated name gets a number ("Lost 2").
    pub name: String,
    /// Customers.
    pub size: u64,
    /// Share of the analysed customers, 0–1.
    pub customer_share: f64,
    /// Days since the last purchase.
    pub recency: StatDto,
    /// Distinct invoices.
    pub frequency: StatDto,
    /// Total spent.
    pub monetary: StatDto,
    /// Σ monetary of the segment.
    pub revenue: f64,
    /// Share of all revenue, 0–1.
    pub revenue_share: f64,
    /// Standardised centroid.
    pub centroid: CentroidDto,
}

/// A k tried by an automatic choice.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"k": 4, "silhouette": 0.337}))]
pub struct KCandidateDto {
    /// Number of clusters.
    pub k: u8,
    /// Mean silhouette.
    pub silhouette: f64,
}

impl From<KCandidate> for KCandidateDto {
    fn from(c: KCandidate) -> Self {
        Self { k: c.k, silhouette: c.silhouette }
    }
}

/// How k was set.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum KModeDto {
    /// Given in the request (or the default 5).
    Fixed,
    /// Best silhouette over 2–8.
    Auto,
}

/// An RFM analysis with its segments.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "019a5a3d-1111-7c4a-9f1e-2b3c4d5e6f70", "datasetId": "019a5a3c-7d1e-7c4a-9f1e-2b3c4d5e6f70",
    "ownerId": "019a5a3c-0000-7c4a-9f1e-2b3c4d5e6f70", "k": 5, "kMode": "fixed", "candidates": [],
    "snapshotDate": "2011-12-10", "customers": 4338, "silhouette": 0.31, "inertia": 3167.7,
    "totalRevenue": 8911407.9, "seed": 42, "restarts": 10,
    "segments": [{"cluster": 0, "name": "Champions", "size": 716, "customerShare": 0.165,
        "recency": {"mean": 12.4, "median": 9.0}, "frequency": {"mean": 13.6, "median": 9.0},
        "monetary": {"mean": 7021.5, "median": 3288.9}, "revenue": 5027394.2, "revenueShare": 0.564,
        "centroid": {"recency": -1.21, "frequency": 1.43, "monetary": 1.52}}],
    "createdAt": "2026-11-22T08:31:00Z"}))]
pub struct AnalysisDto {
    /// Analysis id.
    pub id: Uuid,
    /// The dataset analysed.
    pub dataset_id: Uuid,
    /// Owner of the dataset.
    pub owner_id: Uuid,
    /// Segments made.
    pub k: u8,
    /// Whether k was given or chosen by silhouette.
    pub k_mode: KModeDto,
    /// With `kMode: auto`, every k tried and its silhouette; empty otherwise.
    pub candidates: Vec<KCandidateDto>,
    /// Recency is counted in days up to this date.
    pub snapshot_date: NaiveDate,
    /// Customers segmented.
    pub customers: u64,
    /// Mean silhouette, −1 to 1 (higher = better separated; on an even sample above 10,000 customers).
    pub silhouette: f64,
    /// Σ squared distance of each customer to its centroid (standardised space).
    pub inertia: f64,
    /// Σ monetary over all customers.
    pub total_revenue: f64,
    /// k-means seed.
    pub seed: u64,
    /// k-means++ restarts; the lowest-inertia one is kept.
    pub restarts: u32,
    /// Segments, best first.
    pub segments: Vec<SegmentDto>,
    /// When it was run.
    pub created_at: DateTime<Utc>,
}

fn segment_dto(s: Segment, customers: u64) -> SegmentDto {
    SegmentDto {
        cluster: s.cluster,
        name: s.name,
        size: s.size,
        customer_share: if customers > 0 { s.size as f64 / customers as f64 } else { 0.0 },
        recency: s.recency.into(),
        frequency: s.frequency.into(),
        monetary: s.monetary.into(),
        revenue: s.revenue,
        revenue_share: s.revenue_share,
        centroid: s.centroid.into(),
    }
}

impl From<Analysis> for AnalysisDto {
    fn from(a: Analysis) -> Self {
        let customers = a.customers;
        Self {
            id: a.id,
            dataset_id: a.dataset_id,
            owner_id: a.owner_id,
            k: a.k,
            k_mode: if a.auto_k { KModeDto::Auto } else { KModeDto::Fixed },
            candidates: a.candidates.into_iter().map(KCandidateDto::from).collect(),
            snapshot_date: a.snapshot_date,
            customers,
            silhouette: a.silhouette,
            inertia: a.inertia,
            total_revenue: a.total_revenue,
            seed: a.seed,
            restarts: a.restarts,
            segments: a.segments.into_iter().map(|s| segment_dto(s, customers)).collect(),
            created_at: a.created_at,
        }
    }
}

/// `k`: an integer from 2 to 10, or `"auto"` (best silhouette over 2–8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KParam {
    /// A fixed number of segments, 2–10.
    Count(u8),
    /// Choose k by silhouette.
    Auto,
}

impl utoipa::PartialSchema for KParam {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::Ref;
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(2))
                    .maximum(Some(10))
                    .description(Some("A fixed number of segments")),
            )
            .item(Ref::from_schema_name(KAuto::name()))
            .description(Some("`k`: an integer from 2 to 10, or `\"auto\"`"))
            .into()
    }
}

impl ToSchema for KParam {
    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        schemas.push((KAuto::name().into_owned(), <KAuto as utoipa::PartialSchema>::schema()));
    }
}

/// `k = "auto"`: the k in 2–8 with the best mean silhouette. Its own type so that client generators name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ToSchema)]
pub enum KAuto {
    /// Choose k by silhouette.
    #[schema(rename = "auto")]
    Auto,
}

const K_EXPECTED: &str = "an integer from 2 to 10 or \"auto\"";

impl<'de> Deserialize<'de> for KParam {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KVisitor;

        impl Visitor<'_> for KVisitor {
            type Value = KParam;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(K_EXPECTED)
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<KParam, E> {
                match ClusterCount::fixed(value) {
                    Ok(ClusterCount::Fixed(k)) => Ok(KParam::Count(k)),
                    _ => Err(E::custom(format!("must be {K_EXPECTED}"))),
                }
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<KParam, E> {
                self.visit_i64(i64::try_from(value).unwrap_or(i64::MAX))
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<KParam, E> {
                Err(E::custom(format!("must be {K_EXPECTED}")))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<KParam, E> {
                if value.eq_ignore_ascii_case("auto") {
                    Ok(KParam::Auto)
                } else {
                    Err(E::custom(format!("must be {K_EXPECTED}")))
                }
            }
        }

        deserializer.deserialize_any(KVisitor)
    }
}

/// Parameters of a new analysis. `{}` runs with k = 5 and the default snapshot date.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"k": "auto", "snapshotDate": "2011-12-10"}))]
pub struct CreateAnalysisRequest {
    /// Segments: 2–10 (default 5) or "auto" (best silhouette over 2–8). Must be less than the customers.
    #[garde(skip)]
    pub k: Option<KParam>,
    /// Count recency up to this date (YYYY-MM-DD); default: the day after the last invoice. It may not be before
    /// the last invoice's date.
    #[garde(skip)]
    pub snapshot_date: Option<NaiveDate>,
}

impl From<CreateAnalysisRequest> for AnalysisRequest {
    fn from(body: CreateAnalysisRequest) -> Self {
        AnalysisRequest {
            k: match body.k {
                None => ClusterCount::DEFAULT,
                Some(KParam::Count(k)) => ClusterCount::Fixed(k),
                Some(KParam::Auto) => ClusterCount::Auto,
            },
            snapshot_date: body.snapshot_date,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<CreateAnalysisRequest, String> {
        crate::extract::parse_json::<CreateAnalysisRequest>(json.as_bytes()).map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn k_is_an_integer_from_2_to_10_or_auto() {
        assert_eq!(parse(r#"{"k": 7}"#).unwrap().k, Some(KParam::Count(7)));
        assert_eq!(parse(r#"{"k": "auto"}"#).unwrap().k, Some(KParam::Auto));
        assert_eq!(parse("{}").unwrap().k, None);
        for bad in [r#"{"k": 1}"#, r#"{"k": 11}"#, r#"{"k": 2.5}"#, r#"{"k": "five"}"#, r#"{"k": -3}"#] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("\"k\"") || err.contains("field: \"k\""), "{bad}: {err}");
        }
        assert!(parse(r#"{"snapshotDate": "2011-13-01"}"#).unwrap_err().contains("snapshotDate"));
        assert!(parse(r#"{"clusters": 3}"#).is_err());
    }
}
