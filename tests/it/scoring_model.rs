//! The tract scoring adapter against the real model: parity with the training side, the encoder over the real
//! card, explanations, the loader's refusals, and large batches.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use leadscore_application::AppError;
use leadscore_application::customers::parse_customers;
use leadscore_application::scoring::{ModelLoader, ScoringModel, score_records};
use leadscore_domain::scoring::{FeatureRecord, FeatureSpec, FeatureValue, ModelCard, NumericTransform};
use leadscore_infrastructure::scoring::{OnnxModelLoader, load_model};
use leadscore_tests::model::{BUNDLED_MODEL_DIR, parity, write_model_copy};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn record_of(input: &Value) -> FeatureRecord {
    serde_json::from_value(input.clone()).unwrap()
}

async fn real_model() -> Arc<dyn ScoringModel> {
    OnnxModelLoader::new(BUNDLED_MODEL_DIR).load().await.unwrap()
}

/// Every feature at its card reference value.
fn reference_record(card: &ModelCard) -> FeatureRecord {
    card.features.iter().map(|f| (f.name().to_owned(), f.reference())).collect()
}

fn encode_one(card: &ModelCard, record: &FeatureRecord) -> Vec<f32> {
    let mut row = Vec::new();
    card.encode(record, &mut row).unwrap();
    row
}

fn with(record: &FeatureRecord, name: &str, value: FeatureValue) -> FeatureRecord {
    let mut copy = record.clone();
    copy.insert(name.to_owned(), value);
    copy
}

fn text(s: &str) -> FeatureValue {
    FeatureValue::Text(s.to_owned())
}

// ---------------------------------------------------------------------------------------------------------------
// Parity with the training side (onnxruntime + the Python encoder).

#[tokio::test]
async fn scoring_model_parity_every_fixture_record_matches_onnxruntime() {
    let model = real_model().await;
    let card = model.card();
    let fixtures = parity();
    let tolerance = fixtures["tolerance"].as_f64().unwrap();
    assert!(tolerance <= 1e-5);
    let records = fixtures["records"].as_array().unwrap();
    assert_eq!(records.len(), 300);

    let mut input = Vec::new();
    let mut encoded_checked = 0;
    for (i, fixture) in records.iter().enumerate() {
        let start = input.len();
        card.encode(&record_of(&fixture["input"]), &mut input).unwrap();
        if let Some(expected) = fixture["encoded"].as_array() {
            let row = &input[start..];
            assert_eq!(expected.len(), row.len(), "record {i}");
            for (c, (e, a)) in expected.iter().zip(row).enumerate() {
                let e = e.as_f64().unwrap();
                assert!((e - f64::from(*a)).abs() <= 1e-6, "record {i} column {c}: python {e}, rust {a}");
            }
            encoded_checked += 1;
        }
    }
    assert_eq!(encoded_checked, 12);

    let probabilities = model.predict(input, records.len()).await.unwrap();
    let mut worst = 0.0f64;
    for (i, (fixture, p)) in records.iter().zip(&probabilities).enumerate() {
        let expected = fixture["expectedProbability"].as_f64().unwrap();
        let diff = (p - expected).abs();
        worst = worst.max(diff);
        assert!(diff < 1e-5, "record {i}: onnxruntime {expected}, tract {p}");
        // Away from a cut-off, the tier must be the training side's too.
        let t = card.tier_thresholds;
        if (p - t.hot).abs() > 1e-5 && (p - t.warm).abs() > 1e-5 {
            assert_eq!(card.tier(*p).as_str(), fixture["expectedTier"].as_str().unwrap(), "record {i}");
        }
    }
    assert!(worst < 1e-5, "worst {worst}");
}

// ---------------------------------------------------------------------------------------------------------------
// The encoder over the real card.

fn numeric_expectation(transform: NumericTransform, mean: f64, std: f64, never: Option<f64>, x: f64) -> Vec<f32> {
    let z = |v: f64| ((v - mean) / std) as f32;
    match transform {
        NumericTransform::Identity => vec![z(x)],
        NumericTransform::SignedLog1p => {
            let sign = if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                0.0
            };
            vec![z(sign * (1.0 + x.abs()).ln())]
        }
        NumericTransform::Log1p => vec![z((1.0 + x).ln())],
        NumericTransform::Pdays if never == Some(x) => vec![1.0, z(0.0)],
        NumericTransform::Pdays => vec![0.0, z((1.0 + x).ln())],
    }
}

