//! Accounts and password hashing.

use std::cmp::Ordering;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering as Atomic};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_domain::pagination::Page;
use leadscore_domain::users::{Password, Role, User, UserStats};
use uuid::Uuid;

use super::{Db, State, directed, in_range, matches_text, nulls_last, page_of};
use crate::AppError;
use crate::users::{PasswordHasher, UserQuery, UserRepository, UserSortField};

/// `UserRepository` over the shared [`Db`].
pub struct FakeUserRepository {
    db: Arc<Db>,
}

impl FakeUserRepository {
    /// Uses `db`.
    pub fn new(db: Arc<Db>) -> Self {
        Self { db }
    }
}

fn not_found() -> AppError {
    AppError::NotFound("User not found".into())
}

/// The unique e-mail and username, checked against every other account.
fn check_unique(state: &State, user: &User) -> Result<(), AppError> {
    for other in state.users.values().filter(|other| other.id != user.id) {
        if other.email == user.email {
            return Err(AppError::Conflict("Email is already registered".into()));
        }
        if user.username.is_some() && other.username == user.username {
            return Err(AppError::Conflict("Username is already taken".into()));
        }
    }
    Ok(())
}

fn active_admins<'a>(users: impl IntoIterator<Item = &'a User>) -> u64 {
    users.into_iter().filter(|u| u.role == Role::Admin && u.is_active).count() as u64
}

/// The SQL adapter's guard: a write that takes the active Admins from one or more to none is refused.
fn keep_an_admin(state: &State, replaced: Uuid, with: Option<&User>) -> Result<(), AppError> {
    let before = active_admins(state.users.values());
    let after = active_admins(state.users.values().filter(|u| u.id != replaced).chain(with));
    if before > 0 && after == 0 {
        return Err(AppError::Conflict("Cannot remove the last active Admin".into()));
    }
    Ok(())
}

fn compare(a: &User, b: &User, field: UserSortField, dir: leadscore_domain::pagination::SortDir) -> Ordering {
    let by_field = match field {
        UserSortField::CreatedAt => directed(a.created_at.cmp(&b.created_at), dir),
        UserSortField::Email => directed(a.email.as_str().cmp(b.email.as_str()), dir),
        UserSortField::FullName => nulls_last(a.full_name.as_deref(), b.full_name.as_deref(), dir),
        UserSortField::LastLoginAt => nulls_last(a.last_login_at, b.last_login_at, dir),
        UserSortField::Role => directed(a.role.as_str().cmp(b.role.as_str()), dir),
    };
    by_field.then_with(|| directed(a.id.cmp(&b.id), dir))
}

#[async_trait]
impl UserRepository for FakeUserRepository {
    async fn insert(&self, user: &User) -> Result<(), AppError> {
        self.db.with(|state| {
            if state.users.contains_key(&user.id) {
                return Err(AppError::Conflict("The resource already exists".into()));
            }
            check_unique(state, user)?;
            state.users.insert(user.id, user.clone());
            Ok(())
        })
    }

    async fn find_by_id(&self, id: Uuid) -> Result<Option<User>, AppError> {
        Ok(self.db.with(|state| state.users.get(&id).cloned()))
    }

    async fn find_by_login(&self, identifier: &str) -> Result<Option<User>, AppError> {
        Ok(self.db.with(|state| {
            state
                .users
                .values()
                .find(|u| {
                    u.email.as_str() == identifier || u.username.as_ref().is_some_and(|n| n.as_str() == identifier)
                })
                .cloned()
        }))
    }

    async fn update(&self, user: &User) -> Result<(), AppError> {
        self.db.with(|state| {
            let stored = state.users.get(&user.id).ok_or_else(not_found)?;
            // The password and the token version change only through `set_password`.
            let updated = User {
                password_hash: stored.password_hash.clone(),
                token_version: stored.token_version,
                ..user.clone()
            };
            check_unique(state, &updated)?;
            keep_an_admin(state, user.id, Some(&updated))?;
            state.users.insert(user.id, updated);
            Ok(())
        })
    }

