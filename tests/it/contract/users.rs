//! `UserRepository`: the account store, on every adapter.

use chrono::{DateTime, Duration, Utc};
use leadscore_application::AppError;
use leadscore_application::auth::{RefreshTokenRecord, RefreshTokenRepository};
use leadscore_application::users::{UserQuery, UserRepository, UserSortField};
use leadscore_domain::pagination::{PageRequest, SortDir};
use leadscore_domain::users::{Email, NewUser, Role, User, UserStats, Username};
use leadscore_infrastructure::repositories::{SqlRefreshTokenRepository, SqlUserRepository};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::fixtures::{base_time, now};

/// A fresh active account with only the required fields, created now.
fn new_user(email: &str, username: Option<&str>, role: Role) -> User {
    NewUser {
        id: Uuid::now_v7(),
        email: Email::parse(email).unwrap(),
        username: username.map(|name| Username::parse(name).unwrap()),
        full_name: None,
        phone: None,
        address: None,
        role,
        password_hash: "$2b$04$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0".into(),
        created_at: now(),
    }
    .into_user()
}

/// An account with every optional field filled in.
fn full_user(email: &str, username: &str, role: Role) -> User {
    let mut user = new_user(email, Some(username), role);
    user.full_name = Some("Ana María López".into());
    user.phone = Some("+34 600 000 000".into());
    user.address = Some("Calle Mayor 1, Madrid".into());
    user.avatar_key = Some(format!("avatars/{}/{}.png", user.id, Uuid::now_v7()));
    user.last_login_at = Some(now() - Duration::hours(3));
    user.updated_at = now() + Duration::seconds(1);
    user
}

fn query() -> UserQuery {
    UserQuery { page: PageRequest::new(1, 100).unwrap(), ..UserQuery::default() }
}

fn emails(users: &[User]) -> Vec<&str> {
    users.iter().map(|u| u.email.as_str()).collect()
}

fn assert_conflict_naming(result: Result<(), AppError>, field: &str) {
    match result {
        Err(AppError::Conflict(message)) => {
            assert!(message.to_lowercase().contains(field), "the Conflict message {message:?} should name {field}");
        }
        other => panic!("expected a Conflict naming {field}, got {other:?}"),
    }
}

async fn insert_all(repo: &SqlUserRepository, users: &[User]) {
    for user in users {
        repo.insert(user).await.unwrap();
    }
}

// ---------------------------------------------------------------------------------------------------------------
// insert, find, update, delete

async fn insert_then_find_by_id_round_trips_every_field(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let full = full_user("ana@bank.example", "ana.lopez", Role::Manager);
    let mut bare = new_user("bare@bank.example", None, Role::Sales);
    bare.is_active = false;
    repo.insert(&full).await.unwrap();
    repo.insert(&bare).await.unwrap();

    assert_eq!(repo.find_by_id(full.id).await.unwrap(), Some(full));
    assert_eq!(repo.find_by_id(bare.id).await.unwrap(), Some(bare));
    assert_eq!(repo.find_by_id(Uuid::now_v7()).await.unwrap(), None);
}
super::contract!(insert_then_find_by_id_round_trips_every_field, insert_then_find_by_id_round_trips_every_field);

async fn find_by_login_matches_email_or_username(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let ana = full_user("ana@bank.example", "ana.lopez", Role::Sales);
    let bob = new_user("bob@bank.example", Some("bobby"), Role::Sales);
    insert_all(&repo, &[ana.clone(), bob.clone()]).await;

    assert_eq!(repo.find_by_login("ana@bank.example").await.unwrap(), Some(ana.clone()));
    assert_eq!(repo.find_by_login("ana.lopez").await.unwrap(), Some(ana));
    assert_eq!(repo.find_by_login("bobby").await.unwrap(), Some(bob.clone()));
    assert_eq!(repo.find_by_login("bob@bank.example").await.unwrap(), Some(bob));
    assert_eq!(repo.find_by_login("nobody@bank.example").await.unwrap(), None);
    assert_eq!(repo.find_by_login("nobody").await.unwrap(), None);
}
super::contract!(find_by_login_matches_email_or_username, find_by_login_matches_email_or_username);