#[tokio::test]
async fn scoring_model_encoder_numeric_features_follow_the_card_formulas() {
    let model = real_model().await;
    let card = model.card();
    let base = reference_record(card);
    let mut numeric = Vec::new();
    for spec in &card.features {
        let FeatureSpec::Numeric(f) = spec else { continue };
        numeric.push(f.name.clone());
        let values: &[f64] = match f.name.as_str() {
            "age" => &[18.0, 39.0, 95.0],
            "balance" => &[-8019.0, -1.0, 0.0, 445.0, 102_127.0],
            "campaign" => &[0.0, 1.0, 63.0],
            "pdays" => &[-1.0, 0.0, 1.0, 871.0],
            "previous" => &[0.0, 3.0, 275.0],
            other => panic!("the card has a numeric feature this test does not know: {other}"),
        };
        for &x in values {
            let row = encode_one(card, &with(&base, &f.name, FeatureValue::Number(x)));
            let actual: Vec<f32> = f.columns.iter().map(|c| row[*c]).collect();
            let expected = numeric_expectation(f.transform, f.mean, f.std, f.never_contacted_value, x);
            for (a, e) in actual.iter().zip(&expected) {
                assert!((a - e).abs() <= 1e-6, "{} = {x}: encoder {actual:?}, formula {expected:?}", f.name);
            }
        }
    }
    assert_eq!(numeric, ["age", "balance", "campaign", "pdays", "previous"]);
}

#[tokio::test]
async fn scoring_model_encoder_categorical_features_are_one_hot_in_card_order() {
    let model = real_model().await;
    let card = model.card();
    let base = reference_record(card);
    let mut categorical = 0;
    for spec in &card.features {
        let FeatureSpec::Categorical(f) = spec else { continue };
        categorical += 1;
        for (i, category) in f.categories.iter().enumerate() {
            let row = encode_one(card, &with(&base, &f.name, text(category)));
            let hot: Vec<f32> = f.columns.iter().map(|c| row[*c]).collect();
            let mut expected = vec![0.0f32; f.categories.len()];
            expected[i] = 1.0;
            assert_eq!(hot, expected, "{} = {category}", f.name);
        }
    }
    assert_eq!(categorical, 9);
}

#[tokio::test]
async fn scoring_model_encoder_unknown_categories_name_the_field_and_the_allowed_values() {
    let model = real_model().await;
    let card = model.card();
    let base = reference_record(card);
    for spec in &card.features {
        let FeatureSpec::Categorical(f) = spec else { continue };
        for bad in ["astronaut", "", " no", "NO"] {
            if f.categories.iter().any(|c| c == bad) {
                continue;
            }
            let errors = card.check_record(&with(&base, &f.name, text(bad))).unwrap_err();
            assert_eq!(errors.len(), 1, "{} = {bad:?}", f.name);
            assert_eq!(errors[0].field, f.name);
            assert!(errors[0].message.contains(&format!("'{bad}'")), "{}", errors[0].message);
            assert!(errors[0].message.contains(&f.categories.join(", ")), "{}", errors[0].message);
        }
        let errors = card.check_record(&with(&base, &f.name, FeatureValue::Number(1.0))).unwrap_err();
        assert_eq!(errors[0].field, f.name, "a number for a category");
    }
}

#[tokio::test]
async fn scoring_model_encoder_is_case_sensitive_and_refuses_empty_strings() {
    let model = real_model().await;
    let card = model.card();
    let base = reference_record(card);
    for (field, value) in [("month", "May"), ("month", "MAY"), ("month", ""), ("job", "Admin."), ("poutcome", "")] {
        let errors = card.check_record(&with(&base, field, text(value))).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, field, "{field} = {value:?}");
    }
    assert!(card.check_record(&with(&base, "month", text("may"))).is_ok());
}

