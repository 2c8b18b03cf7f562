//! What scoring needs from the outside world: a loaded model, a way to load one, and storage for predictions.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_domain::customers::LatestScore;
use leadscore_domain::pagination::{Page, PageRequest};
use leadscore_domain::scoring::{ModelCard, Prediction};
use uuid::Uuid;

use super::filter::{PredictionFilter, PredictionSort};
use crate::AppError;

/// A model ready to score: its card and the compiled network behind it.
#[async_trait]
pub trait ScoringModel: Send + Sync {
    /// The parsed, validated card.
    fn card(&self) -> &ModelCard;

    /// The whole card document as published with the model (metrics, notes), for `GET /model`.
    fn document(&self) -> &serde_json::Value;

    /// Identifies this exact model, card and network together (the loader's choice of digest). Two replicas serve
    /// the same model exactly when their fingerprints are equal.
    fn fingerprint(&self) -> &str;

    /// Probabilities for `rows` encoded rows of `card().n_columns` floats each, row-major, in one call (the
    /// adapter may split it into passes). MUST return exactly `rows` values in `[0, 1]`.
    async fn predict(&self, input: Vec<f32>, rows: usize) -> Result<Vec<f64>, AppError>;
}

/// Loads a model from its configured location.
#[async_trait]
pub trait ModelLoader: Send + Sync {
    /// Where models are loaded from, for messages.
    fn location(&self) -> String;

    /// Loads the network and card and checks them: the card is consistent, the network file is the one the card
    /// describes, its input width matches, and it reproduces the parity fixtures. A model that fails MUST be
    /// refused with `AppError::Unprocessable` whose message names the problem.
    async fn load(&self) -> Result<Arc<dyn ScoringModel>, AppError>;
}

/// The model the whole fleet should serve: the last one a replica loaded at start-up or by a reload. Every replica
/// compares it with its own and loads its model directory again when they differ (see `ScoringService::sync_model`).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDeployment {
    /// The card's version.
    pub model_version: String,
    /// `ScoringModel::fingerprint` of the deployed model.
    pub fingerprint: String,
    /// When it was put in service.
    pub deployed_at: DateTime<Utc>,
    /// The Admin who reloaded it; `None` when a replica deployed it at start-up.
    pub deployed_by: Option<Uuid>,
}

/// The record of deployed models, shared by every replica (it lives in the database, not in process memory).
#[async_trait]
pub trait ModelDeploymentRepository: Send + Sync {
    /// The latest deployment, if any model was ever deployed.
    async fn current(&self) -> Result<Option<ModelDeployment>, AppError>;

    /// Appends a deployment; it becomes `current`.
    async fn record(&self, deployment: &ModelDeployment) -> Result<(), AppError>;
}

/// A customer's new latest score.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerScore {
    pub customer_id: Uuid,
    pub score: LatestScore,
}

/// Storage of predictions (and of the latest score they give customers).
#[async_trait]
pub trait PredictionRepository: Send + Sync {
    /// Stores predictions and sets the latest score of the customers in `latest`, all in ONE transaction.
    /// MUST return `NotFound` (and store nothing) when a prediction names a customer that no longer exists.
    async fn record(&self, predictions: &[Prediction], latest: &[CustomerScore]) -> Result<(), AppError>;

    /// Sets the latest score of many customers in ONE transaction without storing predictions (bulk re-scoring).
    /// Unknown ids are skipped. Returns the number of customers updated.
    async fn update_latest_scores(&self, scores: &[CustomerScore]) -> Result<u64, AppError>;

    /// The prediction with this id.
    async fn find(&self, id: Uuid) -> Result<Option<Prediction>, AppError>;

    /// One page of predictions matching the filter, in the given order (ties broken by id).
    async fn list(
        &self,
        filter: &PredictionFilter,
        sort: PredictionSort,
        page: PageRequest,
    ) -> Result<Page<Prediction>, AppError>;

    /// Stores a prediction's effective values and override. MUST return `NotFound` for an unknown id.
    async fn save_override(&self, prediction: &Prediction) -> Result<(), AppError>;

    /// Deletes; `false` when there was none.
    async fn delete(&self, id: Uuid) -> Result<bool, AppError>;
}
