//! The typed customer filter and sort.

use chrono::{DateTime, Utc};
use leadscore_domain::customers::{Contact, Education, Job, Marital, Month, Poutcome};
use leadscore_domain::pagination::SortDir;
use leadscore_domain::scoring::Tier;
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::error::Validator;

/// Which customers: every set field narrows the selection; list fields mean "any of". Serialisable so a campaign can
/// store it as its criteria; adapters translate it into a query field by field, never passing it through raw.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerFilter {
    /// Any of these jobs (by their exact data values, e.g. `admin.`).
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "codes")]
    pub job: Vec<Job>,
    /// Any of these marital statuses.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "codes")]
    pub marital: Vec<Marital>,
    /// Any of these education levels.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "codes")]
    pub education: Vec<Education>,
    /// Any of these contact types.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "codes")]
    pub contact: Vec<Contact>,
    /// Any of these months of last contact.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "codes")]
    pub month: Vec<Month>,
    /// Any of these previous outcomes.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "codes")]
    pub poutcome: Vec<Poutcome>,
    /// Any of these tiers (scored customers only).
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "codes")]
    pub tier: Vec<Tier>,
    /// Age at least.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_min: Option<i64>,
    /// Age at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_max: Option<i64>,
    /// Balance at least.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_min: Option<i64>,
    /// Balance at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_max: Option<i64>,
    /// Has (or has not) a housing loan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub housing: Option<bool>,
    /// Has (or has not) a personal loan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loan: Option<bool>,
    /// Has (or has not) credit in default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    /// Score (0–100) at least; unscored customers never match a score bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_min: Option<i64>,
    /// Score at most.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_max: Option<i64>,
    /// Case-insensitive substring of name, e-mail, phone, city or external id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Created at or after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime<Utc>>,
    /// Created at or before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<DateTime<Utc>>,
}

/// Serialises a list of domain codes as their exact strings.
mod codes {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer, T: Display>(values: &[T], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(values.iter().map(ToString::to_string))
    }

    pub fn deserialize<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr,
        T::Err: Display,
    {
        Vec::<String>::deserialize(d)?
            .into_iter()
            .map(|raw| raw.parse::<T>().map_err(serde::de::Error::custom))
            .collect()
    }
}

fn check_order(v: &mut Validator, min: Option<i64>, max: Option<i64>, field: &str) {
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        v.push(format!("{field}Min"), format!("must not be greater than {field}Max"));
    }
}

impl CustomerFilter {
    /// Upper bound of an age bound: wider than the customers' own 18–100 so a filter never fails on a valid person,
    /// narrow enough to catch a typo.
    pub const AGE_BOUND_MAX: i64 = 150;
    /// Scores run 0–100 (`round(100 × probability)`).
    pub const SCORE_MAX: i64 = 100;
    /// Longest search text; longer input is a client bug, not a search.
    pub const Q_MAX_CHARS: usize = 200;

    /// Checks bounds and consistency; every problem is reported.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut v = Validator::new();
        for (value, field) in [(self.age_min, "ageMin"), (self.age_max, "ageMax")] {
            if value.is_some_and(|a| !(0..=Self::AGE_BOUND_MAX).contains(&a)) {
                v.push(field, format!("must be between 0 and {}", Self::AGE_BOUND_MAX));
            }
        }
        for (value, field) in [(self.score_min, "scoreMin"), (self.score_max, "scoreMax")] {
            if value.is_some_and(|s| !(0..=Self::SCORE_MAX).contains(&s)) {
                v.push(field, format!("must be between 0 and {}", Self::SCORE_MAX));
            }
        }
        check_order(&mut v, self.age_min, self.age_max, "age");
        check_order(&mut v, self.balance_min, self.balance_max, "balance");
        check_order(&mut v, self.score_min, self.score_max, "score");
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            v.push("from", "must not be after 'to'");
        }
        if self.q.as_ref().is_some_and(|q| q.chars().count() > Self::Q_MAX_CHARS) {
            v.push("q", format!("must be at most {} characters", Self::Q_MAX_CHARS));
        }
        Ok(v.finish()?)
    }

    /// The search text, trimmed, when it is not empty.
    pub fn query_text(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }
}

/// Fields a customer list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CustomerSortField {
    /// Age.
    Age,
    /// Balance.
    Balance,
    /// Score (unscored customers last in both directions).
    Score,
    /// Creation time (default).
    #[default]
    CreatedAt,
    /// Name (unnamed customers last in both directions).
    Name,
}

/// Sort of a customer list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CustomerSort {
    /// Field.
    pub field: CustomerSortField,
    /// Direction.
    pub dir: SortDir,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_exact_codes_and_round_trips() {
        let filter = CustomerFilter {
            job: vec![Job::Admin, Job::BlueCollar],
            tier: vec![Tier::Hot],
            age_min: Some(30),
            ..CustomerFilter::default()
        };
        let json = serde_json::to_value(&filter).unwrap();
        assert_eq!(json, serde_json::json!({"job": ["admin.", "blue-collar"], "tier": ["Hot"], "ageMin": 30}));
        let back: CustomerFilter = serde_json::from_value(json).unwrap();
        assert_eq!(back, filter);
        assert!(serde_json::from_value::<CustomerFilter>(serde_json::json!({"job": ["pilot"]})).is_err());
        assert!(serde_json::from_value::<CustomerFilter>(serde_json::json!({"sql": "1=1"})).is_err());
    }

    #[test]
    fn validates_ranges() {
        let bad = CustomerFilter { age_min: Some(60), age_max: Some(30), score_max: Some(101), ..Default::default() };
        let Err(AppError::Validation(errors)) = bad.validate() else { panic!() };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"ageMin") && fields.contains(&"scoreMax"), "{fields:?}");
        assert!(CustomerFilter::default().validate().is_ok());
    }
}
