//! The model card: what the model is, how to encode its input and how to read its output.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::features::FeatureValue;
use super::prediction::{PredictedClass, ScoreOutcome};
use super::tier::Tier;
use crate::{DomainError, FieldError};

/// How a numeric feature is transformed before it is standardised with the card's mean and std.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumericTransform {
    /// `x`.
    Identity,
    /// `sign(x) · ln(1 + |x|)`: keeps the sign of balances while taming their tail.
    SignedLog1p,
    /// `ln(1 + x)`, for counts (x ≥ 0).
    Log1p,
    /// Two columns: `x == never` as 0/1 and `ln(1 + x)` (0 when never); `never` is the card's
    /// `neverContactedValue`. Separates "never contacted" from "contacted long ago".
    Pdays,
}

/// A numeric input.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NumericFeature {
    /// Name as the API spells it.
    pub name: String,
    /// Transform applied before standardising.
    pub transform: NumericTransform,
    /// Mean of the transformed value on the training data.
    pub mean: f64,
    /// Standard deviation of the transformed value on the training data.
    pub std: f64,
    /// Tensor columns, in order.
    pub columns: Vec<usize>,
    /// The value an explanation compares against.
    pub reference: f64,
    /// For `pdays`: the value meaning "never contacted".
    #[serde(default)]
    pub never_contacted_value: Option<f64>,
}

/// A categorical input, one-hot encoded.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoricalFeature {
    /// Name as the API spells it.
    pub name: String,
    /// Categories in encoding order; matched exactly.
    pub categories: Vec<String>,
    /// Tensor columns, one per category.
    pub columns: Vec<usize>,
    /// The category an explanation compares against.
    pub reference: String,
}

/// One model input as the card describes it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FeatureSpec {
    /// A number.
    Numeric(NumericFeature),
    /// One of a fixed set of strings.
    Categorical(CategoricalFeature),
}

impl FeatureSpec {
    /// The feature's name.
    pub fn name(&self) -> &str {
        match self {
            Self::Numeric(f) => &f.name,
            Self::Categorical(f) => &f.name,
        }
    }

    /// The tensor columns it fills.
    pub fn columns(&self) -> &[usize] {
        match self {
            Self::Numeric(f) => &f.columns,
            Self::Categorical(f) => &f.columns,
        }
    }

    /// The reference value used by explanations.
    pub fn reference(&self) -> FeatureValue {
        match self {
            Self::Numeric(f) => FeatureValue::Number(f.reference),
            Self::Categorical(f) => FeatureValue::Text(f.reference.clone()),
        }
    }
}

/// Probability cut-offs of the tiers.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct TierThresholds {
    /// At or above: Hot.
    pub hot: f64,
    /// At or above (and below `hot`): Warm; below: Cold.
    pub warm: f64,
}

/// The parts of `model.json` the service needs. Unknown keys (metrics, notes) are ignored here and shown as-is by
/// `GET /model`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelCard {
    /// Version string; stored with every prediction.
    pub model_version: String,
    /// When the model was trained (as written by the training script).
    #[serde(default)]
    pub trained_at: Option<String>,
    /// Inputs, in tensor order.
    pub features: Vec<FeatureSpec>,
    /// Width of the input tensor.
    pub n_columns: usize,
    /// Probability at or above which the predicted class is `yes`.
    pub decision_threshold: f64,
    /// Tier cut-offs.
    pub tier_thresholds: TierThresholds,
}

fn probability_in_range(value: f64) -> bool {
    value.is_finite() && value > 0.0 && value < 1.0
}