async fn insert_with_taken_email_is_a_conflict_naming_email(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    repo.insert(&new_user("ana@bank.example", Some("ana"), Role::Sales)).await.unwrap();
    let duplicate = new_user("ana@bank.example", Some("other"), Role::Sales);

    assert_conflict_naming(repo.insert(&duplicate).await, "email");
    assert_eq!(repo.find_by_id(duplicate.id).await.unwrap(), None, "the rejected account must not be stored");
}
super::contract!(
    insert_with_taken_email_is_a_conflict_naming_email,
    insert_with_taken_email_is_a_conflict_naming_email
);

async fn insert_with_taken_username_is_a_conflict_naming_username(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    repo.insert(&new_user("ana@bank.example", Some("ana"), Role::Sales)).await.unwrap();
    let duplicate = new_user("other@bank.example", Some("ana"), Role::Sales);

    assert_conflict_naming(repo.insert(&duplicate).await, "username");
    assert_eq!(repo.find_by_id(duplicate.id).await.unwrap(), None, "the rejected account must not be stored");
}
super::contract!(
    insert_with_taken_username_is_a_conflict_naming_username,
    insert_with_taken_username_is_a_conflict_naming_username
);

async fn many_accounts_may_have_no_username(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let first = new_user("first@bank.example", None, Role::Sales);
    let second = new_user("second@bank.example", None, Role::Sales);
    insert_all(&repo, &[first.clone(), second.clone()]).await;

    assert_eq!(repo.find_by_id(first.id).await.unwrap(), Some(first));
    assert_eq!(repo.find_by_id(second.id).await.unwrap(), Some(second));
}
super::contract!(many_accounts_may_have_no_username, many_accounts_may_have_no_username);

/// `update` leaves the password hash and token version alone: only `set_password` moves them, so a profile
/// change that read the account before a password change cannot undo it.
async fn update_keeps_the_password_and_set_password_moves_the_token_version(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let ana = full_user("ana@bank.example", "ana", Role::Sales);
    repo.insert(&ana).await.unwrap();
    let new_hash = "$2b$04$anotherhashanotherhashanotherhashanotherhashanotherhas";
    assert_eq!(repo.set_password(ana.id, new_hash, now()).await.unwrap(), 1);
    assert_eq!(repo.set_password(ana.id, new_hash, now()).await.unwrap(), 2);
    // A stale copy (read before both changes) written back.
    repo.update(&User { full_name: Some("Ana Stale".into()), ..ana.clone() }).await.unwrap();
    let stored = repo.find_by_id(ana.id).await.unwrap().unwrap();
    assert_eq!((stored.password_hash.as_str(), stored.token_version), (new_hash, 2));
    assert_eq!(stored.full_name.as_deref(), Some("Ana Stale"));
    let ghost = repo.set_password(Uuid::now_v7(), new_hash, now()).await;
    assert!(matches!(ghost, Err(AppError::NotFound(_))), "{ghost:?}");
}
super::contract!(
    update_keeps_the_password_and_set_password_moves_the_token_version,
    update_keeps_the_password_and_set_password_moves_the_token_version
);

async fn update_replaces_every_field(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let original = full_user("ana@bank.example", "ana", Role::Sales);
    let bystander = new_user("bob@bank.example", Some("bob"), Role::Sales);
    insert_all(&repo, &[original.clone(), bystander.clone()]).await;

    let changed = User {
        id: original.id,
        email: Email::parse("ana.new@bank.example").unwrap(),
        username: Some(Username::parse("ana-new").unwrap()),
        full_name: Some("Ana Nueva".into()),
        phone: Some("+34 611 111 111".into()),
        address: Some("Gran Vía 2".into()),
        role: Role::Admin,
        is_active: false,
        avatar_key: Some("avatars/new.png".into()),
        password_hash: original.password_hash.clone(),
        token_version: original.token_version,
        last_login_at: Some(base_time()),
        created_at: base_time() - Duration::days(30),
        updated_at: now() + Duration::minutes(5),
    };
    repo.update(&changed).await.unwrap();
    assert_eq!(repo.find_by_id(original.id).await.unwrap(), Some(changed.clone()));
    assert_eq!(repo.find_by_login("ana.new@bank.example").await.unwrap(), Some(changed.clone()));
    assert_eq!(repo.find_by_login("ana@bank.example").await.unwrap(), None, "the old e-mail is released");

    // Optional fields can be cleared again.
    let cleared = User {
        username: None,
        full_name: None,
        phone: None,
        address: None,
        avatar_key: None,
        last_login_at: None,
        ..changed
    };
    repo.update(&cleared).await.unwrap();
    assert_eq!(repo.find_by_id(original.id).await.unwrap(), Some(cleared));
    assert_eq!(repo.find_by_id(bystander.id).await.unwrap(), Some(bystander), "other accounts are untouched");
}
super::contract!(update_replaces_every_field, update_replaces_every_field);

