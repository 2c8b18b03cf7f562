//! Scoring use cases. Everyone signed in may read the model card and score a feature record; Admin and Manager
//! score stored customers, run batches, re-score the base, and correct or delete predictions; only Admin reloads the
//! model. Sales see only the predictions they asked for.

use std::sync::Arc;
use std::time::Instant;

use leadscore_domain::FieldError;
use leadscore_domain::activity::{ActivityAction, EntityType};
use leadscore_domain::customers::{LatestScore, NewCustomer};
use leadscore_domain::pagination::{Page, PageRequest};
use leadscore_domain::scoring::{FeatureRecord, PredictedClass, Prediction, PredictionSource, ScoreOutcome};
use leadscore_domain::users::Role;
use uuid::Uuid;

use super::bulk::{CustomerWalk, both};
use super::engine::{RecordErrors, Scored, score_each, score_records};
use super::filter::{PredictionFilter, PredictionSort};
use super::fleet::ModelFleet;
use super::ports::{CustomerScore, PredictionRepository, ScoringModel};
use super::registry::ModelRegistry;
use crate::activities::{ActivityLog, NewActivity};
use crate::campaigns::CampaignRepository;
use crate::customers::{CustomerFilter, CustomerRepository};
use crate::system::{Clock, elapsed_ms};
use crate::{AppError, Caller};

mod base;
mod records;

/// Rows scored per model call when an import is scored.
const IMPORT_SCORING_CHUNK: usize = 4_096;
const MANAGERS: [Role; 2] = [Role::Admin, Role::Manager];
const EVERYONE: [Role; 3] = [Role::Admin, Role::Manager, Role::Sales];

/// Tunables of scoring.
#[derive(Debug, Clone, Copy)]
pub struct ScoringSettings {
    /// Largest number of items in one batch call.
    pub max_batch: usize,
    /// Factors per direction in an explanation.
    pub explain_top: usize,
    /// Customers per chunk (and per transaction) when re-scoring.
    pub rescore_chunk: u64,
}

impl Default for ScoringSettings {
    fn default() -> Self {
        Self { max_batch: 1_000, explain_top: 5, rescore_chunk: 5_000 }
    }
}

/// What to score.
#[derive(Debug, Clone, PartialEq)]
pub enum PredictionInput {
    /// A stored customer (its latest score is updated).
    Customer(Uuid),
    /// Raw features, as in the UCI data.
    Features(FeatureRecord),
}

/// A person's correction of a prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictionOverrideRequest {
    /// The corrected class; when absent and a probability is given, the decision threshold decides.
    pub predicted_class: Option<PredictedClass>,
    /// The corrected probability (score and tier follow it).
    pub probability: Option<f64>,
    /// Why (required).
    pub reason: String,
}

/// The result of a reload.
pub struct ReloadReport {
    /// The version that was in service before.
    pub previous_version: String,
    /// The model now in service.
    pub model: Arc<dyn ScoringModel>,
}

/// The result of re-scoring customers.
#[derive(Debug, Clone, PartialEq)]
pub struct RescoreReport {
    /// Customers matching the filter.
    pub matched: u64,
    /// Customers whose latest score was written.
    pub scored: u64,
    /// Customers the model could not encode (left as they were).
    pub failed: u64,
    /// Model version used.
    pub model_version: String,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
}

/// How many rows of an import were scored before writing.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportScoring {
    /// Rows given a score.
    pub scored: u64,
    /// Model version used.
    pub model_version: String,
}

/// Scoring use cases.
pub struct ScoringService {
    registry: Arc<ModelRegistry>,
    fleet: Arc<ModelFleet>,
    predictions: Arc<dyn PredictionRepository>,
    customers: Arc<dyn CustomerRepository>,
    campaigns: Arc<dyn CampaignRepository>,
    activities: ActivityLog,
    clock: Arc<dyn Clock>,
    settings: ScoringSettings,
}

fn prefixed(errors: RecordErrors, prefix: impl Fn(usize) -> String) -> AppError {
    AppError::Validation(
        errors
            .into_iter()
            .flat_map(|(index, fields)| {
                let prefix = prefix(index);
                fields.into_iter().map(move |e| FieldError::new(format!("{prefix}.{}", e.field), e.message))
            })
            .collect(),
    )
}