impl ModelCard {
    /// Checks that the card is internally consistent: every tensor column filled by exactly one feature, sane
    /// statistics, references that encode, ordered thresholds. A card that fails is refused at load time.
    pub fn validate(&self) -> Result<(), DomainError> {
        let mut errors = Vec::new();
        let mut push = |field: &str, message: String| errors.push(FieldError::new(field, message));
        if self.model_version.trim().is_empty() {
            push("modelVersion", "must not be empty".into());
        }
        if self.n_columns == 0 {
            push("nColumns", "must be positive".into());
        }
        if self.features.is_empty() {
            push("features", "must list at least one feature".into());
        }
        // Every column is filled by exactly one feature, so a card naming more columns than its features fill is
        // wrong — and checked before the column table below is allocated: a card declaring 10^18 columns aborted
        // the server on reload.
        let filled: usize = self.features.iter().map(|spec| spec.columns().len()).sum();
        if self.n_columns > filled {
            push("nColumns", format!("is {}, but the features fill only {filled} columns", self.n_columns));
            return Err(DomainError::Invalid(errors));
        }
        let mut names = BTreeSet::new();
        let mut seen = vec![0u32; self.n_columns];
        for spec in &self.features {
            let name = spec.name();
            if !names.insert(name.to_owned()) {
                push("features", format!("{name} is listed twice"));
            }
            let expected = match spec {
                FeatureSpec::Numeric(f) if f.transform == NumericTransform::Pdays => 2,
                FeatureSpec::Numeric(_) => 1,
                FeatureSpec::Categorical(f) => f.categories.len(),
            };
            if spec.columns().len() != expected {
                push("features", format!("{name} needs {expected} columns, has {}", spec.columns().len()));
            }
            for &column in spec.columns() {
                match seen.get_mut(column) {
                    Some(count) => *count += 1,
                    None => {
                        push("features", format!("{name} uses column {column}, beyond nColumns {}", self.n_columns))
                    }
                }
            }
            match spec {
                FeatureSpec::Numeric(f) => {
                    if !f.mean.is_finite() || !f.std.is_finite() || f.std <= 0.0 {
                        push("features", format!("{name} needs a finite mean and a positive std"));
                    }
                    if f.transform == NumericTransform::Pdays && f.never_contacted_value.is_none() {
                        push("features", format!("{name} (pdays) needs neverContactedValue"));
                    }
                }
                FeatureSpec::Categorical(f) => {
                    let distinct: BTreeSet<&String> = f.categories.iter().collect();
                    if distinct.len() != f.categories.len() || f.categories.iter().any(|c| c.is_empty()) {
                        push("features", format!("{name} has empty or repeated categories"));
                    }
                }
            }
            if let Err(message) = self.check_value(spec, &spec.reference()) {
                push("features", format!("{name}: reference {message}"));
            }
        }
        for (column, count) in seen.iter().enumerate() {
            if *count != 1 {
                push("features", format!("column {column} is filled by {count} features; expected exactly 1"));
            }
        }
        let t = self.tier_thresholds;
        if !probability_in_range(t.hot) || !probability_in_range(t.warm) || t.warm >= t.hot {
            push("tierThresholds", "need 0 < warm < hot < 1".into());
        }
        if !probability_in_range(self.decision_threshold) {
            push("decisionThreshold", "must be between 0 and 1".into());
        }
        if errors.is_empty() { Ok(()) } else { Err(DomainError::Invalid(errors)) }
    }

    /// The tier of a probability.
    pub fn tier(&self, probability: f64) -> Tier {
        if probability >= self.tier_thresholds.hot {
            Tier::Hot
        } else if probability >= self.tier_thresholds.warm {
            Tier::Warm
        } else {
            Tier::Cold
        }
    }

    /// Score, tier and class of a probability under this card's rules.
    pub fn outcome(&self, probability: f64) -> ScoreOutcome {
        let predicted_class =
            if probability >= self.decision_threshold { PredictedClass::Yes } else { PredictedClass::No };
        ScoreOutcome { probability, score: score_of(probability), tier: self.tier(probability), predicted_class }
    }

    /// The spec of the feature with this name.
    pub fn feature(&self, name: &str) -> Option<&FeatureSpec> {
        self.features.iter().find(|f| f.name() == name)
    }
}

/// round(100 × probability), clamped to 0..=100.
pub fn score_of(probability: f64) -> u8 {
    (probability * 100.0).round().clamp(0.0, 100.0) as u8
}
