//! The parity fixtures: records the training side encoded and scored with onnxruntime. A model is put in service
//! only if this encoder and tract reproduce them, so a card and a network that drifted apart are caught at load
//! time instead of as silently wrong scores.

use leadscore_domain::scoring::{FeatureRecord, FeatureValue};
use serde::Deserialize;

use super::onnx::OnnxModel;
use leadscore_application::scoring::ScoringModel;

/// A fixture tolerance looser than this would let a different network pass, so such a file is refused.
const MAX_TOLERANCE: f64 = 1e-3;

/// How far an `encoded` column may be from this encoder's: both compute in f64 and round to f32 once, so in
/// practice they are bit-identical; the slack only absorbs printing.
const ENCODED_TOLERANCE: f64 = 1e-6;

/// `fixtures/parity.json`, the keys the check needs.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ParityFixtures {
    model_version: String,
    #[serde(default)]
    onnx_sha256: Option<String>,
    tolerance: f64,
    records: Vec<ParityRecord>,
    invalid_records: Vec<InvalidRecord>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ParityRecord {
    input: serde_json::Map<String, serde_json::Value>,
    expected_probability: f64,
    #[serde(default)]
    encoded: Option<Vec<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InvalidRecord {
    input: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    error: String,
}

/// A raw JSON record as the API would read it: numbers and strings, anything else named in the error.
fn feature_record(input: &serde_json::Map<String, serde_json::Value>) -> Result<FeatureRecord, String> {
    input
        .iter()
        .map(|(name, value)| match value {
            serde_json::Value::Number(n) => n
                .as_f64()
                .map(|x| (name.clone(), FeatureValue::Number(x)))
                .ok_or_else(|| format!("{name} is not representable as a number")),
            serde_json::Value::String(s) => Ok((name.clone(), FeatureValue::Text(s.clone()))),
            other => Err(format!("{name} is {other}, neither a number nor a string")),
        })
        .collect()
}

impl ParityFixtures {
    /// Parses the file's bytes; the error is serde's, which names the missing or mistyped key.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("is not a valid parity fixture file: {e}"))
    }

    /// Checks the fixtures against the model: same model version and network, every record encodes as the training
    /// side encoded it and scores (in ONE batch) within the tolerance, every invalid record is refused. The error
    /// names the first problem: the record index and what differs.
    pub(crate) fn check(&self, model: &OnnxModel, onnx_sha256: &str) -> Result<(), String> {
        let card = model.card();
        if self.model_version != card.model_version {
            return Err(format!(
                "modelVersion is '{}', but model.json says '{}': the fixtures belong to another model",
                self.model_version, card.model_version
            ));
        }
        if let Some(sha) = self.onnx_sha256.as_deref().filter(|sha| !sha.eq_ignore_ascii_case(onnx_sha256)) {
            return Err(format!("onnxSha256 is {sha}, but model.onnx has sha256 {onnx_sha256}"));
        }
        if !(self.tolerance > 0.0 && self.tolerance <= MAX_TOLERANCE) {
            return Err(format!("tolerance {} must be above 0 and at most {MAX_TOLERANCE}", self.tolerance));
        }
        if self.records.is_empty() {
            return Err("has no records; parity cannot be checked".into());
        }
        let mut input = Vec::with_capacity(self.records.len() * card.n_columns);
        for (index, fixture) in self.records.iter().enumerate() {
            let record = feature_record(&fixture.input).map_err(|e| format!("records[{index}].input: {e}"))?;
            let start = input.len();
            card.encode(&record, &mut input).map_err(|errors| {
                let problems: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
                format!("records[{index}] is refused by the encoder: {}", problems.join("; "))
            })?;
            if let Some(expected) = &fixture.encoded {
                check_encoded(index, expected, &input[start..])?;
            }
        }
        let probabilities = model
            .predict_blocking(&input, self.records.len())
            .map_err(|e| format!("scoring the parity records failed: {e}"))?;
        let mut worst: Option<(usize, f64)> = None;
        let mut failures = 0usize;
        for (index, (fixture, p)) in self.records.iter().zip(&probabilities).enumerate() {
            let diff = distance(*p, fixture.expected_probability);
            if diff > self.tolerance {
                failures += 1;
                if worst.is_none_or(|(_, w)| diff > w) {
                    worst = Some((index, diff));
                }
            }
        }
        if let Some((index, diff)) = worst {
            return Err(format!(
                "parity check failed for {failures} of {} records; worst is records[{index}]: expected probability \
                 {}, tract gives {} (|diff| {diff:.3e} > tolerance {:e})",
                self.records.len(),
                self.records[index].expected_probability,
                probabilities[index],
                self.tolerance
            ));
        }
        for (index, invalid) in self.invalid_records.iter().enumerate() {
            // A value that is neither a number nor a string never reaches the encoder: the API refuses it first.
            if let Ok(record) = feature_record(&invalid.input)
                && card.check_record(&record).is_ok()
            {
                return Err(format!(
                    "invalidRecords[{index}] ({}) is accepted by the encoder; it must be refused",
                    invalid.error
                ));
            }
        }
        Ok(())
    }
}

/// |a − b|, with NaN counted as infinitely far so that a NaN in a fixture fails every comparison.
fn distance(a: f64, b: f64) -> f64 {
    let diff = (a - b).abs();
    if diff.is_nan() { f64::INFINITY } else { diff }
}

fn check_encoded(index: usize, expected: &[f64], actual: &[f32]) -> Result<(), String> {
    if expected.len() != actual.len() {
        return Err(format!(
            "records[{index}].encoded has {} columns, the encoder writes {}",
            expected.len(),
            actual.len()
        ));
    }
    for (column, (e, a)) in expected.iter().zip(actual).enumerate() {
        if distance(*e, f64::from(*a)) > ENCODED_TOLERANCE {
            return Err(format!(
                "parity check failed: records[{index}].encoded column {column} is {e}, the encoder gives {a}"
            ));
        }
    }
    Ok(())
}
