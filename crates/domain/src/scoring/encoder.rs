//! Turning a feature record, or a stored customer's profile, into the model's float input row, following the card
//! exactly.

use super::card::{CategoricalFeature, FeatureSpec, ModelCard, NumericFeature, NumericTransform};
use super::features::{FeatureRecord, FeatureValue};
use crate::FieldError;
use crate::customers::{BankAttribute, BankProfile};

fn signed_log1p(x: f64) -> f64 {
    // f64::signum(0.0) is 1.0; the training script uses sign(0) = 0.
    if x == 0.0 { 0.0 } else { x.signum() * x.abs().ln_1p() }
}

fn numeric_columns(f: &NumericFeature, x: f64) -> [f64; 2] {
    let standardise = |v: f64| (v - f.mean) / f.std;
    match f.transform {
        NumericTransform::Identity => [standardise(x), 0.0],
        NumericTransform::SignedLog1p => [standardise(signed_log1p(x)), 0.0],
        NumericTransform::Log1p => [standardise(x.ln_1p()), 0.0],
        NumericTransform::Pdays => {
            let never = f.never_contacted_value == Some(x);
            [if never { 1.0 } else { 0.0 }, standardise(if never { 0.0 } else { x.ln_1p() })]
        }
    }
}

/// Both encoders write through these two functions, so a record and a profile with the same values give the same bits.
fn write_number(f: &NumericFeature, x: f64, row: &mut [f32]) {
    for (column, v) in f.columns.iter().zip(numeric_columns(f, x)) {
        row[*column] = v as f32;
    }
}

fn write_category(f: &CategoricalFeature, hit: Option<usize>, row: &mut [f32]) {
    for (i, column) in f.columns.iter().enumerate() {
        row[*column] = if hit == Some(i) { 1.0 } else { 0.0 };
    }
}

fn check_numeric(f: &NumericFeature, x: f64) -> Result<(), String> {
    if !x.is_finite() {
        return Err("must be a finite number".into());
    }
    match f.transform {
        NumericTransform::Identity | NumericTransform::SignedLog1p => Ok(()),
        NumericTransform::Log1p if x >= 0.0 => Ok(()),
        NumericTransform::Log1p => Err("must be 0 or more".into()),
        NumericTransform::Pdays if x >= 0.0 || f.never_contacted_value == Some(x) => Ok(()),
        NumericTransform::Pdays => Err(format!(
            "must be {} (never contacted) or 0 or more",
            FeatureValue::Number(f.never_contacted_value.unwrap_or(-1.0))
        )),
    }
}

fn category_index(f: &CategoricalFeature, value: &str) -> Result<usize, String> {
    f.categories
        .iter()
        .position(|c| c == value)
        .ok_or_else(|| format!("unknown value '{value}'; allowed: {}", f.categories.join(", ")))
}

impl ModelCard {
    /// Whether `value` is acceptable for `spec`; the message says why not.
    pub fn check_value(&self, spec: &FeatureSpec, value: &FeatureValue) -> Result<(), String> {
        match (spec, value) {
            (FeatureSpec::Numeric(f), FeatureValue::Number(x)) => check_numeric(f, *x),
            (FeatureSpec::Numeric(_), FeatureValue::Text(_)) => Err("must be a number".into()),
            (FeatureSpec::Categorical(f), FeatureValue::Text(s)) => category_index(f, s).map(|_| ()),
            (FeatureSpec::Categorical(f), FeatureValue::Number(_)) => {
                Err(format!("must be a string, one of: {}", f.categories.join(", ")))
            }
        }
    }

    /// Writes the encoding of one (already checked) value into the feature's columns of `row`.
    fn write_value(spec: &FeatureSpec, value: &FeatureValue, row: &mut [f32]) {
        match (spec, value) {
            (FeatureSpec::Numeric(f), FeatureValue::Number(x)) => write_number(f, *x, row),
            (FeatureSpec::Categorical(f), FeatureValue::Text(s)) => {
                write_category(f, f.categories.iter().position(|c| c == s), row)
            }
            // Unreachable after check_value; leaving the columns untouched is the safe reading.
            _ => {}
        }
    }

