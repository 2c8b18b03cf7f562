//! What authentication needs of an account (role, active flag, token version), kept in process for a short time so
//! an authenticated request does not read the account from the database each time.
//!
//! The promise of docs/security.md holds: a change made through this process (every write of
//! [`InvalidatingUsers`]) is seen by the next request at once; a change made by another replica is seen within the
//! cache's time to live, because an entry is never used once older than that. A read that raced with a change
//! cannot put the old state back: every forget moves a generation on, and a fill is kept only if no forget happened
//! since its read began.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use leadscore_domain::pagination::Page;
use leadscore_domain::users::{Role, User, UserStats};
use uuid::Uuid;

use crate::AppError;
use crate::users::{UserQuery, UserRepository};

/// The fields of an account that decide whether a token authenticates, and as whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountAccess {
    /// Current role.
    pub role: Role,
    /// Deactivated accounts are refused.
    pub is_active: bool,
    /// Tokens carrying another version are refused (a password change moves it on).
    pub token_version: i64,
}

impl From<&User> for AccountAccess {
    fn from(user: &User) -> Self {
        Self { role: user.role, is_active: user.is_active, token_version: user.token_version }
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// `None`: the account does not exist.
    access: Option<AccountAccess>,
    fetched_at: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct State {
    generation: u64,
    entries: HashMap<Uuid, Entry>,
}

/// The cache. Shared by the authentication use case (reads) and [`InvalidatingUsers`] (forgets).
#[derive(Debug)]
pub struct AccountCache {
    ttl: Duration,
    state: Mutex<State>,
}

/// A read in progress: fill the cache with its result through [`AccountCache::fill`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    generation: u64,
    started_at: DateTime<Utc>,
}

impl AccountCache {
    /// Most entries kept: only ids of signature-checked tokens reach the cache, so this is the number of accounts
    /// in use, far above any bank's staff; past it the cache starts again rather than grow.
    pub const MAX_ENTRIES: usize = 100_000;

    /// A cache whose entries live `ttl` (zero: nothing is cached, every request reads the account).
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, state: Mutex::new(State::default()) }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached access of `id` if fresh at `now` (`Some(None)`: cached as not existing), or the start of a read.
    pub fn lookup(&self, id: Uuid, now: DateTime<Utc>) -> Result<Option<AccountAccess>, Pending> {
        let state = self.state();
        match state.entries.get(&id) {
            Some(entry) if now - entry.fetched_at < self.ttl && entry.fetched_at <= now => Ok(entry.access),
            _ => Err(Pending { generation: state.generation, started_at: now }),
        }
    }

    /// Keeps what a read found, unless an account was forgotten since the read began.
    pub fn fill(&self, id: Uuid, access: Option<AccountAccess>, read: Pending) {
        if self.ttl <= Duration::zero() {
            return;
        }
        let mut state = self.state();
        if state.generation != read.generation {
            return;
        }
        if state.entries.len() >= Self::MAX_ENTRIES {
            state.entries.clear();
        }
        state.entries.insert(id, Entry { access, fetched_at: read.started_at });
    }

    /// Drops what is cached of `id`, and every read in progress, after a change of the account.
    pub fn forget(&self, id: Uuid) {
        let mut state = self.state();
        state.generation += 1;
        state.entries.remove(&id);
    }
}

/// A `UserRepository` that tells the cache about every change it writes, after the write: wraps the repository
/// of every use case that changes accounts, so no write path can forget to.
pub struct InvalidatingUsers {
    inner: Arc<dyn UserRepository>,
    cache: Arc<AccountCache>,
}

impl InvalidatingUsers {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn UserRepository>, cache: Arc<AccountCache>) -> Self {
        Self { inner, cache }
    }
}

#[async_trait]
impl UserRepository for InvalidatingUsers {
    async fn insert(&self, user: &User) -> Result<(), AppError> {
        let result = self.inner.insert(user).await;
        self.cache.forget(user.id);
        result
    }

    async fn find_by_id(&self, id: Uuid) -> Result<Option<User>, AppError> {
        self.inner.find_by_id(id).await
    }

    async fn find_by_login(&self, identifier: &str) -> Result<Option<User>, AppError> {
        self.inner.find_by_login(identifier).await
    }

    async fn update(&self, user: &User) -> Result<(), AppError> {
        let result = self.inner.update(user).await;
        self.cache.forget(user.id);
        result
    }

    async fn set_password(&self, id: Uuid, password_hash: &str, at: DateTime<Utc>) -> Result<i64, AppError> {
        let result = self.inner.set_password(id, password_hash, at).await;
        self.cache.forget(id);
        result
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        let result = self.inner.delete(id).await;
        self.cache.forget(id);
        result
    }

    async fn list(&self, query: &UserQuery) -> Result<Page<User>, AppError> {
        self.inner.list(query).await
    }

    async fn stats(&self) -> Result<UserStats, AppError> {
        self.inner.stats().await
    }

    async fn count_active_admins(&self) -> Result<u64, AppError> {
        self.inner.count_active_admins().await
    }

    async fn record_login(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), AppError> {
        // The last login time decides nothing about access.
        self.inner.record_login(id, at).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTIVE: AccountAccess = AccountAccess { role: Role::Manager, is_active: true, token_version: 0 };

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn an_entry_serves_until_its_time_to_live_is_over() {
        let cache = AccountCache::new(Duration::seconds(1));
        let id = Uuid::now_v7();
        let read = cache.lookup(id, at(0)).unwrap_err();
        cache.fill(id, Some(ACTIVE), read);
        assert_eq!(cache.lookup(id, at(0)), Ok(Some(ACTIVE)));
        assert!(cache.lookup(id, at(1)).is_err(), "one second old: read again");
    }

    #[test]
    fn a_read_that_raced_with_a_change_is_not_kept() {
        let cache = AccountCache::new(Duration::seconds(1));
        let id = Uuid::now_v7();
        let read = cache.lookup(id, at(0)).unwrap_err();
        // The account changes (and is forgotten) while the read is in flight: what it found may be the old state.
        cache.forget(id);
        cache.fill(id, Some(ACTIVE), read);
        assert!(cache.lookup(id, at(0)).is_err());
    }

    #[test]
    fn forgetting_drops_the_entry_and_zero_caches_nothing() {
        let cache = AccountCache::new(Duration::seconds(1));
        let id = Uuid::now_v7();
        let read = cache.lookup(id, at(0)).unwrap_err();
        cache.fill(id, None, read);
        assert_eq!(cache.lookup(id, at(0)), Ok(None), "a missing account is cached as missing");
        cache.forget(id);
        assert!(cache.lookup(id, at(0)).is_err());

        let off = AccountCache::new(Duration::zero());
        let read = off.lookup(id, at(0)).unwrap_err();
        off.fill(id, Some(ACTIVE), read);
        assert!(off.lookup(id, at(0)).is_err());
    }

    #[test]
    fn the_cache_never_holds_more_than_its_bound() {
        let cache = AccountCache::new(Duration::seconds(60));
        for _ in 0..AccountCache::MAX_ENTRIES + 10 {
            let id = Uuid::now_v7();
            let read = cache.lookup(id, at(0)).unwrap_err();
            cache.fill(id, Some(ACTIVE), read);
        }
        assert!(cache.state().entries.len() <= AccountCache::MAX_ENTRIES);
    }
}
