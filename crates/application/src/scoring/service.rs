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

    /// Re-scores every customer matching `filter`, walking the base in chunks by id; each chunk is scored in one
    /// model call and written in one transaction.
    pub async fn score_customers(
        &self,
        caller: &Caller,
        filter: &CustomerFilter,
        ip: Option<&str>,
    ) -> Result<RescoreReport, AppError> {
        caller.require(&MANAGERS)?;
        filter.validate()?;
        let started = Instant::now();
        let model = self.registry.current();
        let version = model.card().model_version.clone();
        let mut walk = CustomerWalk::new(self.customers.as_ref(), model.as_ref(), filter, self.settings.rescore_chunk);
        let mut scored = 0u64;
        // Each chunk's scores are written (in their own transaction) while the next chunk is read and scored.
        let mut pending: Vec<CustomerScore> = Vec::new();
        loop {
            let write = async {
                if pending.is_empty() { Ok(0) } else { self.predictions.update_latest_scores(&pending).await }
            };
            let (next, written) = both(walk.next_chunk(), write).await;
            scored += written?;
            let Some(chunk) = next? else { break };
            let now = self.clock.now();
            pending = chunk
                .iter()
                .map(|s| CustomerScore { customer_id: s.id, score: latest_score(&s.outcome, &version, now) })
                .collect();
        }
        let (matched, failed) = (walk.matched(), walk.failed());
        let report =
            RescoreReport { matched, scored, failed, model_version: version, duration_ms: elapsed_ms(started) };
        let description = format!(
            "re-scored {scored} of {matched} matching customers with model {} ({failed} could not be encoded)",
            report.model_version
        );
        self.activities
            .record(
                NewActivity::about(
                    Some(caller.id),
                    ActivityAction::CustomersScored,
                    EntityType::Customer,
                    None,
                    description,
                )
                .with_ip(ip),
            )
            .await?;
        Ok(report)
    }

    /// Gives the rows of an import their score before they are written (import with `score=true`). Rows the model
    /// cannot encode stay unscored.
    pub async fn score_new_customers<'a>(
        &self,
        caller: &Caller,
        rows: impl IntoIterator<Item = &'a mut NewCustomer>,
    ) -> Result<ImportScoring, AppError> {
        caller.require(&MANAGERS)?;
        let model = self.registry.current();
        let version = model.card().model_version.clone();
        let now = self.clock.now();
        let mut rows: Vec<&mut NewCustomer> = rows.into_iter().collect();
        let mut scored = 0u64;
        // In chunks: the encoded input of a whole file (450,000 rows) is hundreds of megabytes, and encoding it in
        // one go holds an async worker for seconds. A chunk is encoded in about a millisecond and predicted on the
        // blocking pool, so workers stay free and memory stays at one chunk.
        for chunk in rows.chunks_mut(IMPORT_SCORING_CHUNK) {
            let records: Vec<FeatureRecord> = chunk.iter().map(|r| FeatureRecord::from(&r.profile)).collect();
            let outcomes = score_each(model.as_ref(), &records).await?;
            for (row, outcome) in chunk.iter_mut().zip(outcomes) {
                if let Some(outcome) = outcome {
                    row.score = Some(latest_score(&outcome, &version, now));
                    scored += 1;
                }
            }
        }
        Ok(ImportScoring { scored, model_version: version })
    }

    /// One page of predictions; Sales see only their own.
    pub async fn list(
        &self,
        caller: &Caller,
        mut filter: PredictionFilter,
        sort: PredictionSort,
        page: PageRequest,
    ) -> Result<Page<Prediction>, AppError> {
        caller.require(&EVERYONE)?;
        filter.validate()?;
        if caller.role == Role::Sales {
            filter.requested_by = Some(caller.id);
        }
        if !caller.is_admin() {
            filter.campaigns_of = Some(caller.id);
        }
        self.predictions.list(&filter, sort, page).await
    }

    /// One prediction; a Sales user's view of someone else's, and anyone's but an Admin's view of a prediction
    /// from a campaign they are not a member of, is a 404 — as the campaign itself is.
    pub async fn get(&self, caller: &Caller, id: Uuid) -> Result<Prediction, AppError> {
        caller.require(&EVERYONE)?;
        let not_found = || AppError::NotFound(format!("prediction {id} not found"));
        let prediction = self.predictions.find(id).await?.ok_or_else(not_found)?;
        if caller.role == Role::Sales && prediction.requested_by != Some(caller.id) {
            return Err(not_found());
        }
        if let Some(campaign_id) = prediction.campaign_id.filter(|_| !caller.is_admin()) {
            let member = self.campaigns.find(campaign_id).await?.is_some_and(|c| c.is_member(caller.id));
            if !member {
                return Err(not_found());
            }
        }
        Ok(prediction)
    }

    /// Overrides class and/or probability with a reason; the model's values are kept. A new probability re-derives
    /// score and tier with the current model's thresholds. The customer's latest score is not changed: it stays
    /// the model's.
    pub async fn override_prediction(
        &self,
        caller: &Caller,
        id: Uuid,
        request: PredictionOverrideRequest,
        ip: Option<&str>,
    ) -> Result<Prediction, AppError> {
        caller.require(&MANAGERS)?;
        let reason = request.reason.trim().to_owned();
        if reason.is_empty() {
            return Err(AppError::field("reason", "is required"));
        }
        if request.predicted_class.is_none() && request.probability.is_none() {
            return Err(AppError::field("predictedClass", "give predictedClass, probability or both"));
        }
        let mut prediction = self.get(caller, id).await?;
        let card_model = self.registry.current();
        let outcome = match request.probability {
            Some(p) => {
                let derived = card_model.card().outcome(p);
                ScoreOutcome { predicted_class: request.predicted_class.unwrap_or(derived.predicted_class), ..derived }
            }
            None => ScoreOutcome {
                predicted_class: request.predicted_class.unwrap_or(prediction.outcome.predicted_class),
                ..prediction.outcome
            },
        };
        let before = prediction.outcome;
        prediction.apply_override(outcome, reason.clone(), caller.id, self.clock.now());
        self.predictions.save_override(&prediction).await?;
        let description = format!(
            "overrode prediction {id}: {} ({:.4}) → {} ({:.4}): {reason}",
            before.predicted_class, before.probability, outcome.predicted_class, outcome.probability
        );
        let mut activity = NewActivity::about(
            Some(caller.id),
            ActivityAction::PredictionOverridden,
            EntityType::Prediction,
            Some(id),
            description,
        )
        .with_ip(ip);
        activity.campaign_id = prediction.campaign_id;
        self.activities.record(activity).await?;
        Ok(prediction)
    }

    /// Deletes a prediction (the customer's latest score stays).
    pub async fn delete(&self, caller: &Caller, id: Uuid, ip: Option<&str>) -> Result<(), AppError> {
        caller.require(&MANAGERS)?;
        let prediction = self.get(caller, id).await?;
        if !self.predictions.delete(id).await? {
            return Err(AppError::NotFound(format!("prediction {id} not found")));
        }
        let mut activity = NewActivity::about(
            Some(caller.id),
            ActivityAction::PredictionDeleted,
            EntityType::Prediction,
            Some(id),
            format!(
                "deleted prediction {id} ({} {:.4})",
                prediction.outcome.predicted_class, prediction.outcome.probability
            ),
        )
        .with_ip(ip);
        activity.campaign_id = prediction.campaign_id;
        self.activities.record(activity).await?;
        Ok(())
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