async fn update_of_an_unknown_account_is_not_found(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    repo.insert(&new_user("ana@bank.example", Some("ana"), Role::Sales)).await.unwrap();
    let ghost = new_user("ghost@bank.example", Some("ghost"), Role::Sales);

    let result = repo.update(&ghost).await;
    assert!(matches!(result, Err(AppError::NotFound(_))), "expected NotFound, got {result:?}");
    assert_eq!(repo.find_by_id(ghost.id).await.unwrap(), None, "update must not create the account");
}
super::contract!(update_of_an_unknown_account_is_not_found, update_of_an_unknown_account_is_not_found);

async fn update_to_a_taken_email_or_username_is_a_conflict(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let ana = new_user("ana@bank.example", Some("ana"), Role::Sales);
    let bob = new_user("bob@bank.example", Some("bob"), Role::Sales);
    insert_all(&repo, &[ana.clone(), bob.clone()]).await;

    let steals_email = User { email: ana.email.clone(), ..bob.clone() };
    assert_conflict_naming(repo.update(&steals_email).await, "email");
    let steals_username = User { username: ana.username.clone(), ..bob.clone() };
    assert_conflict_naming(repo.update(&steals_username).await, "username");

    assert_eq!(repo.find_by_id(bob.id).await.unwrap(), Some(bob), "a rejected update changes nothing");
    assert_eq!(repo.find_by_id(ana.id).await.unwrap(), Some(ana));
}
super::contract!(update_to_a_taken_email_or_username_is_a_conflict, update_to_a_taken_email_or_username_is_a_conflict);

async fn delete_reports_whether_there_was_an_account(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let ana = new_user("ana@bank.example", Some("ana"), Role::Sales);
    let bob = new_user("bob@bank.example", Some("bob"), Role::Sales);
    insert_all(&repo, &[ana.clone(), bob.clone()]).await;

    assert!(repo.delete(ana.id).await.unwrap());
    assert_eq!(repo.find_by_id(ana.id).await.unwrap(), None);
    assert!(!repo.delete(ana.id).await.unwrap(), "a second delete finds nothing");
    assert!(!repo.delete(Uuid::now_v7()).await.unwrap());
    assert_eq!(repo.find_by_id(bob.id).await.unwrap(), Some(bob), "only that account is deleted");
    // Its e-mail and username are free again.
    repo.insert(&new_user("ana@bank.example", Some("ana"), Role::Sales)).await.unwrap();
}
super::contract!(delete_reports_whether_there_was_an_account, delete_reports_whether_there_was_an_account);

