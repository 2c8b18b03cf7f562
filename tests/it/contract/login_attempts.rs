//! `LoginAttemptRepository`: failed-login bookkeeping for throttling, on every adapter.

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadscore_application::auth::{AttemptLimit, LoginAttemptRepository, Reservation, ThrottleScope};
use leadscore_infrastructure::repositories::SqlLoginAttemptRepository;
use sea_orm::DatabaseConnection;

/// A fixed instant with a microsecond part.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 8, 30, 0).unwrap() + chrono::Duration::microseconds(654_321)
}

fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

const ANA: &str = "ana@bank.example";
const BOB: &str = "bob@bank.example";

async fn failures_since_counts_one_scope_and_key_from_since_on(db: &DatabaseConnection) {
    let repo = SqlLoginAttemptRepository::new(db.clone());
    let t = t0();
    // Recorded out of order, so "oldest" cannot be "first recorded".
    for at in [t + minutes(1), t - minutes(5), t, t - minutes(10)] {
        repo.record_failure(ThrottleScope::Account, ANA, at).await.unwrap();
    }
    repo.record_failure(ThrottleScope::Ip, ANA, t - minutes(20)).await.unwrap(); // same key, other scope
    repo.record_failure(ThrottleScope::Account, BOB, t - minutes(30)).await.unwrap(); // same scope, other key
    repo.record_failure(ThrottleScope::Account, "ana@bank.example.evil", t - minutes(40)).await.unwrap(); // a longer key

    let since = |scope, key, since| {
        let repo = repo.clone();
        async move { repo.failures_since(scope, key, since).await.unwrap() }
    };
    assert_eq!(since(ThrottleScope::Account, ANA, t).await, (2, Some(t)), "`since` itself counts");
    assert_eq!(since(ThrottleScope::Account, ANA, t + Duration::microseconds(1)).await, (1, Some(t + minutes(1))));
    assert_eq!(since(ThrottleScope::Account, ANA, t - minutes(7)).await, (3, Some(t - minutes(5))));
    assert_eq!(since(ThrottleScope::Account, ANA, t - minutes(60)).await, (4, Some(t - minutes(10))));
    assert_eq!(since(ThrottleScope::Account, ANA, t + minutes(2)).await, (0, None), "nothing that recent");
    assert_eq!(since(ThrottleScope::Ip, ANA, t - minutes(60)).await, (1, Some(t - minutes(20))));
    assert_eq!(since(ThrottleScope::Account, BOB, t - minutes(60)).await, (1, Some(t - minutes(30))));
    assert_eq!(since(ThrottleScope::Ip, BOB, t - minutes(60)).await, (0, None));
}
super::contract!(
    failures_since_counts_one_scope_and_key_from_since_on,
    failures_since_counts_one_scope_and_key_from_since_on
);

async fn no_failures_is_zero_and_no_oldest(db: &DatabaseConnection) {
    let repo = SqlLoginAttemptRepository::new(db.clone());
    assert_eq!(repo.failures_since(ThrottleScope::Account, ANA, t0()).await.unwrap(), (0, None));
    assert_eq!(repo.failures_since(ThrottleScope::Ip, "203.0.113.7", t0()).await.unwrap(), (0, None));
}
super::contract!(no_failures_is_zero_and_no_oldest, no_failures_is_zero_and_no_oldest);

async fn failures_at_the_same_instant_all_count(db: &DatabaseConnection) {
    let repo = SqlLoginAttemptRepository::new(db.clone());
    for _ in 0..3 {
        repo.record_failure(ThrottleScope::Ip, "203.0.113.7", t0()).await.unwrap();
    }
    assert_eq!(repo.failures_since(ThrottleScope::Ip, "203.0.113.7", t0()).await.unwrap(), (3, Some(t0())));
}
super::contract!(failures_at_the_same_instant_all_count, failures_at_the_same_instant_all_count);

async fn clear_forgets_only_that_scope_and_key(db: &DatabaseConnection) {
    let repo = SqlLoginAttemptRepository::new(db.clone());
    let t = t0();
    for at in [t, t + minutes(1)] {
        repo.record_failure(ThrottleScope::Account, ANA, at).await.unwrap();
        repo.record_failure(ThrottleScope::Ip, ANA, at).await.unwrap();
        repo.record_failure(ThrottleScope::Account, BOB, at).await.unwrap();
    }

    repo.clear(ThrottleScope::Account, ANA).await.unwrap();
    let since = t - minutes(1);
    assert_eq!(repo.failures_since(ThrottleScope::Account, ANA, since).await.unwrap(), (0, None));
    assert_eq!(repo.failures_since(ThrottleScope::Ip, ANA, since).await.unwrap(), (2, Some(t)), "other scope kept");
    assert_eq!(repo.failures_since(ThrottleScope::Account, BOB, since).await.unwrap(), (2, Some(t)), "other key kept");

    repo.clear(ThrottleScope::Account, ANA).await.unwrap(); // clearing nothing is fine
    repo.clear(ThrottleScope::Ip, "never-seen").await.unwrap();

    // Counting starts again from zero after a clear.
    repo.record_failure(ThrottleScope::Account, ANA, t + minutes(2)).await.unwrap();
    assert_eq!(repo.failures_since(ThrottleScope::Account, ANA, since).await.unwrap(), (1, Some(t + minutes(2))));
}
super::contract!(clear_forgets_only_that_scope_and_key, clear_forgets_only_that_scope_and_key);

