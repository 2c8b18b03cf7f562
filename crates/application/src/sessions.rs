//! Sessions: the refresh tokens a sign-in starts and rotates, and that account changes (a password change, a
//! deactivation) revoke. Its own module because both `auth` (which writes them) and `users` (which revokes them)
//! need the port, and neither should depend on the other for it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::AppError;

/// A stored refresh token.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshTokenRecord {
    pub id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// All tokens descending from one login share a family; reuse revokes the family.
    pub family_id: Uuid,
    /// `TokenIssuer::hash_refresh_token` of the plain token.
    pub token_hash: String,
    /// Issue time.
    pub created_at: DateTime<Utc>,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
    /// Set when it was exchanged for a new token.
    pub rotated_at: Option<DateTime<Utc>>,
    /// Set when it was revoked (logout, reuse, password change, deactivation).
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Storage of refresh tokens. State lives here, not in process memory, so every replica sees the same.
#[async_trait]
pub trait RefreshTokenRepository: Send + Sync {
    /// Stores a new token.
    async fn insert(&self, record: &RefreshTokenRecord) -> Result<(), AppError>;

    /// The token with this hash, if any.
    async fn find_by_hash(&self, token_hash: &str) -> Result<Option<RefreshTokenRecord>, AppError>;

    /// Atomically marks `old_id` rotated at `at` and stores `new`. MUST return `Ok(false)` and store nothing when
    /// `old_id` was already rotated or revoked (two concurrent refreshes with one token: exactly one wins).
    async fn rotate(&self, old_id: Uuid, at: DateTime<Utc>, new: &RefreshTokenRecord) -> Result<bool, AppError>;

    /// Revokes every not-yet-revoked token of the family; returns how many.
    async fn revoke_family(&self, family_id: Uuid, at: DateTime<Utc>) -> Result<u64, AppError>;

    /// Revokes every not-yet-revoked token of the user; returns how many.
    async fn revoke_user(&self, user_id: Uuid, at: DateTime<Utc>) -> Result<u64, AppError>;
}