    async fn set_password(&self, id: Uuid, password_hash: &str, at: DateTime<Utc>) -> Result<i64, AppError> {
        self.db.with(|state| {
            let user = state.users.get_mut(&id).ok_or_else(not_found)?;
            user.password_hash = password_hash.to_owned();
            user.token_version += 1;
            user.updated_at = at;
            Ok(user.token_version)
        })
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        self.db.with(|state| {
            if !state.users.contains_key(&id) {
                return Ok(false);
            }
            if state.campaigns.values().any(|c| c.owner_id == id) {
                return Err(AppError::Conflict(
                    "The user owns campaigns; delete those campaigns first, or deactivate the account instead".into(),
                ));
            }
            keep_an_admin(state, id, None)?;
            state.users.remove(&id);
            // What the schema's foreign keys do: tokens and memberships go, references elsewhere are cleared.
            state.refresh_tokens.retain(|t| t.user_id != id);
            for campaign in state.campaigns.values_mut() {
                campaign.collaborator_ids.retain(|c| *c != id);
            }
            for lead in state.leads.values_mut().filter(|l| l.assignee_id == Some(id)) {
                lead.assignee_id = None;
            }
            for note in state.notes.values_mut().filter(|n| n.author_id == Some(id)) {
                note.author_id = None;
            }
            for prediction in state.predictions.values_mut().filter(|p| p.requested_by == Some(id)) {
                prediction.requested_by = None;
            }
            Ok(true)
        })
    }

    async fn list(&self, query: &UserQuery) -> Result<Page<User>, AppError> {
        Ok(self.db.with(|state| {
            let mut rows: Vec<User> = state
                .users
                .values()
                .filter(|u| query.role.is_none_or(|role| u.role == role))
                .filter(|u| query.is_active.is_none_or(|active| u.is_active == active))
                .filter(|u| {
                    let fields =
                        [Some(u.email.as_str()), u.username.as_ref().map(|n| n.as_str()), u.full_name.as_deref()];
                    matches_text(query.q.as_deref(), fields)
                })
                .filter(|u| in_range(u.created_at, query.from, query.to))
                .cloned()
                .collect();
            rows.sort_by(|a, b| compare(a, b, query.sort_by, query.sort_dir));
            page_of(rows, query.page)
        }))
    }

    async fn stats(&self) -> Result<UserStats, AppError> {
        Ok(self.db.with(|state| {
            let mut stats = UserStats::default();
            for user in state.users.values() {
                stats.total += 1;
                match user.role {
                    Role::Admin => stats.admins += 1,
                    Role::Manager => stats.managers += 1,
                    Role::Sales => stats.sales += 1,
                }
                stats.active += u64::from(user.is_active);
            }
            stats
        }))
    }

    async fn count_active_admins(&self) -> Result<u64, AppError> {
        Ok(self.db.with(|state| active_admins(state.users.values())))
    }

    async fn record_login(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), AppError> {
        self.db.with(|state| {
            if let Some(user) = state.users.get_mut(&id) {
                user.last_login_at = Some(at);
            }
        });
        Ok(())
    }
}

/// A hasher without cost: the "hash" is the password behind a prefix. It counts its checks, so a test can see that
/// a login for an unknown account still spends one.
#[derive(Debug, Default)]
pub struct FakePasswordHasher {
    checks: AtomicU64,
}

const PREFIX: &str = "fake-hash$";

impl FakePasswordHasher {
    /// A new hasher.
    pub fn new() -> Self {
        Self::default()
    }

    /// The stored form of `password`, for seeding accounts.
    pub fn hash_of(password: &str) -> String {
        format!("{PREFIX}{password}")
    }

    /// Password checks so far, real and dummy.
    pub fn checks(&self) -> u64 {
        self.checks.load(Atomic::SeqCst)
    }
}

#[async_trait]
impl PasswordHasher for FakePasswordHasher {
    async fn hash(&self, password: &Password) -> Result<String, AppError> {
        Ok(Self::hash_of(password.expose()))
    }

    async fn verify(&self, password: &str, hash: &str) -> Result<bool, AppError> {
        self.checks.fetch_add(1, Atomic::SeqCst);
        Ok(hash.strip_prefix(PREFIX).is_some_and(|stored| stored == password))
    }

    async fn verify_dummy(&self, _password: &str) {
        self.checks.fetch_add(1, Atomic::SeqCst);
    }
}
