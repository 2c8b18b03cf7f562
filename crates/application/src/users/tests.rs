//! The account rules at the application level, over in-memory fakes: Admin-only user management for every role, the
//! last active Admin, deactivation and password changes ending sessions. Through HTTP in `tests/it/api/users.rs`.

use leadscore_domain::activity::ActivityAction;
use leadscore_domain::users::{Role, User};
use uuid::Uuid;

use super::{AdminUserPatch, CreateUser, ProfilePatch, UserQuery, UserService};
use crate::AppError;
use crate::auth::RefreshTokenRecord;
use crate::system::Clock;
use crate::testing::{Answer, Fakes, PASSWORD, answer, caller};

const OK: Answer = Answer::Ok;
use Answer::{Conflict, Forbidden, Invalid, NotFound};

/// The smallest valid PNG (1×1).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89,
];

struct World {
    fakes: Fakes,
    service: UserService,
    admin: User,
}

impl World {
    fn new() -> Self {
        let fakes = Fakes::new();
        let admin = fakes.user(Role::Admin).unwrap();
        let service = fakes.user_service();
        Self { fakes, service, admin }
    }

    fn stored(&self, id: Uuid) -> Option<User> {
        self.fakes.db.with(|s| s.users.get(&id).cloned())
    }

    /// A live refresh token of `user`.
    fn session(&self, user: &User) -> Uuid {
        let now = self.fakes.clock.now();
        let record = RefreshTokenRecord {
            id: Uuid::now_v7(),
            user_id: user.id,
            family_id: Uuid::now_v7(),
            token_hash: format!("hash-{}", Uuid::now_v7()),
            created_at: now,
            expires_at: now + chrono::Duration::days(7),
            rotated_at: None,
            revoked_at: None,
        };
        let id = record.id;
        self.fakes.db.with(|s| s.refresh_tokens.push(record));
        id
    }

    fn revoked(&self, token: Uuid) -> bool {
        self.fakes.db.with(|s| s.refresh_tokens.iter().any(|t| t.id == token && t.revoked_at.is_some()))
    }
}

fn new_account(email: &str, role: Role) -> CreateUser {
    CreateUser {
        email: email.into(),
        username: None,
        password: PASSWORD.into(),
        full_name: None,
        phone: None,
        address: None,
        role,
    }
}

#[derive(Debug, Clone, Copy)]
enum AdminOp {
    List,
    Get,
    Create,
    Update,
    Delete,
    Stats,
}

#[tokio::test]
async fn only_admins_manage_accounts() {
    for op in [AdminOp::List, AdminOp::Get, AdminOp::Create, AdminOp::Update, AdminOp::Delete, AdminOp::Stats] {
        for role in Role::ALL {
            let w = World::new();
            let me = w.fakes.user(role).unwrap();
            let target = w.fakes.user(Role::Sales).unwrap();
            let (c, s) = (caller(&me), &w.service);
            let before = w.fakes.db.snapshot();
            let got = match op {
                AdminOp::List => answer(&s.list(&c, &UserQuery::default()).await),
                AdminOp::Get => answer(&s.get(&c, target.id).await),
                AdminOp::Create => answer(&s.create(&c, new_account("new@bank.example", Role::Admin)).await),
                AdminOp::Update => {
                    let patch = AdminUserPatch { role: Some(Role::Admin), ..AdminUserPatch::default() };
                    answer(&s.update(&c, target.id, patch).await)
                }
                AdminOp::Delete => answer(&s.delete(&c, target.id).await),
                AdminOp::Stats => answer(&s.stats(&c).await),
            };
            let expected = if role == Role::Admin { OK } else { Forbidden };
            assert_eq!(got, expected, "{op:?} as {role}");
            if expected != OK {
                assert_eq!(w.fakes.db.snapshot(), before, "a refused {op:?} as {role} changed something");
            }
        }
    }
}

#[tokio::test]
async fn anyone_sets_their_own_avatar_and_only_admins_set_someone_elses() {
    for role in Role::ALL {
        let w = World::new();
        let me = w.fakes.user(role).unwrap();
        let other = w.fakes.user(Role::Sales).unwrap();
        let own = w.service.set_avatar(&caller(&me), me.id, PNG.to_vec()).await;
        assert_eq!(answer(&own), OK, "own avatar as {role}");
        let theirs = w.service.set_avatar(&caller(&me), other.id, PNG.to_vec()).await;
        assert_eq!(answer(&theirs), if role == Role::Admin { OK } else { Forbidden }, "someone else's as {role}");
        assert_eq!(w.stored(other.id).unwrap().avatar_key.is_some(), role == Role::Admin);
    }
}

