//! Scoring: the model card, how a customer becomes a model input, what a prediction says and why.
//!
//! Everything model-specific (vocabularies, statistics, thresholds) comes from the model card, never from code, so a
//! retrained model with a new card needs no code change as long as it keeps the card's encoding kinds.

mod card;
mod encoder;
mod explanation;
mod features;
mod prediction;
mod tier;

pub use card::{CategoricalFeature, FeatureSpec, ModelCard, NumericFeature, NumericTransform, TierThresholds};
pub use encoder::ProfileEncoder;
pub use explanation::{Factor, Factors};
pub use features::{FeatureRecord, FeatureValue};
pub use prediction::{PredictedClass, Prediction, PredictionOverride, PredictionSource, ScoreOutcome};
pub use tier::Tier;
