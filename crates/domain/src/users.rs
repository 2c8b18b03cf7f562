//! Accounts: who may sign in, with which role, and the values an account is made of.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::DomainError;

/// What a signed-in person may do. The full matrix lives in `docs/rbac.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Everything, including user management.
    Admin,
    /// Customers, imports and exports, the campaigns they own, analytics.
    Manager,
    /// The campaigns they collaborate on: their leads, lead status, notes; single predictions.
    Sales,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Manager, Role::Sales];

    /// The exact string used in the API and the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Manager => "Manager",
            Role::Sales => "Sales",
        }
    }

    /// Rank used to stop people from raising their own privileges (higher is more powerful).
    pub fn rank(self) -> u8 {
        match self {
            Role::Admin => 3,
            Role::Manager => 2,
            Role::Sales => 1,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| DomainError::invalid("role", "must be one of Admin, Manager, Sales"))
    }
}

/// A syntactically valid e-mail address, stored lower-cased so lookups are case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

impl Email {
    /// Parses and normalises an address (trimmed, lower-cased, at most 254 characters).
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let value = raw.trim().to_lowercase();
        let valid = value.len() <= crate::limits::EMAIL_MAX_CHARS
            && match value.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && local.len() <= 64
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains("..")
                        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
                        && !domain.contains('@')
                }
                None => false,
            };
        if valid { Ok(Self(value)) } else { Err(DomainError::invalid("email", "must be a valid email address")) }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A login name: 3–32 characters of letters, digits, `.`, `_` or `-`, stored lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Username(String);

impl Username {
    /// Parses and normalises a username.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let value = raw.trim().to_lowercase();
        let length_ok =
            (crate::limits::USERNAME_MIN_CHARS..=crate::limits::USERNAME_MAX_CHARS).contains(&value.chars().count());
        let chars_ok = value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        // An '@' would make a username indistinguishable from an e-mail identifier at login.
        if length_ok && chars_ok {
            Ok(Self(value))
        } else {
            Err(DomainError::invalid("username", "must be 3-32 characters of letters, digits, '.', '_' or '-'"))
        }
    }

    /// The normalised username.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that satisfies the policy; it exists only long enough to be hashed.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Shortest password accepted.
    pub const MIN_LEN: usize = 8;
    /// bcrypt ignores everything past 72 bytes, so longer passwords would silently lose strength.
    pub const MAX_BYTES: usize = 72;

    /// Checks the policy: 8+ characters, at most 72 bytes, at least one letter and one digit.
    pub fn parse(raw: &str, field: &str) -> Result<Self, DomainError> {
        if raw.chars().count() < Self::MIN_LEN {
            return Err(DomainError::invalid(field, "must be at least 8 characters"));
        }
        if raw.len() > Self::MAX_BYTES {
            return Err(DomainError::invalid(field, "must be at most 72 bytes"));
        }
        if raw.contains('\0') {
            return Err(DomainError::invalid(field, "must not contain a NUL character"));
        }
        if !raw.chars().any(char::is_alphabetic) || !raw.chars().any(|c| c.is_ascii_digit()) {
            return Err(DomainError::invalid(field, "must contain at least one letter and one digit"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The plain text, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Checks an optional free-text profile field: trimmed, non-empty, at most `max` characters.
pub fn profile_text(raw: Option<&str>, field: &str, max: usize) -> Result<Option<String>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) if value.chars().count() > max => {
            Err(DomainError::invalid(field, format!("must be at most {max} characters")))
        }
        Some(value) if value.chars().any(char::is_control) => {
            Err(DomainError::invalid(field, "must not contain control characters"))
        }
        Some(value) => Ok(Some(value.to_owned())),
    }
}

/// A person who can sign in.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// UUID v7.
    pub id: Uuid,
    /// Unique, lower-cased.
    pub email: Email,
    /// Unique when present, lower-cased.
    pub username: Option<Username>,
    /// Display name.
    pub full_name: Option<String>,
    /// Contact phone.
    pub phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// What the user may do.
    pub role: Role,
    /// Inactive users cannot sign in, refresh or use existing tokens.
    pub is_active: bool,
    /// Storage key of the avatar image.
    pub avatar_key: Option<String>,
    /// bcrypt hash of the password.
    pub password_hash: String,
    /// Access tokens carry the version they were issued at and are refused once it moves on: a password change
    /// increments it, which ends every access token of the account at once (refresh tokens are revoked too).
    pub token_version: i64,
    /// Last successful login.
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Everything needed to create an account; the id and timestamps are chosen by the caller.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// UUID v7.
    pub id: Uuid,
    /// Unique e-mail.
    pub email: Email,
    /// Optional unique username.
    pub username: Option<Username>,
    /// Display name.
    pub full_name: Option<String>,
    /// Contact phone.
    pub phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Role granted.
    pub role: Role,
    /// bcrypt hash.
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

impl NewUser {
    /// The account as it will be stored.
    pub fn into_user(self) -> User {
        User {
            id: self.id,
            email: self.email,
            username: self.username,
            full_name: self.full_name,
            phone: self.phone,
            address: self.address,
            role: self.role,
            is_active: true,
            avatar_key: None,
            password_hash: self.password_hash,
            token_version: 0,
            last_login_at: None,
            created_at: self.created_at,
            updated_at: self.created_at,
        }
    }
}

/// Counts shown on the user-management dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UserStats {
    /// All accounts.
    pub total: u64,
    /// Accounts with role Admin.
    pub admins: u64,
    /// Accounts with role Manager.
    pub managers: u64,
    /// Accounts with role Sales.
    pub sales: u64,
    /// Accounts that may sign in.
    pub active: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(Email::parse("  Ana@Bank.Example ").unwrap().as_str(), "ana@bank.example");
        for bad in
            ["", "ana", "ana@", "@bank.example", "ana@bank", "ana@@bank.example", "a na@bank.example", "ana@.bank"]
        {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn username_rules() {
        assert_eq!(Username::parse("Ana.Lopez").unwrap().as_str(), "ana.lopez");
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("ana@bank").is_err());
        assert!(Username::parse(&"a".repeat(33)).is_err());
    }

    #[test]
    fn password_policy() {
        assert!(Password::parse("short1", "password").is_err());
        assert!(Password::parse("onlyletters", "password").is_err());
        assert!(Password::parse("12345678", "password").is_err());
        assert!(Password::parse(&format!("a1{}", "x".repeat(80)), "password").is_err());
        assert!(Password::parse("s3cret-pass", "password").is_ok());
        assert_eq!(format!("{:?}", Password::parse("s3cret-pass", "p").unwrap()), "Password(***)");
    }

    #[test]
    fn role_round_trips_and_ranks() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("admin".parse::<Role>().is_err());
        assert!(Role::Admin.rank() > Role::Manager.rank() && Role::Manager.rank() > Role::Sales.rank());
    }

    #[test]
    fn profile_text_trims_and_limits() {
        assert_eq!(profile_text(Some("  "), "phone", 5).unwrap(), None);
        assert_eq!(profile_text(Some(" 123 "), "phone", 5).unwrap(), Some("123".into()));
        assert!(profile_text(Some("123456"), "phone", 5).is_err());
    }
}
