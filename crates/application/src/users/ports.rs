//! What the account use cases need from storage and cryptography.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_domain::pagination::{Page, PageRequest, SortDir};
use leadscore_domain::users::{Password, Role, User, UserStats};
use uuid::Uuid;

use crate::AppError;

/// Fields a user list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UserSortField {
    /// Creation time (the default).
    #[default]
    CreatedAt,
    /// E-mail address.
    Email,
    /// Display name.
    FullName,
    /// Last successful login.
    LastLoginAt,
    Role,
}

/// Filters, sort and page of the Admin user list.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    /// Only this role.
    pub role: Option<Role>,
    /// Only active (or inactive) accounts.
    pub is_active: Option<bool>,
    /// Case-insensitive substring of e-mail, username or name.
    pub q: Option<String>,
    /// Created at or after.
    pub from: Option<DateTime<Utc>>,
    /// Created at or before.
    pub to: Option<DateTime<Utc>>,
    pub sort_by: UserSortField,
    pub sort_dir: SortDir,
    pub page: PageRequest,
}

/// Storage of accounts.
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Stores a new account. MUST return `AppError::Conflict` naming the field when the e-mail or username is taken.
    async fn insert(&self, user: &User) -> Result<(), AppError>;

    /// The account with this id, if any.
    async fn find_by_id(&self, id: Uuid) -> Result<Option<User>, AppError>;

    /// The account whose e-mail or username equals `identifier` (already lower-cased), if any.
    async fn find_by_login(&self, identifier: &str) -> Result<Option<User>, AppError>;

    /// Replaces the stored fields of the account except its password hash and token version (see
    /// [`Self::set_password`]), so a concurrent profile change cannot undo a password change. MUST return
    /// `AppError::NotFound` when it does not exist, `AppError::Conflict` when the new e-mail or username is taken,
    /// and `AppError::Conflict` (writing nothing) when the change would leave no active Admin where there was one —
    /// checked in the same transaction as the write, with every such write serialised, so two Admins demoting,
    /// deactivating or deleting each other at once cannot both succeed.
    async fn update(&self, user: &User) -> Result<(), AppError>;

    /// Sets the password hash and increments the token version in one statement; answers the new version.
    /// MUST return `AppError::NotFound` when the account does not exist.
    async fn set_password(&self, id: Uuid, password_hash: &str, at: DateTime<Utc>) -> Result<i64, AppError>;

    /// Deletes the account and its refresh tokens. Returns `false` when there was none. MUST return
    /// `AppError::Conflict` (and delete nothing) while the account owns campaigns: their call lists would otherwise be
    /// lost or left without an owner; and, as [`Self::update`], when it would leave no active Admin.
    async fn delete(&self, id: Uuid) -> Result<bool, AppError>;

    /// One page of accounts matching the query.
    async fn list(&self, query: &UserQuery) -> Result<Page<User>, AppError>;

    /// Totals per role and active accounts.
    async fn stats(&self) -> Result<UserStats, AppError>;

    /// Number of active Admin accounts.
    async fn count_active_admins(&self) -> Result<u64, AppError>;

    /// Sets `last_login_at`.
    async fn record_login(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), AppError>;
}

/// One-way password hashing. Implementations run the (deliberately slow) hash off the async executor.
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// Hashes a password that passed the policy.
    async fn hash(&self, password: &Password) -> Result<String, AppError>;

    /// Whether `password` matches `hash`. A malformed hash is `Ok(false)`, not an error.
    async fn verify(&self, password: &str, hash: &str) -> Result<bool, AppError>;

    /// Spends the same time as a real `verify`, so a login for an unknown account costs as much as a known one.
    async fn verify_dummy(&self, password: &str);
}