impl ScoringService {
    /// Wires the use cases.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        registry: Arc<ModelRegistry>,
        fleet: Arc<ModelFleet>,
        predictions: Arc<dyn PredictionRepository>,
        customers: Arc<dyn CustomerRepository>,
        campaigns: Arc<dyn CampaignRepository>,
        activities: ActivityLog,
        clock: Arc<dyn Clock>,
        settings: ScoringSettings,
    ) -> Self {
        Self { registry, fleet, predictions, customers, campaigns, activities, clock, settings }
    }

    /// The tunables.
    pub fn settings(&self) -> ScoringSettings {
        self.settings
    }

    /// The model in service.
    pub fn model(&self, caller: &Caller) -> Result<Arc<dyn ScoringModel>, AppError> {
        caller.require(&EVERYONE)?;
        Ok(self.registry.current())
    }

    /// Loads the model again from its configured location, checks it, and puts it in service — here at once, and
    /// on every other replica at its next sync (`ModelFleet`). A model that fails a check is refused and the current
    /// one stays.
    pub async fn reload(&self, caller: &Caller, ip: Option<&str>) -> Result<ReloadReport, AppError> {
        caller.require(&[Role::Admin])?;
        let (previous, model) = self.fleet.reload(caller.id).await?;
        let previous_version = previous.card().model_version.clone();
        let description = format!(
            "reloaded the model from {}: {} → {}",
            self.fleet.location(),
            previous_version,
            model.card().model_version
        );
        self.activities
            .record(
                NewActivity::about(
                    Some(caller.id),
                    ActivityAction::ModelReloaded,
                    EntityType::Model,
                    None,
                    description,
                )
                .with_ip(ip),
            )
            .await?;
        Ok(ReloadReport { previous_version, model })
    }

    /// Scores one customer or feature record, explains it and stores the prediction.
    pub async fn predict(&self, caller: &Caller, input: PredictionInput) -> Result<Prediction, AppError> {
        caller.require(&EVERYONE)?;
        let mut stored = self.run(caller, vec![input], PredictionSource::Single, |_| String::new()).await?;
        stored.pop().ok_or_else(|| AppError::Internal("a single prediction produced nothing".into()))
    }

    /// Scores up to `max_batch` items in one model call, answered in order. Any invalid item rejects the whole call
    /// with every problem, each under `items[i]`.
    pub async fn predict_batch(
        &self,
        caller: &Caller,
        inputs: Vec<PredictionInput>,
    ) -> Result<Vec<Prediction>, AppError> {
        caller.require(&MANAGERS)?;
        if inputs.is_empty() {
            return Err(AppError::field("items", "must hold at least one item"));
        }
        if inputs.len() > self.settings.max_batch {
            return Err(AppError::field("items", format!("must hold at most {} items", self.settings.max_batch)));
        }
        self.run(caller, inputs, PredictionSource::Batch, |i| format!("items[{i}]")).await
    }

    async fn run(
        &self,
        caller: &Caller,
        inputs: Vec<PredictionInput>,
        source: PredictionSource,
        path: impl Fn(usize) -> String,
    ) -> Result<Vec<Prediction>, AppError> {
        let customer_ids: Vec<Uuid> = inputs
            .iter()
            .filter_map(|i| match i {
                PredictionInput::Customer(id) => Some(*id),
                PredictionInput::Features(_) => None,
            })
            .collect();
        if !customer_ids.is_empty() && caller.role == Role::Sales {
            return Err(AppError::Forbidden(
                "Sales may score feature records; stored customers are scored by Admins and Managers".into(),
            ));
        }
        let found = self.customers.find_many(&customer_ids).await?;
        let mut missing = Vec::new();
        let mut records = Vec::with_capacity(inputs.len());
        let mut owners = Vec::with_capacity(inputs.len());
        for (index, input) in inputs.into_iter().enumerate() {
            match input {
                PredictionInput::Features(record) => {
                    records.push(record);
                    owners.push(None);
                }
                PredictionInput::Customer(id) => match found.iter().find(|c| c.id == id) {
                    Some(customer) => {
                        records.push(FeatureRecord::from(&customer.profile));
                        owners.push(Some(id));
                    }
                    None => missing.push((index, id)),
                },
            }
        }
        if !missing.is_empty() {
            if source == PredictionSource::Single {
                return Err(AppError::NotFound(format!("customer {} not found", missing[0].1)));
            }
            return Err(AppError::Validation(
                missing
                    .into_iter()
                    .map(|(i, id)| FieldError::new(format!("{}.customerId", path(i)), format!("no customer {id}")))
                    .collect(),
            ));
        }
        let model = self.registry.current();
        let scored = match score_records(model.as_ref(), &records, self.settings.explain_top).await? {
            Ok(scored) => scored,
            Err(errors) => {
                let prefix = |i: usize| {
                    let base = path(i);
                    let part = if owners[i].is_some() { "customer" } else { "features" };
                    if base.is_empty() { part.to_owned() } else { format!("{base}.{part}") }
                };
                return Err(prefixed(errors, prefix));
            }
        };
        let now = self.clock.now();
        let version = model.card().model_version.clone();
        let mut latest = Vec::new();
        let predictions: Vec<Prediction> = records
            .into_iter()
            .zip(scored)
            .zip(owners)
            .map(|((features, Scored { outcome, factors }), customer_id)| {
                if let Some(customer_id) = customer_id {
                    latest.push(CustomerScore { customer_id, score: latest_score(&outcome, &version, now) });
                }
                Prediction {
                    id: Uuid::now_v7(),
                    customer_id,
                    campaign_id: None,
                    source,
                    features,
                    outcome,
                    factors,
                    model_version: version.clone(),
                    requested_by: Some(caller.id),
                    created_at: now,
                    overridden: None,
                }
            })
            .collect();
        self.predictions.record(&predictions, &latest).await?;
        Ok(predictions)
    }
}

/// The latest score a customer gets from an outcome.
pub fn latest_score(outcome: &ScoreOutcome, model_version: &str, now: chrono::DateTime<chrono::Utc>) -> LatestScore {
    LatestScore {
        probability: outcome.probability,
        score: outcome.score,
        tier: outcome.tier,
        model_version: model_version.to_owned(),
        scored_at: now,
    }
}
