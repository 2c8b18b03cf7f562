//! The authentication rules at the application level, over in-memory fakes: sign-up, login throttling, refresh-token
//! rotation and reuse, logout, and what makes an access token stop working. Through HTTP in `tests/it/api/auth.rs`.

use chrono::Duration;
use leadscore_domain::activity::ActivityAction;
use leadscore_domain::users::{Role, User};

use super::{AuthPolicy, AuthService, Registration, ThrottlePolicy};
use crate::AppError;
use crate::testing::{Answer, Fakes, PASSWORD, answer, caller};
use crate::users::{AdminUserPatch, UserService};

const OK: Answer = Answer::Ok;
use Answer::{Conflict, Forbidden, Invalid, TooMany, Unauthorized};

struct World {
    fakes: Fakes,
    auth: AuthService,
    users: UserService,
    admin: User,
}

impl World {
    fn new() -> Self {
        Self::with(|_| {})
    }

    fn with(policy: impl FnOnce(&mut AuthPolicy)) -> Self {
        let fakes = Fakes::new();
        let mut chosen = Fakes::auth_policy();
        policy(&mut chosen);
        let auth = fakes.auth_service(chosen);
        let users = fakes.user_service();
        let admin = fakes.user(Role::Admin).unwrap();
        Self { fakes, auth, users, admin }
    }

    fn actions(&self, action: ActivityAction) -> usize {
        self.fakes.db.with(|s| s.activities.iter().filter(|a| a.action == action).count())
    }
}

fn registration(email: &str) -> Registration {
    Registration { email: email.into(), username: None, password: PASSWORD.into(), full_name: None }
}

#[tokio::test]
async fn sign_up_makes_a_sales_account_and_refuses_taken_logins() {
    let w = World::new();
    let user = w.auth.register(registration("Ana@Bank.Example"), Some("10.0.0.1")).await.unwrap();
    assert_eq!((user.role, user.email.as_str()), (Role::Sales, "ana@bank.example"));
    let again = w.auth.register(registration("ana@bank.example"), Some("10.0.0.1")).await;
    assert_eq!(again.unwrap_err(), AppError::Conflict("Email is already registered".into()));
    let named = Registration { username: Some("Ana".into()), ..registration("other@bank.example") };
    w.auth.register(named, None).await.unwrap();
    let taken = Registration { username: Some("ANA".into()), ..registration("third@bank.example") };
    assert_eq!(w.auth.register(taken, None).await.unwrap_err(), AppError::Conflict("Username is already taken".into()));
    let weak = Registration { password: "onlyletters".into(), ..registration("weak@bank.example") };
    assert_eq!(answer(&w.auth.register(weak, None).await), Invalid);
    // The account signs in by e-mail or username.
    w.auth.login("ana", PASSWORD, None).await.unwrap();
}

#[tokio::test]
async fn sign_up_can_be_disabled() {
    let w = World::with(|p| p.allow_signup = false);
    let before = w.fakes.db.snapshot();
    assert_eq!(answer(&w.auth.register(registration("ana@bank.example"), Some("10.0.0.1")).await), Forbidden);
    assert_eq!(w.fakes.db.snapshot(), before);
}

#[tokio::test]
async fn sign_ups_are_throttled_per_address_whatever_their_answer() {
    let w = World::with(|p| p.throttle.max_signups_per_ip = 3);
    let ip = Some("10.0.0.1");
    assert_eq!(answer(&w.auth.register(registration("one@bank.example"), ip).await), OK);
    assert_eq!(answer(&w.auth.register(registration("one@bank.example"), ip).await), Conflict);
    assert_eq!(answer(&w.auth.register(registration("two@bank.example"), ip).await), OK);
    let Err(AppError::TooManyRequests { retry_after_secs, .. }) =
        w.auth.register(registration("three@bank.example"), ip).await
    else {
        panic!("the fourth sign-up from one address must be throttled");
    };
    assert!((1..=15 * 60).contains(&retry_after_secs), "{retry_after_secs}");
    assert_eq!(answer(&w.auth.register(registration("three@bank.example"), Some("10.0.0.2")).await), OK);
    // An attempt counts while it is in the window, its last instant included.
    w.fakes.clock.advance(Duration::minutes(15));
    assert_eq!(answer(&w.auth.register(registration("four@bank.example"), ip).await), TooMany);
    w.fakes.clock.advance(Duration::seconds(1));
    assert_eq!(answer(&w.auth.register(registration("four@bank.example"), ip).await), OK, "the window moved on");
}

