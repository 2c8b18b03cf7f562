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
    #[garde(email, length(chars, max = leadscore_domain::limits::EMAIL_MAX_CHARS))]
    #[schema(max_length = 254, format = Email)]
    pub email: String,
    /// Optional username (unique), 3-32 of letters, digits, `.`, `_`, `-`.
    #[garde(length(chars, min = leadscore_domain::limits::USERNAME_MIN_CHARS, max = leadscore_domain::limits::USERNAME_MAX_CHARS))]
    #[schema(min_length = 3, max_length = 32, pattern = r"^[A-Za-z0-9._-]{3,32}$")]
    pub username: Option<String>,
    /// At least 8 characters with a letter and a digit; at most 72 bytes.
    #[garde(length(min = leadscore_domain::users::Password::MIN_LEN, max = leadscore_domain::users::Password::MAX_BYTES))]
    #[schema(min_length = 8, max_length = 72, pattern = r"^(?=[^\u0000]*[A-Za-z])(?=[^\u0000]*[0-9])[^\u0000]*$")]
    pub password: String,
    /// Display name.
    #[garde(length(chars, max = leadscore_domain::limits::NAME_MAX_CHARS))]
    #[schema(max_length = 120, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub full_name: Option<String>,
}

/// Credentials.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"identifier": "admin@bank.example", "password": "Choose-a-good-one-1"}))]
pub struct LoginRequest {
    /// E-mail or username.
    #[garde(length(chars, min = 1, max = 254))]
    #[schema(min_length = 1, max_length = 254, pattern = r"\S")]
    pub identifier: String,
    #[garde(length(chars, min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

/// A refresh token, when not sent as the `rt` cookie.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    /// The opaque refresh token from login or the previous refresh.
    #[garde(length(chars, min = 1, max = 512))]
    #[schema(min_length = 1, max_length = 512)]
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
