//! What authentication needs: token cryptography, refresh-token storage and login-attempt storage.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_domain::users::Role;
use uuid::Uuid;

use crate::AppError;

/// The verified content of an access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    /// `sub`: the user id.
    pub user_id: Uuid,
    /// `role` at issue time (informative; the current role is read from the database).
    pub role: Role,
    /// `jti`: unique token id.
    pub token_id: Uuid,
    /// `ver`: the account's token version at issue time (0 for tokens without one).
    pub token_version: i64,
    /// `iat`.
    pub issued_at: DateTime<Utc>,
    /// `exp`.
    pub expires_at: DateTime<Utc>,
}

/// A freshly issued access token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The encoded JWT.
    pub token: String,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// Issues and checks access tokens, and makes opaque refresh tokens.
pub trait TokenIssuer: Send + Sync {
    /// Signs an access token for the user.
    fn issue_access(
        &self,
        user_id: Uuid,
        role: Role,
        token_version: i64,
        now: DateTime<Utc>,
    ) -> Result<IssuedToken, AppError>;

    /// Verifies signature, algorithm and expiry. MUST return `AppError::Unauthorized` for any token that is not
    /// a valid, unexpired access token issued by this service.
    fn verify_access(&self, token: &str) -> Result<AccessClaims, AppError>;

    /// A new random refresh token (the plain value, given to the client once).
    fn new_refresh_token(&self) -> String;

    /// The token a refresh exchanges `token` for: a pure function of `token` and a secret only this service holds
    /// (so nobody else can compute it), and distinct from every other token's. Being derivable again is what lets
    /// a token presented twice within the reuse window be answered with the same successor, though only hashes are
    /// stored.
    fn successor_refresh_token(&self, token: &str) -> String;

    /// The value stored for a refresh token; the plain token is never stored.
    fn hash_refresh_token(&self, token: &str) -> String;
}

/// What a throttling key identifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ThrottleScope {
    /// An account: its id when the identifier typed at login names one (so its e-mail and its username count
    /// together), else the identifier itself, lower-cased.
    Account,
    /// The client address, for logins.
    Ip,
    /// The client address, for sign-ups.
    Signup,
}

impl ThrottleScope {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            ThrottleScope::Account => "account",
            ThrottleScope::Ip => "ip",
            ThrottleScope::Signup => "signup",
        }
    }
}

/// One limit an attempt must stay within: at most `max` attempts of `key` in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptLimit<'a> {
    /// What the key identifies.
    pub scope: ThrottleScope,
    /// The account or address.
    pub key: &'a str,
    /// Attempts allowed in the window.
    pub max: u64,
}

/// The answer to [`LoginAttemptRepository::reserve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// Every limit had room: one attempt was recorded per limit, with these ids.
    Granted(Vec<Uuid>),
    /// A limit was full: nothing was recorded. `oldest` is that key's oldest attempt in the window.
    Refused {
        /// When the oldest attempt counted against the full limit was made.
        oldest: Option<DateTime<Utc>>,
    },
}

/// Storage of failed login attempts, shared by every replica.
#[async_trait]
pub trait LoginAttemptRepository: Send + Sync {
    /// Records one failed attempt.
    async fn record_failure(&self, scope: ThrottleScope, key: &str, at: DateTime<Utc>) -> Result<(), AppError>;

    /// Failed attempts at or after `since`: their number and the time of the oldest.
    async fn failures_since(
        &self,
        scope: ThrottleScope,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<(u64, Option<DateTime<Utc>>), AppError>;

    /// Forgets the failures of a key (after a successful login).
    async fn clear(&self, scope: ThrottleScope, key: &str) -> Result<(), AppError>;

    /// Counts and records one attempt against every limit as one atomic step: when any key already has `max`
    /// attempts at or after `since`, nothing is recorded and the answer is `Refused`; otherwise an attempt is
    /// recorded for each key (at `at`). Concurrent reservations of one key are serialised, so no more than `max`
    /// are ever granted in a window, whatever the interleaving — the check happens before the slow password hash,
    /// and the count cannot be read by two requests before either writes.
    async fn reserve(
        &self,
        limits: &[AttemptLimit<'_>],
        since: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<Reservation, AppError>;

    /// Removes reserved attempts (a login that succeeded was not a failure).
    async fn release(&self, ids: &[Uuid]) -> Result<(), AppError>;
}
