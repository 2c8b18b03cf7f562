//! Every cell of `docs/rbac.md` against the running server.

use std::collections::BTreeSet;

use leadscore_tests::fixtures::{SAMPLE_CSV, csv_form, customer_json, png_form, sample_features};
use leadscore_tests::{TestApp, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct Row {
    method: Method,
    path: String,
    allowed: [bool; 4],
}

const ROLES: [&str; 4] = ["Anonymous", "Sales", "Manager", "Admin"];

fn matrix() -> Vec<Row> {
    let doc =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rbac.md")).unwrap();
    let table = doc.split("<!-- rbac:begin -->").nth(1).unwrap().split("<!-- rbac:end -->").next().unwrap();
    table
        .lines()
        .filter(|l| l.starts_with('|') && !l.contains("---") && !l.contains("| Method |"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 6, "malformed row: {line}");
            let mut allowed = [false; 4];
            for (i, cell) in cells[2..].iter().enumerate() {
                allowed[i] = match *cell {
                    "✓" => true,
                    "✗" => false,
                    other => panic!("unknown cell {other} in {line}"),
                };
            }
            Row { method: cells[0].parse().unwrap(), path: cells[1].to_owned(), allowed }
        })
        .collect()
}

#[test]
fn the_matrix_covers_every_operation_of_the_spec() {
    let spec: Value = serde_json::from_str(&leadscore_http::openapi::spec_json()).unwrap();
    let in_spec: BTreeSet<String> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| format!("{} {path}", m.to_uppercase())))
        .collect();
    let in_matrix: BTreeSet<String> = matrix().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(in_spec, in_matrix, "docs/rbac.md and the spec list different operations");
}

/// A request for `row` that passes every check except authorisation, so the answer shows only the role decision.
async fn request(app: &TestApp, row: &Row, caller: Option<&TestUser>, target: &str, media: &str) -> StatusCode {
    let key = format!("{} {}", row.method, row.path);
    // Deleting the shared target would change later rows: a random id makes an Admin's answer 404 while everyone
    // else must still be refused before the lookup.
    let random = uuid::Uuid::now_v7().to_string();
    let target = if key.starts_with("DELETE ") && key.ends_with("{id}") { random.as_str() } else { target };
    let path = row
        .path
        .replace("{id}", target)
        .replace("{key}", media)
        .replace("{leadId}", &uuid::Uuid::now_v7().to_string())
        .replace("{noteId}", &uuid::Uuid::now_v7().to_string());
    let unique = uuid::Uuid::new_v4().simple().to_string();
    let mut builder = app.request(row.method.clone(), &path);
    if let Some(caller) = caller {
        builder = builder.bearer_auth(&caller.token);
    }
    builder = match key.as_str() {
        "POST /api/v1/auth/register" => builder.json(&json!({"email": format!("r{unique}@x.example"), "password": "Pass-word-1"})),
        "POST /api/v1/auth/login" => builder.json(&json!({"identifier": app.admin.email, "password": app.admin.password})),
        "POST /api/v1/auth/refresh" => {
            let fresh = app.login_as(&app.admin.email, &app.admin.password).await;
            builder.json(&json!({"refreshToken": fresh.refresh_token}))
        }
        "POST /api/v1/auth/logout" => builder.json(&json!({})),
        "PATCH /api/v1/me" => builder.json(&json!({"fullName": "Renamed"})),
        "DELETE /api/v1/me" => builder.json(&json!({"password": "wrong-pass-1"})),
        "PUT /api/v1/me/password" => builder
            .json(&json!({"currentPassword": "wrong-pass-1", "newPassword": "N3w-pass-word", "confirmPassword": "N3w-pass-word"})),
        "PUT /api/v1/me/avatar" | "PUT /api/v1/users/{id}/avatar" | "POST /api/v1/uploads/image" => {
            builder.multipart(png_form())
        }
        "POST /api/v1/users" => builder.json(&json!({"email": format!("u{unique}@x.example"), "password": "Pass-word-1", "role": "Sales"})),
        "PATCH /api/v1/users/{id}" => builder.json(&json!({"fullName": "Renamed"})),
        "POST /api/v1/customers" => builder.json(&customer_json(&unique)),
        "PATCH /api/v1/customers/{id}" => builder.json(&json!({"balance": 10})),
        "POST /api/v1/customers/import" => builder.multipart(csv_form(SAMPLE_CSV)),
        "POST /api/v1/segmentation/datasets" => builder.multipart(super::segmentation::dataset_form()),
        "POST /api/v1/segmentation/datasets/{id}/analyses" => builder.json(&json!({"k": 2})),
        "POST /api/v1/predictions" => builder.json(&json!({"features": sample_features()})),
        "POST /api/v1/predictions/batch" => {
            builder.json(&json!({"items": [{"features": sample_features()}]}))
        }
        "PATCH /api/v1/predictions/{id}" => builder.json(&json!({"predictedClass": "yes", "reason": "rbac"})),
        "POST /api/v1/customers/score" => builder.json(&json!({})),
        "POST /api/v1/campaigns" => builder.json(&json!({"name": format!("rbac {unique}"), "targetLeads": 10})),
        "PATCH /api/v1/campaigns/{id}" => builder.json(&json!({"status": "Paused"})),
        "PATCH /api/v1/campaigns/{id}/leads/{leadId}" => builder.json(&json!({"status": "Contacted"})),
        "POST /api/v1/campaigns/{id}/leads/{leadId}/notes" => builder.json(&json!({"type": "Feedback", "text": "hi"})),
        _ => builder,
    };
    builder.send().await.unwrap().status()
}

#[tokio::test]
async fn every_cell_of_the_matrix_holds() {
    let app = TestApp::spawn_with(|c| c.login_max_failures_per_ip = 10_000).await;
    let sales = app.user("Sales").await;
    let manager = app.user("Manager").await;
    let target = app.user("Sales").await;
    let media = app
        .authed(Method::POST, "/api/v1/uploads/image", &sales.token)
        .multipart(png_form())
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["data"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let callers = [None, Some(&sales), Some(&manager), Some(&app.admin)];
    let mut failures = Vec::new();
    for row in matrix() {
        for (i, caller) in callers.iter().enumerate() {
            let status = request(&app, &row, *caller, &target.id, &media).await;
            let refused = status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN;
            let expected_refusal = if i == 0 { StatusCode::UNAUTHORIZED } else { StatusCode::FORBIDDEN };
            let ok = if row.allowed[i] { !refused && !status.is_server_error() } else { status == expected_refusal };
            if !ok {
                failures.push(format!("{} {} as {}: got {status}", row.method, row.path, ROLES[i]));
            }
        }
    }
    assert!(failures.is_empty(), "matrix violations:\n{}", failures.join("\n"));
}