#[tokio::test]
async fn replacing_an_avatar_removes_the_old_file() {
    let w = World::new();
    let me = caller(&w.admin);
    let first = w.service.set_avatar(&me, w.admin.id, PNG.to_vec()).await.unwrap().avatar_key.unwrap();
    let second = w.service.set_avatar(&me, w.admin.id, PNG.to_vec()).await.unwrap().avatar_key.unwrap();
    let keys: Vec<String> = w.fakes.db.with(|s| s.files.keys().cloned().collect());
    assert_eq!(keys, std::slice::from_ref(&second));
    assert_ne!(first, second);
    let script = w.service.set_avatar(&me, w.admin.id, b"<?php system($_GET['c']); ?>".to_vec()).await;
    assert!(matches!(script, Err(AppError::UnsupportedMediaType(_))), "{script:?}");
}

#[tokio::test]
async fn the_last_active_admin_can_be_neither_demoted_deactivated_nor_deleted() {
    let w = World::new();
    let me = caller(&w.admin);
    let demote = || AdminUserPatch { role: Some(Role::Manager), ..AdminUserPatch::default() };
    let deactivate = || AdminUserPatch { is_active: Some(false), ..AdminUserPatch::default() };
    let before = w.fakes.db.snapshot();
    // The service refuses before it writes, naming what was refused; the repository's own guard (the one that holds
    // under races) would answer "Cannot remove the last active Admin".
    let refusal = |verb: &str| Err(AppError::Conflict(format!("Cannot {verb} the last active Admin")));
    assert_eq!(w.service.update(&me, w.admin.id, demote()).await.map(|_| ()), refusal("demote"));
    assert_eq!(w.service.update(&me, w.admin.id, deactivate()).await.map(|_| ()), refusal("deactivate"));
    assert_eq!(w.service.delete(&me, w.admin.id).await, refusal("delete"));
    assert_eq!(w.service.delete_me(&me, PASSWORD).await, refusal("delete"));
    assert_eq!(w.fakes.db.snapshot(), before);

    // An inactive Admin does not count.
    let dormant = w.fakes.user(Role::Admin).unwrap();
    w.service.update(&me, dormant.id, deactivate()).await.unwrap();
    assert_eq!(answer(&w.service.update(&me, w.admin.id, demote()).await), Conflict);

    // With a second active Admin, either may step down, and the other then cannot.
    let second = w.fakes.user(Role::Admin).unwrap();
    assert_eq!(answer(&w.service.update(&me, w.admin.id, demote()).await), OK);
    assert_eq!(w.stored(w.admin.id).unwrap().role, Role::Manager);
    assert_eq!(answer(&w.service.update(&caller(&second), second.id, deactivate()).await), Conflict);
    // Changes that keep the Admin an active Admin are fine.
    let rename = AdminUserPatch {
        profile: ProfilePatch { full_name: Some(Some("Still here".into())), ..ProfilePatch::default() },
        role: Some(Role::Admin),
        is_active: Some(true),
    };
    assert_eq!(answer(&w.service.update(&caller(&second), second.id, rename).await), OK);
}

#[tokio::test]
async fn a_demoted_admin_loses_user_management_at_once_and_cannot_promote_themselves() {
    let w = World::new();
    let first = w.fakes.user(Role::Admin).unwrap();
    let demote = AdminUserPatch { role: Some(Role::Manager), ..AdminUserPatch::default() };
    w.service.update(&caller(&w.admin), first.id, demote).await.unwrap();
    // The caller is read from the account on every request: the demoted account is a Manager now.
    let now_manager = caller(&w.stored(first.id).unwrap());
    let promote = AdminUserPatch { role: Some(Role::Admin), ..AdminUserPatch::default() };
    assert_eq!(answer(&w.service.update(&now_manager, first.id, promote).await), Forbidden);
    assert_eq!(answer(&w.service.list(&now_manager, &UserQuery::default()).await), Forbidden);
    assert_eq!(w.stored(first.id).unwrap().role, Role::Manager);
}