async fn delete_removes_the_accounts_refresh_tokens(db: &DatabaseConnection) {
    let users = SqlUserRepository::new(db.clone());
    let tokens = SqlRefreshTokenRepository::new(db.clone());
    let ana = new_user("ana@bank.example", Some("ana"), Role::Sales);
    let bob = new_user("bob@bank.example", Some("bob"), Role::Sales);
    insert_all(&users, &[ana.clone(), bob.clone()]).await;
    let token = |user: &User, hash: &str| RefreshTokenRecord {
        id: Uuid::now_v7(),
        user_id: user.id,
        family_id: Uuid::now_v7(),
        token_hash: hash.into(),
        created_at: now(),
        expires_at: now() + Duration::days(7),
        rotated_at: None,
        revoked_at: None,
    };
    let anas = token(&ana, "hash-of-anas-token");
    let bobs = token(&bob, "hash-of-bobs-token");
    tokens.insert(&anas).await.unwrap();
    tokens.insert(&bobs).await.unwrap();

    assert!(users.delete(ana.id).await.unwrap());
    assert_eq!(tokens.find_by_hash("hash-of-anas-token").await.unwrap(), None);
    assert_eq!(tokens.find_by_hash("hash-of-bobs-token").await.unwrap(), Some(bobs), "other users keep theirs");
}
super::contract!(delete_removes_the_accounts_refresh_tokens, delete_removes_the_accounts_refresh_tokens);

// ---------------------------------------------------------------------------------------------------------------
// list: filters

async fn list_filters_by_role_and_active(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let admin = new_user("admin@bank.example", None, Role::Admin);
    let manager = new_user("manager@bank.example", None, Role::Manager);
    let sales = new_user("sales@bank.example", None, Role::Sales);
    let inactive_sales = User { is_active: false, ..new_user("gone@bank.example", None, Role::Sales) };
    insert_all(&repo, &[admin, manager, sales, inactive_sales]).await;
    let list = |q: UserQuery| {
        let repo = repo.clone();
        async move {
            let page =
                repo.list(&UserQuery { sort_by: UserSortField::Email, sort_dir: SortDir::Asc, ..q }).await.unwrap();
            assert_eq!(page.total_items, page.items.len() as u64);
            page.items.iter().map(|u| u.email.as_str().to_owned()).collect::<Vec<_>>()
        }
    };

    assert_eq!(
        list(query()).await,
        ["admin@bank.example", "gone@bank.example", "manager@bank.example", "sales@bank.example"]
    );
    assert_eq!(list(UserQuery { role: Some(Role::Admin), ..query() }).await, ["admin@bank.example"]);
    assert_eq!(list(UserQuery { role: Some(Role::Manager), ..query() }).await, ["manager@bank.example"]);
    assert_eq!(
        list(UserQuery { role: Some(Role::Sales), ..query() }).await,
        ["gone@bank.example", "sales@bank.example"]
    );
    assert_eq!(
        list(UserQuery { is_active: Some(true), ..query() }).await,
        ["admin@bank.example", "manager@bank.example", "sales@bank.example"]
    );
    assert_eq!(list(UserQuery { is_active: Some(false), ..query() }).await, ["gone@bank.example"]);
    assert_eq!(
        list(UserQuery { role: Some(Role::Sales), is_active: Some(true), ..query() }).await,
        ["sales@bank.example"]
    );
    assert!(list(UserQuery { role: Some(Role::Admin), is_active: Some(false), ..query() }).await.is_empty());
}
super::contract!(list_filters_by_role_and_active, list_filters_by_role_and_active);

async fn list_q_matches_email_username_or_name_ignoring_case(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let by_email = new_user("zorro.search@bank.example", None, Role::Sales);
    let by_username = new_user("u2@bank.example", Some("Quixote"), Role::Sales);
    let by_name = User { full_name: Some("Hermione GRANGER".into()), ..new_user("u3@bank.example", None, Role::Sales) };
    let unrelated =
        User { full_name: Some("Nobody".into()), ..new_user("u4@bank.example", Some("plain"), Role::Sales) };
    insert_all(&repo, &[by_email, by_username, by_name, unrelated]).await;
    let search = |q: &str| {
        let repo = repo.clone();
        let q = q.to_owned();
        async move {
            let page = repo
                .list(&UserQuery { q: Some(q), sort_by: UserSortField::Email, sort_dir: SortDir::Asc, ..query() })
                .await
                .unwrap();
            assert_eq!(page.total_items, page.items.len() as u64);
            page.items.iter().map(|u| u.email.as_str().to_owned()).collect::<Vec<_>>()
        }
    };

    assert_eq!(search("ZORRO.SEARCH").await, ["zorro.search@bank.example"], "e-mail, upper-case query");
    assert_eq!(search("xOt").await, ["u2@bank.example"], "username, mixed-case query");
    assert_eq!(search("granger").await, ["u3@bank.example"], "name stored upper-case, lower-case query");
    assert_eq!(search("hermione g").await, ["u3@bank.example"], "a substring spanning a space");
    assert_eq!(search("@BANK.example").await.len(), 4, "a substring every e-mail contains");
    assert!(search("no-such-thing").await.is_empty());
}
super::contract!(
    list_q_matches_email_username_or_name_ignoring_case,
    list_q_matches_email_username_or_name_ignoring_case
);

