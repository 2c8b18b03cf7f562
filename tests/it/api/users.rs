//! The signed-in user's account, Admin user management, avatars and image uploads.

use leadscore_tests::TestApp;
use leadscore_tests::fixtures::{PNG, file_form, png_form};
use reqwest::multipart::Form;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn upload(app: &TestApp, path: &str, token: &str, form: Form) -> (StatusCode, Value) {
    app.send(app.authed(Method::PUT, path, token).multipart(form)).await
}

#[tokio::test]
async fn profile_can_be_read_and_changed_but_not_role_or_status() {
    let app = TestApp::spawn().await;
    let user = app.user("Sales").await;
    let (status, body) = app
        .call(
            Method::PATCH,
            "/api/v1/me",
            Some(&user.token),
            Some(json!({"fullName": "Siti Aminah", "phone": "+62 812 1111", "username": "siti"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["fullName"], "Siti Aminah");
    assert_eq!(body["data"]["username"], "siti");

    // Clearing with an empty string.
    let (_, body) = app.call(Method::PATCH, "/api/v1/me", Some(&user.token), Some(json!({"phone": ""}))).await;
    assert!(body["data"]["phone"].is_null());

    // Mass assignment of role or status is refused, not ignored.
    for field in
        [json!({"role": "Admin"}), json!({"isActive": false}), json!({"passwordHash": "x"}), json!({"id": user.id})]
    {
        let (status, body) = app.call(Method::PATCH, "/api/v1/me", Some(&user.token), Some(field.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {body}");
    }
    let (_, me) = app.call(Method::GET, "/api/v1/me", Some(&user.token), None).await;
    assert_eq!(me["data"]["role"], "Sales");

    let (status, _) =
        app.call(Method::PATCH, "/api/v1/me", Some(&user.token), Some(json!({"email": app.admin.email}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, body) = app.call(Method::PATCH, "/api/v1/me", Some(&user.token), Some(json!({"email": "nope"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "email");
}

#[tokio::test]
async fn password_change_checks_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let user = app.user("Manager").await;
    let change = |current: &str, new: &str, confirm: &str| json!({"currentPassword": current, "newPassword": new, "confirmPassword": confirm});
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&user.token),
            Some(change("wrong-pass-1", "N3w-pass-word", "N3w-pass-word")),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "currentPassword");
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&user.token),
            Some(change(&user.password, "N3w-pass-word", "other-pass-1")),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "confirmPassword");
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&user.token),
            Some(change(&user.password, "N3w-pass-word", "N3w-pass-word")),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, _) =
        app.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": user.refresh_token}))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "sessions end with a password change");
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"identifier": user.email, "password": user.password})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.login_as(&user.email, "N3w-pass-word").await;

    let (_, activities) = app
        .call(
            Method::GET,
            &format!("/api/v1/users/{}/activities?action=PASSWORD_CHANGED", user.id),
            Some(&app.admin.token),
            None,
        )
        .await;
    assert_eq!(activities["data"]["pagination"]["totalItems"], 1);
}

#[tokio::test]
async fn deleting_ones_own_account_needs_the_password_and_spares_the_last_admin() {
    let app = TestApp::spawn().await;
    let user = app.user("Sales").await;
    let (status, _) =
        app.call(Method::DELETE, "/api/v1/me", Some(&user.token), Some(json!({"password": "wrong-pass-1"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) =
        app.call(Method::DELETE, "/api/v1/me", Some(&user.token), Some(json!({"password": user.password}))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.call(Method::GET, &format!("/api/v1/users/{}", user.id), Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, body) = app
        .call(Method::DELETE, "/api/v1/me", Some(&app.admin.token), Some(json!({"password": app.admin.password})))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["message"].as_str().unwrap().contains("last active Admin"));
}

async fn list(app: &TestApp, query: &str) -> (StatusCode, Value) {
    app.call(Method::GET, &format!("/api/v1/users?{query}"), Some(&app.admin.token), None).await
}

#[tokio::test]
async fn admin_manages_users_with_filters_sorting_and_pagination() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    for (i, role) in ["Sales", "Sales", "Sales", "Manager", "Manager"].iter().enumerate() {
        let body = json!({"email": format!("member{i}@bank.example"), "password": "Member-pass-1", "role": role,
            "fullName": format!("Member {i}"), "phone": "+62 1"});
        ids.push(app.created("/api/v1/users", &app.admin, body).await);
    }

    let (status, body) = list(&app, "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["data"]["pagination"],
        json!({"currentPage": 1, "totalPages": 1, "totalItems": 6, "itemsPerPage": 10})
    );
    assert_eq!(body["data"]["items"][0]["email"], "member4@bank.example", "newest first by default");

    let (_, body) = list(&app, "role=Sales").await;
    assert_eq!(body["data"]["pagination"]["totalItems"], 3);
    let (_, body) = list(&app, "q=MEMBER3").await;
    assert_eq!(body["data"]["items"][0]["email"], "member3@bank.example");
    let (_, body) = list(&app, "limit=2&page=2&sortBy=email&sortDir=asc").await;
    assert_eq!(
        body["data"]["pagination"],
        json!({"currentPage": 2, "totalPages": 3, "totalItems": 6, "itemsPerPage": 2})
    );
    assert_eq!(body["data"]["items"][0]["email"], "member1@bank.example");
    let (_, body) = list(&app, "page=9").await;
    assert_eq!(body["data"]["items"], json!([]));

    // Deactivate one and filter on status.
    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{}", ids[0]),
            Some(&app.admin.token),
            Some(json!({"isActive": false, "role": "Manager"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = list(&app, "isActive=false").await;
    assert_eq!(body["data"]["pagination"]["totalItems"], 1);
    let (_, body) = list(&app, "from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z").await;
    assert_eq!(body["data"]["pagination"]["totalItems"], 0);

    let (status, stats) = app.call(Method::GET, "/api/v1/users/stats", Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        stats["data"],
        json!({"totalAccounts": 6, "adminAccounts": 1, "managerAccounts": 3, "salesAccounts": 2, "activeAccounts": 5})
    );

    let (status, _) =
        app.call(Method::DELETE, &format!("/api/v1/users/{}", ids[1]), Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) =
        app.call(Method::DELETE, &format!("/api/v1/users/{}", ids[1]), Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, trail) = app
        .call(Method::GET, &format!("/api/v1/users/{}/activities", app.admin.id), Some(&app.admin.token), None)
        .await;
    let actions: Vec<&str> =
        trail["data"]["items"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    for action in ["USER_CREATED", "USER_UPDATED", "USER_DELETED", "LOGIN"] {
        assert!(actions.contains(&action), "{action} missing from {actions:?}");
    }
}

#[tokio::test]
async fn the_last_admin_stays_and_nobody_raises_their_own_role() {
    let app = TestApp::spawn().await;
    let admin_path = format!("/api/v1/users/{}", app.admin.id);
    for change in [json!({"role": "Manager"}), json!({"isActive": false})] {
        let (status, body) = app.call(Method::PATCH, &admin_path, Some(&app.admin.token), Some(change)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
    }
    let (status, _) = app.call(Method::DELETE, &admin_path, Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // With a second Admin, the first may step down.
    let second = app.user("Admin").await;
    let (status, _) = app.call(Method::PATCH, &admin_path, Some(&second.token), Some(json!({"role": "Manager"}))).await;
    assert_eq!(status, StatusCode::OK);
    // The demoted account's existing token now carries Manager rights only.
    let (status, _) = app.call(Method::GET, "/api/v1/users", Some(&app.admin.token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        app.call(Method::PATCH, &admin_path, Some(&app.admin.token), Some(json!({"role": "Admin"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a Manager cannot make themselves Admin");
}

#[tokio::test]
async fn avatars_accept_real_images_only_and_replace_the_old_file() {
    let app = TestApp::spawn().await;
    let user = app.user("Sales").await;

    let (status, body) = upload(&app, "/api/v1/me/avatar", &user.token, png_form()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let first_url = body["data"]["avatarUrl"].as_str().unwrap().to_owned();
    let served = app.request(Method::GET, &first_url).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers().get("content-type").unwrap(), "image/png");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);

    // A script named .png with an image content type is still refused: the bytes decide.
    let forged = file_form(b"<?php system($_GET['c']); ?>".to_vec(), "shell.png", Some("image/png"));
    let (status, body) = upload(&app, "/api/v1/me/avatar", &user.token, forged).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    let pdf = file_form(b"%PDF-1.7\n...".to_vec(), "cv.jpg", Some("image/jpeg"));
    assert_eq!(upload(&app, "/api/v1/me/avatar", &user.token, pdf).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Over 5 MB: 413, and nothing changes.
    let mut big = PNG.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let (status, body) =
        upload(&app, "/api/v1/me/avatar", &user.token, file_form(big, "big.png", Some("image/png"))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");

    // No file field, or not multipart at all.
    let (status, body) = upload(&app, "/api/v1/me/avatar", &user.token, Form::new().text("other", "x")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "file");
    let (status, _) = app.call(Method::PUT, "/api/v1/me/avatar", Some(&user.token), Some(json!({"file": "x"}))).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Replacing removes the old file.
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec();
    let (status, body) =
        upload(&app, "/api/v1/me/avatar", &user.token, file_form(gif, "a.gif", Some("image/gif"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["data"]["avatarUrl"].as_str().unwrap().ends_with(".gif"));
    assert_eq!(app.request(Method::GET, &first_url).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Admin sets someone else's; a Sales user cannot.
    let path = format!("/api/v1/users/{}/avatar", user.id);
    let (status, _) = upload(&app, &path, &app.admin.token, file_form(PNG, "a.png", Some("image/png"))).await;
    assert_eq!(status, StatusCode::OK);
    let other = app.user("Sales").await;
    let (status, _) = upload(&app, &path, &other.token, file_form(PNG, "a.png", Some("image/png"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn image_upload_stores_and_serves_and_media_keys_cannot_escape() {
    let app = TestApp::spawn().await;
    let user = app.user("Sales").await;
    let response = app
        .authed(Method::POST, "/api/v1/uploads/image", &user.token)
        .multipart(file_form(PNG, "x.png", Some("image/png")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["contentType"], "image/png");
    assert_eq!(body["data"]["size"], PNG.len());
    let url = body["data"]["url"].as_str().unwrap();
    assert_eq!(app.request(Method::GET, url).send().await.unwrap().status(), StatusCode::OK);

    let response = app
        .request(Method::POST, "/api/v1/uploads/image")
        .multipart(file_form(PNG, "x.png", Some("image/png")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    std::fs::write(app.storage.path().join("../secret.png"), b"x").ok();
    // A NUL in the key reached the storage once and was answered 503 (and logged as a storage failure).
    for path in ["/media/..%2Fsecret.png", "/media/images/none.png", "/media/images/x.exe", "/media/images/%00.png"] {
        let status = app.request(Method::GET, path).send().await.unwrap().status();
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}
