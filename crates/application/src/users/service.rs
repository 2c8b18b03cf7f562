//! Account use cases: the caller's own profile and Admin user management.

use std::sync::Arc;

use leadscore_domain::activity::{ActivityAction, EntityType};
use leadscore_domain::limits::{ADDRESS_MAX_CHARS, NAME_MAX_CHARS, PHONE_MAX_CHARS};
use leadscore_domain::pagination::{Page, PageRequest, SortDir};
use leadscore_domain::users::{Email, NewUser, Password, Role, User, UserStats, Username, profile_text};
use uuid::Uuid;

use super::{PasswordHasher, UserQuery, UserRepository};
use crate::activities::{ActivityLog, NewActivity};
use crate::error::Validator;
use crate::media::{ImageUpload, MediaService};
use crate::segmentation::dataset_folder;
use crate::sessions::RefreshTokenRepository;
use crate::system::Clock;
use crate::{AppError, Caller};

/// Changes a user may make to their own profile. `None` leaves a field alone; `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    pub email: Option<String>,
    /// New username, or clear it.
    pub username: Option<Option<String>>,
    /// New display name, or clear it.
    pub full_name: Option<Option<String>>,
    /// New phone, or clear it.
    pub phone: Option<Option<String>>,
    /// New address, or clear it.
    pub address: Option<Option<String>>,
}

/// Changes an Admin may make to any account.
#[derive(Debug, Clone, Default)]
pub struct AdminUserPatch {
    /// Profile fields.
    pub profile: ProfilePatch,
    pub role: Option<Role>,
    /// Activate or deactivate.
    pub is_active: Option<bool>,
}

/// An account created by an Admin.
#[derive(Debug, Clone)]
pub struct CreateUser {
    pub email: String,
    /// Optional username.
    pub username: Option<String>,
    /// Initial password.
    pub password: String,
    /// Display name.
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// Role granted.
    pub role: Role,
}

impl CreateUser {
    /// Checks every field at once (all errors reported together) and builds the account to store, its password
    /// hashed: the one path by which accounts are made, whether an Admin creates one or a person signs up.
    pub(crate) async fn into_account(
        self,
        hasher: &dyn PasswordHasher,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<User, AppError> {
        let mut v = Validator::new();
        let email = v.check(Email::parse(&self.email));
        let username = match self.username.as_deref() {
            Some(raw) => v.check(Username::parse(raw)).map(Some),
            None => Some(None),
        };
        let password = v.check(Password::parse(&self.password, "password"));
        let full_name = v.check(profile_text(self.full_name.as_deref(), "fullName", NAME_MAX_CHARS));
        let phone = v.check(profile_text(self.phone.as_deref(), "phone", PHONE_MAX_CHARS));
        let address = v.check(profile_text(self.address.as_deref(), "address", ADDRESS_MAX_CHARS));
        v.finish()?;
        let (Some(email), Some(username), Some(password), Some(full_name), Some(phone), Some(address)) =
            (email, username, password, full_name, phone, address)
        else {
            return Err(AppError::Internal("validator let an error through".into()));
        };
        Ok(NewUser {
            id: Uuid::now_v7(),
            email,
            username,
            full_name,
            phone,
            address,
            role: self.role,
            password_hash: hasher.hash(&password).await?,
            created_at: now,
        }
        .into_user())
    }
}

/// Profile and user-management use cases.
#[derive(Clone)]
pub struct UserService {
    users: Arc<dyn UserRepository>,
    tokens: Arc<dyn RefreshTokenRepository>,
    hasher: Arc<dyn PasswordHasher>,
    clock: Arc<dyn Clock>,
    activities: ActivityLog,
    media: MediaService,
}

impl UserService {
    /// Wires the service to its ports.
    pub fn new(
        users: Arc<dyn UserRepository>,
        tokens: Arc<dyn RefreshTokenRepository>,
        hasher: Arc<dyn PasswordHasher>,
        clock: Arc<dyn Clock>,
        activities: ActivityLog,
        media: MediaService,
    ) -> Self {
        Self { users, tokens, hasher, clock, activities, media }
    }

    /// The caller's own account.
    pub async fn me(&self, caller: &Caller) -> Result<User, AppError> {
        self.load(caller.id).await
    }

    /// Changes the caller's own profile (never role or status).
    pub async fn update_me(&self, caller: &Caller, patch: ProfilePatch) -> Result<User, AppError> {
        let user = self.load(caller.id).await?;
        let updated = self.apply_profile(user, &patch)?;
        self.users.update(&updated).await?;
        self.record(caller, ActivityAction::UserUpdated, updated.id, "updated own profile").await?;
        Ok(updated)
    }