#[tokio::test]
async fn deactivating_an_account_ends_its_sessions_and_other_changes_do_not() {
    let w = World::new();
    let me = caller(&w.admin);
    let user = w.fakes.user(Role::Sales).unwrap();
    let token = w.session(&user);
    let rename = AdminUserPatch {
        profile: ProfilePatch { full_name: Some(Some("Renamed".into())), ..ProfilePatch::default() },
        role: Some(Role::Manager),
        ..AdminUserPatch::default()
    };
    w.service.update(&me, user.id, rename).await.unwrap();
    assert!(!w.revoked(token), "a profile or role change keeps the sessions");
    let deactivate = AdminUserPatch { is_active: Some(false), ..AdminUserPatch::default() };
    w.service.update(&me, user.id, deactivate).await.unwrap();
    assert!(w.revoked(token), "deactivation revokes every refresh token");
    assert!(!w.stored(user.id).unwrap().is_active);
}

#[tokio::test]
async fn accounts_that_own_campaigns_cannot_be_deleted() {
    let w = World::new();
    let owner = w.fakes.user(Role::Manager).unwrap();
    w.fakes.campaign(&owner, &[]);
    let before = w.fakes.db.snapshot();
    let Err(AppError::Conflict(message)) = w.service.delete(&caller(&w.admin), owner.id).await else {
        panic!("an owner's account must not be deleted");
    };
    assert!(message.contains("owns campaigns"), "{message}");
    assert_eq!(w.fakes.db.snapshot(), before);
    assert_eq!(answer(&w.service.delete(&caller(&w.admin), Uuid::now_v7()).await), NotFound);
}

#[tokio::test]
async fn admins_create_accounts_with_any_role_and_unique_logins() {
    let w = World::new();
    let me = caller(&w.admin);
    for role in Role::ALL {
        let email = format!("New-{role}@Bank.Example");
        let user = w.service.create(&me, new_account(&email, role)).await.unwrap();
        assert_eq!((user.role, user.email.as_str()), (role, email.to_lowercase().as_str()));
        assert!(user.is_active);
    }
    let Err(AppError::Conflict(message)) =
        w.service.create(&me, new_account("new-sales@bank.example", Role::Sales)).await
    else {
        panic!("a taken e-mail must be refused");
    };
    assert_eq!(message, "Email is already registered");
    let bad = CreateUser { password: "short".into(), username: Some("x".into()), ..new_account("nope", Role::Sales) };
    let Err(AppError::Validation(errors)) = w.service.create(&me, bad).await else { panic!("must be refused") };
    let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["email", "password", "username"], "every field at once");
}

#[tokio::test]
async fn a_password_change_checks_the_current_one_and_ends_every_session() {
    let w = World::new();
    let user = w.fakes.user(Role::Sales).unwrap();
    let me = caller(&user);
    let token = w.session(&user);
    let before = w.fakes.db.snapshot();
    for (current, new, confirm, field) in [
        ("Wrong-pass-1", "N3w-pass-word", "N3w-pass-word", "currentPassword"),
        (PASSWORD, "N3w-pass-word", "Other-pass-1", "confirmPassword"),
        (PASSWORD, PASSWORD, PASSWORD, "newPassword"),
        (PASSWORD, "short", "short", "newPassword"),
    ] {
        let Err(AppError::Validation(errors)) = w.service.change_password(&me, current, new, confirm).await else {
            panic!("{field} must be refused");
        };
        assert_eq!(errors[0].field, field);
    }
    assert_eq!(w.fakes.db.snapshot(), before);

    w.service.change_password(&me, PASSWORD, "N3w-pass-word", "N3w-pass-word").await.unwrap();
    let stored = w.stored(user.id).unwrap();
    assert_eq!(stored.token_version, user.token_version + 1, "access tokens of the old version stop working");
    assert!(w.revoked(token), "refresh tokens are revoked");
    assert_eq!(w.fakes.db.with(|s| s.activities.last().map(|a| a.action)), Some(ActivityAction::PasswordChanged));
}

#[tokio::test]
async fn deleting_ones_own_account_needs_the_password() {
    let w = World::new();
    let user = w.fakes.user(Role::Manager).unwrap();
    assert_eq!(answer(&w.service.delete_me(&caller(&user), "Wrong-pass-1").await), Invalid);
    assert!(w.stored(user.id).is_some());
    assert_eq!(answer(&w.service.delete_me(&caller(&user), PASSWORD).await), OK);
    assert!(w.stored(user.id).is_none());
}

#[tokio::test]
async fn a_profile_change_cannot_take_someone_elses_email() {
    let w = World::new();
    let user = w.fakes.user(Role::Sales).unwrap();
    let patch = ProfilePatch { email: Some(w.admin.email.as_str().to_uppercase()), ..ProfilePatch::default() };
    assert_eq!(answer(&w.service.update_me(&caller(&user), patch).await), Conflict);
    assert_eq!(w.stored(user.id).unwrap().email, user.email);
}
