//! Analytics through the API: every endpoint's shape, its field-level validation errors, and what each role sees.

use leadscore_tests::{TestApp, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::world::World;

async fn get(app: &TestApp, path: &str, user: &TestUser) -> (StatusCode, Value) {
    app.call(Method::GET, path, Some(&user.token), None).await
}

async fn ok(app: &TestApp, path: &str, user: &TestUser) -> Value {
    let (status, body) = get(app, path, user).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    assert_eq!(body["status"], "success");
    body["data"].clone()
}

/// `customers` imported customers with known outcomes, and a campaign of the owner (with `member` as collaborator)
/// run over `leads` of them.
async fn world(customers: usize, leads: u32) -> World {
    let w = World::new(customers, json!({"name": "Analytics", "targetLeads": leads})).await;
    w.run().await;
    w
}

/// The campaign's leads by rank.
async fn leads(w: &World) -> Vec<Value> {
    let data = ok(&w.app, &format!("/api/v1/campaigns/{}/leads?limit=100", w.campaign), &w.owner).await;
    data["items"].as_array().unwrap().clone()
}

/// Closes a lead as `status` (Converted through Contacted), assigned to `user`, acting as `user`.
async fn close(w: &World, lead: &Value, status: &str, user: &TestUser) {
    let path = format!("/api/v1/campaigns/{}/leads/{}", w.campaign, lead["id"].as_str().unwrap());
    let steps: &[&str] = if status == "Converted" { &["Contacted", "Converted"] } else { &["Failed"] };
    for (i, step) in steps.iter().enumerate() {
        let body = if i == 0 { json!({"status": step, "assignee": user.id}) } else { json!({"status": step}) };
        let (code, answer) = w.app.call(Method::PATCH, &path, Some(&user.token), Some(body)).await;
        assert_eq!(code, StatusCode::OK, "{answer}");
    }
}

fn sum(items: &Value, field: &str) -> u64 {
    items.as_array().unwrap().iter().map(|i| i[field].as_u64().unwrap()).sum()
}

#[tokio::test]
async fn every_endpoint_answers_within_the_callers_visibility() {
    let w = world(40, 30).await;
    let list = leads(&w).await;
    assert_eq!(list.len(), 30);
    close(&w, &list[0], "Converted", &w.member).await;
    close(&w, &list[1], "Failed", &w.member).await;
    let admin = w.app.admin.clone();

    // Overview.
    let all = ok(&w.app, "/api/v1/analytics/overview", &admin).await;
    assert_eq!(all["customers"]["total"], 40);
    assert_eq!(all["customers"]["withOutcome"], 40, "the sample's y");
    assert_eq!(all["customers"]["scored"], 30, "a run scores the listed customers");
    assert_eq!(all["predictions"]["total"], 30);
    let classes = all["predictions"]["yes"].as_u64().unwrap() + all["predictions"]["no"].as_u64().unwrap();
    assert_eq!(classes, 30);
    assert_eq!(all["campaigns"], json!({"total": 1, "active": 1, "paused": 0, "completed": 0}));
    assert_eq!(
        all["leads"],
        json!({"total": 30, "pending": 28, "contacted": 0, "converted": 1, "failed": 1, "conversionRate": 0.5})
    );
    assert!(all["modelVersion"].is_string() && all["decisionThreshold"].is_f64(), "{all}");
    assert!(all["customers"]["averageProbability"].is_f64());

    let member = ok(&w.app, "/api/v1/analytics/overview", &w.member).await;
    assert_eq!(member["customers"]["total"], 30, "Sales see the customers of their call lists");
    assert_eq!(member["predictions"]["total"], 0, "Sales count the predictions they asked for");
    assert_eq!(member["leads"]["total"], 30);
    let other = ok(&w.app, "/api/v1/analytics/overview", &w.other_manager).await;
    assert_eq!((other["campaigns"]["total"].as_u64(), other["leads"]["total"].as_u64()), (Some(0), Some(0)));
    assert_eq!(other["customers"]["total"], 40, "Managers see the whole base");
    assert_eq!(other["predictions"]["total"], 30);
    let outsider = ok(&w.app, "/api/v1/analytics/overview", &w.outsider).await;
    assert_eq!(outsider["customers"]["total"], 0);
    assert_eq!(outsider["leads"]["conversionRate"], Value::Null);

    // Trends: complete series with today's bucket last.
    let days = ok(&w.app, "/api/v1/analytics/trend?metric=conversions", &admin).await;
    assert_eq!((days["metric"].as_str(), days["groupBy"].as_str()), (Some("conversions"), Some("day")));
    assert_eq!(days["points"].as_array().unwrap().len(), 30);
    assert_eq!((days["total"].as_u64(), days["points"][29]["count"].as_u64()), (Some(1), Some(1)));
    let weeks = ok(&w.app, "/api/v1/analytics/trend?groupBy=week&metric=leads", &w.member).await;
    assert_eq!(weeks["points"].as_array().unwrap().len(), 12);
    assert_eq!(weeks["total"], 30);
    assert!(weeks["points"][0]["period"].as_str().unwrap().contains("-W"), "{weeks}");
    let months = ok(&w.app, "/api/v1/analytics/trend?groupBy=month", &w.other_manager).await;
    assert_eq!((months["points"].as_array().unwrap().len(), months["total"].as_u64()), (12, Some(30)));
    let fixed = ok(&w.app, "/api/v1/analytics/trend?from=2026-01-01&to=2026-01-03", &admin).await;
    assert_eq!(fixed["points"].as_array().unwrap().len(), 3);
    assert_eq!(
        fixed["points"][0],
        json!({"period": "2026-01-01", "start": "2026-01-01", "end": "2026-01-01", "count": 0})
    );
    let path = format!("/api/v1/analytics/trend?metric=leads&campaignId={}", w.campaign);
    assert_eq!(ok(&w.app, &path, &w.member).await["total"], 30);
    assert_eq!(get(&w.app, &path, &w.other_manager).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&w.app, &path, &w.outsider).await.0, StatusCode::NOT_FOUND);

    // Breakdowns: every value listed; /by-job is S0's path for the same answer.
    let jobs = ok(&w.app, "/api/v1/analytics/by-job", &admin).await;
    assert_eq!(jobs["by"], "job");
    assert_eq!(jobs["groups"].as_array().unwrap().len(), 12);
    assert_eq!(sum(&jobs["groups"], "customers"), 40);
    assert_eq!(jobs, ok(&w.app, "/api/v1/analytics/by?by=job", &admin).await);
    let bands = ok(&w.app, "/api/v1/analytics/by?by=age-band", &w.other_manager).await;
    let keys: Vec<&str> = bands["groups"].as_array().unwrap().iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]);
    assert_eq!(sum(&bands["groups"], "customers"), 40);
    for by in ["education", "marital", "month", "contact", "poutcome"] {
        let data = ok(&w.app, &format!("/api/v1/analytics/by?by={by}"), &w.member).await;
        assert_eq!(sum(&data["groups"], "customers"), 30, "{by}");
    }
    let education = ok(&w.app, "/api/v1/analytics/by-job?by=education", &admin).await;
    assert_eq!(education["groups"].as_array().unwrap().len(), 4);

    // Tiers: Hot, Warm, Cold, never scored.
    let tiers = ok(&w.app, "/api/v1/analytics/tiers", &admin).await;
    let names: Vec<Value> = tiers.as_array().unwrap().iter().map(|t| t["tier"].clone()).collect();
    assert_eq!(names, [json!("Hot"), json!("Warm"), json!("Cold"), Value::Null]);
    assert_eq!((sum(&tiers, "customers"), sum(&tiers, "leads"), sum(&tiers, "leadsClosed")), (40, 30, 2));
    assert_eq!(tiers[3]["customers"], 10);
    assert_eq!(sum(&ok(&w.app, "/api/v1/analytics/tiers", &w.other_manager).await, "leads"), 0);

    // Lift: two outcomes are not enough.
    let lift = ok(&w.app, &format!("/api/v1/analytics/lift?campaignId={}", w.campaign), &w.member).await;
    assert_eq!((lift["outcomes"].as_u64(), lift["conversions"].as_u64()), (Some(2), Some(1)));
    assert_eq!(lift["insufficientData"], true);
    assert!(lift["message"].as_str().unwrap().contains("at least 50"), "{lift}");
    assert_eq!((lift["deciles"].clone(), lift["auc"].clone()), (json!([]), Value::Null));
    let path = format!("/api/v1/analytics/lift?campaignId={}", w.campaign);
    assert_eq!(get(&w.app, &path, &w.other_manager).await.0, StatusCode::NOT_FOUND);

    // Leaderboard: the member's work, for those who see the campaign.
    let board = ok(&w.app, "/api/v1/analytics/leaderboard", &w.owner).await;
    assert_eq!(
        board,
        json!([{"rank": 1, "userId": w.member.id, "email": w.member.email, "fullName": "Test Sales", "assigned": 2,
            "pending": 0, "contacted": 0, "converted": 1, "failed": 1, "conversionRate": 0.5, "notes": 0}])
    );
    assert_eq!(ok(&w.app, "/api/v1/analytics/leaderboard", &admin).await, board);
    assert_eq!(ok(&w.app, "/api/v1/analytics/leaderboard", &w.member).await, board);
    assert_eq!(ok(&w.app, "/api/v1/analytics/leaderboard", &w.other_manager).await, json!([]));
    assert_eq!(
        ok(&w.app, "/api/v1/analytics/leaderboard?from=2000-01-01&to=2000-12-31", &w.owner).await[0]["assigned"],
        0
    );
    let path = format!("/api/v1/analytics/leaderboard?campaignId={}", w.campaign);
    assert_eq!(ok(&w.app, &path, &w.owner).await, board);
    assert_eq!(get(&w.app, &path, &w.outsider).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn lift_with_enough_outcomes_gives_ten_deciles() {
    let w = world(60, 60).await;
    let list = leads(&w).await;
    // Every third lead converts, the rest fail.
    for (i, lead) in list.iter().enumerate() {
        close(&w, lead, if i % 3 == 0 { "Converted" } else { "Failed" }, &w.owner).await;
    }
    let lift = ok(&w.app, "/api/v1/analytics/lift", &w.owner).await;
    assert_eq!((lift["outcomes"].as_u64(), lift["conversions"].as_u64()), (Some(60), Some(20)));
    assert_eq!((lift["insufficientData"].clone(), lift["message"].clone()), (json!(false), Value::Null));
    let deciles = lift["deciles"].as_array().unwrap();
    assert_eq!(deciles.len(), 10);
    assert_eq!(sum(&lift["deciles"], "count"), 60);
    assert!((deciles[9]["cumulativeCapture"].as_f64().unwrap() - 1.0).abs() < 1e-12);
    assert!((lift["baseRate"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    let auc = lift["auc"].as_f64().unwrap();
    let brier = lift["brier"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&auc) && (0.0..=1.0).contains(&brier), "{lift}");
    assert!(deciles.windows(2).all(|d| d[0]["meanProbability"].as_f64() >= d[1]["meanProbability"].as_f64()));

    assert_eq!(lift["deciles"][0]["count"], 6);
    let model = ok(&w.app, "/api/v1/model", &w.owner).await;
    let version = model["modelVersion"].as_str().unwrap();
    let same = ok(&w.app, &format!("/api/v1/analytics/lift?modelVersion={version}"), &w.owner).await;
    assert_eq!(same["auc"], lift["auc"]);
    let none = ok(&w.app, "/api/v1/analytics/lift?modelVersion=no-such-model", &w.owner).await;
    assert_eq!((none["outcomes"].as_u64(), none["insufficientData"].as_bool()), (Some(0), Some(true)));
    let outsider = ok(&w.app, "/api/v1/analytics/lift", &w.outsider).await;
    assert_eq!(outsider["outcomes"], 0, "Sales outside the campaign see none of its outcomes");
}

#[tokio::test]
async fn bad_parameters_are_field_errors() {
    let app = TestApp::spawn().await;
    let admin = app.admin.clone();
    let cases = [
        ("/api/v1/analytics/trend?groupBy=hour", "groupBy"),
        ("/api/v1/analytics/trend?metric=calls", "metric"),
        ("/api/v1/analytics/trend?from=2026-13-01", "from"),
        ("/api/v1/analytics/trend?to=yesterday", "to"),
        ("/api/v1/analytics/trend?from=2026-02-01&to=2026-01-01", "from"),
        ("/api/v1/analytics/trend?from=2020-01-01&to=2026-01-01", "to"),
        ("/api/v1/analytics/trend?groupBy=week&from=1800-01-01&to=1800-02-01", "from"),
        ("/api/v1/analytics/trend?campaignId=42", "campaignId"),
        ("/api/v1/analytics/by?by=balance", "by"),
        ("/api/v1/analytics/by-job?by=salary", "by"),
        ("/api/v1/analytics/lift?modelVersion=", "modelVersion"),
        ("/api/v1/analytics/lift?campaignId=x", "campaignId"),
        ("/api/v1/analytics/leaderboard?from=2026-03-02&to=2026-03-01", "from"),
        ("/api/v1/analytics/leaderboard?to=2026-02-30", "to"),
    ];
    for (path, field) in cases {
        let (status, body) = get(&app, path, &admin).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["status"], "fail");
        assert_eq!(body["errors"][0]["field"], field, "{path}: {body}");
    }
    let (status, body) = get(&app, "/api/v1/analytics/trend?from=2020-01-01&to=2026-01-01", &admin).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("366"), "{body}");
    // A year of days is allowed; so are six years of weeks.
    assert_eq!(get(&app, "/api/v1/analytics/trend?from=2024-01-01&to=2024-12-31", &admin).await.0, StatusCode::OK);
    let weeks = "/api/v1/analytics/trend?groupBy=week&from=2020-01-01&to=2026-01-01";
    assert_eq!(get(&app, weeks, &admin).await.0, StatusCode::OK);
    assert_eq!(get(&app, "/api/v1/analytics/trend?unknown=1", &admin).await.0, StatusCode::BAD_REQUEST);
    // Unknown campaign: 404, not 400.
    let path = format!("/api/v1/analytics/lift?campaignId={}", uuid::Uuid::now_v7());
    assert_eq!(get(&app, &path, &admin).await.0, StatusCode::NOT_FOUND);
    for path in ["/api/v1/analytics/overview", "/api/v1/analytics/leaderboard"] {
        assert_eq!(app.call(Method::GET, path, None, None).await.0, StatusCode::UNAUTHORIZED);
    }
}
