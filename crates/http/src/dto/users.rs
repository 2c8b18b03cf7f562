//! Bodies of the profile and user-management endpoints.

use chrono::{DateTime, Utc};
use garde::Validate;
use leadscore_application::users::{AdminUserPatch, CreateUser, ProfilePatch, UserQuery, UserSortField};
use leadscore_domain::users::{Role, User, UserStats};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::common::check_range;
use crate::dto::common::list_params;
use crate::error::ApiError;

api_enum!(
    RoleDto => Role {
        /// Everything.
        Admin = "Admin",
        /// Customers, campaigns they own, analytics.
        Manager = "Manager",
        /// Campaigns they collaborate on.
        Sales = "Sales",
    }
);

/// An account as shown to its owner and to Admins. Never includes the password hash.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({
    "id": "019a5a3c-7d1e-7c4a-9f1e-2b3c4d5e6f70", "email": "ana@bank.example", "username": "ana",
    "fullName": "Ana Lopez", "phone": "+62 812 3456 7890", "address": null, "role": "Sales", "isActive": true,
    "avatarUrl": null, "lastLoginAt": "2026-11-22T08:30:00Z", "createdAt": "2026-11-01T09:00:00Z",
    "updatedAt": "2026-11-20T10:00:00Z"}))]
pub struct UserDto {
    /// Account id.
    pub id: Uuid,
    /// E-mail (lower-cased).
    pub email: String,
    /// Username (lower-cased).
    pub username: Option<String>,
    /// Display name.
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub role: RoleDto,
    /// Whether the account may sign in.
    pub is_active: bool,
    /// Where the avatar is served, when there is one.
    pub avatar_url: Option<String>,
    /// Last successful login.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserDto {
    fn from(user: User) -> Self {
        Self {
            id: user.id,
            email: user.email.as_str().to_owned(),
            username: user.username.map(|u| u.as_str().to_owned()),
            full_name: user.full_name,
            phone: user.phone,
            address: user.address,
            role: user.role.into(),
            is_active: user.is_active,
            avatar_url: user.avatar_key.map(|key| format!("/media/{key}")),
            last_login_at: user.last_login_at,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

/// `Some("")` clears an optional text field, `None` leaves it unchanged.
fn clearable(value: &Option<String>) -> Option<Option<String>> {
    value.as_ref().map(|v| if v.trim().is_empty() { None } else { Some(v.clone()) })
}

/// Changes to one's own profile. Omitted fields stay as they are; an empty string clears an optional field.
/// Role, status and password cannot be changed here.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"fullName": "Ana Lopez-Garcia", "phone": "+62 812 0000 1111"}))]
pub struct UpdateProfileRequest {
    /// New e-mail.
    #[garde(email, length(chars, max = leadscore_domain::limits::EMAIL_MAX_CHARS))]
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    /// New username, or "" to remove it.
    #[garde(length(chars, max = leadscore_domain::limits::USERNAME_MAX_CHARS))]
    #[schema(max_length = 32, pattern = r"^[A-Za-z0-9._-]{3,32}$")]
    pub username: Option<String>,
    /// Display name.
    #[garde(length(chars, max = leadscore_domain::limits::NAME_MAX_CHARS))]
    #[schema(max_length = 120, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub full_name: Option<String>,
    #[garde(length(chars, max = leadscore_domain::limits::PHONE_MAX_CHARS))]
    #[schema(max_length = 32)]
    pub phone: Option<String>,
    #[garde(length(chars, max = leadscore_domain::limits::ADDRESS_MAX_CHARS))]
    #[schema(max_length = 300, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub address: Option<String>,
}

impl From<UpdateProfileRequest> for ProfilePatch {
    fn from(body: UpdateProfileRequest) -> Self {
        ProfilePatch {
            email: body.email,
            username: clearable(&body.username),
            full_name: clearable(&body.full_name),
            phone: clearable(&body.phone),
            address: clearable(&body.address),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"currentPassword": "s3cret-pass", "newPassword": "n3w-secret-pass", "confirmPassword": "n3w-secret-pass"}))]
pub struct ChangePasswordRequest {
    /// The password in use now.
    #[garde(length(chars, min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub current_password: String,
    /// The new password: 8+ characters with a letter and a digit, at most 72 bytes.
    #[garde(length(min = leadscore_domain::users::Password::MIN_LEN, max = leadscore_domain::users::Password::MAX_BYTES))]
    #[schema(min_length = 8, max_length = 72, pattern = r"^(?=[^\u0000]*[A-Za-z])(?=[^\u0000]*[0-9])[^\u0000]*$")]
    pub new_password: String,
    /// The new password again.
    #[garde(length(min = 1, max = 72))]
    #[schema(min_length = 1, max_length = 72)]
    pub confirm_password: String,
}

/// Confirmation for deleting one's own account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeleteAccountRequest {
    /// The current password.
    #[garde(length(chars, min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

/// An account created by an Admin.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"email": "budi@bank.example", "password": "Welcome-2026", "fullName": "Budi Santoso", "role": "Manager"}))]
pub struct CreateUserRequest {
    /// E-mail (unique).
    #[garde(email, length(chars, max = leadscore_domain::limits::EMAIL_MAX_CHARS))]
    #[schema(max_length = 254, format = Email)]
    pub email: String,
    /// Optional username (unique).
    #[garde(length(chars, min = leadscore_domain::limits::USERNAME_MIN_CHARS, max = leadscore_domain::limits::USERNAME_MAX_CHARS))]
    #[schema(min_length = 3, max_length = 32, pattern = r"^[A-Za-z0-9._-]{3,32}$")]
    pub username: Option<String>,
    /// Initial password: 8+ characters with a letter and a digit, at most 72 bytes.
    #[garde(length(min = leadscore_domain::users::Password::MIN_LEN, max = leadscore_domain::users::Password::MAX_BYTES))]
    #[schema(min_length = 8, max_length = 72, pattern = r"^(?=[^\u0000]*[A-Za-z])(?=[^\u0000]*[0-9])[^\u0000]*$")]
    pub password: String,
    /// Display name.
    #[garde(length(chars, max = leadscore_domain::limits::NAME_MAX_CHARS))]
    #[schema(max_length = 120, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub full_name: Option<String>,
    #[garde(length(chars, max = leadscore_domain::limits::PHONE_MAX_CHARS))]
    #[schema(max_length = 32)]
    pub phone: Option<String>,
    #[garde(length(chars, max = leadscore_domain::limits::ADDRESS_MAX_CHARS))]
    #[schema(max_length = 300, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub address: Option<String>,
    /// Role (default Sales).
    #[garde(skip)]
    pub role: Option<RoleDto>,
}

impl From<CreateUserRequest> for CreateUser {
    fn from(body: CreateUserRequest) -> Self {
        CreateUser {
            email: body.email,
            username: body.username,
            password: body.password,
            full_name: body.full_name,
            phone: body.phone,
            address: body.address,
            role: body.role.map_or(Role::Sales, Role::from),
        }
    }
}

/// Changes an Admin makes to an account. Omitted fields stay; "" clears an optional text field.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(example = json!({"role": "Manager", "isActive": true}))]
pub struct AdminUpdateUserRequest {
    /// New e-mail.
    #[garde(email, length(chars, max = leadscore_domain::limits::EMAIL_MAX_CHARS))]
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    /// New username, or "" to remove it.
    #[garde(length(chars, max = leadscore_domain::limits::USERNAME_MAX_CHARS))]
    #[schema(max_length = 32, pattern = r"^[A-Za-z0-9._-]{3,32}$")]
    pub username: Option<String>,
    /// Display name.
    #[garde(length(chars, max = leadscore_domain::limits::NAME_MAX_CHARS))]
    #[schema(max_length = 120, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub full_name: Option<String>,
    #[garde(length(chars, max = leadscore_domain::limits::PHONE_MAX_CHARS))]
    #[schema(max_length = 32)]
    pub phone: Option<String>,
    #[garde(length(chars, max = leadscore_domain::limits::ADDRESS_MAX_CHARS))]
    #[schema(max_length = 300, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub address: Option<String>,
    /// New role.
    #[garde(skip)]
    pub role: Option<RoleDto>,
    /// Activate or deactivate the account; deactivation ends its sessions at once.
    #[garde(skip)]
    pub is_active: Option<bool>,
}

impl From<AdminUpdateUserRequest> for AdminUserPatch {
    fn from(body: AdminUpdateUserRequest) -> Self {
        AdminUserPatch {
            profile: ProfilePatch {
                email: body.email,
                username: clearable(&body.username),
                full_name: clearable(&body.full_name),
                phone: clearable(&body.phone),
                address: clearable(&body.address),
            },
            role: body.role.map(Role::from),
            is_active: body.is_active,
        }
    }
}

/// Fields a user list can be sorted by.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum UserSortBy {
    /// Creation time (default).
    #[default]
    CreatedAt,
    /// E-mail.
    Email,
    /// Display name.
    FullName,
    LastLoginAt,
    Role,
}

list_params!(
    /// Filters of the user list.
    UserListParams sorted by UserSortBy {
        /// Case-insensitive search in e-mail, username and name.
        #[garde(length(chars, max = 200))]
        #[param(max_length = 200)]
        pub q: Option<String>,
        /// Only this role.
        #[garde(skip)]
        pub role: Option<RoleDto>,
        /// Only active (true) or inactive (false) accounts.
        #[garde(skip)]
        pub is_active: Option<bool>,
        /// Created at or after (RFC 3339).
        #[garde(skip)]
        pub from: Option<DateTime<Utc>>,
        /// Created at or before (RFC 3339).
        #[garde(skip)]
        pub to: Option<DateTime<Utc>>,
    }
);

impl UserListParams {
    /// The application query.
    pub fn into_query(self) -> Result<UserQuery, ApiError> {
        check_range(self.from, self.to)?;
        let page = self.page_request()?;
        Ok(UserQuery {
            role: self.role.map(Role::from),
            is_active: self.is_active,
            q: self.q,
            from: self.from,
            to: self.to,
            sort_by: match self.sort_by.unwrap_or_default() {
                UserSortBy::CreatedAt => UserSortField::CreatedAt,
                UserSortBy::Email => UserSortField::Email,
                UserSortBy::FullName => UserSortField::FullName,
                UserSortBy::LastLoginAt => UserSortField::LastLoginAt,
                UserSortBy::Role => UserSortField::Role,
            },
            sort_dir: self.sort_dir.unwrap_or_default().into(),
            page,
        })
    }
}

/// Account totals for the user-management dashboard.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"totalAccounts": 25, "adminAccounts": 1, "managerAccounts": 4, "salesAccounts": 20, "activeAccounts": 23}))]
pub struct UserStatsDto {
    /// All accounts.
    pub total_accounts: u64,
    pub admin_accounts: u64,
    pub manager_accounts: u64,
    pub sales_accounts: u64,
    /// Accounts that may sign in.
    pub active_accounts: u64,
}

impl From<UserStats> for UserStatsDto {
    fn from(s: UserStats) -> Self {
        Self {
            total_accounts: s.total,
            admin_accounts: s.admins,
            manager_accounts: s.managers,
            sales_accounts: s.sales,
            active_accounts: s.active,
        }
    }
}
