//! Single and batch predictions, their explanations, overrides and the prediction list.

use chrono::{DateTime, Utc};
use garde::Validate;
use leadscore_application::scoring::{
    PredictionFilter, PredictionInput, PredictionOverrideRequest, PredictionSort, PredictionSortField,
};
use leadscore_domain::pagination::PageRequest;
use leadscore_domain::scoring::{
    Factor, Factors, FeatureRecord, FeatureValue, PredictedClass, Prediction, PredictionSource,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::features::{FeaturesDto, number_or_category};
use crate::dto::attributes::TierDto;
use crate::dto::common::check_range;
use crate::dto::common::list_params;
use crate::error::ApiError;

api_enum!(
    /// Class at the model card's decision threshold.
    PredictedClassDto => PredictedClass {
        /// At or above the threshold: worth calling.
        Yes = "yes",
        /// Below it.
        No = "no",
    }
);

api_enum!(
    /// Which path produced a prediction.
    PredictionSourceDto => PredictionSource {
        /// `POST /predictions`.
        Single = "single",
        /// `POST /predictions/batch`.
        Batch = "batch",
        /// A campaign run.
        Campaign = "campaign",
    }
);

/// What to score: a stored customer or raw features (exactly one).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"features": {"age": 41, "job": "management", "marital": "married", "education": "tertiary",
    "default": "no", "balance": 1850, "housing": "no", "loan": "no", "contact": "cellular", "month": "apr",
    "campaign": 1, "pdays": 92, "previous": 2, "poutcome": "success"}}))]
pub struct PredictionRequest {
    /// A stored customer; its latest score is updated (Admin, Manager).
    #[garde(skip)]
    pub customer_id: Option<Uuid>,
    /// Raw features.
    #[garde(dive)]
    pub features: Option<FeaturesDto>,
}

impl PredictionRequest {
    /// The application input; `field` is where to report a missing or doubled choice.
    pub fn input(self, field: &str) -> Result<PredictionInput, ApiError> {
        match (self.customer_id, self.features) {
            (Some(id), None) => Ok(PredictionInput::Customer(id)),
            (None, Some(features)) => Ok(PredictionInput::Features(features.into())),
            (Some(_), Some(_)) => Err(ApiError::field(field, "give customerId or features, not both")),
            (None, None) => Err(ApiError::field(field, "give customerId or features")),
        }
    }
}

/// Many items scored in one call.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"items": [{"customerId": "019a5a3c-7d1e-7c4a-9f1e-2b3c4d5e6f70"},
    {"features": {"age": 29, "job": "student", "marital": "single", "education": "tertiary", "default": "no",
    "balance": 320, "housing": "no", "loan": "no", "contact": "cellular", "month": "oct", "campaign": 1,
    "pdays": -1, "previous": 0, "poutcome": "unknown"}}]}))]
pub struct BatchPredictionRequest {
    /// Items, answered in the same order (1 to the configured maximum, 1,000 by default).
    #[garde(length(min = 1), dive)]
    #[schema(min_items = 1)]
    pub items: Vec<PredictionRequest>,
}

/// One feature's effect on a probability.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"feature": "poutcome", "value": "success", "reference": "unknown", "impact": 31.42}))]
pub struct FactorDto {
    /// Feature name.
    pub feature: String,
    /// The customer's value.
    #[schema(schema_with = number_or_category)]
    pub value: FeatureValue,
    /// The reference value it was compared with (from the model card).
    #[schema(schema_with = number_or_category)]
    pub reference: FeatureValue,
    /// Probability with the customer's value minus probability with the reference value, in percentage points.
    pub impact: f64,
}

impl From<Factor> for FactorDto {
    fn from(f: Factor) -> Self {
        Self { feature: f.feature, value: f.value, reference: f.reference, impact: f.impact }
    }
}

/// The features that moved the probability most, each direction strongest first.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FactorsDto {
    /// Raised it.
    pub raised: Vec<FactorDto>,
    /// Lowered it.
    pub lowered: Vec<FactorDto>,
}

