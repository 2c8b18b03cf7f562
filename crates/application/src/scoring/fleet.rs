//! Keeping several replicas on one model. Each process holds its model in memory (a `ModelRegistry`), so a reload
//! sent to one replica would leave the others on the old model. The model to serve is therefore recorded in the
//! database (`ModelDeploymentRepository`): a reload or a start-up records what it loaded, and every replica compares
//! that record with its own model at a fixed interval and loads its model directory when they differ.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};

use super::ports::{ModelDeployment, ModelDeploymentRepository, ModelLoader, ScoringModel};
use super::registry::ModelRegistry;
use crate::AppError;
use crate::system::Clock;

/// What one `ModelFleet::sync` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutcome {
    /// No model was ever deployed (a database no replica has started on yet).
    NothingDeployed,
    /// This replica already serves the deployed model.
    InSync,
    /// This replica loaded the deployed model and put it in service.
    Swapped {
        /// The version it served before.
        from: String,
        /// The version it serves now.
        to: String,
    },
    /// The model directory of this replica does not hold the deployed model (e.g. mid-way through a rolling
    /// upgrade); it keeps serving its own and does not try again until the deployment changes.
    Mismatch {
        /// The deployed version and fingerprint.
        wanted: String,
        /// What this replica's directory holds, or why it could not be loaded.
        found: String,
    },
    /// The deployment is still the one this replica could not follow at an earlier sync (a new deployment of the same
    /// model is tried again).
    StillMismatched,
}

/// The current model of this replica and the record shared by all of them.
pub struct ModelFleet {
    registry: Arc<ModelRegistry>,
    loader: Arc<dyn ModelLoader>,
    deployments: Arc<dyn ModelDeploymentRepository>,
    clock: Arc<dyn Clock>,
    /// The last deployment this replica failed to follow (fingerprint and time), so a directory that does not hold
    /// it is not reloaded at every tick; a new deployment, even of the same model, is tried again.
    refused: Mutex<Option<(String, DateTime<Utc>)>>,
}

impl ModelFleet {
    /// Wires the parts.
    pub fn new(
        registry: Arc<ModelRegistry>,
        loader: Arc<dyn ModelLoader>,
        deployments: Arc<dyn ModelDeploymentRepository>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { registry, loader, deployments, clock, refused: Mutex::new(None) }
    }

    /// Where models are loaded from, for messages.
    pub fn location(&self) -> String {
        self.loader.location()
    }

    /// At start-up: the model this replica loaded from its directory becomes the deployed one, unless it already is.
    /// A process starts on the files its operator gave it, so the newest start wins; replicas whose directories hold
    /// that model follow it.
    pub async fn announce(&self) -> Result<(), AppError> {
        let model = self.registry.current();
        let current = self.deployments.current().await?;
        if current.is_some_and(|d| d.fingerprint == model.fingerprint()) {
            return Ok(());
        }
        self.deployments.record(&self.deployment_of(model.as_ref(), None)).await
    }

    /// Loads the model directory, checks the model, records it as deployed and puts it in service here. Returns
    /// the model it replaced. A model that fails a check is refused with nothing recorded or swapped.
    pub async fn reload(&self, by: uuid::Uuid) -> Result<(Arc<dyn ScoringModel>, Arc<dyn ScoringModel>), AppError> {
        let model = self.loader.load().await?;
        // Recorded before the swap: if the record fails, neither this replica nor the others change.
        self.deployments.record(&self.deployment_of(model.as_ref(), Some(by))).await?;
        let previous = self.registry.swap(model.clone());
        self.set_refused(None);
        Ok((previous, model))
    }

    /// Follows the deployed model: loads this replica's directory when the deployment differs from the model in
    /// service, and swaps when the directory holds exactly the deployed model.
    pub async fn sync(&self) -> Result<SyncOutcome, AppError> {
        let Some(deployed) = self.deployments.current().await? else {
            return Ok(SyncOutcome::NothingDeployed);
        };
        let serving = self.registry.current();
        if serving.fingerprint() == deployed.fingerprint {
            self.set_refused(None);
            return Ok(SyncOutcome::InSync);
        }
        let key = (deployed.fingerprint.clone(), deployed.deployed_at);
        if self.refused.lock().unwrap_or_else(PoisonError::into_inner).as_ref() == Some(&key) {
            return Ok(SyncOutcome::StillMismatched);
        }
        let wanted = format!("{} ({})", deployed.model_version, deployed.fingerprint);
        let found = match self.loader.load().await {
            Ok(model) if model.fingerprint() == deployed.fingerprint => {
                let previous = self.registry.swap(model.clone());
                return Ok(SyncOutcome::Swapped {
                    from: previous.card().model_version.clone(),
                    to: model.card().model_version.clone(),
                });
            }
            Ok(model) => format!("{} ({})", model.card().model_version, model.fingerprint()),
            Err(err) => err.to_string(),
        };
        self.set_refused(Some(key));
        Ok(SyncOutcome::Mismatch { wanted, found })
    }

    fn set_refused(&self, deployment: Option<(String, DateTime<Utc>)>) {
        *self.refused.lock().unwrap_or_else(PoisonError::into_inner) = deployment;
    }

    fn deployment_of(&self, model: &dyn ScoringModel, by: Option<uuid::Uuid>) -> ModelDeployment {
        ModelDeployment {
            model_version: model.card().model_version.clone(),
            fingerprint: model.fingerprint().to_owned(),
            deployed_at: self.clock.now(),
            deployed_by: by,
        }
    }
}
