//! The model in service, swappable while requests run: each request takes its own `Arc` to the model, so a reload
//! never changes the model under a request that already started.

use std::sync::{Arc, PoisonError, RwLock};

use async_trait::async_trait;
use leadscore_domain::scoring::FeatureRecord;

use super::engine::score_records;
use super::ports::ScoringModel;
use crate::system::HealthProbe;

/// Holds the current model.
pub struct ModelRegistry {
    current: RwLock<Arc<dyn ScoringModel>>,
}

impl ModelRegistry {
    /// Starts with a loaded model: the service never runs without one.
    pub fn new(model: Arc<dyn ScoringModel>) -> Self {
        Self { current: RwLock::new(model) }
    }

    /// The model to use for one request.
    pub fn current(&self) -> Arc<dyn ScoringModel> {
        // A poisoned lock still holds a complete Arc; the swap is a single assignment.
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Puts `model` in service and returns the one it replaces.
    pub fn swap(&self, model: Arc<dyn ScoringModel>) -> Arc<dyn ScoringModel> {
        let mut guard = self.current.write().unwrap_or_else(PoisonError::into_inner);
        std::mem::replace(&mut *guard, model)
    }
}

/// `/ready` check: the current model scores its own reference customer to a probability.
pub struct ModelProbe(pub Arc<ModelRegistry>);

#[async_trait]
impl HealthProbe for ModelProbe {
    fn name(&self) -> &'static str {
        "model"
    }

    async fn is_ready(&self) -> bool {
        let model = self.0.current();
        let reference: FeatureRecord =
            model.card().features.iter().map(|f| (f.name().to_owned(), f.reference())).collect();
        match score_records(model.as_ref(), &[reference], 0).await {
            Ok(Ok(scored)) => scored.first().is_some_and(|s| (0.0..=1.0).contains(&s.outcome.probability)),
            _ => false,
        }
    }
}
