//! A model without a model file, and stored predictions.

use std::sync::Arc;

use async_trait::async_trait;
use leadscore_domain::pagination::{Page, PageRequest};
use leadscore_domain::scoring::{FeatureSpec, ModelCard, NumericFeature, NumericTransform, Prediction, TierThresholds};
use uuid::Uuid;

use super::{Db, unsupported};
use crate::AppError;
use crate::scoring::{CustomerScore, PredictionFilter, PredictionRepository, PredictionSort, ScoringModel};

/// A one-feature model: the probability rises with age (a logistic curve around 40), so a test can tell which
/// customers a run must rank first.
pub struct FakeScoringModel {
    card: ModelCard,
    document: serde_json::Value,
}

impl FakeScoringModel {
    /// The model, version `fake-1`.
    pub fn new() -> Self {
        let card = ModelCard {
            model_version: "fake-1".into(),
            trained_at: None,
            features: vec![FeatureSpec::Numeric(NumericFeature {
                name: "age".into(),
                transform: NumericTransform::Identity,
                mean: 40.0,
                std: 10.0,
                columns: vec![0],
                reference: 40.0,
                never_contacted_value: None,
            })],
            n_columns: 1,
            decision_threshold: 0.5,
            tier_thresholds: TierThresholds { hot: 0.7, warm: 0.4 },
        };
        let document = serde_json::json!({"modelVersion": "fake-1"});
        Self { card, document }
    }
}

impl Default for FakeScoringModel {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl ScoringModel for FakeScoringModel {
    fn card(&self) -> &ModelCard {
        &self.card
    }

    fn document(&self) -> &serde_json::Value {
        &self.document
    }

    fn fingerprint(&self) -> &str {
        "fake-1"
    }

    async fn predict(&self, input: Vec<f32>, rows: usize) -> Result<Vec<f64>, AppError> {
        if input.len() != rows * self.card.n_columns {
            return Err(AppError::Internal(format!("{} values for {rows} rows", input.len())));
        }
        // The standardised age, squashed into (0, 1).
        Ok(input.iter().map(|x| 1.0 / (1.0 + (-f64::from(*x)).exp())).collect())
    }
}

/// `PredictionRepository` over the shared [`Db`]; `list` is not implemented.
pub struct FakePredictionRepository {
    db: Arc<Db>,
}

impl FakePredictionRepository {
    /// Uses `db`.
    pub fn new(db: Arc<Db>) -> Self {
        Self { db }
    }
}

#[async_trait]
impl PredictionRepository for FakePredictionRepository {
    async fn record(&self, predictions: &[Prediction], latest: &[CustomerScore]) -> Result<(), AppError> {
        self.db.with(|state| {
            let named = predictions.iter().filter_map(|p| p.customer_id).chain(latest.iter().map(|s| s.customer_id));
            for customer in named.collect::<Vec<_>>() {
                if !state.customers.contains_key(&customer) {
                    return Err(AppError::NotFound("Customer not found".into()));
                }
            }
            for prediction in predictions {
                state.predictions.insert(prediction.id, prediction.clone());
            }
            for score in latest {
                if let Some(customer) = state.customers.get_mut(&score.customer_id) {
                    customer.latest_score = Some(score.score.clone());
                }
            }
            Ok(())
        })
    }

    async fn update_latest_scores(&self, scores: &[CustomerScore]) -> Result<u64, AppError> {
        Ok(self.db.with(|state| {
            let mut updated = 0;
            for score in scores {
                if let Some(customer) = state.customers.get_mut(&score.customer_id) {
                    customer.latest_score = Some(score.score.clone());
                    updated += 1;
                }
            }
            updated
        }))
    }

    async fn find(&self, id: Uuid) -> Result<Option<Prediction>, AppError> {
        Ok(self.db.with(|state| state.predictions.get(&id).cloned()))
    }

    async fn list(
        &self,
        _filter: &PredictionFilter,
        _sort: PredictionSort,
        _page: PageRequest,
    ) -> Result<Page<Prediction>, AppError> {
        Err(unsupported("PredictionRepository::list"))
    }

    async fn save_override(&self, prediction: &Prediction) -> Result<(), AppError> {
        self.db.with(|state| match state.predictions.get_mut(&prediction.id) {
            Some(stored) => {
                stored.outcome = prediction.outcome;
                stored.overridden = prediction.overridden.clone();
                Ok(())
            }
            None => Err(AppError::NotFound("Prediction not found".into())),
        })
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        Ok(self.db.with(|state| state.predictions.remove(&id).is_some()))
    }
}