impl From<Factors> for FactorsDto {
    fn from(f: Factors) -> Self {
        Self {
            raised: f.raised.into_iter().map(Into::into).collect(),
            lowered: f.lowered.into_iter().map(Into::into).collect(),
        }
    }
}

/// A person's correction of a prediction, with the model's values.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OverrideDto {
    /// The model's probability.
    pub original_probability: f64,
    /// The model's class.
    pub original_class: PredictedClassDto,
    /// Why.
    pub reason: String,
    /// Who (absent once that user is deleted).
    pub overridden_by: Option<Uuid>,
    /// When.
    pub overridden_at: DateTime<Utc>,
}

/// A stored prediction.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"id": "019a5a3d-1111-7c4a-9f1e-2b3c4d5e6f70", "customerId": null, "campaignId": null,
    "source": "single", "features": {"age": 41, "job": "management", "marital": "married", "education": "tertiary",
    "default": "no", "balance": 1850, "housing": "no", "loan": "no", "contact": "cellular", "month": "apr",
    "campaign": 1, "pdays": 92, "previous": 2, "poutcome": "success"}, "probability": 0.6712, "predictedClass": "yes",
    "score": 67, "tier": "Hot", "factors": {"raised": [{"feature": "poutcome", "value": "success",
    "reference": "unknown", "impact": 31.42}, {"feature": "month", "value": "apr", "reference": "may",
    "impact": 9.8}], "lowered": [{"feature": "previous", "value": 2, "reference": 0, "impact": -3.1}]},
    "modelVersion": "2026.11.1-mlp-distilled", "requestedBy": "019a5a3c-0000-7c4a-9f1e-2b3c4d5e6f70",
    "createdAt": "2026-11-22T09:00:00Z", "override": null}))]
pub struct PredictionDto {
    /// Prediction id.
    pub id: Uuid,
    /// The customer scored (absent for raw features, or once the customer is deleted).
    pub customer_id: Option<Uuid>,
    /// The campaign whose run produced it.
    pub campaign_id: Option<Uuid>,
    /// Which path produced it.
    pub source: PredictionSourceDto,
    /// The inputs as received (`yes`/`no` flags as text).
    #[schema(value_type = FeaturesDto)]
    pub features: FeatureRecord,
    /// P(subscribes), 0–1 (the override's, when overridden).
    pub probability: f64,
    /// Class at the decision threshold (or the override's).
    pub predicted_class: PredictedClassDto,
    /// round(100 × probability).
    pub score: u8,
    /// Tier from the model card's thresholds.
    pub tier: TierDto,
    /// Why: the strongest factors each way (empty for campaign runs).
    pub factors: FactorsDto,
    pub model_version: String,
    /// Who asked.
    pub requested_by: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The correction, with the model's original values; `null` when untouched.
    #[serde(rename = "override")]
    pub override_: Option<OverrideDto>,
}

impl From<Prediction> for PredictionDto {
    fn from(p: Prediction) -> Self {
        Self {
            id: p.id,
            customer_id: p.customer_id,
            campaign_id: p.campaign_id,
            source: p.source.into(),
            features: p.features,
            probability: p.outcome.probability,
            predicted_class: p.outcome.predicted_class.into(),
            score: p.outcome.score,
            tier: p.outcome.tier.into(),
            factors: p.factors.into(),
            model_version: p.model_version,
            requested_by: p.requested_by,
            created_at: p.created_at,
            override_: p.overridden.map(|o| OverrideDto {
                original_probability: o.original_probability,
                original_class: o.original_class.into(),
                reason: o.reason,
                overridden_by: o.by,
                overridden_at: o.at,
            }),
        }
    }
}

/// The answer to a batch: predictions in request order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchPredictionDto {
    /// Number of predictions.
    pub count: usize,
    /// Model version used.
    pub model_version: String,
    /// Predictions, in request order.
    pub items: Vec<PredictionDto>,
}

