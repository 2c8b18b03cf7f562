//! The model and predictions through the API: scoring features and customers, explanations, batches, the stored
//! predictions with their filters, overrides, deletion, bulk re-scoring, import with scoring, and model reload.

use leadscore_tests::TestApp;
use leadscore_tests::fixtures::{SAMPLE_CSV, csv_form, customer_json};
use leadscore_tests::model::{parity, write_model_copy};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A parity record's input without the fields the API does not accept in `features`.
fn fixture_features(record: &Value) -> Value {
    record["input"].clone()
}

async fn predict(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, "/api/v1/predictions", Some(token), Some(body)).await
}

async fn create_customer(app: &TestApp, unique: &str) -> String {
    app.created("/api/v1/customers", &app.admin, customer_json(unique)).await
}

fn fields(body: &Value) -> Vec<String> {
    body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn features_are_scored_like_onnxruntime_explained_and_stored() {
    let app = TestApp::spawn().await;
    let sales = app.user("Sales").await;
    let fixtures = parity();
    for record in fixtures["records"].as_array().unwrap().iter().take(5) {
        let (status, body) = predict(&app, &sales.token, json!({"features": fixture_features(record)})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let p = &body["data"];
        let expected = record["expectedProbability"].as_f64().unwrap();
        assert!((p["probability"].as_f64().unwrap() - expected).abs() < 1e-5, "{p} vs {expected}");
        assert_eq!(p["tier"], record["expectedTier"]);
        assert_eq!(p["score"].as_u64().unwrap(), (expected * 100.0).round() as u64);
        let class = if expected >= fixtures["decisionThreshold"].as_f64().unwrap() { "yes" } else { "no" };
        assert_eq!(p["predictedClass"], class);
        assert_eq!(p["source"], "single");
        assert_eq!(p["requestedBy"], sales.id.as_str());
        assert_eq!(p["modelVersion"], fixtures["modelVersion"]);
        let raised = p["factors"]["raised"].as_array().unwrap();
        let lowered = p["factors"]["lowered"].as_array().unwrap();
        assert!(raised.len() <= 5 && lowered.len() <= 5);
        assert!(raised.iter().all(|f| f["impact"].as_f64().unwrap() > 0.0));
        assert!(lowered.iter().all(|f| f["impact"].as_f64().unwrap() < 0.0));
        for pair in raised.windows(2) {
            assert!(pair[0]["impact"].as_f64().unwrap() >= pair[1]["impact"].as_f64().unwrap());
        }
        // The stored prediction reads back the same.
        let id = p["id"].as_str().unwrap();
        let (status, stored) =
            app.call(Method::GET, &format!("/api/v1/predictions/{id}"), Some(&sales.token), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(stored["data"], *p);
    }
}

#[tokio::test]
async fn a_reference_customer_has_no_factors() {
    let app = TestApp::spawn().await;
    let (_, model) = app.call(Method::GET, "/api/v1/model", Some(&app.admin.token), None).await;
    let mut features = serde_json::Map::new();
    for f in model["data"]["card"]["features"].as_array().unwrap() {
        features.insert(f["name"].as_str().unwrap().to_owned(), f["reference"].clone());
    }
    let (status, body) = predict(&app, &app.admin.token, json!({"features": features})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["factors"], json!({"raised": [], "lowered": []}));
}

#[tokio::test]
async fn invalid_features_name_the_field_and_the_allowed_values() {
    let app = TestApp::spawn().await;
    let base = fixture_features(&parity()["records"][0]);
    let mut bad = base.clone();
    bad["job"] = json!("astronaut");
    bad["month"] = json!("May");
    bad.as_object_mut().unwrap().remove("balance");
    let (status, body) = predict(&app, &app.admin.token, json!({"features": bad})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let f = fields(&body);
    for expected in ["features.job", "features.month", "features.balance"] {
        assert!(f.contains(&expected.to_owned()), "{expected} missing from {f:?}");
    }
    let job = body["errors"].as_array().unwrap().iter().find(|e| e["field"] == "features.job").unwrap();
    assert!(job["message"].as_str().unwrap().contains("admin., blue-collar"), "{job}");
    // pdays -2 is caught by the body rules (range) or by the card; either way it is named.
    let mut bad_pdays = base.clone();
    bad_pdays["pdays"] = json!(-2);
    let (status, body) = predict(&app, &app.admin.token, json!({"features": bad_pdays})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(fields(&body), ["features.pdays"]);

    let (status, body) = predict(&app, &app.admin.token, json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) =
        predict(&app, &app.admin.token, json!({"customerId": uuid::Uuid::now_v7(), "features": base.clone()})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let mut unknown = base;
    unknown["salary"] = json!(1);
    let (status, body) = predict(&app, &app.admin.token, json!({"features": unknown})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // Nothing invalid was stored.
    let (_, list) = app.call(Method::GET, "/api/v1/predictions", Some(&app.admin.token), None).await;
    assert_eq!(list["data"]["pagination"]["totalItems"], 0);
}

#[tokio::test]
async fn scoring_a_customer_updates_its_latest_score() {
    let app = TestApp::spawn().await;
    let manager = app.user("Manager").await;
    let sales = app.user("Sales").await;
    let id = create_customer(&app, "s1").await;
    let (status, body) = predict(&app, &manager.token, json!({"customerId": id})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let p = &body["data"];
    assert_eq!(p["customerId"], id.as_str());
    assert_eq!(p["features"]["job"], "admin.");
    assert_eq!(p["features"]["housing"], "yes");
    let (_, customer) = app.call(Method::GET, &format!("/api/v1/customers/{id}"), Some(&manager.token), None).await;
    let c = &customer["data"];
    assert_eq!(c["probability"], p["probability"]);
    assert_eq!(c["score"], p["score"]);
    assert_eq!(c["tier"], p["tier"]);
    assert_eq!(c["modelVersion"], p["modelVersion"]);

    let (status, _) = predict(&app, &sales.token, json!({"customerId": id})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = predict(&app, &manager.token, json!({"customerId": uuid::Uuid::now_v7()})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn batches_answer_in_order_and_reject_as_a_whole() {
    let app = TestApp::spawn_with(|c| c.max_batch_predictions = 4).await;
    let id = create_customer(&app, "b1").await;
    let records = parity()["records"].clone();
    let items = json!([
        {"features": fixture_features(&records[3])},
        {"customerId": id},
        {"features": fixture_features(&records[7])},
    ]);
    let (status, body) = app
        .call(Method::POST, "/api/v1/predictions/batch", Some(&app.admin.token), Some(json!({"items": items})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let out = body["data"]["items"].as_array().unwrap();
    assert_eq!(body["data"]["count"], 3);
    assert_eq!(out.len(), 3);
    for (i, r) in [(0, 3), (2, 7)] {
        let expected = records[r]["expectedProbability"].as_f64().unwrap();
        assert!((out[i]["probability"].as_f64().unwrap() - expected).abs() < 1e-5);
        assert_eq!(out[i]["source"], "batch");
    }
    assert_eq!(out[1]["customerId"], id.as_str());

    let mut bad = fixture_features(&records[1]);
    bad["job"] = json!("pilot");
    let items = json!([
        {"features": fixture_features(&records[0])},
        {"features": bad},
        {"customerId": uuid::Uuid::now_v7()},
        {"features": fixture_features(&records[2])},
    ]);
    let (status, body) = app
        .call(Method::POST, "/api/v1/predictions/batch", Some(&app.admin.token), Some(json!({"items": items})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(fields(&body), ["items[2].customerId"], "unknown customers are reported first: {body}");
    let items = json!([{"features": fixture_features(&records[0])}, {"features": bad}]);
    let (status, body) = app
        .call(Method::POST, "/api/v1/predictions/batch", Some(&app.admin.token), Some(json!({"items": items})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(fields(&body), ["items[1].features.job"]);
    let (_, list) = app.call(Method::GET, "/api/v1/predictions", Some(&app.admin.token), None).await;
    assert_eq!(list["data"]["pagination"]["totalItems"], 3, "rejected batches store nothing");

    let five: Vec<Value> = (0..5).map(|i| json!({"features": fixture_features(&records[i])})).collect();
    let (status, body) =
        app.call(Method::POST, "/api/v1/predictions/batch", Some(&app.admin.token), Some(json!({"items": five}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(fields(&body), ["items"]);
    let (status, _) =
        app.call(Method::POST, "/api/v1/predictions/batch", Some(&app.admin.token), Some(json!({"items": []}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let sales = app.user("Sales").await;
    let one = json!({"items": [{"features": fixture_features(&records[0])}]});
    let (status, _) = app.call(Method::POST, "/api/v1/predictions/batch", Some(&sales.token), Some(one)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let (status, body) = app.call(Method::GET, &format!("/api/v1/predictions?{query}"), Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body["data"].clone()
}

#[tokio::test]
async fn predictions_are_listed_with_filters_and_sales_see_their_own() {
    let app = TestApp::spawn().await;
    let sales = app.user("Sales").await;
    let records = parity()["records"].as_array().unwrap().clone();
    for r in records.iter().take(6) {
        predict(&app, &app.admin.token, json!({"features": fixture_features(r)})).await;
    }
    for r in records.iter().skip(6).take(2) {
        predict(&app, &sales.token, json!({"features": fixture_features(r)})).await;
    }
    let id = create_customer(&app, "l1").await;
    predict(&app, &app.admin.token, json!({"customerId": id})).await;

    assert_eq!(list(&app, &app.admin.token, "").await["pagination"]["totalItems"], 9);
    assert_eq!(list(&app, &sales.token, "").await["pagination"]["totalItems"], 2);
    assert_eq!(list(&app, &app.admin.token, &format!("customerId={id}")).await["pagination"]["totalItems"], 1);
    assert_eq!(list(&app, &app.admin.token, "source=batch").await["pagination"]["totalItems"], 0);
    let version = parity()["modelVersion"].as_str().unwrap().to_owned();
    assert_eq!(list(&app, &app.admin.token, &format!("modelVersion={version}")).await["pagination"]["totalItems"], 9);
    assert_eq!(list(&app, &app.admin.token, "modelVersion=other").await["pagination"]["totalItems"], 0);

    let all = list(&app, &app.admin.token, "limit=100&sortBy=probability&sortDir=asc").await;
    let probs: Vec<f64> = all["items"].as_array().unwrap().iter().map(|p| p["probability"].as_f64().unwrap()).collect();
    assert!(probs.windows(2).all(|w| w[0] <= w[1]), "{probs:?}");
    let (lo, hi) = (probs[2], probs[6]);
    let within = list(&app, &app.admin.token, &format!("probMin={lo}&probMax={hi}&limit=100")).await;
    let expected = probs.iter().filter(|p| **p >= lo && **p <= hi).count();
    assert_eq!(within["pagination"]["totalItems"], expected);
    for class in ["yes", "no"] {
        let page = list(&app, &app.admin.token, &format!("predictedClass={class}&limit=100")).await;
        assert!(page["items"].as_array().unwrap().iter().all(|p| p["predictedClass"] == class));
    }
    for tier in ["Hot", "Warm", "Cold"] {
        let page = list(&app, &app.admin.token, &format!("tier={tier}&limit=100")).await;
        assert!(page["items"].as_array().unwrap().iter().all(|p| p["tier"] == tier));
    }
    let future = "2999-01-01T00:00:00Z";
    assert_eq!(list(&app, &app.admin.token, &format!("from={future}")).await["pagination"]["totalItems"], 0);
    for bad in [
        "probMin=2",
        "probMin=0.9&probMax=0.1",
        "sortBy=age",
        "tier=hot",
        "from=2026-12-01T00:00:00Z&to=2026-01-01T00:00:00Z",
    ] {
        let (status, _) =
            app.call(Method::GET, &format!("/api/v1/predictions?{bad}"), Some(&app.admin.token), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    // A Sales user cannot read someone else's prediction.
    let other = all["items"].as_array().unwrap().iter().find(|p| p["requestedBy"] != sales.id.as_str()).unwrap();
    let (status, _) = app
        .call(Method::GET, &format!("/api/v1/predictions/{}", other["id"].as_str().unwrap()), Some(&sales.token), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn overrides_keep_the_model_values_and_deletes_are_audited() {
    let app = TestApp::spawn().await;
    let manager = app.user("Manager").await;
    let sales = app.user("Sales").await;
    let record = &parity()["records"][0];
    let (_, body) = predict(&app, &sales.token, json!({"features": fixture_features(record)})).await;
    let p = body["data"].clone();
    let path = format!("/api/v1/predictions/{}", p["id"].as_str().unwrap());

    let (status, _) =
        app.call(Method::PATCH, &path, Some(&sales.token), Some(json!({"predictedClass": "yes", "reason": "x"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) =
        app.call(Method::PATCH, &path, Some(&manager.token), Some(json!({"predictedClass": "yes"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(fields(&body), ["reason"]);
    let (status, body) =
        app.call(Method::PATCH, &path, Some(&manager.token), Some(json!({"reason": "no change"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (status, body) = app
        .call(
            Method::PATCH,
            &path,
            Some(&manager.token),
            Some(json!({"probability": 0.9, "reason": "called back, keen"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let o = &body["data"];
    assert_eq!(o["probability"], 0.9);
    assert_eq!(o["score"], 90);
    assert_eq!(o["tier"], "Hot");
    assert_eq!(o["predictedClass"], "yes");
    assert_eq!(o["override"]["originalProbability"], p["probability"]);
    assert_eq!(o["override"]["originalClass"], p["predictedClass"]);
    assert_eq!(o["override"]["overriddenBy"], manager.id.as_str());
    let (_, body) = app
        .call(
            Method::PATCH,
            &path,
            Some(&app.admin.token),
            Some(json!({"predictedClass": "no", "reason": "changed mind"})),
        )
        .await;
    let o = &body["data"];
    assert_eq!((o["predictedClass"].as_str(), o["probability"].as_f64()), (Some("no"), Some(0.9)));
    assert_eq!(o["override"]["originalProbability"], p["probability"], "the model's value survives a second override");
    assert_eq!(o["override"]["reason"], "changed mind");
    assert_eq!(list(&app, &app.admin.token, "overridden=true").await["pagination"]["totalItems"], 1);
    assert_eq!(list(&app, &app.admin.token, "overridden=false").await["pagination"]["totalItems"], 0);

    let (status, _) = app.call(Method::DELETE, &path, Some(&sales.token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.call(Method::DELETE, &path, Some(&manager.token), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.call(Method::GET, &path, Some(&manager.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.call(Method::DELETE, &path, Some(&manager.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, trail) = app
        .call(Method::GET, &format!("/api/v1/users/{}/activities?limit=100", manager.id), Some(&app.admin.token), None)
        .await;
    let actions: Vec<&str> =
        trail["data"]["items"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"PREDICTION_OVERRIDDEN") && actions.contains(&"PREDICTION_DELETED"), "{actions:?}");
}

#[tokio::test]
async fn the_base_is_rescored_in_bulk_and_imports_can_score() {
    let app = TestApp::spawn().await;
    let (status, body) =
        app.call(Method::POST, "/api/v1/customers/score", Some(&app.admin.token), Some(json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["data"]["matched"].as_u64(), body["data"]["scored"].as_u64()), (Some(0), Some(0)));

    let response = app
        .authed(Method::POST, "/api/v1/customers/import?score=true", &app.admin.token)
        .multipart(csv_form(SAMPLE_CSV))
        .send()
        .await
        .unwrap();
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["data"]["created"], 2, "{report}");
    assert_eq!(report["data"]["scoring"]["scored"], 2, "{report}");
    let (_, page) = app.call(Method::GET, "/api/v1/customers?limit=100", Some(&app.admin.token), None).await;
    assert!(page["data"]["items"].as_array().unwrap().iter().all(|c| c["probability"].is_f64()), "{page}");

    for unique in ["r1", "r2", "r3"] {
        create_customer(&app, unique).await;
    }
    let (_, page) = app.call(Method::GET, "/api/v1/customers?limit=100", Some(&app.admin.token), None).await;
    assert_eq!(page["data"]["items"].as_array().unwrap().iter().filter(|c| c["score"].is_null()).count(), 3);

    let manager = app.user("Manager").await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/customers/score",
            Some(&manager.token),
            Some(json!({"filter": {"job": ["admin."]}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["data"]["matched"].as_u64(), body["data"]["scored"].as_u64()), (Some(3), Some(3)));
    let (_, page) = app.call(Method::GET, "/api/v1/customers?limit=100", Some(&app.admin.token), None).await;
    assert!(page["data"]["items"].as_array().unwrap().iter().all(|c| c["score"].is_u64()));
    // The same customer features give the same score as a single prediction.
    let one = &page["data"]["items"].as_array().unwrap().iter().find(|c| c["job"] == "admin.").unwrap().clone();
    let (_, single) = predict(&app, &app.admin.token, json!({"customerId": one["id"]})).await;
    assert_eq!(single["data"]["probability"], one["probability"]);

    let (status, body) = app
        .call(Method::POST, "/api/v1/customers/score", Some(&manager.token), Some(json!({"filter": {"ageMin": 200}})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(fields(&body), ["filter.ageMin"]);
    let sales = app.user("Sales").await;
    let (status, _) = app.call(Method::POST, "/api/v1/customers/score", Some(&sales.token), Some(json!({}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_model_is_published_and_reloaded_only_when_it_passes_its_checks() {
    let dir = tempfile::tempdir().unwrap();
    write_model_copy(dir.path(), None);
    let path = dir.path().to_path_buf();
    let app = TestApp::spawn_with(|c| c.model_dir = path).await;
    let sales = app.user("Sales").await;
    let (status, body) = app.call(Method::GET, "/api/v1/model", Some(&sales.token), None).await;
    assert_eq!(status, StatusCode::OK);
    let version = parity()["modelVersion"].clone();
    assert_eq!(body["data"]["modelVersion"], version);
    let card: Value = serde_json::from_slice(&std::fs::read(dir.path().join("model.json")).unwrap()).unwrap();
    assert!(card["holdoutMetrics"].is_object());
    assert_eq!(body["data"]["card"]["holdoutMetrics"], card["holdoutMetrics"]);
    assert_eq!(body["data"]["features"].as_array().unwrap().len(), 14);

    let (status, _) = app.call(Method::POST, "/api/v1/model/reload", Some(&sales.token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app.call(Method::POST, "/api/v1/model/reload", Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["previousVersion"], version);

    // A damaged network file is refused and the old model keeps serving.
    let onnx = dir.path().join("model.onnx");
    let good = std::fs::read(&onnx).unwrap();
    std::fs::write(&onnx, &good[..good.len() / 2]).unwrap();
    let (status, body) = app.call(Method::POST, "/api/v1/model/reload", Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["message"].as_str().unwrap().contains("sha256"), "{body}");
    let record = &parity()["records"][0];
    let (status, _) = predict(&app, &sales.token, json!({"features": fixture_features(record)})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = app.call(Method::GET, "/ready", None, None).await;
    assert_eq!(status, StatusCode::OK);

    // An inconsistent card is refused too.
    std::fs::write(&onnx, &good).unwrap();
    let card_path = dir.path().join("model.json");
    let mut card: Value = serde_json::from_slice(&std::fs::read(&card_path).unwrap()).unwrap();
    card["tierThresholds"] = json!({"hot": 0.05, "warm": 0.5});
    std::fs::write(&card_path, serde_json::to_vec(&card).unwrap()).unwrap();
    let (status, body) = app.call(Method::POST, "/api/v1/model/reload", Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["message"].as_str().unwrap().contains("tierThresholds"), "{body}");
}

/// The largest batch the configuration allows fits in the body limit: 1,000 items of raw features, pretty-printed
/// (about 450 KB, over the 256 KiB JSON limit of other bodies), are scored, not refused as too large.
#[tokio::test]
async fn the_largest_allowed_batch_of_raw_features_is_not_too_large() {
    let app = TestApp::spawn().await;
    let records = parity()["records"].clone();
    let features = fixture_features(&records[0]);
    let items: Vec<Value> = (0..1_000).map(|_| json!({"features": features})).collect();
    let body = serde_json::to_string_pretty(&json!({"items": items})).unwrap();
    assert!(body.len() > 256 * 1024, "the test must exceed the ordinary limit: {} bytes", body.len());
    let request = app
        .authed(Method::POST, "/api/v1/predictions/batch", &app.admin.token)
        .header("content-type", "application/json")
        .body(body);
    let (status, answer) = app.send(request).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["data"]["items"].as_array().map(Vec::len), Some(1_000));
    // Another body of that size is still refused.
    let big = json!({"name": "x".repeat(300 * 1024), "targetLeads": 1});
    let (status, _) = app.call(Method::POST, "/api/v1/campaigns", Some(&app.admin.token), Some(big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}