async fn list_q_ignores_case_beyond_ascii(db: &DatabaseConnection) {
    // Names of bank customers and staff are not ASCII: "Case-insensitive" must hold for "É" / "é" too.
    let repo = SqlUserRepository::new(db.clone());
    let elodie = User { full_name: Some("Élodie Ñúñez".into()), ..new_user("u1@bank.example", None, Role::Sales) };
    insert_all(&repo, &[elodie.clone(), new_user("u2@bank.example", None, Role::Sales)]).await;

    for q in ["élodie", "ÉLODIE", "ñúñez", "ÑÚÑEZ"] {
        let page = repo.list(&UserQuery { q: Some(q.into()), ..query() }).await.unwrap();
        assert_eq!(emails(&page.items), ["u1@bank.example"], "q = {q:?} should find {:?}", elodie.full_name);
    }
}
super::contract!(list_q_ignores_case_beyond_ascii, list_q_ignores_case_beyond_ascii);

async fn list_q_takes_wildcards_literally(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let percent = User { full_name: Some("100% Sure".into()), ..new_user("p1@bank.example", None, Role::Sales) };
    let no_percent = User { full_name: Some("1000 Sure".into()), ..new_user("p2@bank.example", None, Role::Sales) };
    let underscore = new_user("u1@bank.example", Some("ab_cd"), Role::Sales);
    let no_underscore = new_user("u2@bank.example", Some("abxcd"), Role::Sales);
    let email_underscore = new_user("x_y@bank.example", None, Role::Sales);
    let email_plain = new_user("xzy@bank.example", None, Role::Sales);
    let backslash = User { full_name: Some(r"back\slash".into()), ..new_user("b1@bank.example", None, Role::Sales) };
    insert_all(&repo, &[percent, no_percent, underscore, no_underscore, email_underscore, email_plain, backslash])
        .await;
    let search = |q: &str| {
        let repo = repo.clone();
        let q = q.to_owned();
        async move {
            let page = repo
                .list(&UserQuery { q: Some(q), sort_by: UserSortField::Email, sort_dir: SortDir::Asc, ..query() })
                .await
                .unwrap();
            page.items.iter().map(|u| u.email.as_str().to_owned()).collect::<Vec<_>>()
        }
    };

    assert_eq!(search("0%").await, ["p1@bank.example"], "`%` is a literal percent sign");
    assert_eq!(search("%").await, ["p1@bank.example"], "a lone `%` is not match-everything");
    assert_eq!(search("b_c").await, ["u1@bank.example"], "`_` is a literal underscore in usernames");
    assert_eq!(search("x_y").await, ["x_y@bank.example"], "`_` is a literal underscore in e-mails");
    assert_eq!(search("_").await, ["u1@bank.example", "x_y@bank.example"], "a lone `_` is not match-any-character");
    assert_eq!(search(r"k\s").await, ["b1@bank.example"], "a backslash is literal too");
}
super::contract!(list_q_takes_wildcards_literally, list_q_takes_wildcards_literally);

