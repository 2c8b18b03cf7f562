//! The raw inputs of a prediction, as the API receives them, before encoding.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use crate::customers::{BankAttribute, BankProfile, Contact, Education, Job, Marital, Month, Poutcome};

/// One raw input value: the card decides whether a feature wants a number or a category.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum FeatureValue {
    /// A number (integers are shown without a fraction).
    Number(f64),
    /// A category.
    Text(String),
}

impl Serialize for FeatureValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => serializer.serialize_i64(*x as i64),
            Self::Number(x) => serializer.serialize_f64(*x),
            Self::Text(s) => serializer.serialize_str(s),
        }
    }
}

impl fmt::Display for FeatureValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => write!(f, "{}", *x as i64),
            Self::Number(x) => write!(f, "{x}"),
            Self::Text(s) => f.write_str(s),
        }
    }
}

/// Feature name → raw value. Extra names (`day`, `duration`) are kept for the record and ignored by the encoder.
pub type FeatureRecord = BTreeMap<String, FeatureValue>;

const YES_NO: [&str; 2] = ["no", "yes"];

/// Position of `value` in `all` (the declaration order of a closed set of values).
fn position<T: Copy + PartialEq>(all: &[T], value: T) -> usize {
    all.iter().position(|v| *v == value).unwrap_or(0)
}

/// How the scoring reads each attribute. The record built from a profile and the direct profile encoder both read a
/// profile through these, so they cannot disagree on a name, a spelling or a value.
impl BankAttribute {
    /// Every text value a categorical attribute can take, in a fixed order that `code` indexes; empty for numbers.
    pub(super) fn vocabulary(self) -> Vec<&'static str> {
        fn strs<T: Copy>(all: &[T], text: fn(T) -> &'static str) -> Vec<&'static str> {
            all.iter().map(|v| text(*v)).collect()
        }
        match self {
            Self::Job => strs(Job::ALL, Job::as_str),
            Self::Marital => strs(Marital::ALL, Marital::as_str),
            Self::Education => strs(Education::ALL, Education::as_str),
            Self::Contact => strs(Contact::ALL, Contact::as_str),
            Self::Month => strs(Month::ALL, Month::as_str),
            Self::Poutcome => strs(Poutcome::ALL, Poutcome::as_str),
            Self::Default | Self::Housing | Self::Loan => YES_NO.to_vec(),
            Self::Age | Self::Balance | Self::Day | Self::Duration | Self::Campaign | Self::Pdays | Self::Previous => {
                Vec::new()
            }
        }
    }

    /// Whether the attribute is a number (otherwise it is one of `vocabulary()`).
    pub(super) fn is_numeric(self) -> bool {
        self.vocabulary().is_empty()
    }

    /// A categorical attribute's value as its index in `vocabulary()`; `None` for numbers.
    pub(super) fn code(self, p: &BankProfile) -> Option<usize> {
        match self {
            Self::Job => Some(position(Job::ALL, p.job)),
            Self::Marital => Some(position(Marital::ALL, p.marital)),
            Self::Education => Some(position(Education::ALL, p.education)),
            Self::Contact => Some(position(Contact::ALL, p.contact)),
            Self::Month => Some(position(Month::ALL, p.month)),
            Self::Poutcome => Some(position(Poutcome::ALL, p.poutcome)),
            Self::Default => Some(usize::from(p.default)),
            Self::Housing => Some(usize::from(p.housing)),
            Self::Loan => Some(usize::from(p.loan)),
            Self::Age | Self::Balance | Self::Day | Self::Duration | Self::Campaign | Self::Pdays | Self::Previous => {
                None
            }
        }
    }

    /// A numeric attribute's value; `None` for categories and for a duration that is not known.
    pub(super) fn number(self, p: &BankProfile) -> Option<f64> {
        match self {
            Self::Age => Some(f64::from(p.age.years())),
            Self::Balance => Some(p.balance as f64),
            Self::Day => Some(f64::from(p.day)),
            Self::Duration => p.duration.map(f64::from),
            Self::Campaign => Some(f64::from(p.campaign)),
            Self::Pdays => Some(f64::from(p.pdays)),
            Self::Previous => Some(f64::from(p.previous)),
            Self::Job
            | Self::Marital
            | Self::Education
            | Self::Default
            | Self::Housing
            | Self::Loan
            | Self::Contact
            | Self::Month
            | Self::Poutcome => None,
        }
    }

    /// A categorical attribute's value as text; `None` for numbers. Always `vocabulary()[code]`.
    pub(super) fn text(self, p: &BankProfile) -> Option<&'static str> {
        match self {
            Self::Job => Some(p.job.as_str()),
            Self::Marital => Some(p.marital.as_str()),
            Self::Education => Some(p.education.as_str()),
            Self::Contact => Some(p.contact.as_str()),
            Self::Month => Some(p.month.as_str()),
            Self::Poutcome => Some(p.poutcome.as_str()),
            Self::Default => Some(YES_NO[usize::from(p.default)]),
            Self::Housing => Some(YES_NO[usize::from(p.housing)]),
            Self::Loan => Some(YES_NO[usize::from(p.loan)]),
            Self::Age | Self::Balance | Self::Day | Self::Duration | Self::Campaign | Self::Pdays | Self::Previous => {
                None
            }
        }
    }

    /// The raw value, as a feature record holds it; `None` when the profile has none (an unknown duration).
    pub(super) fn value(self, p: &BankProfile) -> Option<FeatureValue> {
        match self.text(p) {
            Some(text) => Some(FeatureValue::Text(text.to_owned())),
            None => self.number(p).map(FeatureValue::Number),
        }
    }
}

impl From<&BankProfile> for FeatureRecord {
    /// A stored customer's attributes in the exact spelling of the UCI data, which is what the card's categories use.
    fn from(p: &BankProfile) -> Self {
        BankAttribute::ALL.into_iter().filter_map(|a| Some((a.name().to_owned(), a.value(p)?))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_display_without_a_fraction() {
        assert_eq!(FeatureValue::Number(37.0).to_string(), "37");
        assert_eq!(FeatureValue::Number(-1.0).to_string(), "-1");
        assert_eq!(FeatureValue::Number(0.5).to_string(), "0.5");
        assert_eq!(FeatureValue::Text("may".into()).to_string(), "may");
    }
}
