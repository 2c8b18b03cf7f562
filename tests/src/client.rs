//! `Api`: an HTTP client bound to one server, in-process (`TestApp`) or a process (`ServerProcess::api`), so every
//! test speaks to a server the same way and reads its answers the same way.

use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

/// A signed-in test user: what the login answered, and the password for tests that sign in again or change it.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub password: String,
    /// The access token, for `Authorization: Bearer`.
    pub token: String,
    pub refresh_token: String,
}

/// A client for the server at `address`.
#[derive(Debug, Clone)]
pub struct Api {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// Without a cookie store (tokens are passed explicitly) and without following redirects (a 3xx is an answer
    /// to check, not to hide).
    pub client: Client,
}

impl Api {
    /// A client for `address` (`http://host:port`).
    pub fn new(address: impl Into<String>) -> Self {
        let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Self { address: address.into(), client }
    }

    /// A request to `path` (absolute on the server).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{}", self.address, path))
    }

    /// A request with a bearer token.
    pub fn authed(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(token)
    }

    /// POST JSON without a token.
    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path).json(body).send().await.expect("request")
    }

    /// Sends `request` (any body: JSON, multipart, raw); answers the status and the parsed body (Null if not JSON).
    pub async fn send(&self, request: RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.expect("request");
        let status = response.status();
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// Sends a request with an optional token and JSON body; answers as `send` does.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.request(method, path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    /// POSTs `body` as `user`; panics unless the answer is 201, and answers the new resource's `data.id`.
    pub async fn created(&self, path: &str, user: &TestUser, body: Value) -> String {
        let (status, answer) = self.call(Method::POST, path, Some(&user.token), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "POST {path}: {answer}");
        answer["data"]["id"].as_str().expect("the new resource's id").to_owned()
    }

    /// Logs in and returns the user with tokens; panics unless the login succeeds.
    pub async fn login_as(&self, identifier: &str, password: &str) -> TestUser {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"identifier": identifier, "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login as {identifier}: {body}");
        let data = &body["data"];
        TestUser {
            id: data["user"]["id"].as_str().expect("id").to_owned(),
            email: data["user"]["email"].as_str().expect("email").to_owned(),
            password: password.to_owned(),
            token: data["accessToken"].as_str().expect("access token").to_owned(),
            refresh_token: data["refreshToken"].as_str().expect("refresh token").to_owned(),
        }
    }
}
