//! Refresh tokens, login attempts and token cryptography.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use leadscore_domain::users::Role;
use uuid::Uuid;

use super::{Db, LoginAttempt};
use crate::AppError;
use crate::auth::{
    AccessClaims, AttemptLimit, IssuedToken, LoginAttemptRepository, RefreshTokenRecord, RefreshTokenRepository,
    Reservation, ThrottleScope, TokenIssuer,
};
use crate::system::Clock;

/// `RefreshTokenRepository` over the shared [`Db`].
pub struct FakeRefreshTokenRepository {
    db: Arc<Db>,
}

impl FakeRefreshTokenRepository {
    /// Uses `db`.
    pub fn new(db: Arc<Db>) -> Self {
        Self { db }
    }
}

#[async_trait]
impl RefreshTokenRepository for FakeRefreshTokenRepository {
    async fn insert(&self, record: &RefreshTokenRecord) -> Result<(), AppError> {
        self.db.with(|state| {
            if state.refresh_tokens.iter().any(|t| t.id == record.id || t.token_hash == record.token_hash) {
                return Err(AppError::Conflict("The resource already exists".into()));
            }
            state.refresh_tokens.push(record.clone());
            Ok(())
        })
    }

    async fn find_by_hash(&self, token_hash: &str) -> Result<Option<RefreshTokenRecord>, AppError> {
        Ok(self.db.with(|state| state.refresh_tokens.iter().find(|t| t.token_hash == token_hash).cloned()))
    }

    async fn rotate(&self, old_id: Uuid, at: DateTime<Utc>, new: &RefreshTokenRecord) -> Result<bool, AppError> {
        self.db.with(|state| {
            let Some(old) = state
                .refresh_tokens
                .iter_mut()
                .find(|t| t.id == old_id && t.rotated_at.is_none() && t.revoked_at.is_none())
            else {
                return Ok(false);
            };
            old.rotated_at = Some(at);
            state.refresh_tokens.push(new.clone());
            Ok(true)
        })
    }

    async fn revoke_family(&self, family_id: Uuid, at: DateTime<Utc>) -> Result<u64, AppError> {
        Ok(self.db.with(|state| revoke(&mut state.refresh_tokens, |t| t.family_id == family_id, at)))
    }

    async fn revoke_user(&self, user_id: Uuid, at: DateTime<Utc>) -> Result<u64, AppError> {
        Ok(self.db.with(|state| revoke(&mut state.refresh_tokens, |t| t.user_id == user_id, at)))
    }
}

fn revoke(tokens: &mut [RefreshTokenRecord], which: impl Fn(&RefreshTokenRecord) -> bool, at: DateTime<Utc>) -> u64 {
    let mut revoked = 0;
    for token in tokens.iter_mut().filter(|t| which(t) && t.revoked_at.is_none()) {
        token.revoked_at = Some(at);
        revoked += 1;
    }
    revoked
}

/// `LoginAttemptRepository` over the shared [`Db`]. One lock per call makes `reserve` the atomic step its contract
/// asks for.
pub struct FakeLoginAttemptRepository {
    db: Arc<Db>,
}

impl FakeLoginAttemptRepository {
    /// Uses `db`.
    pub fn new(db: Arc<Db>) -> Self {
        Self { db }
    }
}

fn failures(
    attempts: &[LoginAttempt],
    scope: ThrottleScope,
    key: &str,
    since: DateTime<Utc>,
) -> (u64, Option<DateTime<Utc>>) {
    let counted = attempts.iter().filter(|a| a.scope == scope && a.key == key && a.at >= since);
    counted.fold((0, None), |(n, oldest), a| (n + 1, Some(oldest.map_or(a.at, |o: DateTime<Utc>| o.min(a.at)))))
}

#[async_trait]
impl LoginAttemptRepository for FakeLoginAttemptRepository {
    async fn record_failure(&self, scope: ThrottleScope, key: &str, at: DateTime<Utc>) -> Result<(), AppError> {
        self.db.with(|state| {
            state.login_attempts.push(LoginAttempt { id: Uuid::now_v7(), scope, key: key.to_owned(), at });
        });
        Ok(())
    }

    async fn failures_since(
        &self,
        scope: ThrottleScope,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<(u64, Option<DateTime<Utc>>), AppError> {
        Ok(self.db.with(|state| failures(&state.login_attempts, scope, key, since)))
    }

    async fn clear(&self, scope: ThrottleScope, key: &str) -> Result<(), AppError> {
        self.db.with(|state| state.login_attempts.retain(|a| !(a.scope == scope && a.key == key)));
        Ok(())
    }

    async fn reserve(
        &self,
        limits: &[AttemptLimit<'_>],
        since: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<Reservation, AppError> {
        Ok(self.db.with(|state| {
            for limit in limits {
                let (count, oldest) = failures(&state.login_attempts, limit.scope, limit.key, since);
                if count >= limit.max {
                    return Reservation::Refused { oldest };
                }
            }
            let ids: Vec<Uuid> = limits
                .iter()
                .map(|limit| {
                    let id = Uuid::now_v7();
                    state.login_attempts.push(LoginAttempt { id, scope: limit.scope, key: limit.key.to_owned(), at });
                    id
                })
                .collect();
            Reservation::Granted(ids)
        }))
    }

    async fn release(&self, ids: &[Uuid]) -> Result<(), AppError> {
        self.db.with(|state| state.login_attempts.retain(|a| !ids.contains(&a.id)));
        Ok(())
    }
}

/// Issues opaque access tokens and remembers what each one says: a token it did not issue, or one past its expiry
/// by the test's clock, is `Unauthorized`, as the contract asks.
pub struct FakeTokenIssuer {
    clock: Arc<dyn Clock>,
    ttl: Duration,
    issued: Mutex<HashMap<String, AccessClaims>>,
}

impl FakeTokenIssuer {
    /// Access tokens valid for `ttl` by `clock`.
    pub fn new(clock: Arc<dyn Clock>, ttl: Duration) -> Self {
        Self { clock, ttl, issued: Mutex::default() }
    }
}

impl TokenIssuer for FakeTokenIssuer {
    fn issue_access(
        &self,
        user_id: Uuid,
        role: Role,
        token_version: i64,
        now: DateTime<Utc>,
    ) -> Result<IssuedToken, AppError> {
        let token_id = Uuid::new_v4();
        let expires_at = now + self.ttl;
        let claims = AccessClaims { user_id, role, token_id, token_version, issued_at: now, expires_at };
        let token = format!("access-{token_id}");
        self.issued.lock().unwrap_or_else(PoisonError::into_inner).insert(token.clone(), claims);
        Ok(IssuedToken { token, expires_at })
    }

    fn verify_access(&self, token: &str) -> Result<AccessClaims, AppError> {
        let claims = self.issued.lock().unwrap_or_else(PoisonError::into_inner).get(token).cloned();
        match claims {
            Some(claims) if claims.expires_at > self.clock.now() => Ok(claims),
            Some(_) => Err(AppError::Unauthorized("Token expired".into())),
            None => Err(AppError::Unauthorized("Invalid token".into())),
        }
    }

    fn new_refresh_token(&self) -> String {
        format!("refresh-{}", Uuid::new_v4().simple())
    }

    fn successor_refresh_token(&self, token: &str) -> String {
        format!("next({token})")
    }

    fn hash_refresh_token(&self, token: &str) -> String {
        format!("hashed({token})")
    }
}
