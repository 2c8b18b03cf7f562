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
        // Impacts first, rounded to the stored precision, which is what ranks and signs them; factors (and their
        // allocations) only for the few that are kept.
        let mut ranked: Vec<(usize, f64)> = reference_probabilities
            .iter()
            .take(card.features.len())
            .map(|reference_probability| (probability - reference_probability) * 100.0)
            .enumerate()
            // Same input row, same output: a value at its reference has no effect. The margin only absorbs float
            // noise should the runtime ever compute a row differently by its position in the batch.
            .filter(|(_, impact)| impact.abs() > 1e-6 && impact.is_finite())
            .map(|(i, impact)| (i, (impact * 10_000.0).round() / 10_000.0))
            .collect();
        // Stable, so equal impacts keep card order.
        ranked.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        let mut factors = Self::default();
        for (i, impact) in ranked {
            let side = if impact > 0.0 {
                &mut factors.raised
            } else if impact < 0.0 {
                &mut factors.lowered
            } else {
                continue;
            };
            if side.len() >= top {
                continue;
            }
            let spec = &card.features[i];
            if let Some(value) = record.get(spec.name()) {
                side.push(Factor {
                    feature: spec.name().to_owned(),
                    value: value.clone(),
                    reference: spec.reference(),
                    impact,
                });
            }
        }
        factors
    }
}
