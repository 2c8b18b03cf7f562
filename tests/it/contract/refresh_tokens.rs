//! `RefreshTokenRepository`: refresh-token storage and single-use rotation, on every adapter.

use chrono::Duration;
use futures_util::future::join_all;
use leadscore_application::AppError;
use leadscore_application::auth::{RefreshTokenRecord, RefreshTokenRepository};
use leadscore_domain::users::User;
use leadscore_infrastructure::repositories::SqlRefreshTokenRepository;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::fixtures::{now, stored_user};

/// A live token of `user` in `family`, with a unique hash.
fn token(user: &User, family_id: Uuid) -> RefreshTokenRecord {
    let id = Uuid::now_v7();
    RefreshTokenRecord {
        id,
        user_id: user.id,
        family_id,
        token_hash: format!("sha256-{}", id.simple()),
        created_at: now(),
        expires_at: now() + Duration::days(30),
        rotated_at: None,
        revoked_at: None,
    }
}

async fn find(repo: &SqlRefreshTokenRepository, record: &RefreshTokenRecord) -> Option<RefreshTokenRecord> {
    repo.find_by_hash(&record.token_hash).await.unwrap()
}

async fn insert_then_find_by_hash_round_trips(db: &DatabaseConnection) {
    let repo = SqlRefreshTokenRepository::new(db.clone());
    let user = stored_user(db, "ana", None).await;
    let live = token(&user, Uuid::now_v7());
    let spent = RefreshTokenRecord {
        rotated_at: Some(now() - Duration::minutes(2)),
        revoked_at: Some(now() - Duration::minutes(1)),
        ..token(&user, live.family_id)
    };
    repo.insert(&live).await.unwrap();
    repo.insert(&spent).await.unwrap();

    assert_eq!(find(&repo, &live).await, Some(live));
    assert_eq!(find(&repo, &spent).await, Some(spent));
}
super::contract!(insert_then_find_by_hash_round_trips, insert_then_find_by_hash_round_trips);

async fn find_by_unknown_hash_is_none(db: &DatabaseConnection) {
    let repo = SqlRefreshTokenRepository::new(db.clone());
    let user = stored_user(db, "ana", None).await;
    repo.insert(&token(&user, Uuid::now_v7())).await.unwrap();
    assert_eq!(repo.find_by_hash("sha256-unknown").await.unwrap(), None);
    assert_eq!(repo.find_by_hash("").await.unwrap(), None);
}
super::contract!(find_by_unknown_hash_is_none, find_by_unknown_hash_is_none);

async fn rotate_succeeds_once(db: &DatabaseConnection) {
    let repo = SqlRefreshTokenRepository::new(db.clone());
    let user = stored_user(db, "ana", None).await;
    let old = token(&user, Uuid::now_v7());
    repo.insert(&old).await.unwrap();

    let at = now();
    let new = token(&user, old.family_id);
    assert!(repo.rotate(old.id, at, &new).await.unwrap(), "the first rotation wins");
    assert_eq!(find(&repo, &old).await, Some(RefreshTokenRecord { rotated_at: Some(at), ..old.clone() }));
    assert_eq!(find(&repo, &new).await, Some(new.clone()), "the new token is stored");

    let replay = token(&user, old.family_id);
    assert!(!repo.rotate(old.id, at + Duration::seconds(1), &replay).await.unwrap(), "a second rotation loses");
    assert_eq!(find(&repo, &replay).await, None, "the loser's token is not stored");
    assert_eq!(find(&repo, &old).await.unwrap().rotated_at, Some(at), "the losing rotation does not move rotated_at");

    // The new token can itself be rotated once: the chain goes on.
    let next = token(&user, old.family_id);
    assert!(repo.rotate(new.id, at + Duration::seconds(2), &next).await.unwrap());
    assert_eq!(find(&repo, &next).await, Some(next));
}
super::contract!(rotate_succeeds_once, rotate_succeeds_once);

async fn rotate_of_a_revoked_token_stores_nothing(db: &DatabaseConnection) {
    let repo = SqlRefreshTokenRepository::new(db.clone());
    let user = stored_user(db, "ana", None).await;
    let old = token(&user, Uuid::now_v7());
    repo.insert(&old).await.unwrap();
    let revoked_at = now();
    assert_eq!(repo.revoke_family(old.family_id, revoked_at).await.unwrap(), 1);

    let new = token(&user, old.family_id);
    assert!(!repo.rotate(old.id, revoked_at + Duration::seconds(1), &new).await.unwrap());
    assert_eq!(find(&repo, &new).await, None);
    assert_eq!(
        find(&repo, &old).await,
        Some(RefreshTokenRecord { revoked_at: Some(revoked_at), ..old }),
        "a revoked token is not marked rotated"
    );
}
super::contract!(rotate_of_a_revoked_token_stores_nothing, rotate_of_a_revoked_token_stores_nothing);

async fn rotate_is_all_or_nothing(db: &DatabaseConnection) {
    // When the new token cannot be stored (its hash is taken), the old one must not be spent either.
    let repo = SqlRefreshTokenRepository::new(db.clone());
    let user = stored_user(db, "ana", None).await;
    let old = token(&user, Uuid::now_v7());
    let other = token(&user, Uuid::now_v7());
    repo.insert(&old).await.unwrap();
    repo.insert(&other).await.unwrap();

    let clashing = RefreshTokenRecord { token_hash: other.token_hash.clone(), ..token(&user, old.family_id) };
    let result = repo.rotate(old.id, now(), &clashing).await;
    assert!(result.is_err(), "storing a token with a taken hash must fail, got {result:?}");
    assert_eq!(find(&repo, &old).await, Some(old.clone()), "the failed rotation must not mark the old token rotated");
    assert_eq!(find(&repo, &other).await, Some(other));

    let new = token(&user, old.family_id);
    assert!(repo.rotate(old.id, now(), &new).await.unwrap(), "the old token can still be rotated");
}
super::contract!(rotate_is_all_or_nothing, rotate_is_all_or_nothing);

