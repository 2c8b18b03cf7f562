//! The typed prediction filter and sort.

use chrono::{DateTime, Utc};
use leadscore_domain::pagination::SortDir;
use leadscore_domain::scoring::{PredictedClass, PredictionSource, Tier};
use uuid::Uuid;

use crate::AppError;
use crate::error::Validator;

/// Which predictions: every set field narrows the selection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PredictionFilter {
    /// Effective class.
    pub predicted_class: Option<PredictedClass>,
    /// Which path produced it.
    pub source: Option<PredictionSource>,
    /// About this customer.
    pub customer_id: Option<Uuid>,
    /// From this campaign's runs.
    pub campaign_id: Option<Uuid>,
    /// Effective tier.
    pub tier: Option<Tier>,
    /// Effective probability at least.
    pub prob_min: Option<f64>,
    /// Effective probability at most.
    pub prob_max: Option<f64>,
    /// Made by this model version.
    pub model_version: Option<String>,
    /// Only overridden (true) or only untouched (false) predictions.
    pub overridden: Option<bool>,
    /// Requested by this user (set by the service for Sales callers).
    pub requested_by: Option<Uuid>,
    /// Only predictions that are not from a campaign, or from a campaign this user owns or collaborates on (set
    /// by the service for every caller but Admins): a campaign's predictions are its call list.
    pub campaigns_of: Option<Uuid>,
    /// Made at or after.
    pub from: Option<DateTime<Utc>>,
    /// Made at or before.
    pub to: Option<DateTime<Utc>>,
}

impl PredictionFilter {
    /// Checks bounds and consistency; every problem is reported.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut v = Validator::new();
        for (value, field) in [(self.prob_min, "probMin"), (self.prob_max, "probMax")] {
            if value.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
                v.push(field, "must be between 0 and 1");
            }
        }
        if let (Some(min), Some(max)) = (self.prob_min, self.prob_max)
            && min > max
        {
            v.push("probMin", "must not be greater than probMax");
        }
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            v.push("from", "must not be after 'to'");
        }
        Ok(v.finish()?)
    }
}

/// Fields a prediction list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PredictionSortField {
    /// Creation time (default).
    #[default]
    CreatedAt,
    /// Effective probability.
    Probability,
}

/// Sort of a prediction list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PredictionSort {
    pub field: PredictionSortField,
    /// Direction.
    pub dir: SortDir,
}
