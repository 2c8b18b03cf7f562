//! `/api/v1/auth`: register, login, refresh, logout.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse, web};
use garde::Validate;
use leadscore_application::AppError;
use leadscore_application::auth::{LoginOutcome, Registration};

use crate::dto::auth::{LoginRequest, RefreshRequest, RegisterRequest, TokenResponse};
use crate::dto::users::UserDto;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ClientIp, ValidJson, parse_json};
use crate::response::{Envelope, MessageEnvelope, created, done};
use crate::state::AppState;

/// The refresh-token cookie. Scoped to the auth endpoints, the only ones that read it.
const COOKIE: &str = "rt";
const COOKIE_PATH: &str = "/api/v1/auth";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/auth/register").route(web::post().to(register)))
        .service(web::resource("/auth/login").route(web::post().to(login)))
        .service(web::resource("/auth/refresh").route(web::post().to(refresh)))
        .service(web::resource("/auth/logout").route(web::post().to(logout)));
}

fn refresh_cookie(state: &AppState, token: &str) -> Cookie<'static> {
    Cookie::build(COOKIE, token.to_owned())
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.secure_cookies)
        .max_age(CookieDuration::seconds(i64::try_from(state.settings.refresh_ttl.as_secs()).unwrap_or(i64::MAX)))
        .finish()
}

fn token_response(state: &AppState, outcome: LoginOutcome, message: &str) -> HttpResponse {
    let tokens = outcome.tokens;
    let now = chrono::Utc::now();
    let body = TokenResponse {
        expires_in: (tokens.access_expires_at - now).num_seconds().max(0),
        access_token: tokens.access_token,
        token_type: "Bearer",
        access_token_expires_at: tokens.access_expires_at,
        refresh_token: tokens.refresh_token.clone(),
        refresh_token_expires_at: tokens.refresh_expires_at,
        user: outcome.user.into(),
    };
    HttpResponse::Ok().cookie(refresh_cookie(state, &tokens.refresh_token)).json(Envelope {
        status: "success",
        message: Some(message.to_owned()),
        data: body,
    })
}

/// The refresh token from the JSON body (if any) or else the `rt` cookie.
fn refresh_token_of(req: &HttpRequest, body: &web::Bytes) -> Result<Option<String>, ApiError> {
    // No body, or JSON `null` (the spec's optional body), means the cookie.
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let parsed: Option<RefreshRequest> = parse_json(body)?;
        match parsed {
            Some(parsed) => {
                parsed.validate().map_err(|r| ApiError::field("refreshToken", r.to_string()))?;
                parsed.refresh_token
            }
            None => None,
        }
    };
    Ok(from_body.or_else(|| req.cookie(COOKIE).map(|c| c.value().to_owned())))
}

/// Register an account
///
/// Create an account (role Sales). Allowed only when `ALLOW_SIGNUP` is true. Too many sign-ups from one address
/// (successful or not) are answered 429 with `Retry-After`.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "Auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = Envelope<UserDto>),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 403, description = "Sign-up is disabled", body = ErrorBody),
        (status = 409, description = "E-mail or username taken", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 429, description = "Too many sign-ups from this address (successful or not)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn register(state: web::Data<AppState>, ip: ClientIp, body: ValidJson<RegisterRequest>) -> ApiResult {
    let body = body.0;
    let user = state
        .auth
        .register(
            Registration {
                email: body.email,
                username: body.username,
                password: body.password,
                full_name: body.full_name,
            },
            ip.as_deref(),
        )
        .await?;
    Ok(created("User registered successfully", UserDto::from(user)))
}

/// Sign in
///
/// Sign in with e-mail or username. Answers an access token and a refresh token (also set as the HttpOnly `rt`
/// cookie). Repeated failures for one identifier or one address are answered 429 with `Retry-After`.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "Auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = Envelope<TokenResponse>,
            headers(("Set-Cookie" = String, description = "rt=<refresh token>; HttpOnly; SameSite=Strict"))),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Invalid credentials or deactivated account", body = ErrorBody),
        (status = 429, description = "Too many failed attempts", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn login(state: web::Data<AppState>, ip: ClientIp, body: ValidJson<LoginRequest>) -> ApiResult {
    let outcome = state.auth.login(&body.0.identifier, &body.0.password, ip.as_deref()).await?;
    Ok(token_response(&state, outcome, "Login successful"))
}

/// Exchange a refresh token for a new pair
///
/// The refresh token comes in the body or the `rt` cookie. Each refresh token works once: presenting a used one
/// again revokes every token of that session — except within `JWT_REFRESH_REUSE_WINDOW` (10 s by default) of its
/// exchange while its successor is unused (two tabs refreshing at once), which answers 200 with that same
/// successor and a fresh access token.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "Auth", request_body(content = Option<RefreshRequest>,
        description = "Optional when the `rt` cookie is sent"),
    responses(
        (status = 200, description = "New tokens", body = Envelope<TokenResponse>,
            headers(("Set-Cookie" = String, description = "rt=<new refresh token>; HttpOnly; SameSite=Strict"))),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Invalid, expired, revoked or reused refresh token", body = ErrorBody),
    ))]
pub async fn refresh(state: web::Data<AppState>, req: HttpRequest, ip: ClientIp, body: web::Bytes) -> ApiResult {
    let token = refresh_token_of(&req, &body)?
        .ok_or_else(|| ApiError(AppError::Unauthorized("Missing refresh token".into())))?;
    let outcome = state.auth.refresh(&token, ip.as_deref()).await?;
    Ok(token_response(&state, outcome, "Access token refreshed successfully"))
}

/// Sign out
///
/// End the session of a refresh token (body or `rt` cookie) and clear the cookie. Always succeeds.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "Auth", request_body(content = Option<RefreshRequest>,
        description = "Optional when the `rt` cookie is sent"),
    responses(
        (status = 200, description = "Signed out", body = MessageEnvelope,
            headers(("Set-Cookie" = String, description = "rt=; Max-Age=0 (the refresh-token cookie, cleared)"))),
        (status = 400, description = "Malformed body", body = ErrorBody),
    ))]
pub async fn logout(state: web::Data<AppState>, req: HttpRequest, ip: ClientIp, body: web::Bytes) -> ApiResult {
    let token = refresh_token_of(&req, &body)?;
    state.auth.logout(token.as_deref(), ip.as_deref()).await?;
    let mut response = done("Logged out");
    let mut removal = Cookie::build(COOKIE, "").path(COOKIE_PATH).http_only(true).same_site(SameSite::Strict).finish();
    removal.make_removal();
    response.add_cookie(&removal).map_err(|e| ApiError(AppError::Internal(e.to_string())))?;
    Ok(response)
}