async fn list_filters_by_creation_time_inclusively(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let t = base_time();
    let users: Vec<User> = (0..4)
        .map(|day| User {
            created_at: t + Duration::days(day),
            updated_at: t + Duration::days(day),
            ..new_user(&format!("day{day}@bank.example"), None, Role::Sales)
        })
        .collect();
    insert_all(&repo, &users).await;
    let between = |from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>| {
        let repo = repo.clone();
        async move {
            let page = repo
                .list(&UserQuery { from, to, sort_by: UserSortField::CreatedAt, sort_dir: SortDir::Asc, ..query() })
                .await
                .unwrap();
            assert_eq!(page.total_items, page.items.len() as u64);
            page.items.iter().map(|u| u.email.as_str().to_owned()).collect::<Vec<_>>()
        }
    };
    let day = |n: i64| t + Duration::days(n);

    assert_eq!(
        between(Some(day(1)), Some(day(2))).await,
        ["day1@bank.example", "day2@bank.example"],
        "bounds are inclusive"
    );
    assert_eq!(
        between(Some(day(1) + Duration::microseconds(1)), Some(day(2) - Duration::microseconds(1))).await.len(),
        0
    );
    assert_eq!(between(Some(day(2)), None).await, ["day2@bank.example", "day3@bank.example"]);
    assert_eq!(between(None, Some(day(1))).await, ["day0@bank.example", "day1@bank.example"]);
    assert_eq!(
        between(Some(day(1) - Duration::hours(1)), Some(day(1) + Duration::hours(1))).await,
        ["day1@bank.example"]
    );
    assert_eq!(between(None, None).await.len(), 4);
    assert!(between(Some(day(3)), Some(day(0))).await.is_empty(), "an inverted range matches nothing");
}
super::contract!(list_filters_by_creation_time_inclusively, list_filters_by_creation_time_inclusively);

// ---------------------------------------------------------------------------------------------------------------
// list: sorting and paging

/// Four accounts whose order differs for every sort field (inserted in yet another order):
/// created_at: sort1 sort2 sort3 sort4; email: sort3 sort1 sort4 sort2; full name: sort2 sort4 sort1 sort3;
/// last login: sort4 sort1 sort3 sort2.
fn sortable_users() -> Vec<User> {
    let t = base_time();
    let user = |tag: &str, email: &str, name: &str, role: Role, created: i64, login: i64| User {
        full_name: Some(name.into()),
        created_at: t + Duration::hours(created),
        updated_at: t + Duration::hours(created),
        last_login_at: Some(t + Duration::days(10) + Duration::minutes(login)),
        ..new_user(email, Some(tag), role)
    };
    vec![
        user("sort3", "alpha@sort.example", "Dmitri", Role::Manager, 3, 3),
        user("sort1", "bravo@sort.example", "Carla", Role::Sales, 1, 2),
        user("sort4", "charlie@sort.example", "Boris", Role::Sales, 4, 1),
        user("sort2", "delta@sort.example", "Anna", Role::Admin, 2, 4),
    ]
}

fn tags(users: &[User]) -> Vec<&str> {
    users.iter().map(|u| u.username.as_ref().map_or("", Username::as_str)).collect()
}

async fn list_sorts_by_every_field_in_both_directions(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    insert_all(&repo, &sortable_users()).await;
    let cases = [
        (UserSortField::CreatedAt, ["sort1", "sort2", "sort3", "sort4"]),
        (UserSortField::Email, ["sort3", "sort1", "sort4", "sort2"]),
        (UserSortField::FullName, ["sort2", "sort4", "sort1", "sort3"]),
        (UserSortField::LastLoginAt, ["sort4", "sort1", "sort3", "sort2"]),
    ];
    for (sort_by, ascending) in cases {
        let asc = repo.list(&UserQuery { sort_by, sort_dir: SortDir::Asc, ..query() }).await.unwrap();
        assert_eq!(tags(&asc.items), ascending, "{sort_by:?} ascending");
        let desc = repo.list(&UserQuery { sort_by, sort_dir: SortDir::Desc, ..query() }).await.unwrap();
        let mut descending = ascending;
        descending.reverse();
        assert_eq!(tags(&desc.items), descending, "{sort_by:?} descending");
    }

    let roles = |users: &[User]| users.iter().map(|u| u.role).collect::<Vec<_>>();
    let asc = repo.list(&UserQuery { sort_by: UserSortField::Role, sort_dir: SortDir::Asc, ..query() }).await.unwrap();
    assert_eq!(roles(&asc.items), [Role::Admin, Role::Manager, Role::Sales, Role::Sales], "Role ascending");
    let desc =
        repo.list(&UserQuery { sort_by: UserSortField::Role, sort_dir: SortDir::Desc, ..query() }).await.unwrap();
    assert_eq!(roles(&desc.items), [Role::Sales, Role::Sales, Role::Manager, Role::Admin], "Role descending");
}
super::contract!(list_sorts_by_every_field_in_both_directions, list_sorts_by_every_field_in_both_directions);

