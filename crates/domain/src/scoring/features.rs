//! The raw inputs of a prediction, as the API receives them, before encoding.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use crate::customers::BankProfile;

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

fn yes_no(flag: bool) -> FeatureValue {
    FeatureValue::Text(if flag { "yes" } else { "no" }.to_owned())
}

fn text(value: impl fmt::Display) -> FeatureValue {
    FeatureValue::Text(value.to_string())
}

impl From<&BankProfile> for FeatureRecord {
    /// A stored customer's attributes in the exact spelling of the UCI data, which is what the card's categories use.
    fn from(p: &BankProfile) -> Self {
        let mut record = FeatureRecord::new();
        let mut put = |name: &str, value: FeatureValue| {
            record.insert(name.to_owned(), value);
        };
        put("age", FeatureValue::Number(f64::from(p.age.years())));
        put("job", text(p.job));
        put("marital", text(p.marital));
        put("education", text(p.education));
        put("default", yes_no(p.default));
        put("balance", FeatureValue::Number(p.balance as f64));
        put("housing", yes_no(p.housing));
        put("loan", yes_no(p.loan));
        put("contact", text(p.contact));
        put("day", FeatureValue::Number(f64::from(p.day)));
        put("month", text(p.month));
        if let Some(duration) = p.duration {
            put("duration", FeatureValue::Number(f64::from(duration)));
        }
        put("campaign", FeatureValue::Number(f64::from(p.campaign)));
        put("pdays", FeatureValue::Number(f64::from(p.pdays)));
        put("previous", FeatureValue::Number(f64::from(p.previous)));
        put("poutcome", text(p.poutcome));
        record
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