    /// Checks every feature of `record` and reports every problem at once, each under the feature's name.
    /// Values the card does not use (`day`, `duration`) are ignored.
    pub fn check_record(&self, record: &FeatureRecord) -> Result<(), Vec<FieldError>> {
        let errors: Vec<FieldError> = self
            .features
            .iter()
            .filter_map(|spec| match record.get(spec.name()) {
                None => Some(FieldError::new(spec.name(), "is required")),
                Some(value) => self.check_value(spec, value).err().map(|m| FieldError::new(spec.name(), m)),
            })
            .collect();
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// Appends the encoded row of `record` to `out` (`n_columns` floats). Computes in f64 and casts to f32 at the
    /// end, as the training script does.
    pub fn encode(&self, record: &FeatureRecord, out: &mut Vec<f32>) -> Result<(), Vec<FieldError>> {
        self.check_record(record)?;
        let start = out.len();
        out.resize(start + self.n_columns, 0.0);
        let row = &mut out[start..];
        for spec in &self.features {
            if let Some(value) = record.get(spec.name()) {
                Self::write_value(spec, value, row);
            }
        }
        Ok(())
    }

    /// Appends, for each feature in card order, a copy of `row` with that feature set to its reference value: the
    /// rows an explanation scores next to the original.
    pub fn append_reference_rows(&self, row: &[f32], out: &mut Vec<f32>) {
        out.reserve(self.features.len() * row.len());
        for spec in &self.features {
            let start = out.len();
            out.extend_from_slice(row);
            let copy = &mut out[start..];
            // Written from the spec directly: `spec.reference()` would allocate a value per feature per record.
            match spec {
                FeatureSpec::Numeric(f) => write_number(f, f.reference, copy),
                FeatureSpec::Categorical(f) => {
                    write_category(f, f.categories.iter().position(|c| *c == f.reference), copy)
                }
            }
        }
    }
}

/// How one card feature is read from a `BankProfile`.
enum Step<'a> {
    Number(&'a NumericFeature, BankAttribute),
    /// `positions[code]`: the category position of the attribute's value with that code, if the card knows it.
    Category(&'a CategoricalFeature, BankAttribute, Vec<Option<usize>>),
    /// The card wants something no profile gives (an unknown name, or a number where a profile holds text).
    Unusable,
}

/// Encodes stored customers' profiles straight into tensor rows, without building a `FeatureRecord` per customer:
/// the bulk scoring path. Each card feature is resolved to a profile attribute once, and each category to its column
/// once, so encoding a row does no lookups by name and no allocation.
///
/// Contract: for every profile it writes exactly the bits `ModelCard::encode` writes for
/// `FeatureRecord::from(profile)`, and refuses exactly the profiles that refuses, with the same errors.
pub struct ProfileEncoder<'a> {
    card: &'a ModelCard,
    steps: Vec<Step<'a>>,
}

impl ModelCard {
    /// The encoder of stored profiles under this card.
    pub fn profile_encoder(&self) -> ProfileEncoder<'_> {
        let steps = self
            .features
            .iter()
            .map(|spec| match (spec, BankAttribute::named(spec.name())) {
                (FeatureSpec::Numeric(f), Some(a)) if a.is_numeric() => Step::Number(f, a),
                (FeatureSpec::Categorical(f), Some(a)) if !a.is_numeric() => {
                    let positions = a.vocabulary().iter().map(|v| f.categories.iter().position(|c| c == v)).collect();
                    Step::Category(f, a, positions)
                }
                _ => Step::Unusable,
            })
            .collect();
        ProfileEncoder { card: self, steps }
    }
}

impl ProfileEncoder<'_> {
    /// Appends the encoded row of `profile` to `out` (`n_columns` floats), or appends nothing and says why not.
    pub fn encode(&self, profile: &BankProfile, out: &mut Vec<f32>) -> Result<(), Vec<FieldError>> {
        let start = out.len();
        out.resize(start + self.card.n_columns, 0.0);
        let row = &mut out[start..];
        for step in &self.steps {
            let written = match step {
                Step::Number(f, a) => match a.number(profile) {
                    Some(x) if check_numeric(f, x).is_ok() => {
                        write_number(f, x, row);
                        true
                    }
                    _ => false,
                },
                Step::Category(f, a, positions) => {
                    match a.code(profile).and_then(|code| positions.get(code).copied().flatten()) {
                        Some(hit) => {
                            write_category(f, Some(hit), row);
                            true
                        }
                        None => false,
                    }
                }
                Step::Unusable => false,
            };
            if !written {
                out.truncate(start);
                // The rare refusal takes the record path, so its messages are the record encoder's word for word.
                return Err(self
                    .card
                    .check_record(&FeatureRecord::from(profile))
                    .err()
                    .unwrap_or_else(|| vec![FieldError::new("features", "the card and the stored profile disagree")]));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
