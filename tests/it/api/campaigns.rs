//! Campaigns, leads, notes and the audit trail through the API: visibility per role, runs and re-runs, the lead
//! workflow with its notes and outcomes, exports, cascade delete, and a Sales user outside a campaign trying every
//! endpoint.

use leadscore_tests::{TestApp, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::world::World;

async fn call(app: &TestApp, method: Method, path: &str, user: &TestUser, body: Option<Value>) -> (StatusCode, Value) {
    app.call(method, path, Some(&user.token), body).await
}

async fn world(target: u32) -> World {
    let campaign = json!({"name": "Spring deposits", "targetLeads": target, "startDate": "2026-12-01",
        "endDate": "2026-12-31"});
    World::new(40, campaign).await
}

fn ids(body: &Value) -> Vec<String> {
    body["data"]["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn campaigns_are_visible_to_their_members_only() {
    let w = world(10).await;
    let path = format!("/api/v1/campaigns/{}", w.campaign);
    let (status, body) = call(&w.app, Method::GET, &path, &w.member, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["owner"]["email"], w.owner.email.as_str());
    assert_eq!(body["data"]["collaborators"][0]["email"], w.member.email.as_str());
    assert_eq!(body["data"]["status"], "Active");
    assert_eq!(body["data"]["criteria"], json!({}));
    for user in [&w.other_manager, &w.outsider] {
        let (status, _) = call(&w.app, Method::GET, &path, user, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, list) = call(&w.app, Method::GET, "/api/v1/campaigns", user, None).await;
        assert!(ids(&list).is_empty());
        let (_, stats) = call(&w.app, Method::GET, "/api/v1/campaigns/stats", user, None).await;
        assert_eq!(stats["data"]["total"], 0);
        let (_, options) = call(&w.app, Method::GET, "/api/v1/campaigns/options", user, None).await;
        assert_eq!(options["data"], json!([]));
    }
    let admin = w.app.admin.clone();
    for user in [&w.owner, &w.member, &admin] {
        let (_, list) = call(&w.app, Method::GET, "/api/v1/campaigns?q=SPRING&status=Active", user, None).await;
        assert_eq!(ids(&list), std::slice::from_ref(&w.campaign));
        let (_, options) = call(&w.app, Method::GET, "/api/v1/campaigns/options", user, None).await;
        assert_eq!(options["data"], json!([{"id": w.campaign, "name": "Spring deposits"}]));
    }
    let (_, list) = call(&w.app, Method::GET, "/api/v1/campaigns?status=Paused", &w.owner, None).await;
    assert!(ids(&list).is_empty());
    let (_, list) = call(&w.app, Method::GET, "/api/v1/campaigns?startDate=2026-12-02", &w.owner, None).await;
    assert!(ids(&list).is_empty());
    let (_, list) = call(&w.app, Method::GET, "/api/v1/campaigns?endDate=2026-12-31", &w.owner, None).await;
    assert_eq!(ids(&list).len(), 1);

    // Writes: a member who does not own it gets 403, Sales always 403, an outsider Manager 404.
    let patch = Some(json!({"status": "Paused"}));
    assert_eq!(call(&w.app, Method::PATCH, &path, &w.member, patch.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(call(&w.app, Method::PATCH, &path, &w.other_manager, patch.clone()).await.0, StatusCode::NOT_FOUND);
    let (status, body) = call(&w.app, Method::PATCH, &path, &w.owner, patch).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["status"], "Paused");
    let (_, stats) = call(&w.app, Method::GET, "/api/v1/campaigns/stats", &w.member, None).await;
    assert_eq!(stats["data"], json!({"total": 1, "active": 0, "paused": 1, "completed": 0}));

    // Creation rules.
    let bad = json!({"name": "x", "targetLeads": 5, "collaboratorEmails": ["ghost@nowhere.example"]});
    let (status, body) = call(&w.app, Method::POST, "/api/v1/campaigns", &w.owner, Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("ghost@nowhere.example"), "{body}");
    let bad = json!({"name": "x", "targetLeads": 0, "endDate": "2026-01-01", "startDate": "2026-02-01",
        "criteria": {"ageMin": 300}});
    let (status, body) = call(&w.app, Method::POST, "/api/v1/campaigns", &w.owner, Some(bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"targetLeads") && fields.contains(&"criteria.ageMin"), "{fields:?}");
    let ok = json!({"name": "x", "targetLeads": 5});
    assert_eq!(call(&w.app, Method::POST, "/api/v1/campaigns", &w.member, Some(ok)).await.0, StatusCode::FORBIDDEN);
}

async fn leads(w: &World, user: &TestUser, query: &str) -> Vec<Value> {
    let path = format!("/api/v1/campaigns/{}/leads?limit=100&{query}", w.campaign);
    let (status, body) = call(&w.app, Method::GET, &path, user, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn runs_build_a_ranked_list_and_reruns_keep_the_work_done() {
    let w = world(10).await;
    let report = w.run().await;
    assert_eq!((report["matched"].as_u64(), report["leads"].as_u64()), (Some(40), Some(10)));
    assert_eq!(
        (report["added"].as_u64(), report["kept"].as_u64(), report["removed"].as_u64()),
        (Some(10), Some(0), Some(0))
    );
    let list = leads(&w, &w.member, "").await;
    assert_eq!(list.len(), 10);
    let probs: Vec<f64> = list.iter().map(|l| l["probability"].as_f64().unwrap()).collect();
    assert!(probs.windows(2).all(|p| p[0] >= p[1]), "{probs:?}");
    assert_eq!(list[0]["rank"], 1);
    assert!(list.iter().all(|l| l["status"] == "Pending"));
    // The leads are the 10 most probable of the 40 customers.
    let (_, customers) =
        w.app.call(Method::GET, "/api/v1/customers?limit=100&sortBy=score", Some(&w.app.admin.token), None).await;
    let mut all: Vec<f64> =
        customers["data"]["items"].as_array().unwrap().iter().filter_map(|c| c["probability"].as_f64()).collect();
    all.sort_by(|a, b| b.total_cmp(a));
    assert!(all.len() >= 10, "lead customers got their latest score");
    assert!((probs[9] - all[9]).abs() < 1e-12 || probs[9] >= all[9] - 1e-12);

    // Work on the best lead, then re-run with a larger list: it keeps its status and notes.
    let best = list[0]["id"].as_str().unwrap().to_owned();
    let lead_path = format!("/api/v1/campaigns/{}/leads/{best}", w.campaign);
    let (status, body) = call(&w.app, Method::PATCH, &lead_path, &w.member, Some(json!({"status": "Contacted"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let note = json!({"type": "Feedback", "text": "Call back on Friday"});
    let (status, _) = call(&w.app, Method::POST, &format!("{lead_path}/notes"), &w.member, Some(note)).await;
    assert_eq!(status, StatusCode::CREATED);
    call(
        &w.app,
        Method::PATCH,
        &format!("/api/v1/campaigns/{}", w.campaign),
        &w.owner,
        Some(json!({"targetLeads": 15})),
    )
    .await;
    let report = w.run().await;
    assert_eq!(
        (report["added"].as_u64(), report["kept"].as_u64(), report["removed"].as_u64()),
        (Some(5), Some(10), Some(0))
    );
    let (_, lead) = call(&w.app, Method::GET, &lead_path, &w.member, None).await;
    assert_eq!(lead["data"]["status"], "Contacted");
    assert_eq!(lead["data"]["notesCount"], 2, "the System note and the Feedback note survive");
    assert!(lead["data"]["factors"]["raised"].is_array(), "{lead}");
    assert!(lead["data"]["predictionId"].is_string());
    assert!(lead["data"]["customer"]["age"].as_u64().is_some());

    // Narrower criteria drop leads: the dropped ones go with their notes.
    let crit = json!({"criteria": {"job": ["management"]}, "targetLeads": 15});
    call(&w.app, Method::PATCH, &format!("/api/v1/campaigns/{}", w.campaign), &w.owner, Some(crit)).await;
    let report = w.run().await;
    let kept = report["kept"].as_u64().unwrap();
    let removed = report["removed"].as_u64().unwrap();
    assert_eq!(kept + removed, 15);
    assert_eq!(report["leads"].as_u64().unwrap(), kept + report["added"].as_u64().unwrap());
    let list = leads(&w, &w.owner, "").await;
    assert!(list.iter().all(|l| l["customer"]["job"] == "management"));
    let (_, preds) = call(
        &w.app,
        Method::GET,
        &format!("/api/v1/predictions?campaignId={}&source=campaign", w.campaign),
        &w.owner,
        None,
    )
    .await;
    // Retention: earlier runs' predictions are superseded; the call list's own remain, one per lead.
    assert_eq!(preds["data"]["pagination"]["totalItems"].as_u64().unwrap(), list.len() as u64, "{preds}");

    // A Completed campaign cannot run.
    call(
        &w.app,
        Method::PATCH,
        &format!("/api/v1/campaigns/{}", w.campaign),
        &w.owner,
        Some(json!({"status": "Completed"})),
    )
    .await;
    let (status, _) =
        call(&w.app, Method::POST, &format!("/api/v1/campaigns/{}/run", w.campaign), &w.owner, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_lead_workflow_enforces_its_rules_and_records_outcomes() {
    let w = world(5).await;
    w.run().await;
    let list = leads(&w, &w.member, "").await;
    let lead = &list[0];
    let customer = lead["customer"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/campaigns/{}/leads/{}", w.campaign, lead["id"].as_str().unwrap());
    let patch = |body: Value| Some(body);

    let (status, body) = call(&w.app, Method::PATCH, &path, &w.member, patch(json!({"status": "Converted"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["message"].as_str().unwrap().contains("allowed from Pending: Contacted, Failed"), "{body}");
    let (status, body) = call(&w.app, Method::PATCH, &path, &w.member, patch(json!({"assignee": w.owner.id}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "collaborators only assign themselves: {body}");
    let (status, _) = call(&w.app, Method::PATCH, &path, &w.member, patch(json!({"assignee": w.outsider.id}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an assignee must be a member");
    let (status, body) =
        call(&w.app, Method::PATCH, &path, &w.member, patch(json!({"assignee": w.member.id, "status": "Contacted"})))
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["assignee"]["email"], w.member.email.as_str());
    let (status, body) = call(&w.app, Method::PATCH, &path, &w.member, patch(json!({"status": "Converted"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, c) =
        w.app.call(Method::GET, &format!("/api/v1/customers/{customer}"), Some(&w.app.admin.token), None).await;
    assert_eq!(c["data"]["y"], "yes");
    assert!(c["data"]["outcomeAt"].is_string(), "{c}");

    let (status, body) = call(&w.app, Method::PATCH, &path, &w.member, patch(json!({"status": "Contacted"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["message"].as_str().unwrap().contains("owner or an Admin"), "{body}");
    let (status, _) = call(&w.app, Method::PATCH, &path, &w.owner, patch(json!({"status": "Contacted"}))).await;
    assert_eq!(status, StatusCode::OK);
    let (_, c) =
        w.app.call(Method::GET, &format!("/api/v1/customers/{customer}"), Some(&w.app.admin.token), None).await;
    assert!(c["data"]["outcomeAt"].is_null(), "reopening clears the recorded outcome: {c}");
    let (status, _) = call(&w.app, Method::PATCH, &path, &w.owner, patch(json!({"status": "Failed"}))).await;
    assert_eq!(status, StatusCode::OK);

    // Another collaborator cannot touch a lead assigned to someone else.
    let second = w.app.user("Sales").await;
    let path_c = format!("/api/v1/campaigns/{}", w.campaign);
    call(&w.app, Method::PATCH, &path_c, &w.owner, Some(json!({"collaboratorEmails": [w.member.email, second.email]})))
        .await;
    let (status, _) = call(&w.app, Method::PATCH, &path, &second, patch(json!({"status": "Contacted"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Every change left a System note; notes and stats.
    let (status, body) = call(&w.app, Method::GET, &format!("{path}/notes?limt=100"), &w.member, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an unknown parameter is refused like on every list: {body}");
    let (_, notes) = call(&w.app, Method::GET, &format!("{path}/notes?limit=100"), &w.member, None).await;
    let types: Vec<&str> =
        notes["data"]["items"].as_array().unwrap().iter().map(|n| n["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["System"; 4], "{notes}");
    let (_, stats) =
        call(&w.app, Method::GET, &format!("/api/v1/campaigns/{}/leads/stats", w.campaign), &w.member, None).await;
    let s = &stats["data"];
    assert_eq!((s["totalLeads"].as_u64(), s["failed"].as_u64(), s["pending"].as_u64()), (Some(5), Some(1), Some(4)));
    assert_eq!(s["conversionRate"], 0.0);
    assert_eq!(leads(&w, &w.member, "status=Failed").await.len(), 1);
    assert_eq!(leads(&w, &w.member, &format!("assignee={}", w.member.id)).await.len(), 1);
    let (_, trail) =
        call(&w.app, Method::GET, &format!("/api/v1/campaigns/{}/activities?limit=100", w.campaign), &w.member, None)
            .await;
    let actions: Vec<&str> =
        trail["data"]["items"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"LEAD_STATUS_CHANGED") && actions.contains(&"CAMPAIGN_RUN"), "{actions:?}");
}

#[tokio::test]
async fn notes_exports_activities_and_cascade_delete() {
    let w = world(6).await;
    w.run().await;
    let list = leads(&w, &w.member, "").await;
    let path = format!("/api/v1/campaigns/{}/leads/{}/notes", w.campaign, list[0]["id"].as_str().unwrap());
    for (body, expected) in [
        (json!({"type": "System", "text": "x"}), StatusCode::BAD_REQUEST),
        (json!({"type": "Feedback", "text": ""}), StatusCode::BAD_REQUEST),
        (json!({"type": "Feedback", "text": "x".repeat(5001)}), StatusCode::BAD_REQUEST),
        (json!({"type": "Internal", "text": "VIP: be brief"}), StatusCode::CREATED),
    ] {
        let (status, b) = call(&w.app, Method::POST, &path, &w.member, Some(body)).await;
        assert_eq!(status, expected, "{b}");
    }
    let (_, notes) = call(&w.app, Method::GET, &path, &w.owner, None).await;
    let note = notes["data"]["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(notes["data"]["items"][0]["authorId"], w.member.id.as_str());
    let note_path = format!("/api/v1/notes/{note}");
    assert_eq!(call(&w.app, Method::DELETE, &note_path, &w.owner, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(call(&w.app, Method::DELETE, &note_path, &w.outsider, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(call(&w.app, Method::DELETE, &note_path, &w.member, None).await.0, StatusCode::OK);

    // The call list.
    let response = w
        .app
        .authed(Method::GET, &format!("/api/v1/campaigns/{}/leads/export?format=csv", w.campaign), &w.member.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("rank,leadId,status,tier,score,probability"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 6);
    assert!(rows[0].starts_with("1,"));
    let response = w
        .app
        .authed(Method::GET, &format!("/api/v1/campaigns/{}/leads/export?format=xlsx", w.campaign), &w.member.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(&response.bytes().await.unwrap()[..2], b"PK");

    // The audit trail: the owner (Manager) sees their campaign's, another Manager not, Sales never.
    let (status, trail) = call(&w.app, Method::GET, "/api/v1/activities?limit=100", &w.owner, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(trail["data"]["items"].as_array().unwrap().iter().all(|a| a["campaignId"] == w.campaign.as_str()));
    assert!(trail["data"]["pagination"]["totalItems"].as_u64().unwrap() >= 4);
    let (_, other) = call(&w.app, Method::GET, "/api/v1/activities", &w.other_manager, None).await;
    assert_eq!(other["data"]["pagination"]["totalItems"], 0);
    assert_eq!(call(&w.app, Method::GET, "/api/v1/activities", &w.member, None).await.0, StatusCode::FORBIDDEN);
    let (_, filtered) = w
        .app
        .call(
            Method::GET,
            &format!("/api/v1/activities?action=NOTE_DELETED&campaignId={}", w.campaign),
            Some(&w.app.admin.token),
            None,
        )
        .await;
    assert_eq!(filtered["data"]["pagination"]["totalItems"], 1);

    // An owner's account cannot be deleted while the campaign exists: 409, and nothing changes.
    let owner_path = format!("/api/v1/users/{}", w.owner.id);
    let (status, body) = w.app.call(Method::DELETE, &owner_path, Some(&w.app.admin.token), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["message"].as_str().unwrap().contains("owns campaigns"), "{body}");
    assert_eq!(w.app.call(Method::GET, &owner_path, Some(&w.app.admin.token), None).await.0, StatusCode::OK);

    // Cascade delete.
    let campaign_path = format!("/api/v1/campaigns/{}", w.campaign);
    assert_eq!(call(&w.app, Method::DELETE, &campaign_path, &w.member, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(call(&w.app, Method::DELETE, &campaign_path, &w.owner, None).await.0, StatusCode::OK);
    assert_eq!(call(&w.app, Method::GET, &campaign_path, &w.owner, None).await.0, StatusCode::NOT_FOUND);
    let (_, preds) = w
        .app
        .call(Method::GET, &format!("/api/v1/predictions?campaignId={}", w.campaign), Some(&w.app.admin.token), None)
        .await;
    assert_eq!(preds["data"]["pagination"]["totalItems"], 0);
    let (_, customers) = w.app.call(Method::GET, "/api/v1/customers", Some(&w.app.admin.token), None).await;
    assert_eq!(customers["data"]["pagination"]["totalItems"], 40, "customers stay");
    let (status, body) = w.app.call(Method::DELETE, &owner_path, Some(&w.app.admin.token), None).await;
    assert_eq!(status, StatusCode::OK, "without campaigns the account can go: {body}");
}

#[tokio::test]
async fn a_sales_user_outside_the_campaign_reaches_nothing() {
    let w = world(3).await;
    w.run().await;
    let lead = leads(&w, &w.member, "").await[0]["id"].as_str().unwrap().to_owned();
    let note = json!({"type": "Feedback", "text": "hello"});
    let (_, created) = call(
        &w.app,
        Method::POST,
        &format!("/api/v1/campaigns/{}/leads/{lead}/notes", w.campaign),
        &w.member,
        Some(note.clone()),
    )
    .await;
    let note_id = created["data"]["id"].as_str().unwrap().to_owned();
    let c = &w.campaign;
    let attempts: Vec<(Method, String, Option<Value>, StatusCode)> = vec![
        (Method::GET, format!("/api/v1/campaigns/{c}"), None, StatusCode::NOT_FOUND),
        (Method::PATCH, format!("/api/v1/campaigns/{c}"), Some(json!({"name": "mine"})), StatusCode::FORBIDDEN),
        (Method::DELETE, format!("/api/v1/campaigns/{c}"), None, StatusCode::FORBIDDEN),
        (Method::POST, format!("/api/v1/campaigns/{c}/run"), None, StatusCode::FORBIDDEN),
        (Method::GET, format!("/api/v1/campaigns/{c}/activities"), None, StatusCode::NOT_FOUND),
        (Method::GET, format!("/api/v1/campaigns/{c}/leads"), None, StatusCode::NOT_FOUND),
        (Method::GET, format!("/api/v1/campaigns/{c}/leads/stats"), None, StatusCode::NOT_FOUND),
        (Method::GET, format!("/api/v1/campaigns/{c}/leads/export"), None, StatusCode::NOT_FOUND),
        (Method::GET, format!("/api/v1/campaigns/{c}/leads/{lead}"), None, StatusCode::NOT_FOUND),
        (
            Method::PATCH,
            format!("/api/v1/campaigns/{c}/leads/{lead}"),
            Some(json!({"status": "Failed"})),
            StatusCode::NOT_FOUND,
        ),
        (Method::GET, format!("/api/v1/campaigns/{c}/leads/{lead}/notes"), None, StatusCode::NOT_FOUND),
        (Method::POST, format!("/api/v1/campaigns/{c}/leads/{lead}/notes"), Some(note), StatusCode::NOT_FOUND),
        (Method::DELETE, format!("/api/v1/notes/{note_id}"), None, StatusCode::NOT_FOUND),
        (Method::GET, "/api/v1/activities".to_owned(), None, StatusCode::FORBIDDEN),
    ];
    for (method, path, body, expected) in attempts {
        let (status, answer) = call(&w.app, method.clone(), &path, &w.outsider, body).await;
        assert_eq!(status, expected, "{method} {path}: {answer}");
    }
    // Nothing changed.
    let (_, lead_now) =
        call(&w.app, Method::GET, &format!("/api/v1/campaigns/{c}/leads/{lead}"), &w.member, None).await;
    assert_eq!(lead_now["data"]["status"], "Pending");
    assert_eq!(lead_now["data"]["notesCount"], 1);
}
