//! Authentication use cases.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use leadscore_domain::activity::{ActivityAction, EntityType};
use leadscore_domain::users::{Role, User};
use uuid::Uuid;

use super::accounts::{AccountAccess, AccountCache};
use super::{AttemptLimit, LoginAttemptRepository, Reservation, ThrottleScope, TokenIssuer};
use crate::activities::{ActivityLog, NewActivity};
use crate::sessions::{RefreshTokenRecord, RefreshTokenRepository};
use crate::system::Clock;
use crate::users::{CreateUser, PasswordHasher, UserRepository};
use crate::{AppError, Caller};

/// The one message for every failed login, so it reveals nothing about which accounts exist.
const INVALID_CREDENTIALS: &str = "Invalid credentials";
const INVALID_REFRESH: &str = "Invalid or expired refresh token";

/// Limits on failed logins within a sliding window.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    /// Failures for one account identifier before it is locked for the rest of the window.
    pub max_failures_per_account: u64,
    /// Failures from one client address before it is locked for the rest of the window.
    pub max_failures_per_ip: u64,
    /// Sign-ups (successful or not) from one client address in the window: each answer tells whether an e-mail
    /// is registered, so the answers one address can collect are bounded.
    pub max_signups_per_ip: u64,
    /// Length of the window.
    pub window: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            max_failures_per_account: 5,
            max_failures_per_ip: 20,
            max_signups_per_ip: 10,
            window: Duration::minutes(15),
        }
    }
}

/// Settings of the authentication use cases.
#[derive(Debug, Clone, Copy)]
pub struct AuthPolicy {
    /// Lifetime of a refresh token.
    pub refresh_ttl: Duration,
    /// How long after its rotation a refresh token may be presented again without counting as reuse (zero: never).
    /// Two browser tabs refreshing at the same moment both present the same token; within this window the later
    /// one gets the same successor the first one got, instead of revoking the session both tabs share.
    pub refresh_reuse_window: Duration,
    /// Whether anyone may register (as Sales).
    pub allow_signup: bool,
    /// Login throttling.
    pub throttle: ThrottlePolicy,
}

/// A registration request as received.
#[derive(Debug, Clone)]
pub struct Registration {
    /// E-mail address.
    pub email: String,
    /// Optional username.
    pub username: Option<String>,
    /// Plain password.
    pub password: String,
    /// Optional display name.
    pub full_name: Option<String>,
}

/// What a successful login or refresh hands to the client.
#[derive(Debug, Clone)]
pub struct TokenPair {
    /// The signed access token.
    pub access_token: String,
    /// When the access token expires.
    pub access_expires_at: DateTime<Utc>,
    /// The new opaque refresh token.
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_expires_at: DateTime<Utc>,
}

/// A successful login.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    /// The account.
    pub user: User,
    pub tokens: TokenPair,
}

/// Registration, login, refresh, logout and token authentication.
#[derive(Clone)]
pub struct AuthService {
    users: Arc<dyn UserRepository>,
    tokens: Arc<dyn RefreshTokenRepository>,
    attempts: Arc<dyn LoginAttemptRepository>,
    hasher: Arc<dyn PasswordHasher>,
    issuer: Arc<dyn TokenIssuer>,
    clock: Arc<dyn Clock>,
    activities: ActivityLog,
    policy: AuthPolicy,
    accounts: Arc<AccountCache>,
}

