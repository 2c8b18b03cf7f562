//! Scoring: the loaded model (swappable at run time), batch scoring with explanations, stored predictions and
//! bulk re-scoring of the customer base.

mod bulk;
mod engine;
mod filter;
mod fleet;
mod ports;
mod registry;
mod service;

pub use bulk::{CustomerWalk, ScoredProfile};
pub use engine::{RecordErrors, Scored, score_each, score_records};
pub use filter::{PredictionFilter, PredictionSort, PredictionSortField};
pub use fleet::{ModelFleet, SyncOutcome};
pub use ports::{
    CustomerScore, ModelDeployment, ModelDeploymentRepository, ModelLoader, PredictionRepository, ScoringModel,
};
pub use registry::{ModelProbe, ModelRegistry};
pub use service::{
    ImportScoring, PredictionInput, PredictionOverrideRequest, ReloadReport, RescoreReport, ScoringService,
    ScoringSettings, latest_score,
};