#[tokio::test]
async fn a_failed_login_says_nothing_about_which_accounts_exist() {
    let w = World::new();
    let inactive = w.fakes.user(Role::Sales).unwrap();
    let off = AdminUserPatch { is_active: Some(false), ..AdminUserPatch::default() };
    w.users.update(&caller(&w.admin), inactive.id, off).await.unwrap();
    let attempts = [
        ("nobody@bank.example", PASSWORD),
        (w.admin.email.as_str(), "Wrong-pass-1"),
        // The right password of a deactivated account.
        (inactive.email.as_str(), PASSWORD),
    ];
    for (identifier, password) in attempts {
        let checks = w.fakes.hasher.checks();
        let got = w.auth.login(identifier, password, Some("10.0.0.1")).await;
        assert_eq!(got.unwrap_err(), AppError::Unauthorized("Invalid credentials".into()), "{identifier}");
        assert_eq!(w.fakes.hasher.checks(), checks + 1, "{identifier}: one password check, known account or not");
    }
    assert_eq!(w.actions(ActivityAction::LoginFailed), 3);
    assert_eq!(w.actions(ActivityAction::Login), 0);
}

#[tokio::test]
async fn a_login_issues_tokens_that_authenticate_the_account() {
    let w = World::new();
    let outcome =
        w.auth.login(&format!("  {}  ", w.admin.email.as_str().to_uppercase()), PASSWORD, None).await.unwrap();
    assert!(outcome.user.last_login_at.is_some());
    let me = w.auth.authenticate(&outcome.tokens.access_token).await.unwrap();
    assert_eq!(me, caller(&w.admin));
    assert_eq!(w.actions(ActivityAction::Login), 1);
    assert_eq!(answer(&w.auth.login("   ", PASSWORD, None).await), Invalid);
}

#[tokio::test]
async fn failures_lock_an_account_by_either_of_its_names_until_the_window_passes() {
    let w = World::with(|p| p.throttle = ThrottlePolicy { max_failures_per_account: 3, ..ThrottlePolicy::default() });
    let user = w.fakes.user(Role::Sales).unwrap();
    let named = User { username: Some(leadscore_domain::users::Username::parse("siti").unwrap()), ..user.clone() };
    w.fakes.db.with(|s| s.users.insert(user.id, named));
    for identifier in ["siti", user.email.as_str(), "SITI"] {
        assert_eq!(answer(&w.auth.login(identifier, "Wrong-pass-1", None).await), Unauthorized);
    }
    let checks = w.fakes.hasher.checks();
    for identifier in ["siti", user.email.as_str()] {
        assert_eq!(answer(&w.auth.login(identifier, PASSWORD, None).await), TooMany, "even the right password");
    }
    assert_eq!(w.fakes.hasher.checks(), checks, "a locked account's password is not checked");
    assert_eq!(answer(&w.auth.login(w.admin.email.as_str(), PASSWORD, None).await), OK, "others are not locked");
    w.fakes.clock.advance(Duration::minutes(15) + Duration::seconds(1));
    assert_eq!(answer(&w.auth.login("siti", PASSWORD, None).await), OK);
}

#[tokio::test]
async fn the_retry_after_counts_from_the_oldest_failure_in_the_window() {
    let w = World::with(|p| p.throttle.max_failures_per_account = 2);
    assert_eq!(answer(&w.auth.login(w.admin.email.as_str(), "Wrong-pass-1", None).await), Unauthorized);
    w.fakes.clock.advance(Duration::minutes(5));
    assert_eq!(answer(&w.auth.login(w.admin.email.as_str(), "Wrong-pass-2", None).await), Unauthorized);
    w.fakes.clock.advance(Duration::minutes(1));
    let Err(AppError::TooManyRequests { retry_after_secs, .. }) =
        w.auth.login(w.admin.email.as_str(), PASSWORD, None).await
    else {
        panic!("the account must be locked");
    };
    assert_eq!(retry_after_secs, 9 * 60, "15 minutes after the first failure, 6 minutes ago");
}

#[tokio::test]
async fn a_successful_login_forgets_the_accounts_failures() {
    let w = World::with(|p| p.throttle.max_failures_per_account = 3);
    let email = w.admin.email.as_str().to_owned();
    for _ in 0..2 {
        assert_eq!(answer(&w.auth.login(&email, "Wrong-pass-1", None).await), Unauthorized);
    }
    assert_eq!(answer(&w.auth.login(&email, PASSWORD, None).await), OK);
    for _ in 0..2 {
        assert_eq!(answer(&w.auth.login(&email, "Wrong-pass-1", None).await), Unauthorized);
    }
    assert_eq!(answer(&w.auth.login(&email, PASSWORD, None).await), OK, "two failures since the last success");
}

