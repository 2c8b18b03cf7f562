//! Why a probability is what it is: the features whose values moved it most, found by swapping one feature at a
//! time for its reference value and re-scoring. It needs nothing but the model's output, so it works for any model.

use serde::{Deserialize, Serialize};

use super::card::ModelCard;
use super::features::{FeatureRecord, FeatureValue};

/// One feature's effect on one prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Factor {
    /// Feature name.
    pub feature: String,
    /// The customer's value.
    pub value: FeatureValue,
    /// The reference value it was compared with.
    pub reference: FeatureValue,
    /// Probability with the customer's value minus probability with the reference value, in percentage points
    /// (positive: the value raised the probability).
    pub impact: f64,
}

/// The strongest factors in each direction.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Factors {
    /// Features that raised the probability, strongest first.
    pub raised: Vec<Factor>,
    /// Features that lowered the probability, strongest first.
    pub lowered: Vec<Factor>,
}

impl Factors {
    /// Builds the explanation of one prediction. `reference_probabilities[i]` is the probability with the card's
    /// i-th feature set to its reference value; features whose swap changes nothing (a value equal to the
    /// reference; below 1e-6 points) are left out. At most `top` factors per direction.
    pub fn explain(
        card: &ModelCard,
        record: &FeatureRecord,
        probability: f64,
        reference_probabilities: &[f64],
        top: usize,
    ) -> Self {
        let mut factors: Vec<Factor> = card
            .features
            .iter()
            .zip(reference_probabilities)
            .filter_map(|(spec, reference_probability)| {
                let impact = (probability - reference_probability) * 100.0;
                let value = record.get(spec.name())?;
                // Same input row, same output: a value at its reference has no effect. The margin only absorbs
                // float noise should the runtime ever compute a row differently by its position in the batch.
                (impact.abs() > 1e-6 && impact.is_finite()).then(|| Factor {
                    feature: spec.name().to_owned(),
                    value: value.clone(),
                    reference: spec.reference(),
                    impact: (impact * 10_000.0).round() / 10_000.0,
                })
            })
            .collect();
        factors.sort_by(|a, b| b.impact.abs().total_cmp(&a.impact.abs()));
        let (raised, lowered): (Vec<Factor>, Vec<Factor>) = factors.into_iter().partition(|f| f.impact > 0.0);
        Self {
            raised: raised.into_iter().take(top).collect(),
            lowered: lowered.into_iter().filter(|f| f.impact < 0.0).take(top).collect(),
        }
    }
}