    /// Changes the caller's password after checking the current one; signs out every other session.
    pub async fn change_password(
        &self,
        caller: &Caller,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<(), AppError> {
        let mut user = self.load(caller.id).await?;
        let mut v = Validator::new();
        let password = v.check(Password::parse(new, "newPassword"));
        if new != confirm {
            v.push("confirmPassword", "must match newPassword");
        }
        if new == current {
            v.push("newPassword", "must differ from the current password");
        }
        v.finish()?;
        let Some(password) = password else { return Err(AppError::Internal("validator let an error through".into())) };
        if !self.hasher.verify(current, &user.password_hash).await? {
            return Err(AppError::field("currentPassword", "is incorrect"));
        }
        let hash = self.hasher.hash(&password).await?;
        user.updated_at = self.clock.now();
        self.users.set_password(user.id, &hash, user.updated_at).await?;
        self.tokens.revoke_user(user.id, user.updated_at).await?;
        self.record(caller, ActivityAction::PasswordChanged, user.id, "changed own password").await
    }

    /// Deletes the caller's own account after checking the password. The last active Admin cannot.
    pub async fn delete_me(&self, caller: &Caller, password: &str) -> Result<(), AppError> {
        let user = self.load(caller.id).await?;
        if !self.hasher.verify(password, &user.password_hash).await? {
            return Err(AppError::field("password", "is incorrect"));
        }
        self.ensure_not_last_admin(&user, "delete").await?;
        self.remove(caller, user).await
    }

    /// Creates an account with any role (Admin only).
    pub async fn create(&self, caller: &Caller, input: CreateUser) -> Result<User, AppError> {
        caller.require(&[Role::Admin])?;
        self.insert_account(Some(caller.id), input).await
    }

    /// Creates an account for a trusted operator (the `leadscore admin create` command): no caller, no role check.
    pub async fn provision(&self, input: CreateUser) -> Result<User, AppError> {
        self.insert_account(None, input).await
    }

    /// The account a shell command acts as (trusted operator, no caller): the active account with this e-mail or
    /// username, or else the longest-standing active Admin.
    pub async fn operator(&self, login: Option<&str>) -> Result<User, AppError> {
        if let Some(login) = login {
            return match self.users.find_by_login(login).await? {
                Some(user) if user.is_active => Ok(user),
                Some(_) => Err(AppError::field("owner", "the account is deactivated")),
                None => Err(AppError::field("owner", "no account has this e-mail or username")),
            };
        }
        let query = UserQuery {
            role: Some(Role::Admin),
            is_active: Some(true),
            sort_dir: SortDir::Asc,
            page: PageRequest::new(1, 1)?,
            ..UserQuery::default()
        };
        self.users.list(&query).await?.items.into_iter().next().ok_or_else(|| {
            AppError::field("owner", "there is no active Admin yet; create one with `leadscore admin create`")
        })
    }

    async fn insert_account(&self, actor: Option<Uuid>, input: CreateUser) -> Result<User, AppError> {
        let user = input.into_account(self.hasher.as_ref(), self.clock.now()).await?;
        self.users.insert(&user).await?;
        self.activities
            .record(NewActivity::about(
                actor,
                ActivityAction::UserCreated,
                EntityType::User,
                Some(user.id),
                format!("created {} as {}", user.email, user.role),
            ))
            .await?;
        Ok(user)
    }

    /// Lists accounts (Admin only).
    pub async fn list(&self, caller: &Caller, query: &UserQuery) -> Result<Page<User>, AppError> {
        caller.require(&[Role::Admin])?;
        self.users.list(query).await
    }

    /// One account (Admin only).
    pub async fn get(&self, caller: &Caller, id: Uuid) -> Result<User, AppError> {
        caller.require(&[Role::Admin])?;
        self.load(id).await
    }

    /// Changes any account (Admin only). Nobody raises their own role, and the last active Admin stays one.
    pub async fn update(&self, caller: &Caller, id: Uuid, patch: AdminUserPatch) -> Result<User, AppError> {
        caller.require(&[Role::Admin])?;
        let user = self.load(id).await?;
        if id == caller.id && patch.role.is_some_and(|role| role.rank() > caller.role.rank()) {
            return Err(AppError::Forbidden("You cannot raise your own role".into()));
        }
        let demoted = patch.role.is_some_and(|role| role != Role::Admin);
        let deactivated = patch.is_active == Some(false);
        if demoted || deactivated {
            self.ensure_not_last_admin(&user, if demoted { "demote" } else { "deactivate" }).await?;
        }
        let mut updated = self.apply_profile(user, &patch.profile)?;
        if let Some(role) = patch.role {
            updated.role = role;
        }
        if let Some(active) = patch.is_active {
            updated.is_active = active;
        }
        self.users.update(&updated).await?;
        if deactivated {
            self.tokens.revoke_user(updated.id, updated.updated_at).await?;
        }
        self.record(caller, ActivityAction::UserUpdated, updated.id, format!("updated {}", updated.email)).await?;
        Ok(updated)
    }

    /// Deletes any account (Admin only); the last active Admin cannot be deleted.
    pub async fn delete(&self, caller: &Caller, id: Uuid) -> Result<(), AppError> {
        caller.require(&[Role::Admin])?;
        let user = self.load(id).await?;
        self.ensure_not_last_admin(&user, "delete").await?;
        self.remove(caller, user).await
    }

    /// Account totals (Admin only).
    pub async fn stats(&self, caller: &Caller) -> Result<UserStats, AppError> {
        caller.require(&[Role::Admin])?;
        self.users.stats().await
    }

    /// Replaces the avatar of `target` (the caller's own, or any account for an Admin).
    pub async fn set_avatar(&self, caller: &Caller, target: Uuid, bytes: Vec<u8>) -> Result<User, AppError> {
        if target != caller.id {
            caller.require(&[Role::Admin])?;
        }
        let mut user = self.load(target).await?;
        let ImageUpload { key, .. } = self.media.store_image(&format!("avatars/{target}"), bytes).await?;
        let old = user.avatar_key.replace(key);
        user.updated_at = self.clock.now();
        if let Err(err) = self.users.update(&user).await {
            // The account still points at the old image: do not leave the new one behind.
            if let Some(new_key) = &user.avatar_key {
                self.media.remove(new_key).await;
            }
            return Err(err);
        }
        if let Some(old) = old {
            self.media.remove(&old).await;
        }
        self.record(caller, ActivityAction::AvatarUpdated, user.id, "replaced avatar").await?;
        Ok(user)
    }

    async fn load(&self, id: Uuid) -> Result<User, AppError> {
        self.users.find_by_id(id).await?.ok_or_else(|| AppError::NotFound("User not found".into()))
    }

    async fn remove(&self, caller: &Caller, user: User) -> Result<(), AppError> {
        if !self.users.delete(user.id).await? {
            return Err(AppError::NotFound("User not found".into()));
        }
        if let Some(key) = &user.avatar_key {
            self.media.remove(key).await;
        }
        // The account's datasets went with it (cascade); their files must not stay behind.
        self.media.remove_folder(&dataset_folder(user.id)).await;
        self.record(caller, ActivityAction::UserDeleted, user.id, format!("deleted {}", user.email)).await
    }

    async fn ensure_not_last_admin(&self, user: &User, verb: &str) -> Result<(), AppError> {
        if user.role == Role::Admin && user.is_active && self.users.count_active_admins().await? <= 1 {
            return Err(AppError::Conflict(format!("Cannot {verb} the last active Admin")));
        }
        Ok(())
    }

    fn apply_profile(&self, mut user: User, patch: &ProfilePatch) -> Result<User, AppError> {
        let mut v = Validator::new();
        if let Some(email) = &patch.email
            && let Some(email) = v.check(Email::parse(email))
        {
            user.email = email;
        }
        if let Some(username) = &patch.username {
            match username.as_deref() {
                None => user.username = None,
                Some(raw) => {
                    if let Some(name) = v.check(Username::parse(raw)) {
                        user.username = Some(name);
                    }
                }
            }
        }
        let mut text = |value: &Option<Option<String>>, field: &str, max: usize, slot: &mut Option<String>| {
            if let Some(value) = value
                && let Some(parsed) = v.check(profile_text(value.as_deref(), field, max))
            {
                *slot = parsed;
            }
        };
        text(&patch.full_name, "fullName", NAME_MAX_CHARS, &mut user.full_name);
        text(&patch.phone, "phone", PHONE_MAX_CHARS, &mut user.phone);
        text(&patch.address, "address", ADDRESS_MAX_CHARS, &mut user.address);
        v.finish()?;
        user.updated_at = self.clock.now();
        Ok(user)
    }

    async fn record(
        &self,
        caller: &Caller,
        action: ActivityAction,
        user_id: Uuid,
        description: impl Into<String>,
    ) -> Result<(), AppError> {
        self.activities
            .record(NewActivity::about(Some(caller.id), action, EntityType::User, Some(user_id), description))
            .await
    }
}
