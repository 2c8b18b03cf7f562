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
mod tests {
    use super::*;
    use crate::scoring::card::{CategoricalFeature, TierThresholds};

    pub(crate) fn small_card() -> ModelCard {
        ModelCard {
            model_version: "test-1".into(),
            trained_at: None,
            features: vec![
                FeatureSpec::Numeric(NumericFeature {
                    name: "age".into(),
                    transform: NumericTransform::Identity,
                    mean: 40.0,
                    std: 10.0,
                    columns: vec![0],
                    reference: 40.0,
                    never_contacted_value: None,
                }),
                FeatureSpec::Categorical(CategoricalFeature {
                    name: "job".into(),
                    categories: vec!["admin.".into(), "student".into()],
                    columns: vec![1, 2],
                    reference: "admin.".into(),
                }),
                FeatureSpec::Numeric(NumericFeature {
                    name: "balance".into(),
                    transform: NumericTransform::SignedLog1p,
                    mean: 0.0,
                    std: 1.0,
                    columns: vec![3],
                    reference: 0.0,
                    never_contacted_value: None,
                }),
                FeatureSpec::Numeric(NumericFeature {
                    name: "campaign".into(),
                    transform: NumericTransform::Log1p,
                    mean: 0.0,
                    std: 2.0,
                    columns: vec![4],
                    reference: 1.0,
                    never_contacted_value: None,
                }),
                FeatureSpec::Numeric(NumericFeature {
                    name: "pdays".into(),
                    transform: NumericTransform::Pdays,
                    mean: 1.0,
                    std: 2.0,
                    columns: vec![5, 6],
                    reference: -1.0,
                    never_contacted_value: Some(-1.0),
                }),
            ],
            n_columns: 7,
            decision_threshold: 0.2,
            tier_thresholds: TierThresholds { hot: 0.3, warm: 0.1 },
        }
    }

