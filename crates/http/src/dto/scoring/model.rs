//! The model in service, its reload, and bulk rescoring.

use garde::Validate;
use leadscore_application::scoring::{ImportScoring, ReloadReport, RescoreReport, ScoringModel};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::dto::criteria::CustomerCriteriaDto;

/// `POST /customers/score`: which customers to re-score.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"filter": {"job": ["retired"], "ageMin": 60}}))]
pub struct ScoreCustomersRequest {
    /// The customer filter; absent or `{}` re-scores everyone.
    #[serde(default)]
    #[garde(dive)]
    pub filter: Option<CustomerCriteriaDto>,
}

/// What a re-scoring did.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"matched": 45211, "scored": 45211, "failed": 0,
    "modelVersion": "2026.11.1-mlp-distilled", "durationMs": 912}))]
pub struct RescoreReportDto {
    /// Customers matching the filter.
    pub matched: u64,
    /// Customers whose latest score was written.
    pub scored: u64,
    /// Customers the model could not encode (left unchanged).
    pub failed: u64,
    /// Model version used.
    pub model_version: String,
    /// Wall time.
    pub duration_ms: u64,
}

impl From<RescoreReport> for RescoreReportDto {
    fn from(r: RescoreReport) -> Self {
        Self {
            matched: r.matched,
            scored: r.scored,
            failed: r.failed,
            model_version: r.model_version,
            duration_ms: r.duration_ms,
        }
    }
}

/// Scoring done during an import (`score=true`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportScoringDto {
    /// Rows given a score.
    pub scored: u64,
    /// Model version used.
    pub model_version: String,
}

impl From<ImportScoring> for ImportScoringDto {
    fn from(s: ImportScoring) -> Self {
        Self { scored: s.scored, model_version: s.model_version }
    }
}

/// Tier cut-offs.
#[derive(Debug, Serialize, ToSchema)]
pub struct TierThresholdsDto {
    /// Hot at or above.
    pub hot: f64,
    /// Warm at or above (below hot); Cold below.
    pub warm: f64,
}

/// The model in service.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"modelVersion": "2026.11.1-mlp-distilled", "trainedAt": "2026-11-22T00:00:00Z",
    "decisionThreshold": 0.193185, "tierThresholds": {"hot": 0.271343, "warm": 0.097927},
    "features": ["age", "job", "marital", "education", "default", "balance", "housing", "loan", "contact", "month",
    "campaign", "pdays", "previous", "poutcome"], "card": {"modelVersion": "2026.11.1-mlp-distilled",
    "holdoutMetrics": {"rocAuc": 0.7866}}}))]
pub struct ModelDto {
    /// Version stored with every prediction.
    pub model_version: String,
    /// When it was trained.
    pub trained_at: Option<String>,
    /// Class threshold.
    pub decision_threshold: f64,
    pub tier_thresholds: TierThresholdsDto,
    /// Inputs, in tensor order.
    pub features: Vec<String>,
    /// The full model card (`model/model.json`): encoding, metrics, deciles, tiers, limitations, libraries.
    #[schema(value_type = Object)]
    pub card: serde_json::Value,
}

impl From<&dyn ScoringModel> for ModelDto {
    fn from(m: &dyn ScoringModel) -> Self {
        let card = m.card();
        Self {
            model_version: card.model_version.clone(),
            trained_at: card.trained_at.clone(),
            decision_threshold: card.decision_threshold,
            tier_thresholds: TierThresholdsDto { hot: card.tier_thresholds.hot, warm: card.tier_thresholds.warm },
            features: card.features.iter().map(|f| f.name().to_owned()).collect(),
            card: m.document().clone(),
        }
    }
}

/// The result of a reload.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReloadDto {
    /// The version in service before.
    pub previous_version: String,
    /// The model now in service.
    pub model: ModelDto,
}

impl From<ReloadReport> for ReloadDto {
    fn from(r: ReloadReport) -> Self {
        Self { previous_version: r.previous_version, model: ModelDto::from(r.model.as_ref()) }
    }
}
