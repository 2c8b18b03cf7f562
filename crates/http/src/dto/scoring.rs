//! Bodies and parameters of the model and prediction endpoints.

use chrono::{DateTime, Utc};
use garde::Validate;
use leadscore_application::scoring::{
    ImportScoring, PredictionFilter, PredictionInput, PredictionOverrideRequest, PredictionSort, PredictionSortField,
    ReloadReport, RescoreReport, ScoringModel,
};
use leadscore_domain::pagination::PageRequest;
use leadscore_domain::scoring::{
    Factor, Factors, FeatureRecord, FeatureValue, PredictedClass, Prediction, PredictionSource,
};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::common::{PageParams, SortDirParam, check_range};
use super::criteria::CustomerCriteriaDto;
use super::customers::{ContactDto, EducationDto, JobDto, MaritalDto, MonthDto, PoutcomeDto, TierDto};
use crate::error::ApiError;

/// Class at the model card's decision threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PredictedClassDto {
    /// At or above the threshold: worth calling.
    Yes,
    /// Below it.
    No,
}

impl From<PredictedClassDto> for PredictedClass {
    fn from(v: PredictedClassDto) -> Self {
        match v {
            PredictedClassDto::Yes => PredictedClass::Yes,
            PredictedClassDto::No => PredictedClass::No,
        }
    }
}

impl From<PredictedClass> for PredictedClassDto {
    fn from(v: PredictedClass) -> Self {
        match v {
            PredictedClass::Yes => PredictedClassDto::Yes,
            PredictedClass::No => PredictedClassDto::No,
        }
    }
}

/// Which path produced a prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PredictionSourceDto {
    /// `POST /predictions`.
    Single,
    /// `POST /predictions/batch`.
    Batch,
    /// A campaign run.
    Campaign,
}

impl From<PredictionSourceDto> for PredictionSource {
    fn from(v: PredictionSourceDto) -> Self {
        match v {
            PredictionSourceDto::Single => PredictionSource::Single,
            PredictionSourceDto::Batch => PredictionSource::Batch,
            PredictionSourceDto::Campaign => PredictionSource::Campaign,
        }
    }
}

impl From<PredictionSource> for PredictionSourceDto {
    fn from(v: PredictionSource) -> Self {
        match v {
            PredictionSource::Single => PredictionSourceDto::Single,
            PredictionSource::Batch => PredictionSourceDto::Batch,
            PredictionSource::Campaign => PredictionSourceDto::Campaign,
        }
    }
}

/// `yes`/`no` as in the UCI data; JSON booleans are accepted too.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum YesNoDto {
    /// `true` = `yes`.
    Flag(bool),
    /// `yes` or `no`.
    Text(String),
}

impl From<YesNoDto> for FeatureValue {
    fn from(v: YesNoDto) -> Self {
        match v {
            YesNoDto::Flag(flag) => FeatureValue::Text(if flag { "yes" } else { "no" }.into()),
            YesNoDto::Text(text) => FeatureValue::Text(text),
        }
    }
}

/// A customer's attributes as in the UCI Bank Marketing data. Categories are matched exactly (case-sensitive, as
/// in the data) against the model card; an unknown value is a 400 naming the field and the allowed values. `day` and
/// `duration` are accepted and ignored by the model (`duration` is only known after the call).
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"age": 41, "job": "management", "marital": "married", "education": "tertiary",
    "default": "no", "balance": 1850, "housing": "no", "loan": "no", "contact": "cellular", "month": "apr",
    "campaign": 1, "pdays": 92, "previous": 2, "poutcome": "success"}))]