#[tokio::test]
async fn failures_from_one_address_lock_that_address_for_every_account() {
    let w = World::with(|p| {
        p.throttle =
            ThrottlePolicy { max_failures_per_account: 100, max_failures_per_ip: 4, ..ThrottlePolicy::default() }
    });
    for i in 0..4 {
        let got = w.auth.login(&format!("nobody{i}@bank.example"), PASSWORD, Some("10.0.0.9")).await;
        assert_eq!(answer(&got), Unauthorized);
    }
    assert_eq!(answer(&w.auth.login(w.admin.email.as_str(), PASSWORD, Some("10.0.0.9")).await), TooMany);
    assert_eq!(answer(&w.auth.login(w.admin.email.as_str(), PASSWORD, Some("10.0.0.10")).await), OK);
    assert_eq!(answer(&w.auth.login(w.admin.email.as_str(), PASSWORD, None).await), OK);
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_ends_its_whole_session_only() {
    let w = World::new();
    let first = w.auth.login(w.admin.email.as_str(), PASSWORD, None).await.unwrap().tokens;
    let other_session = w.auth.login(w.admin.email.as_str(), PASSWORD, None).await.unwrap().tokens;
    let rotated = w.auth.refresh(&first.refresh_token, None).await.unwrap().tokens;
    assert_ne!(rotated.refresh_token, first.refresh_token);
    assert_eq!(answer(&w.auth.authenticate(&rotated.access_token).await), OK);

    // The exchanged token again after the reuse window: theft is assumed, and every token of that login goes.
    w.fakes.clock.advance(Duration::seconds(11));
    assert_eq!(answer(&w.auth.refresh(&first.refresh_token, None).await), Unauthorized);
    assert_eq!(answer(&w.auth.refresh(&rotated.refresh_token, None).await), Unauthorized);
    assert_eq!(w.actions(ActivityAction::TokenReuse), 1);
    assert_eq!(answer(&w.auth.refresh(&other_session.refresh_token, None).await), OK, "other logins are unaffected");
    assert_eq!(answer(&w.auth.refresh("refresh-never-issued", None).await), Unauthorized);
}

#[tokio::test]
async fn a_token_presented_again_within_the_window_gets_the_same_successor() {
    let w = World::new();
    let first = w.auth.login(w.admin.email.as_str(), PASSWORD, None).await.unwrap().tokens;
    let rotated = w.auth.refresh(&first.refresh_token, None).await.unwrap().tokens;
    w.fakes.clock.advance(Duration::seconds(10));
    let again = w.auth.refresh(&first.refresh_token, None).await.unwrap().tokens;
    assert_eq!(again.refresh_token, rotated.refresh_token, "the second tab gets what the first one got");
    assert_eq!(again.refresh_expires_at, rotated.refresh_expires_at);
    assert_ne!(again.access_token, rotated.access_token);
    assert_eq!(answer(&w.auth.authenticate(&again.access_token).await), OK);
    assert_eq!(w.actions(ActivityAction::TokenReuse), 0);

    // The session goes on from the shared successor; once it has moved on, the old token is reuse at once.
    let next = w.auth.refresh(&rotated.refresh_token, None).await.unwrap().tokens;
    assert_eq!(answer(&w.auth.refresh(&first.refresh_token, None).await), Unauthorized);
    assert_eq!(answer(&w.auth.refresh(&next.refresh_token, None).await), Unauthorized, "the family was revoked");
    assert_eq!(w.actions(ActivityAction::TokenReuse), 1);
}

#[tokio::test]
async fn a_window_of_zero_makes_every_second_presentation_reuse() {
    let w = World::with(|p| p.refresh_reuse_window = Duration::zero());
    let first = w.auth.login(w.admin.email.as_str(), PASSWORD, None).await.unwrap().tokens;
    let rotated = w.auth.refresh(&first.refresh_token, None).await.unwrap().tokens;
    assert_eq!(answer(&w.auth.refresh(&first.refresh_token, None).await), Unauthorized);
    assert_eq!(answer(&w.auth.refresh(&rotated.refresh_token, None).await), Unauthorized);
}

#[tokio::test]
async fn a_logged_out_session_gets_nothing_within_the_window() {
    let w = World::new();
    let first = w.auth.login(w.admin.email.as_str(), PASSWORD, None).await.unwrap().tokens;
    let rotated = w.auth.refresh(&first.refresh_token, None).await.unwrap().tokens;
    w.auth.logout(Some(&rotated.refresh_token), None).await.unwrap();
    assert_eq!(answer(&w.auth.refresh(&first.refresh_token, None).await), Unauthorized);
}

#[tokio::test]
async fn a_refresh_token_expires_and_dies_with_its_account() {
    let w = World::new();
    let tokens = w.auth.login(w.admin.email.as_str(), PASSWORD, None).await.unwrap().tokens;
    w.fakes.clock.advance(Duration::days(7));
    assert_eq!(answer(&w.auth.refresh(&tokens.refresh_token, None).await), Unauthorized, "7 days is the limit");

    let user = w.fakes.user(Role::Sales).unwrap();
    let tokens = w.auth.login(user.email.as_str(), PASSWORD, None).await.unwrap().tokens;
    // Deactivated behind the service's back (no revocation): the refresh still fails, and revokes the session.
    w.fakes.db.with(|s| s.users.get_mut(&user.id).map(|u| u.is_active = false));
    assert_eq!(answer(&w.auth.refresh(&tokens.refresh_token, None).await), Unauthorized);
    w.fakes.db.with(|s| s.users.get_mut(&user.id).map(|u| u.is_active = true));
    assert_eq!(answer(&w.auth.refresh(&tokens.refresh_token, None).await), Unauthorized, "the family was revoked");
}

#[tokio::test]
async fn logout_ends_the_session_and_is_harmless_twice() {
    let w = World::new();
    let tokens = w.auth.login(w.admin.email.as_str(), PASSWORD, None).await.unwrap().tokens;
    let rotated = w.auth.refresh(&tokens.refresh_token, None).await.unwrap().tokens;
    w.auth.logout(Some(&rotated.refresh_token), None).await.unwrap();
    assert_eq!(answer(&w.auth.refresh(&rotated.refresh_token, None).await), Unauthorized);
    w.auth.logout(Some(&rotated.refresh_token), None).await.unwrap();
    w.auth.logout(Some("refresh-never-issued"), None).await.unwrap();
    w.auth.logout(None, None).await.unwrap();
    assert_eq!(w.actions(ActivityAction::Logout), 1, "only the logout that ended something is recorded");
}

/// A change this process did not make (another replica's) reaches authentication when the cached entry is a second
/// old, never later; before that, the entry may still answer.
#[tokio::test]
async fn another_replicas_change_is_seen_within_the_cache_lifetime() {
    let w = World::new();
    let user = w.fakes.user(Role::Manager).unwrap();
    let token = w.auth.login(user.email.as_str(), PASSWORD, None).await.unwrap().tokens.access_token;
    assert_eq!(answer(&w.auth.authenticate(&token).await), OK);
    // Deactivated behind this process's back, as another replica would.
    w.fakes.db.with(|s| s.users.get_mut(&user.id).map(|u| u.is_active = false));
    w.fakes.clock.advance(Duration::milliseconds(999));
    assert_eq!(answer(&w.auth.authenticate(&token).await), OK, "the entry is still fresh");
    w.fakes.clock.advance(Duration::milliseconds(1));
    assert_eq!(answer(&w.auth.authenticate(&token).await), Unauthorized, "a second later it is read again");
}

#[tokio::test]
async fn an_access_token_follows_the_account_as_it_is_now() {
    let w = World::new();
    let user = w.fakes.user(Role::Manager).unwrap();
    let token = w.auth.login(user.email.as_str(), PASSWORD, None).await.unwrap().tokens.access_token;
    let admin = caller(&w.admin);

    // A role change applies at once, whatever the token says.
    let demote = AdminUserPatch { role: Some(Role::Sales), ..AdminUserPatch::default() };
    w.users.update(&admin, user.id, demote).await.unwrap();
    assert_eq!(w.auth.authenticate(&token).await.unwrap().role, Role::Sales);

    let off = AdminUserPatch { is_active: Some(false), ..AdminUserPatch::default() };
    w.users.update(&admin, user.id, off).await.unwrap();
    assert_eq!(answer(&w.auth.authenticate(&token).await), Unauthorized, "deactivated");
    let on = AdminUserPatch { is_active: Some(true), ..AdminUserPatch::default() };
    w.users.update(&admin, user.id, on).await.unwrap();
    assert_eq!(answer(&w.auth.authenticate(&token).await), OK, "reactivated");

    w.users.change_password(&caller(&user), PASSWORD, "N3w-pass-word", "N3w-pass-word").await.unwrap();
    assert_eq!(answer(&w.auth.authenticate(&token).await), Unauthorized, "issued before the password change");
    let fresh = w.auth.login(user.email.as_str(), "N3w-pass-word", None).await.unwrap().tokens.access_token;
    assert_eq!(answer(&w.auth.authenticate(&fresh).await), OK);

    w.fakes.clock.advance(Duration::minutes(15));
    assert_eq!(answer(&w.auth.authenticate(&fresh).await), Unauthorized, "expired");
    let fresh = w.auth.login(user.email.as_str(), "N3w-pass-word", None).await.unwrap().tokens.access_token;
    w.users.delete(&admin, user.id).await.unwrap();
    assert_eq!(answer(&w.auth.authenticate(&fresh).await), Unauthorized, "deleted");
    assert_eq!(answer(&w.auth.authenticate("not-a-token").await), Unauthorized);
}