async fn list_defaults_to_newest_first(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    insert_all(&repo, &sortable_users()).await;
    let page = repo.list(&UserQuery::default()).await.unwrap();
    assert_eq!(tags(&page.items), ["sort4", "sort3", "sort2", "sort1"]);
}
super::contract!(list_defaults_to_newest_first, list_defaults_to_newest_first);

async fn list_pages(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let users: Vec<User> = (1..=5).map(|n| new_user(&format!("user{n}@page.example"), None, Role::Sales)).collect();
    insert_all(&repo, &users).await;
    let page = |number: u32| {
        let repo = repo.clone();
        async move {
            repo.list(&UserQuery {
                sort_by: UserSortField::Email,
                sort_dir: SortDir::Asc,
                page: PageRequest::new(number, 2).unwrap(),
                ..UserQuery::default()
            })
            .await
            .unwrap()
        }
    };

    let first = page(1).await;
    assert_eq!(emails(&first.items), ["user1@page.example", "user2@page.example"]);
    let second = page(2).await;
    assert_eq!(emails(&second.items), ["user3@page.example", "user4@page.example"]);
    assert_eq!(second.total_items, 5);
    assert_eq!(second.total_pages(), 3);
    assert_eq!(second.request, PageRequest::new(2, 2).unwrap());
    let last = page(3).await;
    assert_eq!(emails(&last.items), ["user5@page.example"]);
    let past_the_end = page(4).await;
    assert!(past_the_end.items.is_empty());
    assert_eq!(past_the_end.total_items, 5, "the total is reported even past the last page");

    // total_items counts the filtered rows, not the table.
    let filtered = repo
        .list(&UserQuery { q: Some("user1".into()), page: PageRequest::new(1, 2).unwrap(), ..UserQuery::default() })
        .await
        .unwrap();
    assert_eq!((filtered.total_items, filtered.total_pages()), (1, 1));
    assert_eq!(emails(&filtered.items), ["user1@page.example"]);
}
super::contract!(list_pages, list_pages);

async fn list_of_an_empty_store_is_an_empty_page(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let page = repo.list(&UserQuery::default()).await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!((page.total_items, page.total_pages()), (0, 0));
}
super::contract!(list_of_an_empty_store_is_an_empty_page, list_of_an_empty_store_is_an_empty_page);

// ---------------------------------------------------------------------------------------------------------------
// stats, admins, logins

async fn stats_count_per_role_and_active(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    assert_eq!(repo.stats().await.unwrap(), UserStats::default(), "an empty store");

    let inactive = |user: User| User { is_active: false, ..user };
    insert_all(
        &repo,
        &[
            new_user("a1@bank.example", None, Role::Admin),
            inactive(new_user("a2@bank.example", None, Role::Admin)),
            new_user("m1@bank.example", None, Role::Manager),
            new_user("s1@bank.example", None, Role::Sales),
            new_user("s2@bank.example", None, Role::Sales),
            inactive(new_user("s3@bank.example", None, Role::Sales)),
        ],
    )
    .await;

    assert_eq!(repo.stats().await.unwrap(), UserStats { total: 6, admins: 2, managers: 1, sales: 3, active: 4 });
}
super::contract!(stats_count_per_role_and_active, stats_count_per_role_and_active);