/// Sort fields of the prediction list.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum PredictionSortBy {
    /// Creation time (default).
    #[default]
    CreatedAt,
    Probability,
}

list_params!(
    /// Filters, sort and page of the prediction list.
    PredictionListParams sorted by PredictionSortBy {
        /// Effective class.
        #[garde(skip)]
        pub predicted_class: Option<PredictedClassDto>,
        /// Which path produced it.
        #[garde(skip)]
        pub source: Option<PredictionSourceDto>,
        /// About this customer.
        #[garde(skip)]
        pub customer_id: Option<Uuid>,
        /// From this campaign's runs.
        #[garde(skip)]
        pub campaign_id: Option<Uuid>,
        /// Effective tier.
        #[garde(skip)]
        pub tier: Option<TierDto>,
        /// Probability at least (0–1).
        #[garde(range(min = 0.0, max = 1.0))]
        #[param(minimum = 0.0, maximum = 1.0, example = 0.2)]
        pub prob_min: Option<f64>,
        /// Probability at most (0–1).
        #[garde(range(min = 0.0, max = 1.0))]
        #[param(minimum = 0.0, maximum = 1.0, example = 0.9)]
        pub prob_max: Option<f64>,
        /// Made by this model version.
        #[garde(length(chars, max = 100))]
        #[param(max_length = 100)]
        pub model_version: Option<String>,
        /// Only overridden (`true`) or only untouched (`false`) predictions.
        #[garde(skip)]
        pub overridden: Option<bool>,
        /// Made at or after (RFC 3339).
        #[garde(skip)]
        pub from: Option<DateTime<Utc>>,
        /// Made at or before (RFC 3339).
        #[garde(skip)]
        pub to: Option<DateTime<Utc>>,
    }
);

impl PredictionListParams {
    /// Filter, sort and page.
    pub fn into_query(self) -> Result<(PredictionFilter, PredictionSort, PageRequest), ApiError> {
        check_range(self.from, self.to)?;
        let filter = PredictionFilter {
            predicted_class: self.predicted_class.map(Into::into),
            source: self.source.map(Into::into),
            customer_id: self.customer_id,
            campaign_id: self.campaign_id,
            tier: self.tier.map(Into::into),
            prob_min: self.prob_min,
            prob_max: self.prob_max,
            model_version: self.model_version.clone(),
            overridden: self.overridden,
            requested_by: None,
            campaigns_of: None,
            from: self.from,
            to: self.to,
        };
        let field = match self.sort_by.unwrap_or_default() {
            PredictionSortBy::CreatedAt => PredictionSortField::CreatedAt,
            PredictionSortBy::Probability => PredictionSortField::Probability,
        };
        let sort = PredictionSort { field, dir: self.sort_dir.unwrap_or_default().into() };
        let page = self.page_request()?;
        Ok((filter, sort, page))
    }
}

/// A correction of a prediction. Give a class, a probability or both, and always a reason.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"predictedClass": "yes", "probability": 0.8,
    "reason": "Customer called back asking for the term-deposit rates"}))]
pub struct OverridePredictionRequest {
    /// The corrected class (with only a probability, the decision threshold decides).
    #[garde(skip)]
    pub predicted_class: Option<PredictedClassDto>,
    /// The corrected probability, 0–1 (score and tier follow it).
    #[garde(range(min = 0.0, max = 1.0))]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub probability: Option<f64>,
    /// Why (1–1,000 characters; required).
    #[serde(default)]
    #[schema(required = true)]
    #[garde(length(chars, min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000, pattern = r"\S")]
    pub reason: String,
}

impl From<OverridePredictionRequest> for PredictionOverrideRequest {
    fn from(r: OverridePredictionRequest) -> Self {
        Self { predicted_class: r.predicted_class.map(Into::into), probability: r.probability, reason: r.reason }
    }
}