pub struct FeaturesDto {
    /// Age in years (18–100).
    #[garde(range(min = 18, max = 100))]
    pub age: Option<i64>,
    /// Job.
    #[schema(value_type = Option<JobDto>)]
    #[garde(skip)]
    pub job: Option<String>,
    /// Marital status.
    #[schema(value_type = Option<MaritalDto>)]
    #[garde(skip)]
    pub marital: Option<String>,
    /// Education.
    #[schema(value_type = Option<EducationDto>)]
    #[garde(skip)]
    pub education: Option<String>,
    /// Has credit in default (`yes`/`no` or a boolean).
    #[garde(skip)]
    pub default: Option<YesNoDto>,
    /// Average yearly balance in euros.
    #[garde(skip)]
    pub balance: Option<i64>,
    /// Has a housing loan.
    #[garde(skip)]
    pub housing: Option<YesNoDto>,
    /// Has a personal loan.
    #[garde(skip)]
    pub loan: Option<YesNoDto>,
    /// Contact type.
    #[schema(value_type = Option<ContactDto>)]
    #[garde(skip)]
    pub contact: Option<String>,
    /// Day of month of the last contact (ignored by the model).
    #[garde(range(min = 1, max = 31))]
    pub day: Option<i64>,
    /// Month of the last contact.
    #[schema(value_type = Option<MonthDto>)]
    #[garde(skip)]
    pub month: Option<String>,
    /// Length of the last call in seconds (ignored by the model).
    #[garde(range(min = 0))]
    pub duration: Option<i64>,
    /// Contacts during this campaign (≥ 0).
    #[garde(range(min = 0, max = 1000))]
    pub campaign: Option<i64>,
    /// Days since a previous campaign's contact; -1 = never.
    #[garde(range(min = -1, max = 10000))]
    pub pdays: Option<i64>,
    /// Contacts before this campaign (≥ 0).
    #[garde(range(min = 0, max = 10000))]
    pub previous: Option<i64>,
    /// Outcome of the previous campaign.
    #[schema(value_type = Option<PoutcomeDto>)]
    #[garde(skip)]
    pub poutcome: Option<String>,
}

impl From<FeaturesDto> for FeatureRecord {
    fn from(f: FeaturesDto) -> Self {
        let mut record = FeatureRecord::new();
        let mut put = |name: &str, value: Option<FeatureValue>| {
            if let Some(value) = value {
                record.insert(name.to_owned(), value);
            }
        };
        let number = |v: Option<i64>| v.map(|v| FeatureValue::Number(v as f64));
        put("age", number(f.age));
        put("job", f.job.map(FeatureValue::Text));
        put("marital", f.marital.map(FeatureValue::Text));
        put("education", f.education.map(FeatureValue::Text));
        put("default", f.default.map(Into::into));
        put("balance", number(f.balance));
        put("housing", f.housing.map(Into::into));
        put("loan", f.loan.map(Into::into));
        put("contact", f.contact.map(FeatureValue::Text));
        put("day", number(f.day));
        put("month", f.month.map(FeatureValue::Text));
        put("duration", number(f.duration));
        put("campaign", number(f.campaign));
        put("pdays", number(f.pdays));
        put("previous", number(f.previous));
        put("poutcome", f.poutcome.map(FeatureValue::Text));
        record
    }
}

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
    pub items: Vec<PredictionRequest>,
}

/// A feature's value: a number (age, balance, …) or a category (job, month, …).
fn number_or_category() -> Schema {
    Schema::OneOf(
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Number))
            .item(ObjectBuilder::new().schema_type(Type::String))
            .build(),
    )
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
    /// The inputs as received.
    #[schema(value_type = Object)]
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
    /// Model version.
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
    /// Probability.
    Probability,
}

/// Filters, sort and page of the prediction list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PredictionListParams {
    /// Page number, from 1.
    #[garde(range(min = 1))]
    #[param(minimum = 1, example = 1)]
    pub page: Option<u32>,
    /// Page size, 1 to 100.
    #[garde(range(min = 1, max = 100))]
    #[param(minimum = 1, maximum = 100, example = 10)]
    pub limit: Option<u32>,
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
    #[param(minimum = 0, maximum = 1, example = 0.2)]
    pub prob_min: Option<f64>,
    /// Probability at most (0–1).
    #[garde(range(min = 0.0, max = 1.0))]
    #[param(minimum = 0, maximum = 1, example = 0.9)]
    pub prob_max: Option<f64>,
    /// Made by this model version.
    #[garde(length(max = 100))]
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
    /// Sort field.
    #[garde(skip)]
    pub sort_by: Option<PredictionSortBy>,
    /// Sort direction (default desc).
    #[garde(skip)]
    pub sort_dir: Option<SortDirParam>,
}

impl PredictionListParams {
    /// Filter, sort and page.
    pub fn parts(&self) -> Result<(PredictionFilter, PredictionSort, PageRequest), ApiError> {
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
        let page = PageParams { page: self.page, limit: self.limit }.request()?;
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
    pub probability: Option<f64>,
    /// Why (1–1,000 characters; required).
    #[serde(default)]
    #[schema(required = true)]
    #[garde(length(chars, min = 1, max = 1000))]
    pub reason: String,
}

impl From<OverridePredictionRequest> for PredictionOverrideRequest {
    fn from(r: OverridePredictionRequest) -> Self {
        Self { predicted_class: r.predicted_class.map(Into::into), probability: r.probability, reason: r.reason }
    }
}

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
    /// Tier thresholds.
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