async fn time_bounds_hold_for_whole_seconds_and_fractions(db: &DatabaseConnection) {
    // Instants whose fractional part has 0, 3 or 6 digits must compare as instants, however the adapter stores them.
    let repo = SqlLoginAttemptRepository::new(db.clone());
    let whole = Utc.with_ymd_and_hms(2026, 3, 1, 8, 30, 0).unwrap();
    let (milli, micro) = (whole + Duration::milliseconds(100), whole + Duration::microseconds(100_001));
    for at in [micro, whole, milli] {
        repo.record_failure(ThrottleScope::Account, ANA, at).await.unwrap();
    }
    let since = |since| {
        let repo = repo.clone();
        async move { repo.failures_since(ThrottleScope::Account, ANA, since).await.unwrap() }
    };

    assert_eq!(since(whole).await, (3, Some(whole)));
    assert_eq!(since(whole + Duration::microseconds(1)).await, (2, Some(milli)));
    assert_eq!(since(milli).await, (2, Some(milli)));
    assert_eq!(since(milli + Duration::microseconds(1)).await, (1, Some(micro)));
    assert_eq!(since(micro + Duration::microseconds(1)).await, (0, None));
    assert_eq!(since(whole - Duration::microseconds(1)).await, (3, Some(whole)));
}
super::contract!(time_bounds_hold_for_whole_seconds_and_fractions, time_bounds_hold_for_whole_seconds_and_fractions);

/// Reservations count and record in one step: of 30 concurrent reservations against a limit of 5, exactly 5 are
/// granted, and a refusal records nothing (not even against the other limit it named).
async fn concurrent_reservations_never_pass_the_limit(db: &DatabaseConnection) {
    let repo = SqlLoginAttemptRepository::new(db.clone());
    let t = t0();
    let attempts = (0..30).map(|i| {
        let repo = repo.clone();
        async move {
            let ip = format!("10.0.0.{i}");
            let limits = [
                AttemptLimit { scope: ThrottleScope::Account, key: ANA, max: 5 },
                AttemptLimit { scope: ThrottleScope::Ip, key: &ip, max: 20 },
            ];
            repo.reserve(&limits, t - minutes(15), t).await.unwrap()
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let granted: Vec<&Vec<uuid::Uuid>> =
        answers.iter().filter_map(|a| if let Reservation::Granted(ids) = a { Some(ids) } else { None }).collect();
    assert_eq!(granted.len(), 5, "{answers:?}");
    assert!(granted.iter().all(|ids| ids.len() == 2));
    assert_eq!(repo.failures_since(ThrottleScope::Account, ANA, t - minutes(15)).await.unwrap().0, 5);
    let ips_recorded =
        futures_util::future::join_all(
            (0..30).map(|i| {
                let repo = repo.clone();
                async move {
                    repo.failures_since(ThrottleScope::Ip, &format!("10.0.0.{i}"), t - minutes(15)).await.unwrap().0
                }
            }),
        )
        .await;
    assert_eq!(ips_recorded.iter().sum::<u64>(), 5, "refused reservations record nothing");
    assert!(answers.contains(&Reservation::Refused { oldest: Some(t) }));

    // Releasing a reservation frees its place; an old attempt outside the window does not count.
    repo.release(granted[0]).await.unwrap();
    let again =
        repo.reserve(&[AttemptLimit { scope: ThrottleScope::Account, key: ANA, max: 5 }], t - minutes(15), t).await;
    assert!(matches!(again, Ok(Reservation::Granted(_))), "{again:?}");
    let later = t + minutes(16);
    let fresh = repo
        .reserve(&[AttemptLimit { scope: ThrottleScope::Account, key: ANA, max: 5 }], later - minutes(15), later)
        .await;
    assert!(matches!(fresh, Ok(Reservation::Granted(_))), "{fresh:?}");
}
super::contract!(concurrent_reservations_never_pass_the_limit, concurrent_reservations_never_pass_the_limit);
