//! A stored prediction and the rules of overriding it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::explanation::Factors;
use super::features::FeatureRecord;
use super::tier::Tier;
use crate::string_enum;

string_enum!(
    /// The class the decision threshold gives.
    PredictedClass, "predictedClass" {
        /// Probability at or above the decision threshold: worth calling.
        Yes => "yes",
        /// Below the threshold.
        No => "no",
    }
);

string_enum!(
    /// Which path produced a prediction.
    PredictionSource, "source" {
        /// `POST /predictions`.
        Single => "single",
        /// `POST /predictions/batch`.
        Batch => "batch",
        /// A campaign run.
        Campaign => "campaign",
    }
);

/// What the card's rules make of one probability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreOutcome {
    /// P(subscribes).
    pub probability: f64,
    /// round(100 × probability).
    pub score: u8,
    pub tier: Tier,
    /// Class at the decision threshold.
    pub predicted_class: PredictedClass,
}

/// A person's correction of a prediction; the model's own values are kept here.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictionOverride {
    /// The model's probability.
    pub original_probability: f64,
    /// The model's class.
    pub original_class: PredictedClass,
    /// Why it was overridden (required).
    pub reason: String,
    /// Who overrode it; `None` once that user is deleted (the history outlives accounts).
    pub by: Option<Uuid>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A stored prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// UUID v7.
    pub id: Uuid,
    /// The customer scored, when it was a stored one (cleared if the customer is deleted).
    pub customer_id: Option<Uuid>,
    /// The campaign whose run produced it.
    pub campaign_id: Option<Uuid>,
    /// Which path produced it.
    pub source: PredictionSource,
    /// The raw inputs.
    pub features: FeatureRecord,
    /// Effective values (the override's, when overridden).
    pub outcome: ScoreOutcome,
    /// Why (empty for campaign runs, which do not explain).
    pub factors: Factors,
    /// Model version.
    pub model_version: String,
    /// Who asked; `None` once that user is deleted.
    pub requested_by: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The correction, if any.
    pub overridden: Option<PredictionOverride>,
}

impl Prediction {
    /// Applies a person's correction. The model's original values survive repeated overrides: only the first
    /// override records them.
    pub fn apply_override(&mut self, outcome: ScoreOutcome, reason: String, by: Uuid, at: DateTime<Utc>) {
        let (original_probability, original_class) = match &self.overridden {
            Some(o) => (o.original_probability, o.original_class),
            None => (self.outcome.probability, self.outcome.predicted_class),
        };
        self.overridden = Some(PredictionOverride { original_probability, original_class, reason, by: Some(by), at });
        self.outcome = outcome;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(probability: f64, class: PredictedClass) -> ScoreOutcome {
        ScoreOutcome {
            probability,
            score: (probability * 100.0).round() as u8,
            tier: Tier::Cold,
            predicted_class: class,
        }
    }

    #[test]
    fn the_first_override_keeps_the_model_values_for_good() {
        let now = Utc::now();
        let mut p = Prediction {
            id: Uuid::nil(),
            customer_id: None,
            campaign_id: None,
            source: PredictionSource::Single,
            features: FeatureRecord::new(),
            outcome: outcome(0.1, PredictedClass::No),
            factors: Factors::default(),
            model_version: "v".into(),
            requested_by: None,
            created_at: now,
            overridden: None,
        };
        p.apply_override(outcome(0.9, PredictedClass::Yes), "called, keen".into(), Uuid::nil(), now);
        p.apply_override(outcome(0.5, PredictedClass::Yes), "second look".into(), Uuid::nil(), now);
        let o = p.overridden.unwrap();
        assert_eq!((o.original_probability, o.original_class), (0.1, PredictedClass::No));
        assert_eq!(o.reason, "second look");
        assert_eq!(p.outcome.probability, 0.5);
    }
}
