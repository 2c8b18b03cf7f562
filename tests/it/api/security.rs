//! OWASP API Security Top 10 (2023): the checks that no module's own tests already make. `docs/security.md` maps
//! every item (API1–API10) to the tests that show its defence, here and in the other modules.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use leadscore_tests::fixtures::{csv_form, customer_json, png_form};
use leadscore_tests::{TestApp, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Digest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Raw features a Sales user may score.
fn features() -> Value {
    json!({"age": 41, "job": "management", "marital": "married", "education": "tertiary", "default": "no",
        "balance": 1850, "housing": "no", "loan": "no", "contact": "cellular", "month": "apr", "campaign": 1,
        "pdays": 92, "previous": 2, "poutcome": "success"})
}

async fn first_lead(app: &TestApp, campaign: &str, user: &TestUser) -> String {
    let (status, body) =
        app.call(Method::GET, &format!("/api/v1/campaigns/{campaign}/leads"), Some(&user.token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["data"]["items"][0]["id"].as_str().unwrap().to_owned()
}

async fn run(app: &TestApp, campaign: &str, owner: &TestUser) {
    let (status, body) =
        app.call(Method::POST, &format!("/api/v1/campaigns/{campaign}/run"), Some(&owner.token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

// ---------------------------------------------------------------------------------------------------------------
// API1 Broken object-level authorisation. `api::campaigns::a_sales_user_outside_the_campaign_reaches_nothing`
// tries every endpoint of a campaign with its own ids; here a member of campaign A uses A's id with B's lead and
// note ids, and reads B's predictions and audit trail.

#[tokio::test]
async fn api1_ids_of_another_campaign_are_unreachable_through_ones_own() {
    let app = TestApp::spawn().await;
    app.import_sample(30).await;
    let owner_a = app.user("Manager").await;
    let owner_b = app.user("Manager").await;
    let member = app.user("Sales").await;
    let a = app
        .created(
            "/api/v1/campaigns",
            &owner_a,
            json!({"name": "A", "targetLeads": 5, "collaboratorEmails": [member.email]}),
        )
        .await;
    let b = app.created("/api/v1/campaigns", &owner_b, json!({"name": "B", "targetLeads": 5})).await;
    run(&app, &a, &owner_a).await;
    run(&app, &b, &owner_b).await;
    let lead_b = first_lead(&app, &b, &owner_b).await;
    let note_b = app
        .created(
            &format!("/api/v1/campaigns/{b}/leads/{lead_b}/notes"),
            &owner_b,
            json!({"type": "Internal", "text": "B only"}),
        )
        .await;

    let note = json!({"type": "Feedback", "text": "mine now"});
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/v1/campaigns/{a}/leads/{lead_b}"), None),
        (Method::PATCH, format!("/api/v1/campaigns/{a}/leads/{lead_b}"), Some(json!({"status": "Failed"}))),
        (Method::PATCH, format!("/api/v1/campaigns/{a}/leads/{lead_b}"), Some(json!({"assignee": member.id}))),
        (Method::GET, format!("/api/v1/campaigns/{a}/leads/{lead_b}/notes"), None),
        (Method::POST, format!("/api/v1/campaigns/{a}/leads/{lead_b}/notes"), Some(note)),
        (Method::DELETE, format!("/api/v1/notes/{note_b}"), None),
    ];
    for user in [&member, &owner_a] {
        for (method, path, body) in &attempts {
            let (status, answer) = app.call(method.clone(), path, Some(&user.token), body.clone()).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {answer}");
        }
    }

    // B's campaign predictions: listed and readable by Admin, invisible to A's member and owner.
    let (_, list) =
        app.call(Method::GET, &format!("/api/v1/predictions?campaignId={b}"), Some(&app.admin.token), None).await;
    let prediction = list["data"]["items"][0]["id"].as_str().expect("campaign B has predictions").to_owned();
    let (status, _) =
        app.call(Method::GET, &format!("/api/v1/predictions/{prediction}"), Some(&member.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) =
        app.call(Method::GET, &format!("/api/v1/predictions?campaignId={b}"), Some(&member.token), None).await;
    assert_eq!(list["data"]["pagination"]["totalItems"], 0, "{list}");
    // A Manager who is not a member of B: B's call list is as invisible as B itself.
    for path in [format!("/api/v1/predictions?campaignId={b}"), "/api/v1/predictions?source=campaign&limit=100".into()]
    {
        let (_, list) = app.call(Method::GET, &path, Some(&owner_a.token), None).await;
        let items = list["data"]["items"].as_array().unwrap();
        assert!(items.iter().all(|p| p["campaignId"] != b.as_str()), "{path}: {list}");
    }
    let (_, own) =
        app.call(Method::GET, &format!("/api/v1/predictions?campaignId={a}"), Some(&owner_a.token), None).await;
    assert!(own["data"]["pagination"]["totalItems"].as_u64().unwrap() > 0, "their own campaign's stay visible");
    let override_body = json!({"predictedClass": "yes", "reason": "not mine"});
    for (method, body) in [(Method::GET, None), (Method::PATCH, Some(override_body)), (Method::DELETE, None)] {
        let path = format!("/api/v1/predictions/{prediction}");
        let (status, answer) = app.call(method.clone(), &path, Some(&owner_a.token), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {answer}");
    }
    let (status, _) =
        app.call(Method::GET, &format!("/api/v1/predictions/{prediction}"), Some(&owner_b.token), None).await;
    assert_eq!(status, StatusCode::OK, "the owner still reads it, unchanged");

    // B's audit trail: a Sales user may not list the trail at all, another Manager sees none of B's entries.
    let (status, _) = app.call(Method::GET, "/api/v1/activities", Some(&member.token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, trail) =
        app.call(Method::GET, &format!("/api/v1/activities?campaignId={b}"), Some(&owner_a.token), None).await;
    assert_eq!(trail["data"]["pagination"]["totalItems"], 0, "{trail}");
    let (_, trail) = app.call(Method::GET, "/api/v1/activities?limit=100", Some(&owner_a.token), None).await;
    let items = trail["data"]["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|a| a["campaignId"] != b.as_str()), "{trail}");

    // Nothing of B changed.
    let (_, lead) =
        app.call(Method::GET, &format!("/api/v1/campaigns/{b}/leads/{lead_b}"), Some(&owner_b.token), None).await;
    assert_eq!(lead["data"]["status"], "Pending");
    assert!(lead["data"]["assignee"].is_null(), "{lead}");
    assert_eq!(lead["data"]["notesCount"], 1);
}

// ---------------------------------------------------------------------------------------------------------------
// API2 Broken authentication. `api::auth::tampered_expired_and_foreign_tokens_are_refused` covers tampered,
// expired, foreign-secret and deleted-user tokens; here are hand-made tokens with the server's own secret but the
// wrong algorithm or missing claims.

fn hmac<D: Digest>(block: usize, key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut key = if key.len() > block { D::digest(key).to_vec() } else { key.to_vec() };
    key.resize(block, 0);
    let pad = |byte: u8| key.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
    let inner = D::new().chain_update(pad(0x36)).chain_update(message).finalize();
    D::new().chain_update(pad(0x5c)).chain_update(inner).finalize().to_vec()
}

/// A JWT with this header and claims; `sign` gets the signing input and answers the raw signature.
fn jwt(header: Value, claims: Value, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let signature = URL_SAFE_NO_PAD.encode(sign(input.as_bytes()));
    format!("{input}.{signature}")
}

#[tokio::test]
async fn api2_tokens_with_another_algorithm_or_missing_claims_are_refused() {
    let app = TestApp::spawn().await;
    let sales = app.user("Sales").await;
    let secret = app.config.jwt_secret_bytes().to_vec();
    let now = chrono::Utc::now().timestamp();
    // Claims of the Admin, as a forger would like them.
    let claims = json!({"sub": app.admin.id, "role": "Admin", "iat": now, "exp": now + 600,
        "jti": uuid::Uuid::now_v7().to_string()});
    let hs256 = |input: &[u8]| hmac::<sha2::Sha256>(64, &secret, input);
    let hs512 = |input: &[u8]| hmac::<sha2::Sha512>(128, &secret, input);

    // Control: the hand-made HS256 token is accepted, so every refusal below is about what was changed.
    let genuine = jwt(json!({"alg": "HS256", "typ": "JWT"}), claims.clone(), hs256);
    let (status, body) = app.call(Method::GET, "/api/v1/me", Some(&genuine), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let mut without_exp = claims.clone();
    without_exp.as_object_mut().unwrap().remove("exp");
    let mut bad_subject = claims.clone();
    bad_subject["sub"] = json!("admin");
    let forged = [
        ("alg none", jwt(json!({"alg": "none", "typ": "JWT"}), claims.clone(), |_| Vec::new())),
        ("alg None", jwt(json!({"alg": "None"}), claims.clone(), |_| Vec::new())),
        ("alg none, HMAC kept", jwt(json!({"alg": "none"}), claims.clone(), hs256)),
        // RS256/HS256 confusion: a verifier that trusted the header would check an RSA signature, or the HMAC a
        // confused one computes with its key.
        ("RS256 header, HMAC signature", jwt(json!({"alg": "RS256", "typ": "JWT"}), claims.clone(), hs256)),
        ("RS256 header, junk signature", jwt(json!({"alg": "RS256"}), claims.clone(), |_| vec![7; 256])),
        ("HS512 with the right secret", jwt(json!({"alg": "HS512"}), claims.clone(), hs512)),
        ("no exp", jwt(json!({"alg": "HS256"}), without_exp, hs256)),
        ("subject not a user id", jwt(json!({"alg": "HS256"}), bad_subject, hs256)),
        ("a refresh token as bearer", sales.refresh_token.clone()),
        ("empty", String::new()),
    ];
    for (what, token) in forged {
        let (status, body) = app.call(Method::GET, "/api/v1/me", Some(&token), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
        assert_eq!(body["status"], "fail", "{what}");
    }
    let response =
        app.request(Method::GET, "/api/v1/me").header("authorization", format!("Basic {}", sales.token)).send().await;
    assert_eq!(response.unwrap().status(), StatusCode::UNAUTHORIZED, "only the Bearer scheme is read");

    // An access token is not a refresh token.
    let (status, _) =
        app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": sales.token}))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------------------------------------------------------
// API3 Broken object-property-level authorisation: every write body lists the properties it accepts
// (`deny_unknown_fields`); anything else — role, owner, score, isActive, id, timestamps — is a 400, never applied.

/// A plausible value for a property an attacker would like to set.
fn forged_value(field: &str, app: &TestApp) -> Value {
    match field {
        "role" => json!("Admin"),
        "isActive" | "emailVerified" => json!(false),
        "id" | "customerId" | "campaignId" | "datasetId" => json!(uuid::Uuid::now_v7()),
        "ownerId" | "userId" | "requestedBy" | "authorId" | "overriddenBy" => json!(app.admin.id),
        "owner" => json!({"id": app.admin.id, "email": app.admin.email}),
        "createdAt" | "updatedAt" | "lastLoginAt" | "scoredAt" => json!("2020-01-01T00:00:00Z"),
        "score" | "rank" => json!(100),
        "probability" | "originalProbability" => json!(0.99),
        "tier" => json!("Hot"),
        "latestScore" => json!({"score": 100, "probability": 0.99, "tier": "Hot"}),
        "source" => json!("import"),
        "modelVersion" => json!("forged"),
        "passwordHash" => json!("$2b$04$forgedforgedforgedforgedforgedforgedforgedforgedforg"),
        "avatarUrl" => json!("https://evil.example/x.png"),
        "lastRun" => json!({"at": "2020-01-01T00:00:00Z"}),
        _ => json!("x"),
    }
}

struct WriteCase {
    method: Method,
    path: String,
    token: Option<String>,
    body: Value,
    forged: &'static [&'static str],
    /// Whether the body without forged properties is accepted (2xx) afterwards: proves the 400s were for them.
    control: bool,
}

#[tokio::test]
async fn api3_no_write_body_accepts_a_property_it_does_not_list() {
    let app = TestApp::spawn().await;
    let sales = app.user("Sales").await;
    let manager = app.user("Manager").await;
    app.import_sample(10).await;
    let customer = app.created("/api/v1/customers", &manager, customer_json("api3")).await;
    let campaign = app
        .created(
            "/api/v1/campaigns",
            &manager,
            json!({"name": "API3", "targetLeads": 3, "collaboratorEmails": [sales.email]}),
        )
        .await;
    run(&app, &campaign, &manager).await;
    let lead = first_lead(&app, &campaign, &manager).await;
    let prediction = app.created("/api/v1/predictions", &sales, json!({"features": features()})).await;
    let admin = Some(app.admin.token.clone());
    let as_sales = Some(sales.token.clone());
    let as_manager = Some(manager.token.clone());
    const USER: &[&str] = &["role", "isActive", "id", "createdAt", "lastLoginAt", "passwordHash", "avatarUrl"];
    const SCORE: &[&str] = &["score", "probability", "tier", "latestScore", "scoredAt", "id", "createdAt", "ownerId"];
    let cases = vec![
        WriteCase {
            method: Method::POST,
            path: "/api/v1/auth/register".into(),
            token: None,
            body: json!({"email": "self@bank.example", "password": "s3cret-pass-1"}),
            forged: &["role", "isActive", "id", "createdAt", "emailVerified"],
            control: true,
        },
        WriteCase {
            method: Method::POST,
            path: "/api/v1/auth/login".into(),
            token: None,
            body: json!({"identifier": sales.email, "password": sales.password}),
            forged: &["role", "userId"],
            control: true,
        },
        WriteCase {
            method: Method::POST,
            path: "/api/v1/auth/refresh".into(),
            token: None,
            body: json!({"refreshToken": sales.refresh_token}),
            forged: &["userId", "role"],
            control: false,
        },
        WriteCase {
            method: Method::PATCH,
            path: "/api/v1/me".into(),
            token: as_sales.clone(),
            body: json!({"fullName": "Still Sales"}),
            forged: USER,
            control: true,
        },
        WriteCase {
            method: Method::PUT,
            path: "/api/v1/me/password".into(),
            token: as_sales.clone(),
            body: json!({"currentPassword": sales.password, "newPassword": "N3w-pass-123",
                "confirmPassword": "N3w-pass-123"}),
            forged: &["userId", "role"],
            control: false,
        },
        WriteCase {
            method: Method::DELETE,
            path: "/api/v1/me".into(),
            token: as_sales.clone(),
            body: json!({"password": sales.password}),
            forged: &["userId"],
            control: false,
        },
        WriteCase {
            method: Method::POST,
            path: "/api/v1/users".into(),
            token: admin.clone(),
            body: json!({"email": "made@bank.example", "password": "Made-pass-123", "role": "Sales"}),
            forged: &["isActive", "id", "createdAt", "passwordHash", "lastLoginAt", "avatarUrl"],
            control: true,
        },
        WriteCase {
            method: Method::PATCH,
            path: format!("/api/v1/users/{}", sales.id),
            token: admin.clone(),
            body: json!({"fullName": "Renamed"}),
            forged: &["id", "createdAt", "lastLoginAt", "passwordHash", "avatarUrl"],
            control: true,
        },
        WriteCase {
            method: Method::POST,
            path: "/api/v1/customers".into(),
            token: as_manager.clone(),
            body: customer_json("api3-control"),
            forged: SCORE,
            control: true,
        },
        WriteCase {
            method: Method::PATCH,
            path: format!("/api/v1/customers/{customer}"),
            token: as_manager.clone(),
            body: json!({"city": "Porto"}),
            forged: SCORE,
            control: true,
        },
        WriteCase {
            method: Method::POST,
            path: "/api/v1/campaigns".into(),
            token: as_manager.clone(),
            body: json!({"name": "Mine", "targetLeads": 5}),
            forged: &["ownerId", "owner", "id", "createdAt", "lastRun"],
            control: true,
        },
        WriteCase {
            method: Method::PATCH,
            path: format!("/api/v1/campaigns/{campaign}"),
            token: as_manager.clone(),
            body: json!({"name": "Renamed"}),
            forged: &["ownerId", "owner", "id", "createdAt", "lastRun"],
            control: true,
        },
        WriteCase {
            method: Method::PATCH,
            path: format!("/api/v1/campaigns/{campaign}/leads/{lead}"),
            token: as_sales.clone(),
            body: json!({"status": "Contacted"}),
            forged: &["score", "probability", "tier", "rank", "customerId", "campaignId", "id"],
            control: true,
        },
        WriteCase {
            method: Method::POST,
            path: format!("/api/v1/campaigns/{campaign}/leads/{lead}/notes"),
            token: as_sales.clone(),
            body: json!({"type": "Feedback", "text": "called"}),
            forged: &["authorId", "id", "createdAt"],
            control: true,
        },
        WriteCase {
            method: Method::POST,
            path: "/api/v1/predictions".into(),
            token: as_sales.clone(),
            body: json!({"features": features()}),
            forged: &["score", "probability", "tier", "requestedBy", "source", "modelVersion", "id"],
            control: true,
        },
        WriteCase {
            method: Method::POST,
            path: "/api/v1/predictions/batch".into(),
            token: as_manager.clone(),
            body: json!({"items": [{"features": features()}]}),
            forged: &["requestedBy", "source", "modelVersion"],
            control: true,
        },
        WriteCase {
            method: Method::PATCH,
            path: format!("/api/v1/predictions/{prediction}"),
            token: as_manager.clone(),
            body: json!({"probability": 0.7, "reason": "called back"}),
            forged: &["score", "tier", "originalProbability", "overriddenBy", "requestedBy", "modelVersion"],
            control: true,
        },
        WriteCase {
            method: Method::POST,
            path: "/api/v1/customers/score".into(),
            token: admin.clone(),
            body: json!({}),
            forged: &["score", "probability", "modelVersion"],
            control: true,
        },
        WriteCase {
            method: Method::POST,
            path: format!("/api/v1/segmentation/datasets/{}/analyses", uuid::Uuid::now_v7()),
            token: as_sales.clone(),
            body: json!({"k": 2}),
            forged: &["ownerId", "datasetId"],
            control: false,
        },
    ];
    for case in &cases {
        for field in case.forged {
            let mut body = case.body.clone();
            body[*field] = forged_value(field, &app);
            let (status, answer) = app.call(case.method.clone(), &case.path, case.token.as_deref(), Some(body)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{} {} with {field}: {answer}", case.method, case.path);
            let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
            assert!(message.contains("unknown field") && message.contains(field), "{field}: {answer}");
        }
    }
    // Nested bodies are closed too: a prediction's features, a batch item, a campaign's criteria.
    for (path, token, body) in [
        ("/api/v1/predictions", &as_sales, json!({"features": {"probability": 0.99}})),
        ("/api/v1/predictions/batch", &as_manager, json!({"items": [{"features": features(), "score": 100}]})),
        ("/api/v1/campaigns", &as_manager, json!({"name": "N", "targetLeads": 1, "criteria": {"ownerId": "x"}})),
    ] {
        let (status, answer) = app.call(Method::POST, path, token.as_deref(), Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {answer}");
    }
    // A note cannot claim to be written by the system.
    let (status, answer) = app
        .call(
            Method::POST,
            &format!("/api/v1/campaigns/{campaign}/leads/{lead}/notes"),
            as_sales.as_deref(),
            Some(json!({"type": "System", "text": "forged"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");

    for case in cases.iter().filter(|c| c.control) {
        let (status, answer) =
            app.call(case.method.clone(), &case.path, case.token.as_deref(), Some(case.body.clone())).await;
        assert!(status.is_success(), "control {} {}: {status} {answer}", case.method, case.path);
    }

    // Nothing forged stuck.
    let (_, me) = app.call(Method::GET, "/api/v1/me", as_sales.as_deref(), None).await;
    assert_eq!((me["data"]["role"].as_str(), me["data"]["isActive"].as_bool()), (Some("Sales"), Some(true)), "{me}");
    let (_, list) = app.call(Method::GET, "/api/v1/users?limit=100", admin.as_deref(), None).await;
    assert!(!list.to_string().to_lowercase().contains("password"), "no password or hash is ever answered");
    let (_, registered) = app.call(Method::GET, "/api/v1/users?q=self%40bank.example", admin.as_deref(), None).await;
    assert_eq!(registered["data"]["items"][0]["role"], "Sales");
    let (_, c) = app.call(Method::GET, &format!("/api/v1/campaigns/{campaign}"), admin.as_deref(), None).await;
    assert_eq!(c["data"]["owner"]["email"], manager.email.as_str());
    let (_, p) = app.call(Method::GET, &format!("/api/v1/predictions/{prediction}"), admin.as_deref(), None).await;
    assert_eq!(p["data"]["requestedBy"], sales.id.as_str());
    assert_ne!(p["data"]["modelVersion"], "forged");
}

// ---------------------------------------------------------------------------------------------------------------
// API4 Unrestricted resource consumption. Sizes are covered per module (JSON body: `api::errors`; image:
// `api::users`; import bytes and rows: `api::customers`; dataset: `api::segmentation`; batch: `api::scoring`);
// here: the page-size cap on every list, and clients that never finish their request.

#[tokio::test]
async fn api4_every_list_caps_its_page_size() {
    let app = TestApp::spawn().await;
    let campaign = app.created("/api/v1/campaigns", &app.admin, json!({"name": "C", "targetLeads": 1})).await;
    let analysis = uuid::Uuid::now_v7();
    for path in [
        "/api/v1/users".to_owned(),
        format!("/api/v1/users/{}/activities", app.admin.id),
        "/api/v1/customers".to_owned(),
        "/api/v1/predictions".to_owned(),
        "/api/v1/campaigns".to_owned(),
        format!("/api/v1/campaigns/{campaign}/leads"),
        format!("/api/v1/campaigns/{campaign}/activities"),
        "/api/v1/activities".to_owned(),
        "/api/v1/segmentation/datasets".to_owned(),
        format!("/api/v1/segmentation/analyses/{analysis}/customers"),
    ] {
        let (status, body) = app.call(Method::GET, &format!("{path}?limit=101"), Some(&app.admin.token), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["errors"][0]["field"], "limit", "{path}");
    }
}

// Each test shortens only the timeout it checks: on a loaded machine a short head timeout could cut off the test's
// own well-formed requests.

/// Reads until the server closes the connection; panics if it is still open after `patience` (far longer than the
/// configured timeouts, so only a missing timeout trips it).
async fn read_until_closed(stream: &mut TcpStream, patience: Duration) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(patience, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open; got so far: {}", String::from_utf8_lossy(&answer));
    String::from_utf8_lossy(&answer).into_owned()
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap()
}

#[tokio::test]
async fn api4_a_client_that_never_finishes_its_headers_is_cut_off() {
    let app = TestApp::spawn_with(|c| c.http_head_timeout = Duration::from_millis(300)).await;
    let mut stream = connect(&app).await;
    stream.write_all(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Ty").await.unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(20)).await;
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test]
async fn api4_a_client_that_never_finishes_its_body_is_cut_off() {
    let app = TestApp::spawn_with(|c| c.http_body_timeout = Duration::from_millis(300)).await;
    let json = ("/api/v1/auth/login", "application/json", "{\"identifier\": \"");
    let upload = (
        "/api/v1/customers/import",
        "multipart/form-data; boundary=XyZ",
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nage;job\n",
    );
    for (path, content_type, partial_body) in [json, upload] {
        let mut stream = connect(&app).await;
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
             Content-Type: {content_type}\r\nContent-Length: 100000\r\n\r\n{partial_body}",
            app.admin.token
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let answer = read_until_closed(&mut stream, Duration::from_secs(20)).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{path}: {answer}");
        assert!(answer.contains("\"status\":\"fail\""), "the 408 uses the envelope: {answer}");
    }
    // The server is fine afterwards.
    let (status, _) = app.call(Method::GET, "/health", None, None).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn api4_idle_keep_alive_connections_are_closed() {
    let app = TestApp::spawn_with(|c| c.http_keep_alive = Duration::from_millis(300)).await;
    let mut stream = connect(&app).await;
    stream.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(20)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

// ---------------------------------------------------------------------------------------------------------------
// API7 Server-side request forgery: the service makes no outbound request on a client's behalf. No operation takes
// a URL, and the one URL-shaped header of a JWT (`jku`, `x5u`) is never followed (only HS256 with the local secret).

#[test]
fn api7_no_operation_takes_a_url() {
    let spec: Value = serde_json::from_str(&leadscore_http::openapi::spec_json()).unwrap();
    let suspicious = |name: &str| {
        let name = name.to_ascii_lowercase();
        ["url", "uri", "href", "link", "callback", "webhook", "endpoint", "host"].iter().any(|w| name.contains(w))
    };
    let mut offenders = Vec::new();
    // Every property of every schema (request bodies reference them) and every parameter.
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        for (prop, def) in schema["properties"].as_object().into_iter().flatten() {
            let read_only = name.ends_with("Dto") || name.starts_with("Envelope") || name.starts_with("Paginated");
            if !read_only && (suspicious(prop) || def["format"] == "uri") {
                offenders.push(format!("{name}.{prop}"));
            }
        }
    }
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for param in op["parameters"].as_array().into_iter().flatten() {
                let name = param["name"].as_str().unwrap_or_default();
                if suspicious(name) || param["schema"]["format"] == "uri" {
                    offenders.push(format!("{method} {path} ?{name}"));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "inputs that look like URLs: {offenders:?}");
}

// ---------------------------------------------------------------------------------------------------------------
// API8 Security misconfiguration: headers on every kind of answer, CORS deny-by-default, nothing internal in 5xx.

fn assert_security_headers(what: &str, response: &reqwest::Response) {
    let h = response.headers();
    assert_eq!(h.get("x-content-type-options").map(|v| v.to_str().unwrap()), Some("nosniff"), "{what}");
    assert_eq!(h.get("x-frame-options").map(|v| v.to_str().unwrap()), Some("DENY"), "{what}");
    assert_eq!(h.get("referrer-policy").map(|v| v.to_str().unwrap()), Some("no-referrer"), "{what}");
    let csp = h.get("content-security-policy").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(h.get("x-request-id").is_some(), "{what}");
}

#[tokio::test]
async fn api8_security_headers_are_on_every_kind_of_answer() {
    let app = TestApp::spawn_with(|c| c.max_json_bytes = 512).await;
    let send = |method: Method, path: &str| app.request(method, path);
    let login = json!({"identifier": app.admin.email, "password": app.admin.password});
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode)> = vec![
        ("health", send(Method::GET, "/health"), StatusCode::OK),
        ("metrics", send(Method::GET, "/metrics"), StatusCode::OK),
        ("spec", send(Method::GET, "/api-docs/openapi.json"), StatusCode::OK),
        ("swagger ui", send(Method::GET, "/docs/"), StatusCode::OK),
        ("login (tokens)", send(Method::POST, "/api/v1/auth/login").json(&login), StatusCode::OK),
        ("me", send(Method::GET, "/api/v1/me").bearer_auth(&app.admin.token), StatusCode::OK),
        ("401", send(Method::GET, "/api/v1/me"), StatusCode::UNAUTHORIZED),
        ("403", send(Method::GET, "/api/v1/users").bearer_auth(&app.user("Sales").await.token), StatusCode::FORBIDDEN),
        ("404", send(Method::GET, "/api/v1/nothing-here"), StatusCode::NOT_FOUND),
        ("405", send(Method::DELETE, "/api/v1/auth/login"), StatusCode::METHOD_NOT_ALLOWED),
        (
            "413",
            send(Method::POST, "/api/v1/auth/login").json(&json!({"identifier": "x".repeat(600)})),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        ("415", send(Method::POST, "/api/v1/auth/login").body("x"), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (
            "preflight from an unlisted origin",
            send(Method::OPTIONS, "/api/v1/me")
                .header("origin", "https://evil.example")
                .header("access-control-request-method", "GET"),
            StatusCode::FORBIDDEN,
        ),
    ];
    for (what, request, expected) in cases {
        let response = request.send().await.unwrap();
        assert_security_headers(what, &response);
        assert_eq!(response.status(), expected, "{what}");
        let cache = response.headers().get("cache-control").map(|v| v.to_str().unwrap().to_owned());
        if what == "swagger ui" {
            continue;
        }
        assert_eq!(cache.as_deref(), Some("no-store"), "{what}: API answers are never cached");
        assert!(response.headers().get("access-control-allow-origin").is_none(), "{what}");
    }
    // The API's own answers forbid every kind of content; Swagger UI needs its scripts, so only framing is refused.
    let response = send(Method::GET, "/api/v1/me").bearer_auth(&app.admin.token).send().await.unwrap();
    let csp = response.headers().get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
}

#[tokio::test]
async fn api8_cors_answers_listed_origins_only() {
    let listed = "https://app.bank.example";
    let app = TestApp::spawn_with(|c| c.cors_origins = vec![listed.to_owned()]).await;
    let preflight = |origin: &'static str| {
        app.request(Method::OPTIONS, "/api/v1/customers")
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let ok = preflight(listed).await.unwrap();
    assert_eq!(ok.headers().get("access-control-allow-origin").unwrap(), listed);
    assert_eq!(ok.headers().get("access-control-allow-credentials").unwrap(), "true");
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
    // Refused in the envelope like every other error (it was a plain-text 400 from actix-cors).
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["status"], "fail", "{body}");
    assert!(body["message"].as_str().unwrap().starts_with("Refused by the CORS policy: "), "{body}");
    let refused = preflight("https://app.bank.example.evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none(), "no prefix or suffix matching");

    for (origin, allowed) in [(listed, true), ("https://evil.example", false), ("null", false)] {
        let response =
            app.request(Method::GET, "/api/v1/me").bearer_auth(&app.admin.token).header("origin", origin).send().await;
        let response = response.unwrap();
        let acao = response.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(acao.as_deref(), allowed.then_some(listed), "{origin}");
        assert_ne!(acao.as_deref(), Some("*"));
    }
}

#[tokio::test]
async fn api8_server_errors_reveal_nothing_internal() {
    // Storage pointing at a regular file: writes fail in the adapter with an OS error naming the path (503).
    let blocker = tempfile::NamedTempFile::new().unwrap();
    let blocker_path = blocker.path().to_path_buf();
    let app = TestApp::spawn_with(|c| c.storage_dir = blocker_path.clone()).await;
    let response =
        app.authed(Method::PUT, "/api/v1/me/avatar", &app.admin.token).multipart(png_form()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_security_headers("503", &response);
    let storage_text = response.text().await.unwrap();
    let expected = json!({"status": "error", "message": "Service temporarily unavailable"});
    assert_eq!(serde_json::from_str::<Value>(&storage_text).unwrap(), expected);

    // A table gone behind the server's back: the database error names SQL objects (500).
    app.db.execute("ALTER TABLE customers RENAME TO customers_gone").await;
    let response = app.authed(Method::GET, "/api/v1/customers", &app.admin.token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_security_headers("500", &response);
    let db_text = response.text().await.unwrap();
    let expected = json!({"status": "error", "message": "Internal server error"});
    assert_eq!(serde_json::from_str::<Value>(&db_text).unwrap(), expected);

    for leak in [blocker_path.to_str().unwrap(), "/tmp", "os error", "no such table", "SELECT", "sqlx", ".rs:"] {
        assert!(!storage_text.contains(leak) && !db_text.contains(leak), "{leak} in {storage_text} / {db_text}");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// API9 Improper inventory management: one version (`/api/v1`), the spec generated from the code and checked
// against the committed copy (`api::openapi::committed_spec_is_current`).

#[test]
fn api9_every_documented_path_is_versioned_or_operational() {
    let spec: Value = serde_json::from_str(&leadscore_http::openapi::spec_json()).unwrap();
    let operational = ["/health", "/ready", "/metrics", "/media/{key}"];
    for path in spec["paths"].as_object().unwrap().keys() {
        assert!(path.starts_with("/api/v1/") || operational.contains(&path.as_str()), "{path}");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// API10 Unsafe consumption of APIs: uploaded files are data, never code. Imported XLSX formulas contribute cached
// values only (`api::customers::xlsx_imports_with_formulas_blank_rows_and_several_sheets`); exports must not hand a
// spreadsheet a formula that came from an upload.

#[tokio::test]
async fn api10_exports_neutralise_spreadsheet_formulas() {
    let app = TestApp::spawn().await;
    let mut body = customer_json("formula");
    body["name"] = json!("=HYPERLINK(\"https://evil.example\",\"click\")");
    body["city"] = json!("@SUM(1+1)");
    body["externalId"] = json!("-2+3+cmd|' /C calc'!A0");
    // Looks like a phone, is a formula (= 0): every formula start is guarded, phones included.
    body["phone"] = json!("+(1)-(1)");
    let id = app.created("/api/v1/customers", &app.admin, body).await;

    let response =
        app.authed(Method::GET, "/api/v1/customers/export?format=csv", &app.admin.token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let row = reader.records().map(Result::unwrap).find(|r| r.iter().any(|c| c == id)).expect("the customer");
    let cell = |name: &str| row.get(headers.iter().position(|h| h == name).unwrap()).unwrap().to_owned();
    assert_eq!(cell("name"), "'=HYPERLINK(\"https://evil.example\",\"click\")");
    assert_eq!(cell("city"), "'@SUM(1+1)");
    assert_eq!(cell("externalId"), "'-2+3+cmd|' /C calc'!A0");
    assert_eq!(cell("phone"), "'+(1)-(1)");

    // The import takes the guard's quote off again: the export re-imports as it was.
    let response = app
        .authed(Method::POST, "/api/v1/customers/import?onConflict=update", &app.admin.token)
        .multipart(csv_form(text.as_bytes()))
        .send()
        .await
        .unwrap();
    let report: Value = response.json().await.unwrap();
    assert_eq!(
        (report["data"]["rejected"].as_u64(), report["data"]["updated"].as_u64()),
        (Some(0), Some(1)),
        "{report}"
    );
    let (_, stored) = app.call(Method::GET, &format!("/api/v1/customers/{id}"), Some(&app.admin.token), None).await;
    assert_eq!(stored["data"]["phone"], "+(1)-(1)", "{stored}");
    assert_eq!(stored["data"]["name"], "=HYPERLINK(\"https://evil.example\",\"click\")");

    // XLSX writes text cells, which a spreadsheet never evaluates: the values are kept as they are.
    let response =
        app.authed(Method::GET, "/api/v1/customers/export?format=xlsx", &app.admin.token).send().await.unwrap();
    let bytes = response.bytes().await.unwrap().to_vec();
    use calamine::{Reader, Xlsx};
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = workbook.sheet_names()[0].clone();
    assert!(workbook.worksheet_formula(&sheet).unwrap().used_cells().next().is_none(), "no formulas at all");
    let range = workbook.worksheet_range(&sheet).unwrap();
    let payload = "=HYPERLINK(\"https://evil.example\",\"click\")";
    let found = range.rows().flatten().any(|c| matches!(c, calamine::Data::String(text) if text == payload));
    assert!(found, "the name is kept verbatim as text");

    // The call list goes through the same writer.
    let manager = app.user("Manager").await;
    let campaign = app.created("/api/v1/campaigns", &manager, json!({"name": "F", "targetLeads": 5})).await;
    run(&app, &campaign, &manager).await;
    let response = app
        .authed(Method::GET, &format!("/api/v1/campaigns/{campaign}/leads/export"), &manager.token)
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with('=') || l.contains(",=")), "{text}");
}
