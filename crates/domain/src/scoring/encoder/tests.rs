//! The encoder against the card: every transform, every refusal, and the profile path giving the record path's bits.

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
    let expected =
        [1.0f32, 0.0, 1.0, (-(11f64.ln())) as f32, (4f64.ln() / 2.0) as f32, 0.0, ((10f64.ln() - 1.0) / 2.0) as f32];
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
