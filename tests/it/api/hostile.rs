//! What an attacker tried (issue 16), over HTTP: hostile files, NUL characters, and the invariants that broke under
//! truly parallel requests — on both databases where the database matters. `docs/security.md` lists each finding
//! under its OWASP API item.

use std::io::Write;

use leadscore_tests::fixtures::file_form;
use leadscore_tests::{TestApp, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------------------------
// Files that expand

/// A one-sheet workbook whose shared strings declare `unique_count` and whose sheet holds `rows` (XML).
fn workbook(unique_count: &str, rows: &str) -> Vec<u8> {
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_owned()),
        ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned()),
        ("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_owned()),
        ("xl/sharedStrings.xml", format!(r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{unique_count}" uniqueCount="{unique_count}"><si><t>InvoiceNo</t></si></sst>"#)),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#)),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn upload(app: &TestApp, path: &str, user: &TestUser, bytes: Vec<u8>) -> (StatusCode, Value) {
    app.send(app.authed(Method::POST, path, &user.token).multipart(file_form(bytes, "book.xlsx", Some(XLSX)))).await
}

/// The 2 KB workbooks that aborted the server: a huge declared `uniqueCount`, and cells at `A1` and
/// `XFD1048576`. Each is now a 413 naming the limit, and the server goes on answering.
#[tokio::test]
async fn two_kilobyte_workbooks_that_killed_the_server_are_413s() {
    let app = TestApp::spawn().await;
    let sales = app.user("Sales").await;
    let corner =
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
    let cases = [
        (workbook("4000000000", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#), "shared strings"),
        (workbook("1", corner), "columns"),
    ];
    for (bytes, limit) in cases {
        assert!(bytes.len() < 2_500, "{} bytes", bytes.len());
        for (path, user) in [("/api/v1/segmentation/datasets", &sales), ("/api/v1/customers/import", &app.admin)] {
            let (status, body) = upload(&app, path, user, bytes.clone()).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{path}: {body}");
            assert!(body["message"].as_str().unwrap().contains(limit), "{path}: {body}");
        }
    }
    let (status, _) = app.call(Method::GET, "/health", None, None).await;
    assert_eq!(status, StatusCode::OK, "the server is still there");
}

/// A sheet that inflates past the limit: 32 MiB of XML in a 40 KB upload, refused by what it expands to.
#[tokio::test]
async fn a_workbook_is_bounded_by_what_it_inflates_to() {
    let app = TestApp::spawn_with(|c| c.file_limits.max_inflated_bytes = 16 * 1024 * 1024).await;
    let sales = app.user("Sales").await;
    let padding = " ".repeat(32 * 1024 * 1024);
    let bytes = workbook("1", &format!(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>{padding}"#));
    assert!(bytes.len() < 64 * 1024, "{} bytes", bytes.len());
    let (status, body) = upload(&app, "/api/v1/segmentation/datasets", &sales, bytes).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body["message"].as_str().unwrap().contains("16 MiB"), "{body}");
}

#[tokio::test]
async fn an_image_declaring_ten_billion_pixels_is_413() {
    let app = TestApp::spawn().await;
    let user = app.user("Sales").await;
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend(100_000u32.to_be_bytes());
    png.extend(100_000u32.to_be_bytes());
    png.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    let form = file_form(png, "bomb.png", Some("image/png"));
    let response = app.authed(Method::PUT, "/api/v1/me/avatar", &user.token).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// Deleting an account removes its uploaded transaction files, not only their rows.
#[tokio::test]
async fn deleting_a_user_removes_their_dataset_files() {
    let app = TestApp::spawn().await;
    let user = app.user("Sales").await;
    let response = app
        .authed(Method::POST, "/api/v1/segmentation/datasets", &user.token)
        .multipart(super::segmentation::dataset_form())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let folder = app.storage.path().join("datasets").join(&user.id);
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);
    let (status, body) =
        app.call(Method::DELETE, &format!("/api/v1/users/{}", user.id), Some(&app.admin.token), None).await;
    assert!(status.is_success(), "{status} {body}");
    assert!(!folder.exists(), "the files went with the account");
}

// ---------------------------------------------------------------------------------------------------------------
// NUL: PostgreSQL cannot store it in text and answered 500 wherever a string reached it.

async fn nul_is_400_everywhere(app: TestApp) {
    let manager = app.user("Manager").await;
    let login = json!({"identifier": "admin\u{0}", "password": "whatever-1"});
    let (status, body) = app.call(Method::POST, "/api/v1/auth/login", None, Some(login)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "login: {body}");
    for path in ["/api/v1/customers?q=a%00b", "/api/v1/predictions?modelVersion=%00"] {
        let (status, body) = app.call(Method::GET, path, Some(&app.admin.token), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
    }
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/campaigns",
            Some(&manager.token),
            Some(json!({"name": "N\u{0}", "targetLeads": 5})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "campaign: {body}");
    assert!(body["message"].as_str().unwrap().contains("NUL"), "{body}");
    let (status, _) = app.call(Method::GET, "/api/v1/customers?q=ok", Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::OK);
}
on_both_databases!(nul_characters, |_| {}, nul_is_400_everywhere);

// ---------------------------------------------------------------------------------------------------------------
// Invariants under truly parallel requests

/// An Admin created by `creator`, signed in.
async fn admin_by(app: &TestApp, creator: &TestUser, round: usize) -> TestUser {
    let email = format!("admin{round}-{}@leadscore.test", uuid_suffix());
    let body = json!({"email": email, "password": "Admin-pass-123", "role": "Admin"});
    let (status, answer) = app.call(Method::POST, "/api/v1/users", Some(&creator.token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    app.login_as(&email, "Admin-pass-123").await
}

fn uuid_suffix() -> String {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0).to_string()
}

async fn active_admins(app: &TestApp, token: &str) -> u64 {
    let (status, body) = app.call(Method::GET, "/api/v1/users?role=Admin&isActive=true", Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]["pagination"]["totalItems"].as_u64().unwrap()
}

/// Two Admins demoting, deactivating or deleting each other at the same moment: one wins, and one active Admin is
/// left — every round, on both databases. Each round the survivor names a new Admin and the two race again.
async fn two_admins_removing_each_other_leave_one(app: TestApp) {
    let mut current = app.admin.clone();
    for round in 0..6 {
        let other = admin_by(&app, &current, round).await;
        assert_eq!(active_admins(&app, &current.token).await, 2);
        let change = |by: &TestUser, target: &TestUser| {
            let path = format!("/api/v1/users/{}", target.id);
            let request = match round % 3 {
                0 => app.authed(Method::PATCH, &path, &by.token).json(&json!({"role": "Manager"})),
                1 => app.authed(Method::PATCH, &path, &by.token).json(&json!({"isActive": false})),
                _ => app.authed(Method::DELETE, &path, &by.token),
            };
            tokio::spawn(async move { request.send().await.unwrap().status() })
        };
        let (a, b) = tokio::join!(change(&current, &other), change(&other, &current));
        let statuses = [a.unwrap(), b.unwrap()];
        // The loser is 409, or 401/403 when the winner took its rights away before its request was checked.
        assert_eq!(statuses.iter().filter(|s| s.is_success()).count(), 1, "round {round}: {statuses:?}");
        assert!(statuses.iter().all(|s| s.is_success() || s.is_client_error()), "round {round}: {statuses:?}");
        if statuses[1].is_success() {
            current = other;
        }
        assert_eq!(active_admins(&app, &current.token).await, 1, "round {round}: {statuses:?}");
    }
}
on_both_databases!(last_admin_race, |_| {}, two_admins_removing_each_other_leave_one);

/// Converted and Failed sent at once by one collaborator, and two collaborators claiming one lead at once: one
/// 200, one 409, and one System note.
async fn lead_changes_at_once_land_once(app: TestApp) {
    app.import_sample(200).await;
    let owner = app.user("Manager").await;
    let (ana, bea) = (app.user("Sales").await, app.user("Sales").await);
    let body = json!({"name": "Race", "targetLeads": 4, "collaboratorEmails": [ana.email, bea.email]});
    let campaign = app.created("/api/v1/campaigns", &owner, body).await;
    let (status, _) =
        app.call(Method::POST, &format!("/api/v1/campaigns/{campaign}/run"), Some(&owner.token), None).await;
    assert_eq!(status, StatusCode::OK);
    let (_, leads) =
        app.call(Method::GET, &format!("/api/v1/campaigns/{campaign}/leads"), Some(&owner.token), None).await;
    let ids: Vec<String> =
        leads["data"]["items"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap().to_owned()).collect();
    let patch = |user: &TestUser, lead: &str, body: Value| {
        let request =
            app.authed(Method::PATCH, &format!("/api/v1/campaigns/{campaign}/leads/{lead}"), &user.token).json(&body);
        async move { request.send().await.unwrap().status() }
    };
    let cases = [
        (patch(&ana, &ids[0], json!({"status": "Converted"})), patch(&ana, &ids[0], json!({"status": "Failed"}))),
        (patch(&ana, &ids[1], json!({"assignee": ana.id})), patch(&bea, &ids[1], json!({"assignee": bea.id}))),
        (patch(&owner, &ids[2], json!({"assignee": bea.id})), patch(&ana, &ids[2], json!({"assignee": ana.id}))),
    ];
    for (index, (a, b)) in cases.into_iter().enumerate() {
        let (a, b) = tokio::join!(tokio::spawn(a), tokio::spawn(b));
        let statuses = [a.unwrap(), b.unwrap()];
        let (_, notes) = app
            .call(
                Method::GET,
                &format!("/api/v1/campaigns/{campaign}/leads/{}/notes", ids[index]),
                Some(&owner.token),
                None,
            )
            .await;
        let (_, lead) = app
            .call(Method::GET, &format!("/api/v1/campaigns/{campaign}/leads/{}", ids[index]), Some(&owner.token), None)
            .await;
        let succeeded = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(notes["data"]["pagination"]["totalItems"], succeeded, "case {index}: a System note per change");
        if succeeded == 2 {
            // Only the owner may take a lead from a collaborator: both land only when Ana's claim came first and
            // the owner then reassigned it, so the owner's choice is what stays. (Before, Ana's claim could read
            // the lead before the owner's change, land after it, and silently undo it.)
            assert_eq!(index, 2, "case {index}: {statuses:?}");
            assert_eq!(lead["data"]["assignee"]["id"], bea.id.as_str(), "case {index}: the owner's assignment stays");
        } else {
            // The loser is 409 when both read the lead before either wrote; one that reads it after the winner's
            // change is refused the lead of another collaborator (403), or an invalid transition (409).
            assert_eq!(succeeded, 1, "case {index}: {statuses:?}");
            let loser = statuses.iter().find(|s| **s != StatusCode::OK).unwrap();
            assert!([StatusCode::FORBIDDEN, StatusCode::CONFLICT].contains(loser), "case {index}: {statuses:?}");
        }
    }
}
on_both_databases!(lead_races, |_| {}, lead_changes_at_once_land_once);

/// Four runs of one campaign at once: each is answered 200 or 409, never 500; every 200 left its audit entry, and
/// no 409 did.
async fn concurrent_runs_are_200_or_409_with_their_audit(app: TestApp) {
    app.import_sample(200).await;
    let owner = app.user("Manager").await;
    let campaign = app.created("/api/v1/campaigns", &owner, json!({"name": "Runs", "targetLeads": 50})).await;
    let runs = (0..4).map(|_| {
        let request = app.authed(Method::POST, &format!("/api/v1/campaigns/{campaign}/run"), &owner.token);
        tokio::spawn(async move { request.send().await.unwrap().status() })
    });
    let statuses: Vec<StatusCode> =
        futures_util::future::join_all(runs).await.into_iter().map(Result::unwrap).collect();
    assert!(statuses.iter().all(|s| [StatusCode::OK, StatusCode::CONFLICT].contains(s)), "{statuses:?}");
    let succeeded = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert!(succeeded >= 1, "{statuses:?}");
    let (_, trail) = app
        .call(
            Method::GET,
            &format!("/api/v1/campaigns/{campaign}/activities?action=CAMPAIGN_RUN&limit=100"),
            Some(&owner.token),
            None,
        )
        .await;
    assert_eq!(trail["data"]["pagination"]["totalItems"], succeeded as u64, "{statuses:?}: {trail}");
}
on_both_databases!(run_races, |_| {}, concurrent_runs_are_200_or_409_with_their_audit);
