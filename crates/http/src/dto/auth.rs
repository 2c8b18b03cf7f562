//! Bodies of the authentication endpoints.

use chrono::{DateTime, Utc};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::users::UserDto;

/// Self-service sign-up (role Sales).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"email": "ana@bank.example", "username": "ana", "password": "s3cret-pass", "fullName": "Ana Lopez"}))]
pub struct RegisterRequest {
    /// E-mail address (unique).
    #[garde(email, length(max = leadscore_domain::limits::EMAIL_MAX_CHARS))]
    pub email: String,
    /// Optional username (unique), 3-32 of letters, digits, `.`, `_`, `-`.
    #[garde(length(min = leadscore_domain::limits::USERNAME_MIN_CHARS, max = leadscore_domain::limits::USERNAME_MAX_CHARS))]
    pub username: Option<String>,
    /// At least 8 characters with a letter and a digit; at most 72 bytes.
    #[garde(length(min = leadscore_domain::users::Password::MIN_LEN, max = leadscore_domain::users::Password::MAX_BYTES))]
    pub password: String,
    /// Display name.
    #[garde(length(max = leadscore_domain::limits::NAME_MAX_CHARS))]
    pub full_name: Option<String>,
}

/// Credentials.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"identifier": "admin@leadscore.local", "password": "Admin-pass-1"}))]
pub struct LoginRequest {
    /// E-mail or username.
    #[garde(length(min = 1, max = 254))]
    pub identifier: String,
    #[garde(length(min = 1, max = 1024))]
    pub password: String,
}

/// A refresh token, when not sent as the `rt` cookie.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    /// The opaque refresh token from login or the previous refresh.
    #[garde(length(min = 1, max = 512))]
    pub refresh_token: Option<String>,
}

/// Tokens and the signed-in account.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// The JWT to send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// When the access token expires.
    pub access_token_expires_at: DateTime<Utc>,
    /// The opaque refresh token (also set as the HttpOnly `rt` cookie); it can be used once.
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_token_expires_at: DateTime<Utc>,
    /// The account.
    pub user: UserDto,
}