    fn record(pairs: &[(&str, FeatureValue)]) -> FeatureRecord {
        pairs.iter().cloned().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    fn good() -> FeatureRecord {
        record(&[
            ("age", FeatureValue::Number(50.0)),
            ("job", FeatureValue::Text("student".into())),
            ("balance", FeatureValue::Number(-10.0)),
            ("campaign", FeatureValue::Number(3.0)),
            ("pdays", FeatureValue::Number(9.0)),
            ("duration", FeatureValue::Number(300.0)),
        ])
    }

    #[test]
    fn the_small_card_is_valid() {
        small_card().validate().unwrap();
    }

    #[test]
    fn every_transform_encodes_as_the_card_says() {
        let card = small_card();
        let mut out = Vec::new();
        card.encode(&good(), &mut out).unwrap();
        let expected = [
            1.0f32,
            0.0,
            1.0,
            (-(11f64.ln())) as f32,
            (4f64.ln() / 2.0) as f32,
            0.0,
            ((10f64.ln() - 1.0) / 2.0) as f32,
        ];
        assert_eq!(out, expected);
    }

    #[test]
    fn zero_balance_and_never_contacted_encode_to_their_special_values() {
        let card = small_card();
        let mut r = good();
        r.insert("balance".into(), FeatureValue::Number(0.0));
        r.insert("pdays".into(), FeatureValue::Number(-1.0));
        let mut out = Vec::new();
        card.encode(&r, &mut out).unwrap();
        assert_eq!(out[3], 0.0);
        assert_eq!(out[5], 1.0);
        assert_eq!(out[6], -0.5);
    }

    #[test]
    fn unknown_categories_name_the_field_and_the_allowed_values() {
        let card = small_card();
        let mut r = good();
        r.insert("job".into(), FeatureValue::Text("Student".into()));
        let errors = card.check_record(&r).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "job");
        assert!(errors[0].message.contains("'Student'"), "{}", errors[0].message);
        assert!(errors[0].message.contains("admin., student"), "{}", errors[0].message);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let card = small_card();
        let r = record(&[
            ("age", FeatureValue::Text("old".into())),
            ("job", FeatureValue::Number(1.0)),
            ("campaign", FeatureValue::Number(-1.0)),
            ("pdays", FeatureValue::Number(-2.0)),
        ]);
        let errors = card.check_record(&r).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["age", "job", "balance", "campaign", "pdays"]);
        assert_eq!(errors[2].message, "is required");
        assert!(errors[4].message.contains("-1 (never contacted)"), "{}", errors[4].message);
    }

    #[test]
    fn reference_rows_change_only_their_feature() {
        let card = small_card();
        let mut row = Vec::new();
        card.encode(&good(), &mut row).unwrap();
        let mut refs = Vec::new();
        card.append_reference_rows(&row, &mut refs);
        assert_eq!(refs.len(), card.features.len() * card.n_columns);
        for (i, spec) in card.features.iter().enumerate() {
            let copy = &refs[i * card.n_columns..(i + 1) * card.n_columns];
            for c in 0..card.n_columns {
                if !spec.columns().contains(&c) {
                    assert_eq!(copy[c], row[c], "feature {} changed column {c}", spec.name());
                }
            }
        }
        // job reference admin. → one-hot flips.
        assert_eq!(&refs[card.n_columns + 1..card.n_columns + 3], &[1.0, 0.0]);
    }

    #[test]
    fn inconsistent_cards_are_refused() {
        let mut card = small_card();
        card.n_columns = 8;
        assert!(card.validate().is_err(), "column 7 unfilled");
        let mut card = small_card();
        card.tier_thresholds = TierThresholds { hot: 0.1, warm: 0.3 };
        assert!(card.validate().is_err());
        let mut card = small_card();
        if let FeatureSpec::Categorical(f) = &mut card.features[1] {
            f.reference = "astronaut".into();
        }
        assert!(card.validate().is_err());
        let mut card = small_card();
        if let FeatureSpec::Numeric(f) = &mut card.features[0] {
            f.std = 0.0;
        }
        assert!(card.validate().is_err());
    }

    #[test]
    fn outcome_follows_the_thresholds() {
        let card = small_card();
        let o = card.outcome(0.305);
        assert_eq!(
            (o.score, o.tier, o.predicted_class),
            (31, crate::scoring::Tier::Hot, super::super::PredictedClass::Yes)
        );
        let o = card.outcome(0.15);
        assert_eq!(
            (o.score, o.tier, o.predicted_class),
            (15, crate::scoring::Tier::Warm, super::super::PredictedClass::No)
        );
        assert_eq!(card.outcome(0.05).tier, crate::scoring::Tier::Cold);
    }

    // -----------------------------------------------------------------------------------------------------------
    // The profile encoder against the record encoder.

    use crate::customers::{Age, BankProfile, Contact, Education, Job, Marital, Month, Poutcome};

    /// Profiles covering every category of every attribute and the numeric edge cases of the card's transforms
    /// (zero and negative balances, never contacted, zero counts, an unknown duration).
    fn profiles() -> Vec<BankProfile> {
        let balances = [0, 1, -1, -4_057, 102_127];
        let pdays = [-1, 0, 1, 871];
        (0..600usize)
            .map(|i| BankProfile {
                age: Age::new(18 + (i as i64 * 7) % 83).unwrap(),
                job: Job::ALL[i % Job::ALL.len()],
                marital: Marital::ALL[i / 2 % Marital::ALL.len()],
                education: Education::ALL[i / 3 % Education::ALL.len()],
                default: i % 5 == 0,
                balance: balances[i % balances.len()] * (1 + (i as i64 / 5) % 3),
                housing: i % 2 == 0,
                loan: i % 3 == 0,
                contact: Contact::ALL[i / 4 % Contact::ALL.len()],
                day: 1 + (i % 31) as u8,
                month: Month::ALL[i / 7 % Month::ALL.len()],
                duration: (i % 4 != 0).then_some(i as u32 * 13),
                campaign: (i % 9) as u32,
                pdays: pdays[i / 2 % pdays.len()],
                previous: (i % 6) as u32 * 11,
                poutcome: Poutcome::ALL[i / 5 % Poutcome::ALL.len()],
            })
            .collect()
    }

    fn bits(row: &[f32]) -> Vec<u32> {
        row.iter().map(|v| v.to_bits()).collect()
    }

    /// Both encoders give the same bits for every profile, and refuse the same profiles with the same errors.
    fn assert_same_encoding(card: &ModelCard) -> (usize, usize) {
        let encoder = card.profile_encoder();
        let (mut encoded, mut refused) = (0, 0);
        let (mut by_record, mut by_profile) = (vec![9.0], vec![9.0]);
        for (i, p) in profiles().iter().enumerate() {
            let a = card.encode(&FeatureRecord::from(p), &mut by_record);
            let b = encoder.encode(p, &mut by_profile);
            assert_eq!(a, b, "profile {i}: {p:?}");
            if a.is_ok() { encoded += 1 } else { refused += 1 }
        }
        assert_eq!(bits(&by_record), bits(&by_profile));
        (encoded, refused)
    }

    #[test]
    fn a_profile_encodes_to_the_bits_of_its_record() {
        let mut card = small_card();
        card.features[1] = FeatureSpec::Categorical(CategoricalFeature {
            name: "job".into(),
            categories: Job::ALL.iter().map(|j| j.as_str().to_owned()).collect(),
            columns: (1..=12).collect(),
            reference: "admin.".into(),
        });
        for (k, spec) in card.features.iter_mut().enumerate() {
            if k != 1 {
                let FeatureSpec::Numeric(f) = spec else { unreachable!() };
                f.columns = f.columns.iter().map(|c| if *c == 0 { 0 } else { c + 10 }).collect();
            }
        }
        card.n_columns = 17;
        card.validate().unwrap();
        assert_eq!(assert_same_encoding(&card), (600, 0));
    }

    #[test]
    fn a_profile_the_card_cannot_encode_is_refused_as_its_record_is() {
        // The small card knows two jobs only: the other ten are unknown categories.
        let (encoded, refused) = assert_same_encoding(&small_card());
        assert!(encoded > 0 && refused > 0, "{encoded} encoded, {refused} refused");
        // A campaign of 0 is fine for log1p; a duration feature is missing for unknown durations; a feature no
        // profile has, and a kind a profile cannot give, refuse every profile.
        let mut card = small_card();
        card.features.push(FeatureSpec::Numeric(NumericFeature {
            name: "duration".into(),
            transform: NumericTransform::Log1p,
            mean: 0.0,
            std: 1.0,
            columns: vec![7],
            reference: 0.0,
            never_contacted_value: None,
        }));
        card.n_columns = 8;
        let (_, refused_with_duration) = assert_same_encoding(&card);
        assert!(refused_with_duration > refused);
        for (name, numeric) in [("income", true), ("month", true), ("age", false)] {
            let mut card = small_card();
            card.features.push(if numeric {
                FeatureSpec::Numeric(NumericFeature {
                    name: name.into(),
                    transform: NumericTransform::Identity,
                    mean: 0.0,
                    std: 1.0,
                    columns: vec![7],
                    reference: 0.0,
                    never_contacted_value: None,
                })
            } else {
                FeatureSpec::Categorical(CategoricalFeature {
                    name: name.into(),
                    categories: vec!["old".into()],
                    columns: vec![7],
                    reference: "old".into(),
                })
            });
            card.n_columns = 8;
            assert_eq!(assert_same_encoding(&card), (0, 600), "{name}");
        }
    }

    #[test]
    fn every_attribute_text_is_its_vocabulary_entry() {
        for p in profiles() {
            for a in BankAttribute::ALL {
                match (a.code(&p), a.text(&p), a.number(&p)) {
                    (Some(code), Some(text), None) => assert_eq!(a.vocabulary()[code], text, "{a:?}"),
                    (None, None, _) => assert!(a.is_numeric(), "{a:?}"),
                    other => panic!("{a:?}: {other:?}"),
                }
                assert_eq!(BankAttribute::named(a.name()), Some(a));
            }
        }
    }
}