async fn count_active_admins_ignores_inactive_admins_and_other_roles(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    assert_eq!(repo.count_active_admins().await.unwrap(), 0);
    let first = new_user("a1@bank.example", None, Role::Admin);
    let second = new_user("a2@bank.example", None, Role::Admin);
    insert_all(
        &repo,
        &[
            first.clone(),
            second.clone(),
            User { is_active: false, ..new_user("a3@bank.example", None, Role::Admin) },
            new_user("m1@bank.example", None, Role::Manager),
            new_user("s1@bank.example", None, Role::Sales),
        ],
    )
    .await;
    assert_eq!(repo.count_active_admins().await.unwrap(), 2);

    repo.update(&User { is_active: false, ..second }).await.unwrap();
    assert_eq!(repo.count_active_admins().await.unwrap(), 1, "deactivating an Admin lowers the count");
    let last = repo.update(&User { role: Role::Manager, ..first.clone() }).await;
    assert!(matches!(last, Err(AppError::Conflict(_))), "the last active Admin stays: {last:?}");
    assert_eq!(repo.count_active_admins().await.unwrap(), 1, "nothing was written");
    let deleted = repo.delete(first.id).await;
    assert!(matches!(deleted, Err(AppError::Conflict(_))), "the last active Admin is not deleted: {deleted:?}");
    assert_eq!(repo.count_active_admins().await.unwrap(), 1);
}
super::contract!(
    count_active_admins_ignores_inactive_admins_and_other_roles,
    count_active_admins_ignores_inactive_admins_and_other_roles
);

async fn record_login_sets_last_login_at(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let ana = new_user("ana@bank.example", Some("ana"), Role::Sales);
    let bob = new_user("bob@bank.example", Some("bob"), Role::Sales);
    insert_all(&repo, &[ana.clone(), bob.clone()]).await;

    let first = now();
    repo.record_login(ana.id, first).await.unwrap();
    assert_eq!(repo.find_by_id(ana.id).await.unwrap(), Some(User { last_login_at: Some(first), ..ana.clone() }));

    let later = first + Duration::minutes(10) + Duration::microseconds(7);
    repo.record_login(ana.id, later).await.unwrap();
    assert_eq!(repo.find_by_id(ana.id).await.unwrap(), Some(User { last_login_at: Some(later), ..ana }));
    assert_eq!(repo.find_by_id(bob.id).await.unwrap(), Some(bob), "other accounts are untouched");
}
super::contract!(record_login_sets_last_login_at, record_login_sets_last_login_at);

/// Two Admins demoting, deactivating or deleting each other at the same moment: each write checks the count in its
/// own transaction, serialised with the other, so exactly one succeeds and one active Admin is left, on every
/// interleaving. Repeated, because one lucky ordering proves little.
async fn concurrent_changes_never_leave_no_active_admin(db: &DatabaseConnection) {
    let repo = SqlUserRepository::new(db.clone());
    let mut survivor: Option<Uuid> = None;
    for round in 0..12 {
        let a = new_user(&format!("a{round}@bank.example"), None, Role::Admin);
        let b = new_user(&format!("b{round}@bank.example"), None, Role::Admin);
        insert_all(&repo, &[a.clone(), b.clone()]).await;
        // The last round's survivor steps down, so exactly a and b are the active Admins.
        if let Some(id) = survivor.take() {
            let stored = repo.find_by_id(id).await.unwrap().unwrap();
            repo.update(&User { role: Role::Sales, ..stored }).await.unwrap();
        }
        assert_eq!(repo.count_active_admins().await.unwrap(), 2);
        let change = |user: &User, how: usize| {
            let repo = repo.clone();
            let user = user.clone();
            async move {
                match how % 3 {
                    0 => repo.update(&User { role: Role::Sales, ..user }).await,
                    1 => repo.update(&User { is_active: false, ..user }).await,
                    _ => repo.delete(user.id).await.map(|_| ()),
                }
            }
        };
        let (first, second) = tokio::join!(change(&a, round), change(&b, round / 3 + 1));
        let succeeded = [&first, &second].iter().filter(|r| r.is_ok()).count();
        assert_eq!(succeeded, 1, "round {round}: {first:?} / {second:?}");
        assert!(
            [&first, &second].iter().any(|r| matches!(r, Err(AppError::Conflict(_)))),
            "round {round}: the loser gets 409"
        );
        assert_eq!(repo.count_active_admins().await.unwrap(), 1, "round {round}");
        survivor = Some(if first.is_ok() { b.id } else { a.id });
    }
}
super::contract!(concurrent_changes_never_leave_no_active_admin, concurrent_changes_never_leave_no_active_admin);