#[tokio::test]
async fn scoring_model_encoder_refuses_out_of_range_and_missing_numbers() {
    let model = real_model().await;
    let card = model.card();
    let base = reference_record(card);
    for (field, value) in [
        ("pdays", -2.0),
        ("pdays", -0.5),
        ("campaign", -1.0),
        ("previous", -3.0),
        ("age", f64::NAN),
        ("balance", f64::INFINITY),
    ] {
        let errors = card.check_record(&with(&base, field, FeatureValue::Number(value))).unwrap_err();
        assert_eq!(errors.len(), 1, "{field} = {value}");
        assert_eq!(errors[0].field, field);
    }
    let errors = card.check_record(&with(&base, "pdays", FeatureValue::Number(-2.0))).unwrap_err();
    assert!(errors[0].message.contains("-1 (never contacted)"), "{}", errors[0].message);
    let errors = card.check_record(&with(&base, "age", text("37"))).unwrap_err();
    assert_eq!((errors[0].field.as_str(), errors[0].message.as_str()), ("age", "must be a number"));

    let mut missing = base.clone();
    missing.remove("balance");
    let errors = card.check_record(&missing).unwrap_err();
    assert_eq!((errors[0].field.as_str(), errors[0].message.as_str()), ("balance", "is required"));

    // Every problem at once, and day/duration (not used by the model) never matter.
    let mut many = with(&with(&base, "pdays", FeatureValue::Number(-2.0)), "job", text("astronaut"));
    many.remove("loan");
    let fields: Vec<String> = card.check_record(&many).unwrap_err().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["job", "loan", "pdays"]);
    let extra = with(&with(&base, "day", FeatureValue::Number(5.0)), "duration", FeatureValue::Number(900.0));
    assert_eq!(encode_one(card, &extra), encode_one(card, &base));
}