async fn concurrent_rotations_have_exactly_one_winner(db: &DatabaseConnection) {
    let repo = SqlRefreshTokenRepository::new(db.clone());
    let user = stored_user(db, "ana", None).await;
    let old = token(&user, Uuid::now_v7());
    repo.insert(&old).await.unwrap();
    let at = now();
    let candidates: Vec<RefreshTokenRecord> = (0..8).map(|_| token(&user, old.family_id)).collect();

    let outcomes = join_all(candidates.iter().map(|new| {
        let repo = repo.clone();
        async move { repo.rotate(old.id, at, new).await }
    }))
    .await;

    let errors: Vec<&AppError> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert!(errors.is_empty(), "losing a race is Ok(false), not an error: {errors:?}");
    let winners: Vec<usize> =
        outcomes.iter().enumerate().filter(|(_, o)| matches!(o, Ok(true))).map(|(i, _)| i).collect();
    assert_eq!(winners.len(), 1, "exactly one concurrent rotation wins: {outcomes:?}");

    let mut stored = Vec::new();
    for (i, candidate) in candidates.iter().enumerate() {
        if find(&repo, candidate).await.is_some() {
            stored.push(i);
        }
    }
    assert_eq!(stored, winners, "exactly the winner's token is stored");
    assert_eq!(find(&repo, &old).await.unwrap().rotated_at, Some(at));
}
super::contract!(concurrent_rotations_have_exactly_one_winner, concurrent_rotations_have_exactly_one_winner);

async fn revoke_family_revokes_that_family_only(db: &DatabaseConnection) {
    let repo = SqlRefreshTokenRepository::new(db.clone());
    let user = stored_user(db, "ana", None).await;
    let family = Uuid::now_v7();
    let earlier = now() - Duration::hours(1);
    let first = token(&user, family);
    let second = RefreshTokenRecord { rotated_at: Some(earlier), ..token(&user, family) };
    let already_revoked = RefreshTokenRecord { revoked_at: Some(earlier), ..token(&user, family) };
    let other_family = token(&user, Uuid::now_v7());
    for record in [&first, &second, &already_revoked, &other_family] {
        repo.insert(record).await.unwrap();
    }

    let at = now();
    assert_eq!(repo.revoke_family(family, at).await.unwrap(), 2, "only not-yet-revoked tokens count");
    assert_eq!(find(&repo, &first).await, Some(RefreshTokenRecord { revoked_at: Some(at), ..first }));
    assert_eq!(find(&repo, &second).await, Some(RefreshTokenRecord { revoked_at: Some(at), ..second }));
    assert_eq!(find(&repo, &already_revoked).await, Some(already_revoked), "an earlier revocation is kept");
    assert_eq!(find(&repo, &other_family).await, Some(other_family), "other families are untouched");

    assert_eq!(repo.revoke_family(family, at + Duration::seconds(1)).await.unwrap(), 0, "nothing left to revoke");
    assert_eq!(repo.revoke_family(Uuid::now_v7(), at).await.unwrap(), 0, "an unknown family");
}
super::contract!(revoke_family_revokes_that_family_only, revoke_family_revokes_that_family_only);

async fn revoke_user_revokes_that_users_tokens_only(db: &DatabaseConnection) {
    let repo = SqlRefreshTokenRepository::new(db.clone());
    let ana = stored_user(db, "ana", None).await;
    let bob = stored_user(db, "bob", None).await;
    let earlier = now() - Duration::hours(1);
    let anas_first = token(&ana, Uuid::now_v7());
    let anas_second = token(&ana, Uuid::now_v7());
    let anas_revoked = RefreshTokenRecord { revoked_at: Some(earlier), ..token(&ana, anas_first.family_id) };
    let bobs = token(&bob, Uuid::now_v7());
    for record in [&anas_first, &anas_second, &anas_revoked, &bobs] {
        repo.insert(record).await.unwrap();
    }

    let at = now();
    assert_eq!(repo.revoke_user(ana.id, at).await.unwrap(), 2, "every family of the user, not-yet-revoked only");
    assert_eq!(find(&repo, &anas_first).await, Some(RefreshTokenRecord { revoked_at: Some(at), ..anas_first }));
    assert_eq!(find(&repo, &anas_second).await, Some(RefreshTokenRecord { revoked_at: Some(at), ..anas_second }));
    assert_eq!(find(&repo, &anas_revoked).await, Some(anas_revoked), "an earlier revocation is kept");
    assert_eq!(find(&repo, &bobs).await, Some(bobs), "other users are untouched");

    assert_eq!(repo.revoke_user(ana.id, at + Duration::seconds(1)).await.unwrap(), 0, "nothing left to revoke");
    assert_eq!(repo.revoke_user(Uuid::now_v7(), at).await.unwrap(), 0, "an unknown user");
}
super::contract!(revoke_user_revokes_that_users_tokens_only, revoke_user_revokes_that_users_tokens_only);