impl AuthService {
    /// Wires the service to its ports. `accounts` is the cache that every use case changing accounts writes
    /// through ([`super::InvalidatingUsers`]); `users` may be the plain repository, as this service changes no
    /// field that access depends on.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        users: Arc<dyn UserRepository>,
        tokens: Arc<dyn RefreshTokenRepository>,
        attempts: Arc<dyn LoginAttemptRepository>,
        hasher: Arc<dyn PasswordHasher>,
        issuer: Arc<dyn TokenIssuer>,
        clock: Arc<dyn Clock>,
        activities: ActivityLog,
        policy: AuthPolicy,
        accounts: Arc<AccountCache>,
    ) -> Self {
        Self { users, tokens, attempts, hasher, issuer, clock, activities, policy, accounts }
    }

    /// The policy in force.
    pub fn policy(&self) -> &AuthPolicy {
        &self.policy
    }

    /// Self-service sign-up as Sales, when allowed.
    pub async fn register(&self, registration: Registration, ip: Option<&str>) -> Result<User, AppError> {
        if !self.policy.allow_signup {
            return Err(AppError::Forbidden("Sign-up is disabled; ask an Admin for an account".into()));
        }
        if let Some(ip) = ip {
            let limit =
                AttemptLimit { scope: ThrottleScope::Signup, key: ip, max: self.policy.throttle.max_signups_per_ip };
            self.reserve(&[limit], self.clock.now(), "Too many sign-ups from this address; try again later").await?;
        }
        let account = CreateUser {
            email: registration.email,
            username: registration.username,
            password: registration.password,
            full_name: registration.full_name,
            phone: None,
            address: None,
            role: Role::Sales,
        };
        let user = account.into_account(self.hasher.as_ref(), self.clock.now()).await?;
        self.users.insert(&user).await?;
        self.activities
            .record(
                NewActivity::about(
                    Some(user.id),
                    ActivityAction::UserCreated,
                    EntityType::User,
                    Some(user.id),
                    format!("{} signed up", user.email),
                )
                .with_ip(ip),
            )
            .await?;
        Ok(user)
    }

    /// Checks credentials and issues a token pair. Throttles by account and by client address: one attempt is
    /// reserved against each limit before the password is checked (a refused reservation is 429 without checking),
    /// and released only when the login succeeds, so concurrent guesses cannot pass the limit. An account is
    /// counted as one whether it is named by e-mail or by username. A deactivated account is answered exactly like
    /// a wrong password.
    pub async fn login(&self, identifier: &str, password: &str, ip: Option<&str>) -> Result<LoginOutcome, AppError> {
        let identifier = identifier.trim().to_lowercase();
        if identifier.is_empty() {
            return Err(AppError::field("identifier", "must not be empty"));
        }
        let now = self.clock.now();
        let user = self.users.find_by_login(&identifier).await?;
        let account_key = user.as_ref().map_or_else(|| identifier.clone(), |u| u.id.to_string());
        let throttle = self.policy.throttle;
        let mut limits = vec![AttemptLimit {
            scope: ThrottleScope::Account,
            key: &account_key,
            max: throttle.max_failures_per_account,
        }];
        if let Some(ip) = ip {
            limits.push(AttemptLimit { scope: ThrottleScope::Ip, key: ip, max: throttle.max_failures_per_ip });
        }
        let reserved = self.reserve(&limits, now, "Too many failed login attempts; try again later").await?;

        let verified = match &user {
            Some(user) => self.hasher.verify(password, &user.password_hash).await?,
            None => {
                self.hasher.verify_dummy(password).await;
                false
            }
        };
        let Some(user) = user.filter(|u| verified && u.is_active) else {
            // The reservation stays: it is the failure.
            let known = self.users.find_by_login(&identifier).await?.map(|u| u.id);
            self.activities
                .record(
                    NewActivity::about(
                        None,
                        ActivityAction::LoginFailed,
                        EntityType::User,
                        known,
                        format!("failed login for '{identifier}'"),
                    )
                    .with_ip(ip),
                )
                .await?;
            return Err(AppError::Unauthorized(INVALID_CREDENTIALS.into()));
        };

        self.attempts.release(&reserved).await?;
        self.attempts.clear(ThrottleScope::Account, &account_key).await?;
        self.users.record_login(user.id, now).await?;
        let tokens = self.issue_pair(&user, Uuid::now_v7(), now).await?;
        self.activities
            .record(
                NewActivity::about(
                    Some(user.id),
                    ActivityAction::Login,
                    EntityType::User,
                    Some(user.id),
                    format!("{} logged in", user.email),
                )
                .with_ip(ip),
            )
            .await?;
        let user = User { last_login_at: Some(now), ..user };
        Ok(LoginOutcome { user, tokens })
    }

    /// Exchanges a refresh token for a new pair. A token that was already exchanged revokes its whole family,
    /// unless it is presented again within the reuse window while its successor is still the session's live token:
    /// then the answer is that same successor (see [`AuthService::retry_or_reuse`]).
    pub async fn refresh(&self, refresh_token: &str, ip: Option<&str>) -> Result<LoginOutcome, AppError> {
        let now = self.clock.now();
        let hash = self.issuer.hash_refresh_token(refresh_token);
        let Some(record) = self.tokens.find_by_hash(&hash).await? else {
            return Err(AppError::Unauthorized(INVALID_REFRESH.into()));
        };
        if record.revoked_at.is_some() {
            return Err(AppError::Unauthorized(INVALID_REFRESH.into()));
        }
        if record.rotated_at.is_some() {
            return self.retry_or_reuse(refresh_token, &record, now, ip).await;
        }
        if record.expires_at <= now {
            return Err(AppError::Unauthorized(INVALID_REFRESH.into()));
        }
        let user = self.active_owner(&record, now).await?;
        let successor = self.issuer.successor_refresh_token(refresh_token);
        let (next, tokens) = self.new_pair(&user, record.family_id, successor, now)?;
        if !self.tokens.rotate(record.id, now, &next).await? {
            // Another request exchanged the same token first: read what it did, then answer as for a token
            // presented again.
            let Some(record) = self.tokens.find_by_hash(&hash).await? else {
                return Err(AppError::Unauthorized(INVALID_REFRESH.into()));
            };
            return self.retry_or_reuse(refresh_token, &record, now, ip).await;
        }
        Ok(LoginOutcome { user, tokens })
    }

    /// A rotated token presented again. Within the reuse window, and while the successor its rotation stored is
    /// unrotated, unrevoked and unexpired, the answer is 200 with that same successor (derived again from the
    /// presented token, see [`TokenIssuer::successor_refresh_token`]) and a fresh access token: the presenter
    /// gets exactly what the first exchange handed out, so a thief holding the old token gains nothing the rightful
    /// holder does not already have, and the session stays one chain of tokens. Otherwise — outside the window,
    /// after the successor moved on, or with the window off — it is reuse: the whole family is revoked.
    async fn retry_or_reuse(
        &self,
        refresh_token: &str,
        record: &RefreshTokenRecord,
        now: DateTime<Utc>,
        ip: Option<&str>,
    ) -> Result<LoginOutcome, AppError> {
        if record.revoked_at.is_some() {
            return Err(AppError::Unauthorized(INVALID_REFRESH.into()));
        }
        let window = self.policy.refresh_reuse_window;
        let in_window = record.rotated_at.is_some_and(|at| window > Duration::zero() && now - at <= window);
        if in_window {
            let successor = self.issuer.successor_refresh_token(refresh_token);
            let next = self.tokens.find_by_hash(&self.issuer.hash_refresh_token(&successor)).await?;
            if let Some(next) = next.filter(|next| {
                next.family_id == record.family_id
                    && next.rotated_at.is_none()
                    && next.revoked_at.is_none()
                    && next.expires_at > now
            }) {
                let user = self.active_owner(&next, now).await?;
                let tokens = self.pair_with(&user, successor, next.expires_at, now)?;
                return Ok(LoginOutcome { user, tokens });
            }
        }
        Err(self.reuse_detected(record, now, ip).await?)
    }

    /// The active owner of a token; a deleted or deactivated owner revokes the token's family.
    async fn active_owner(&self, record: &RefreshTokenRecord, now: DateTime<Utc>) -> Result<User, AppError> {
        match self.users.find_by_id(record.user_id).await? {
            Some(user) if user.is_active => Ok(user),
            _ => {
                self.tokens.revoke_family(record.family_id, now).await?;
                Err(AppError::Unauthorized(INVALID_REFRESH.into()))
            }
        }
    }

    /// Revokes the session (token family) of a refresh token. Unknown or already revoked tokens are not an error:
    /// logging out twice is harmless.
    pub async fn logout(&self, refresh_token: Option<&str>, ip: Option<&str>) -> Result<(), AppError> {
        let Some(token) = refresh_token else { return Ok(()) };
        let now = self.clock.now();
        let Some(record) = self.tokens.find_by_hash(&self.issuer.hash_refresh_token(token)).await? else {
            return Ok(());
        };
        if self.tokens.revoke_family(record.family_id, now).await? > 0 {
            self.activities
                .record(
                    NewActivity::about(
                        Some(record.user_id),
                        ActivityAction::Logout,
                        EntityType::User,
                        Some(record.user_id),
                        "logged out",
                    )
                    .with_ip(ip),
                )
                .await?;
        }
        Ok(())
    }

    /// Turns an access token into the caller as the account is now, not as the token says: a deactivated or
    /// deleted user is refused, a changed role applies, and a token issued before the last password change is
    /// refused — at once for changes made through this process, within the account cache's time to live for
    /// changes made by another replica (see [`AccountCache`]).
    pub async fn authenticate(&self, access_token: &str) -> Result<Caller, AppError> {
        let claims = self.issuer.verify_access(access_token)?;
        let access = match self.accounts.lookup(claims.user_id, self.clock.now()) {
            Ok(access) => access,
            Err(read) => {
                let access = self.users.find_by_id(claims.user_id).await?.as_ref().map(AccountAccess::from);
                self.accounts.fill(claims.user_id, access, read);
                access
            }
        };
        match access {
            Some(account) if account.token_version != claims.token_version => {
                Err(AppError::Unauthorized("Session ended by a password change; sign in again".into()))
            }
            Some(account) if account.is_active => Ok(Caller { id: claims.user_id, role: account.role }),
            Some(_) => Err(AppError::Unauthorized("Account is deactivated".into())),
            None => Err(AppError::Unauthorized("Account no longer exists".into())),
        }
    }

    /// Starts a session (token family) for a login.
    async fn issue_pair(&self, user: &User, family_id: Uuid, now: DateTime<Utc>) -> Result<TokenPair, AppError> {
        let (record, tokens) = self.new_pair(user, family_id, self.issuer.new_refresh_token(), now)?;
        self.tokens.insert(&record).await?;
        Ok(tokens)
    }

    /// A fresh access token and the refresh token `plain` of `family_id`, with the record to store for the
    /// refresh token; the caller stores it (a login inserts it, a refresh rotates to it), so both make tokens the
    /// same way.
    fn new_pair(
        &self,
        user: &User,
        family_id: Uuid,
        plain: String,
        now: DateTime<Utc>,
    ) -> Result<(RefreshTokenRecord, TokenPair), AppError> {
        let record = RefreshTokenRecord {
            id: Uuid::now_v7(),
            user_id: user.id,
            family_id,
            token_hash: self.issuer.hash_refresh_token(&plain),
            created_at: now,
            expires_at: now + self.policy.refresh_ttl,
            rotated_at: None,
            revoked_at: None,
        };
        let tokens = self.pair_with(user, plain, record.expires_at, now)?;
        Ok((record, tokens))
    }

    /// A fresh access token for `user`, handed out with the refresh token `plain` (new, or a successor answered
    /// again within the reuse window).
    fn pair_with(
        &self,
        user: &User,
        plain: String,
        refresh_expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<TokenPair, AppError> {
        let access = self.issuer.issue_access(user.id, user.role, user.token_version, now)?;
        Ok(TokenPair {
            access_token: access.token,
            access_expires_at: access.expires_at,
            refresh_token: plain,
            refresh_expires_at,
        })
    }

    async fn reuse_detected(
        &self,
        record: &RefreshTokenRecord,
        now: DateTime<Utc>,
        ip: Option<&str>,
    ) -> Result<AppError, AppError> {
        let revoked = self.tokens.revoke_family(record.family_id, now).await?;
        tracing::warn!(user_id = %record.user_id, family_id = %record.family_id, revoked, "refresh token reuse");
        self.activities
            .record(
                NewActivity::about(
                    Some(record.user_id),
                    ActivityAction::TokenReuse,
                    EntityType::User,
                    Some(record.user_id),
                    format!("a rotated refresh token was presented again; {revoked} token(s) of its session revoked"),
                )
                .with_ip(ip),
            )
            .await?;
        Ok(AppError::Unauthorized(INVALID_REFRESH.into()))
    }

    /// Reserves one attempt against each limit (see [`LoginAttemptRepository::reserve`]); 429 with the time until
    /// the oldest counted attempt leaves the window when one is full.
    async fn reserve(
        &self,
        limits: &[AttemptLimit<'_>],
        now: DateTime<Utc>,
        message: &str,
    ) -> Result<Vec<Uuid>, AppError> {
        let window = self.policy.throttle.window;
        match self.attempts.reserve(limits, now - window, now).await? {
            Reservation::Granted(ids) => Ok(ids),
            Reservation::Refused { oldest } => {
                let unlock = oldest.map_or(now + window, |oldest| oldest + window);
                let retry_after_secs = u64::try_from((unlock - now).num_seconds()).unwrap_or(0).max(1);
                Err(AppError::TooManyRequests { message: message.into(), retry_after_secs })
            }
        }
    }
}