#[tokio::test]
async fn scoring_model_encoder_refuses_every_fixture_invalid_record() {
    let model = real_model().await;
    let card = model.card();
    let fixtures = parity();
    let invalid = fixtures["invalidRecords"].as_array().unwrap();
    let expected_fields = ["job", "month", "poutcome", "pdays", "campaign", "previous", "balance"];
    assert_eq!(invalid.len(), expected_fields.len());
    for (fixture, field) in invalid.iter().zip(expected_fields) {
        let errors = card.check_record(&record_of(&fixture["input"])).unwrap_err();
        assert_eq!(errors.len(), 1, "{}", fixture["error"]);
        assert_eq!(errors[0].field, field, "{}", fixture["error"]);
        assert!(card.encode(&record_of(&fixture["input"]), &mut Vec::new()).is_err());
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Explanations over the real model.

async fn probability(model: &dyn ScoringModel, record: &FeatureRecord) -> f64 {
    let scored = score_records(model, std::slice::from_ref(record), 0).await.unwrap().unwrap();
    scored[0].outcome.probability
}

#[tokio::test]
async fn scoring_model_explanations_of_the_reference_customer_are_empty() {
    let model = real_model().await;
    let reference = reference_record(model.card());
    let scored = score_records(model.as_ref(), &[reference], 5).await.unwrap().unwrap();
    assert!(scored[0].factors.raised.is_empty() && scored[0].factors.lowered.is_empty(), "{:?}", scored[0].factors);
}

/// A valid value different from the feature's reference.
fn other_value(spec: &FeatureSpec) -> FeatureValue {
    match spec {
        FeatureSpec::Numeric(f) if f.name == "pdays" => FeatureValue::Number(90.0),
        FeatureSpec::Numeric(f) => FeatureValue::Number(f.reference + 7.0),
        FeatureSpec::Categorical(f) => {
            FeatureValue::Text(f.categories.iter().find(|c| **c != f.reference).unwrap().clone())
        }
    }
}

#[tokio::test]
async fn scoring_model_explanations_name_only_the_feature_that_differs() {
    let model = real_model().await;
    let card = model.card();
    let reference = reference_record(card);
    let p_ref = probability(model.as_ref(), &reference).await;
    for spec in &card.features {
        let value = other_value(spec);
        let record = with(&reference, spec.name(), value.clone());
        let p = probability(model.as_ref(), &record).await;
        let scored = score_records(model.as_ref(), std::slice::from_ref(&record), 5).await.unwrap().unwrap();
        let factors = &scored[0].factors;
        let all: Vec<_> = factors.raised.iter().chain(&factors.lowered).collect();
        assert!(all.len() <= 1, "{}: {factors:?}", spec.name());
        let expected = (p - p_ref) * 100.0;
        let Some(factor) = all.first() else {
            assert!(expected.abs() < 1e-4, "{}: no factor, but the probability moved {expected} points", spec.name());
            continue;
        };
        assert_eq!(factor.feature, spec.name());
        assert_eq!(factor.value, value);
        assert_eq!(factor.reference, spec.reference());
        // The engine rounds impacts to 4 decimals; batch position may change the last float bits.
        assert!((factor.impact - expected).abs() <= 1e-4, "{}: impact {} vs {expected}", spec.name(), factor.impact);
        let side = if expected > 0.0 { &factors.raised } else { &factors.lowered };
        assert_eq!(side.len(), 1, "{}: on the wrong side: {factors:?}", spec.name());
    }
}

#[tokio::test]
async fn scoring_model_explanations_are_sorted_and_capped() {
    let model = real_model().await;
    let fixtures = parity();
    let records: Vec<FeatureRecord> =
        fixtures["records"].as_array().unwrap().iter().map(|r| record_of(&r["input"])).collect();
    let scored = score_records(model.as_ref(), &records, 5).await.unwrap().unwrap();
    let mut saw_full = false;
    for (record, s) in records.iter().zip(&scored) {
        let f = &s.factors;
        assert!(f.raised.len() <= 5 && f.lowered.len() <= 5);
        saw_full |= f.raised.len() == 5 || f.lowered.len() == 5;
        assert!(f.raised.iter().all(|x| x.impact > 0.0));
        assert!(f.lowered.iter().all(|x| x.impact < 0.0));
        for side in [&f.raised, &f.lowered] {
            assert!(side.windows(2).all(|w| w[0].impact.abs() >= w[1].impact.abs()), "{side:?}");
            for factor in side.iter() {
                assert_eq!(Some(&factor.value), record.get(&factor.feature));
                assert_ne!(factor.value, factor.reference, "a value equal to its reference moved nothing");
            }
        }
    }
    assert!(saw_full, "no record had 5 factors on one side; the cap was not exercised");
}

// ---------------------------------------------------------------------------------------------------------------
// Loading, and refusing, a model directory.

/// A private copy of the model directory to break.
fn model_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_model_copy(dir.path(), None);
    dir
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn edit_json(path: PathBuf, edit: impl FnOnce(&mut Value)) {
    let mut value = read_json(&path);
    edit(&mut value);
    std::fs::write(path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
}

/// Loads `dir` and returns the refusal message, failing the test on anything but `Unprocessable`.
async fn refusal(dir: &Path) -> String {
    match OnnxModelLoader::new(dir).load().await {
        Ok(_) => panic!("{} was loaded", dir.display()),
        Err(AppError::Unprocessable { message, errors, total_errors }) => {
            assert!(errors.is_empty() && total_errors == 0);
            message
        }
        Err(other) => panic!("expected Unprocessable, got {other:?}"),
    }
}

#[tokio::test]
async fn scoring_model_loader_loads_a_good_directory() {
    let dir = model_copy();
    let loader = OnnxModelLoader::new(dir.path());
    assert_eq!(loader.location(), dir.path().display().to_string());
    let model = loader.load().await.unwrap();
    let card_json = read_json(&dir.path().join("model.json"));
    assert_eq!(model.card().model_version, card_json["modelVersion"].as_str().unwrap());
    assert_eq!(model.card().n_columns, 50);
    assert_eq!(model.document(), &card_json, "the document is the card as published");

    // The helper the server can call at start-up does the same, and a blocking load too.
    let again = load_model(dir.path()).await.unwrap();
    assert_eq!(again.card(), model.card());
    assert_eq!(loader.load_blocking().unwrap().card(), model.card());
}

#[tokio::test]
async fn scoring_model_loader_refuses_a_corrupt_network() {
    let dir = model_copy();
    let onnx = std::fs::read(dir.path().join("model.onnx")).unwrap();
    let truncated = &onnx[..onnx.len() / 2];
    std::fs::write(dir.path().join("model.onnx"), truncated).unwrap();
    // The card vouches for the broken bytes, so the check that refuses them is tract's.
    let sha = hex::encode(Sha256::digest(truncated));
    edit_json(dir.path().join("model.json"), |card| card["onnx"]["sha256"] = json!(sha));
    let message = refusal(dir.path()).await;
    assert!(message.contains("model.onnx"), "{message}");
    assert!(message.contains("cannot be used as the scoring network"), "{message}");
}

#[tokio::test]
async fn scoring_model_loader_refuses_a_network_that_is_not_the_cards() {
    let dir = model_copy();
    edit_json(dir.path().join("model.json"), |card| card["onnx"]["sha256"] = json!("0".repeat(64)));
    let message = refusal(dir.path()).await;
    assert!(message.contains("sha256"), "{message}");
    assert!(message.contains("model.onnx"), "{message}");
}

#[tokio::test]
async fn scoring_model_loader_refuses_an_inconsistent_card() {
    let dir = model_copy();
    edit_json(dir.path().join("model.json"), |card| card["nColumns"] = json!(51));
    let message = refusal(dir.path()).await;
    assert!(message.contains("model.json") && message.contains("fill only 50 columns"), "{message}");

    // A card declaring 10^18 columns aborted the server on reload (the column table was allocated first).
    let dir = model_copy();
    edit_json(dir.path().join("model.json"), |card| card["nColumns"] = json!(1_000_000_000_000_000_000u64));
    let message = refusal(dir.path()).await;
    assert!(message.contains("nColumns") && message.contains("fill only 50 columns"), "{message}");

    let dir = model_copy();
    edit_json(dir.path().join("model.json"), |card| {
        card["tierThresholds"] = json!({ "hot": 0.09, "warm": 0.27 });
    });
    let message = refusal(dir.path()).await;
    assert!(message.contains("model.json") && message.contains("tierThresholds"), "{message}");

    let dir = model_copy();
    edit_json(dir.path().join("model.json"), |card| {
        card.as_object_mut().unwrap().remove("features");
    });
    let message = refusal(dir.path()).await;
    assert!(message.contains("model.json") && message.contains("features"), "{message}");

    let dir = model_copy();
    std::fs::write(dir.path().join("model.json"), "{ not json").unwrap();
    let message = refusal(dir.path()).await;
    assert!(message.contains("model.json") && message.contains("not valid JSON"), "{message}");
}

#[tokio::test]
async fn scoring_model_loader_refuses_a_card_wider_than_the_network() {
    // A consistent card (poutcome gains a fifth category, column 50) for a 50-column network.
    let dir = model_copy();
    edit_json(dir.path().join("model.json"), |card| {
        card["nColumns"] = json!(51);
        let poutcome = card["features"].as_array_mut().unwrap().iter_mut().find(|f| f["name"] == "poutcome").unwrap();
        poutcome["categories"].as_array_mut().unwrap().push(json!("postponed"));
        poutcome["columns"].as_array_mut().unwrap().push(json!(50));
    });
    let message = refusal(dir.path()).await;
    assert!(message.contains("model.onnx") && message.contains("50 columns") && message.contains("51"), "{message}");
}

#[tokio::test]
async fn scoring_model_loader_refuses_parity_drift() {
    let dir = model_copy();
    edit_json(dir.path().join("fixtures/parity.json"), |fixtures| {
        let p = fixtures["records"][7]["expectedProbability"].as_f64().unwrap();
        fixtures["records"][7]["expectedProbability"] = json!(p + 0.01);
    });
    let message = refusal(dir.path()).await;
    assert!(message.contains("parity.json") && message.contains("parity"), "{message}");
    assert!(message.contains("records[7]") && message.contains("1 of 300"), "{message}");
}

#[tokio::test]
async fn scoring_model_loader_refuses_fixtures_of_another_model() {
    let dir = model_copy();
    edit_json(dir.path().join("fixtures/parity.json"), |fixtures| fixtures["modelVersion"] = json!("1999.1"));
    let message = refusal(dir.path()).await;
    assert!(message.contains("parity.json") && message.contains("modelVersion"), "{message}");

    // An "invalid" record that the encoder accepts means the encoder and the training side disagree.
    let dir = model_copy();
    edit_json(dir.path().join("fixtures/parity.json"), |fixtures| {
        fixtures["invalidRecords"][0]["input"]["job"] = json!("admin.");
    });
    let message = refusal(dir.path()).await;
    assert!(message.contains("invalidRecords[0]"), "{message}");

    // The encoded rows of the training side are checked too.
    let dir = model_copy();
    edit_json(dir.path().join("fixtures/parity.json"), |fixtures| {
        fixtures["records"][3]["encoded"][0] = json!(0.5);
    });
    let message = refusal(dir.path()).await;
    assert!(message.contains("records[3].encoded column 0"), "{message}");
}

#[tokio::test]
async fn scoring_model_loader_refuses_missing_files_naming_them() {
    let dir = model_copy();
    std::fs::remove_file(dir.path().join("model.json")).unwrap();
    let message = refusal(dir.path()).await;
    assert!(message.contains("model.json") && message.contains("cannot read"), "{message}");

    let dir = model_copy();
    std::fs::remove_file(dir.path().join("model.onnx")).unwrap();
    assert!(refusal(dir.path()).await.contains("model.onnx"));

    let dir = model_copy();
    std::fs::remove_file(dir.path().join("fixtures/parity.json")).unwrap();
    assert!(refusal(dir.path()).await.contains("parity.json"));

    let missing = refusal(Path::new("/nonexistent/leadscore-model")).await;
    assert!(missing.contains("/nonexistent/leadscore-model/model.json"), "{missing}");
}

// ---------------------------------------------------------------------------------------------------------------
// Stored profiles: the bulk path encodes them directly, and must give the record path's bits.

#[tokio::test]
async fn scoring_model_profile_encoder_gives_the_record_encoders_bits_on_every_uci_row() {
    let model = real_model().await;
    let card = model.card();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/bank-marketing/bank-full.csv");
    let parsed = parse_customers(
        &leadscore_infrastructure::files::FileReader,
        &std::fs::read(&file).unwrap(),
        &leadscore_application::customers::ImportLimits::default(),
        |_, _| {},
    )
    .unwrap();
    assert_eq!((parsed.valid.len(), parsed.rejected), (45_211, 0));
    let encoder = card.profile_encoder();
    let (mut by_record, mut by_profile) = (Vec::new(), Vec::new());
    for (line, row) in &parsed.valid {
        card.encode(&FeatureRecord::from(&row.profile), &mut by_record).unwrap();
        encoder.encode(&row.profile, &mut by_profile).unwrap_or_else(|e| panic!("line {line}: {e:?}"));
    }
    assert_eq!(by_record.len(), 45_211 * card.n_columns);
    let differing = by_record.iter().zip(&by_profile).filter(|(a, b)| a.to_bits() != b.to_bits()).count();
    assert_eq!(differing, 0, "floats that differ between the two encoders");
    assert_eq!(by_record.len(), by_profile.len());
    // Same tensor, same probabilities; spot-checked through the model on the first 2,000 rows.
    let rows = 2_000;
    let a = model.predict(by_record[..rows * card.n_columns].to_vec(), rows).await.unwrap();
    let b = model.predict(by_profile[..rows * card.n_columns].to_vec(), rows).await.unwrap();
    assert_eq!(a, b);
}

// ---------------------------------------------------------------------------------------------------------------
// Batches.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scoring_model_a_large_batch_equals_scoring_one_row_at_a_time() {
    let model = real_model().await;
    let card = model.card();
    let fixtures = parity();
    let base: Vec<FeatureRecord> =
        fixtures["records"].as_array().unwrap().iter().map(|r| record_of(&r["input"])).collect();
    // 5,000 distinct rows: the fixture records with ages and balances shifted per copy.
    let rows = 5_000;
    let mut input = Vec::with_capacity(rows * card.n_columns);
    for i in 0..rows {
        let mut record = base[i % base.len()].clone();
        let copy = (i / base.len()) as f64;
        if let Some(FeatureValue::Number(age)) = record.get_mut("age") {
            *age = (*age + copy).min(95.0);
        }
        if let Some(FeatureValue::Number(balance)) = record.get_mut("balance") {
            *balance += 37.0 * copy;
        }
        card.encode(&record, &mut input).unwrap();
    }
    let batch = model.predict(input.clone(), rows).await.unwrap();
    assert_eq!(batch.len(), rows);
    let mut worst = 0.0f64;
    for (i, row) in input.chunks_exact(card.n_columns).enumerate() {
        let single = model.predict(row.to_vec(), 1).await.unwrap();
        worst = worst.max((single[0] - batch[i]).abs());
    }
    // Different batch sizes take different matrix kernels, so only the last float bits may differ.
    assert!(worst <= 1e-6, "worst |batch - single| = {worst}");
}

#[tokio::test]
async fn scoring_model_predict_checks_its_input() {
    let model = real_model().await;
    assert_eq!(model.predict(Vec::new(), 0).await.unwrap(), Vec::<f64>::new());
    let wrong = model.predict(vec![0.0; 49], 1).await.unwrap_err();
    assert!(matches!(wrong, AppError::Internal(_)), "{wrong:?}");
    let probabilities = model.predict(vec![0.0; 100], 2).await.unwrap();
    assert!(probabilities.iter().all(|p| (0.0..=1.0).contains(p)));
}
