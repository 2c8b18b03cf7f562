//! `CustomerRepository`: the customer base, on every adapter. Everything goes through the port.
//!
//! Filters and sorts are checked against an in-memory oracle (`matches`, `sort_key`) over a varied data set, and
//! each filter must actually discriminate (match some customers, not all) so no check passes vacuously.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use leadscore_application::AppError;
use leadscore_application::customers::{
    CustomerFilter, CustomerRepository, CustomerSort, CustomerSortField, ImportCounts, ImportProgress, OnConflict,
};
use leadscore_domain::customers::{
    BankProfile, Contact, Customer, CustomerDraft, Education, Job, LatestScore, Marital, Month, NewCustomer, Outcome,
    Poutcome,
};
use leadscore_domain::pagination::SortDir;
use leadscore_domain::scoring::Tier;
use leadscore_domain::users::Email;
use leadscore_infrastructure::repositories::SqlCustomerRepository;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::fixtures::{base_time, now, page};

// ---------------------------------------------------------------------------------------------------------------
// builders

const CITIES: [&str; 5] = ["Madrid", "Lisboa", "Porto", "Sevilla", "Valencia"];

fn pick<T: Copy>(all: &[T], k: u32) -> Option<T> {
    Some(all[k as usize % all.len()])
}

/// A valid draft whose values vary with `i`: every optional field is missing for some `i`, ages, balances and names
/// repeat (so sorts have ties), balances go negative, and `i ≡ 29 (mod 30)` has neither external id nor e-mail.
fn draft(i: u32) -> CustomerDraft {
    let n = i64::from(i);
    CustomerDraft {
        external_id: (i % 6 != 5).then(|| format!("EXT-{i:04}")),
        name: (i % 7 != 6).then(|| format!("Customer {:02}", i % 20)),
        email: (i % 5 != 4).then(|| format!("customer{i}@bank.example")),
        phone: (i % 4 != 2).then(|| format!("+34 600 {i:03} 000")),
        city: (i % 3 != 1).then(|| CITIES[i as usize % CITIES.len()].to_owned()),
        age: Some(18 + (n * 7) % 30),
        job: pick(Job::ALL, i),
        marital: pick(Marital::ALL, i / 2),
        education: pick(Education::ALL, i / 3),
        default: Some(i.is_multiple_of(5)),
        balance: Some((n % 16) * 977 - 4_000),
        housing: Some(i.is_multiple_of(2)),
        loan: Some(i.is_multiple_of(3)),
        contact: pick(Contact::ALL, i / 4),
        day: Some(1 + n % 31),
        month: pick(Month::ALL, i),
        duration: (i % 4 != 3).then_some(n % 1_000 * 10),
        campaign: Some(1 + n % 10),
        pdays: Some(if i.is_multiple_of(3) { -1 } else { n % 1_000 * 3 }),
        previous: Some(n % 4),
        poutcome: pick(Poutcome::ALL, i / 5),
        y: match i % 3 {
            0 => Some(Outcome::Yes),
            1 => Some(Outcome::No),
            _ => None,
        },
    }
}

fn new_customer(i: u32) -> NewCustomer {
    draft(i).validate().unwrap()
}

fn customer(i: u32) -> Customer {
    new_customer(i).into_customer(Uuid::now_v7(), now())
}

fn email(raw: &str) -> Option<Email> {
    Some(Email::parse(raw).unwrap())
}

fn score(score: u8, at: DateTime<Utc>) -> LatestScore {
    let tier = match score {
        70.. => Tier::Hot,
        40..=69 => Tier::Warm,
        _ => Tier::Cold,
    };
    LatestScore {
        probability: f64::from(score) / 100.0 + 0.001_234_567_89,
        score,
        tier,
        model_version: "bank-marketing-2026.01".into(),
        scored_at: at,
    }
}

/// 48 customers created over time (two per minute, so creation times tie), three in four scored, with a few
/// search-worthy names; inserted in a shuffled order so storage order is neither id nor creation order.
async fn seed(repo: &SqlCustomerRepository) -> Vec<Customer> {
    let mut all: Vec<Customer> = (0..48u32)
        .map(|i| {
            let mut c = customer(i);
            c.created_at = base_time() + Duration::minutes(i64::from(i / 2));
            c.updated_at = c.created_at + Duration::seconds(1);
            if i % 4 != 3 {
                c.latest_score = Some(score(((i * 13) % 25 * 4) as u8, c.created_at + Duration::hours(1)));
            }
            c
        })
        .collect();
    all[0].details.name = Some("100% Juice_Bar".into());
    all[1].details.external_id = Some("EXT_50%".into());
    all[2].details.city = Some(r"C:\Temp".into());
    all[3].details.email = email("first_last@bank.example");
    for k in 0..all.len() {
        repo.insert(&all[(k * 17) % all.len()]).await.unwrap();
    }
    all
}

fn ids(customers: &[Customer]) -> Vec<Uuid> {
    customers.iter().map(|c| c.id).collect()
}

fn sort(field: CustomerSortField, dir: SortDir) -> CustomerSort {
    CustomerSort { field, dir }
}

/// Every stored customer, by id (via the keyset walk, so not limited to a page).
async fn everything(repo: &SqlCustomerRepository) -> Vec<Customer> {
    repo.list_after(&CustomerFilter::default(), None, 100_000).await.unwrap()
}

/// The customer with this external id.
async fn by_external_id(repo: &SqlCustomerRepository, key: &str) -> Customer {
    let found: Vec<Customer> =
        everything(repo).await.into_iter().filter(|c| c.details.external_id.as_deref() == Some(key)).collect();
    assert_eq!(found.len(), 1, "exactly one customer has external id {key}");
    found.into_iter().next().unwrap()
}

fn assert_conflict<T: std::fmt::Debug>(result: Result<T, AppError>, what: &str) {
    assert!(matches!(result, Err(AppError::Conflict(_))), "{what}: expected a Conflict, got {result:?}");
}

/// The stored customer has exactly the row's attributes.
fn assert_attributes(stored: &Customer, row: &NewCustomer) {
    assert_eq!(stored.details, row.details);
    assert_eq!(stored.profile, row.profile);
    assert_eq!(stored.outcome, row.outcome);
}

// ---------------------------------------------------------------------------------------------------------------
// the oracle

fn any_of<T: PartialEq>(wanted: &[T], value: T) -> bool {
    wanted.is_empty() || wanted.contains(&value)
}

/// What the filter documentation says, in plain Rust.
fn matches(f: &CustomerFilter, c: &Customer) -> bool {
    let p = &c.profile;
    let scored = c.latest_score.as_ref();
    let age = i64::from(p.age.years());
    let d = &c.details;
    let text_match = |q: &str| {
        let q = q.to_lowercase();
        [d.name.as_deref(), d.email.as_ref().map(Email::as_str), d.phone.as_deref(), d.city.as_deref()]
            .into_iter()
            .chain([d.external_id.as_deref()])
            .flatten()
            .any(|t| t.to_lowercase().contains(&q))
    };
    any_of(&f.job, p.job)
        && any_of(&f.marital, p.marital)
        && any_of(&f.education, p.education)
        && any_of(&f.contact, p.contact)
        && any_of(&f.month, p.month)
        && any_of(&f.poutcome, p.poutcome)
        && (f.tier.is_empty() || scored.is_some_and(|s| f.tier.contains(&s.tier)))
        && f.age_min.is_none_or(|m| age >= m)
        && f.age_max.is_none_or(|m| age <= m)
        && f.balance_min.is_none_or(|m| p.balance >= m)
        && f.balance_max.is_none_or(|m| p.balance <= m)
        && f.housing.is_none_or(|v| p.housing == v)
        && f.loan.is_none_or(|v| p.loan == v)
        && f.default.is_none_or(|v| p.default == v)
        && f.score_min.is_none_or(|m| scored.is_some_and(|s| i64::from(s.score) >= m))
        && f.score_max.is_none_or(|m| scored.is_some_and(|s| i64::from(s.score) <= m))
        && f.query_text().is_none_or(text_match)
        && f.from.is_none_or(|t| c.created_at >= t)
        && f.to.is_none_or(|t| c.created_at <= t)
}

/// The value a sort orders by (`None`: unscored / unnamed, which go last in both directions).
fn sort_key(field: CustomerSortField, c: &Customer) -> Option<(i64, String)> {
    match field {
        CustomerSortField::Age => Some((i64::from(c.profile.age.years()), String::new())),
        CustomerSortField::Balance => Some((c.profile.balance, String::new())),
        CustomerSortField::Score => c.latest_score.as_ref().map(|s| (i64::from(s.score), String::new())),
        CustomerSortField::CreatedAt => Some((c.created_at.timestamp_micros(), String::new())),
        CustomerSortField::Name => c.details.name.clone().map(|n| (0, n)),
    }
}

/// List, count and keyset walk all agree with the oracle, and the filter discriminates on this data.
async fn assert_filter(repo: &SqlCustomerRepository, all: &[Customer], filter: CustomerFilter, what: &str) {
    let mut expected: Vec<Uuid> = all.iter().filter(|c| matches(&filter, c)).map(|c| c.id).collect();
    expected.sort();
    assert!(
        !expected.is_empty() && expected.len() < all.len(),
        "{what}: the test data must make this filter discriminate ({} of {})",
        expected.len(),
        all.len()
    );

    let listed = repo.list(&filter, CustomerSort::default(), page(1, 100)).await.unwrap();
    let mut got = ids(&listed.items);
    got.sort();
    assert_eq!(got, expected, "{what}: list");
    assert_eq!(listed.total_items, expected.len() as u64, "{what}: list total");
    assert_eq!(repo.count(&filter).await.unwrap(), expected.len() as u64, "{what}: count");
    assert_eq!(walk(repo, &filter, 4).await, expected, "{what}: list_after");
    let profiles = walk_profiles(repo, &filter, 4).await;
    assert_eq!(profiles.iter().map(|(id, _)| *id).collect::<Vec<_>>(), expected, "{what}: list_profiles_after");
    for (id, profile) in &profiles {
        let stored = all.iter().find(|c| c.id == *id).map(|c| &c.profile);
        assert_eq!(stored, Some(profile), "{what}: the profile of {id}");
    }
}

/// The keyset walk in batches of `batch`, checking each batch is in id order and continues the previous one.
async fn walk(repo: &SqlCustomerRepository, filter: &CustomerFilter, batch: u64) -> Vec<Uuid> {
    let mut seen: Vec<Uuid> = Vec::new();
    loop {
        let next = repo.list_after(filter, seen.last().copied(), batch).await.unwrap();
        assert!(next.len() as u64 <= batch, "a batch holds at most `limit` customers");
        for c in &next {
            assert!(seen.last().is_none_or(|last| *last < c.id), "the walk goes by increasing id");
            seen.push(c.id);
        }
        if (next.len() as u64) < batch {
            // A short batch is the end; asking again must give nothing.
            assert!(repo.list_after(filter, seen.last().copied(), batch).await.unwrap().is_empty());
            return seen;
        }
    }
}

/// The profile walk in batches of `batch`, with the same checks as `walk`.
async fn walk_profiles(repo: &SqlCustomerRepository, filter: &CustomerFilter, batch: u64) -> Vec<(Uuid, BankProfile)> {
    let mut seen: Vec<(Uuid, BankProfile)> = Vec::new();
    loop {
        let next = repo.list_profiles_after(filter, seen.last().map(|(id, _)| *id), batch).await.unwrap();
        assert!(next.len() as u64 <= batch, "a batch holds at most `limit` customers");
        for (id, profile) in next.iter().cloned() {
            assert!(seen.last().is_none_or(|(last, _)| *last < id), "the walk goes by increasing id");
            seen.push((id, profile));
        }
        if (next.len() as u64) < batch {
            let after = seen.last().map(|(id, _)| *id);
            assert!(repo.list_profiles_after(filter, after, batch).await.unwrap().is_empty());
            return seen;
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// insert, find, update, delete

async fn insert_then_find_by_id_round_trips_every_field(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let at = now();

    let mut full = customer(0);
    full.details.external_id = Some("CRM-ÁÉ-0001".into());
    full.details.name = Some("José Álvarez Núñez".into());
    full.details.email = email("jose.alvarez@banco.example");
    full.details.phone = Some("+34 (600) 000-001".into());
    full.details.city = Some("A Coruña".into());
    full.profile.age = leadscore_domain::customers::Age::new(100).unwrap();
    full.profile.balance = 1_000_000_000;
    full.profile.day = 31;
    full.profile.duration = Some(86_400);
    full.profile.campaign = 1_000;
    full.profile.pdays = 10_000;
    full.profile.previous = 1_000;
    full.outcome = Some(Outcome::Yes);
    full.outcome_at = Some(at - Duration::days(2));
    full.latest_score = Some(LatestScore {
        probability: 0.123_456_789_012_345_67,
        score: 12,
        tier: Tier::Cold,
        model_version: "v".repeat(200),
        scored_at: at - Duration::hours(5),
    });
    full.created_at = at - Duration::days(30);
    full.updated_at = at;

    let mut bare = customer(1);
    bare.details = Default::default();
    bare.profile.age = leadscore_domain::customers::Age::new(18).unwrap();
    bare.profile.balance = -1_000_000_000;
    bare.profile.pdays = -1;
    bare.profile.duration = None;
    bare.profile.campaign = 0;
    bare.profile.previous = 0;
    bare.outcome = None;
    bare.outcome_at = None;
    bare.latest_score = None;

    let mut hot = customer(2);
    hot.profile.balance = -37;
    hot.latest_score = Some(LatestScore { probability: 1.0, score: 100, ..score(100, at) });

    for c in [&full, &bare, &hot] {
        repo.insert(c).await.unwrap();
    }
    for c in [full, bare, hot] {
        assert_eq!(repo.find_by_id(c.id).await.unwrap(), Some(c));
    }
    assert_eq!(repo.find_by_id(Uuid::now_v7()).await.unwrap(), None);
}
super::contract!(insert_then_find_by_id_round_trips_every_field, insert_then_find_by_id_round_trips_every_field);

async fn insert_with_a_taken_external_id_or_email_is_a_conflict(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let first = customer(0);
    repo.insert(&first).await.unwrap();

    let mut same_key = customer(1);
    same_key.details.external_id = first.details.external_id.clone();
    assert_conflict(repo.insert(&same_key).await, "duplicate externalId");
    assert_eq!(repo.find_by_id(same_key.id).await.unwrap(), None, "the rejected customer must not be stored");

    let mut same_email = customer(2);
    same_email.details.email = first.details.email.clone();
    assert_conflict(repo.insert(&same_email).await, "duplicate email");
    assert_eq!(repo.find_by_id(same_email.id).await.unwrap(), None, "the rejected customer must not be stored");

    // Missing keys are not values: any number of customers may have none.
    let keyless: Vec<Customer> = (0..3)
        .map(|_| {
            let mut c = customer(3);
            c.details.external_id = None;
            c.details.email = None;
            c
        })
        .collect();
    for c in &keyless {
        repo.insert(c).await.unwrap();
    }
    assert_eq!(repo.count(&CustomerFilter::default()).await.unwrap(), 4);
    assert_eq!(repo.find_by_id(first.id).await.unwrap(), Some(first));
}
super::contract!(
    insert_with_a_taken_external_id_or_email_is_a_conflict,
    insert_with_a_taken_external_id_or_email_is_a_conflict
);

async fn update_replaces_attributes_but_keeps_the_score(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let mut ana = customer(0);
    ana.latest_score = Some(score(83, now()));
    let bob = customer(1);
    repo.insert(&ana).await.unwrap();
    repo.insert(&bob).await.unwrap();

    let mut changed = ana.clone();
    let other = new_customer(7);
    changed.details = other.details.clone();
    changed.details.external_id = Some("EXT-CHANGED".into());
    changed.details.email = email("changed@bank.example");
    changed.profile = other.profile.clone();
    changed.profile.balance = -1_234;
    changed.outcome = Some(Outcome::No);
    changed.outcome_at = Some(now());
    changed.updated_at = now() + Duration::seconds(5);
    changed.latest_score = None; // the score is not an attribute: update must ignore it
    repo.update(&changed).await.unwrap();

    let stored = repo.find_by_id(ana.id).await.unwrap().unwrap();
    assert_eq!(stored, Customer { latest_score: ana.latest_score.clone(), ..changed.clone() });
    assert_eq!(repo.find_by_id(bob.id).await.unwrap(), Some(bob.clone()), "other customers are untouched");

    // Keeping one's own keys is not a conflict; emptying optional fields is allowed.
    let mut emptied = stored.clone();
    emptied.details.name = None;
    emptied.details.phone = None;
    emptied.details.city = None;
    emptied.profile.duration = None;
    emptied.outcome = None;
    emptied.outcome_at = None;
    repo.update(&emptied).await.unwrap();
    assert_eq!(repo.find_by_id(ana.id).await.unwrap(), Some(emptied.clone()));
}
super::contract!(update_replaces_attributes_but_keeps_the_score, update_replaces_attributes_but_keeps_the_score);

async fn update_of_an_unknown_id_is_not_found_and_taking_keys_is_a_conflict(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let ana = customer(0);
    let bob = customer(1);
    repo.insert(&ana).await.unwrap();
    repo.insert(&bob).await.unwrap();

    let ghost = customer(2);
    let result = repo.update(&ghost).await;
    assert!(matches!(result, Err(AppError::NotFound(_))), "unknown id: {result:?}");
    assert_eq!(repo.find_by_id(ghost.id).await.unwrap(), None, "update must not create");

    let mut takes_email = bob.clone();
    takes_email.details.email = ana.details.email.clone();
    takes_email.details.name = Some("Changed".into());
    assert_conflict(repo.update(&takes_email).await, "update to another's email");

    let mut takes_key = bob.clone();
    takes_key.details.external_id = ana.details.external_id.clone();
    assert_conflict(repo.update(&takes_key).await, "update to another's externalId");

    assert_eq!(repo.find_by_id(bob.id).await.unwrap(), Some(bob), "a refused update changes nothing");
    assert_eq!(repo.find_by_id(ana.id).await.unwrap(), Some(ana));
}
super::contract!(
    update_of_an_unknown_id_is_not_found_and_taking_keys_is_a_conflict,
    update_of_an_unknown_id_is_not_found_and_taking_keys_is_a_conflict
);

async fn delete_says_whether_there_was_one(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let ana = customer(0);
    let bob = customer(1);
    repo.insert(&ana).await.unwrap();
    repo.insert(&bob).await.unwrap();

    assert!(repo.delete(ana.id).await.unwrap());
    assert_eq!(repo.find_by_id(ana.id).await.unwrap(), None);
    assert!(!repo.delete(ana.id).await.unwrap(), "a second delete finds nothing");
    assert!(!repo.delete(Uuid::now_v7()).await.unwrap());
    assert_eq!(everything(&repo).await, vec![bob]);
}
super::contract!(delete_says_whether_there_was_one, delete_says_whether_there_was_one);

// ---------------------------------------------------------------------------------------------------------------
// list, count, list_after: filters

async fn list_applies_each_categorical_filter_as_any_of(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let all = seed(&repo).await;
    let f = CustomerFilter::default;
    assert_filter(&repo, &all, CustomerFilter { job: vec![Job::Admin, Job::Technician], ..f() }, "job").await;
    assert_filter(&repo, &all, CustomerFilter { job: vec![Job::SelfEmployed], ..f() }, "job (one)").await;
    assert_filter(&repo, &all, CustomerFilter { marital: vec![Marital::Married, Marital::Single], ..f() }, "marital")
        .await;
    let education = vec![Education::Primary, Education::Tertiary];
    assert_filter(&repo, &all, CustomerFilter { education, ..f() }, "education").await;
    assert_filter(
        &repo,
        &all,
        CustomerFilter { contact: vec![Contact::Cellular, Contact::Telephone], ..f() },
        "contact",
    )
    .await;
    assert_filter(&repo, &all, CustomerFilter { month: vec![Month::Jan, Month::May], ..f() }, "month").await;
    let poutcome = vec![Poutcome::Success, Poutcome::Failure];
    assert_filter(&repo, &all, CustomerFilter { poutcome, ..f() }, "poutcome").await;
    assert_filter(&repo, &all, CustomerFilter { tier: vec![Tier::Hot, Tier::Cold], ..f() }, "tier").await;
    assert_filter(&repo, &all, CustomerFilter { tier: vec![Tier::Warm], ..f() }, "tier (one)").await;
}
super::contract!(list_applies_each_categorical_filter_as_any_of, list_applies_each_categorical_filter_as_any_of);

async fn list_applies_inclusive_numeric_bounds_and_flags(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let all = seed(&repo).await;
    let f = CustomerFilter::default;
    // Bounds equal to a stored value, so inclusiveness is tested.
    let ages: HashSet<i64> = all.iter().map(|c| i64::from(c.profile.age.years())).collect();
    let balances: HashSet<i64> = all.iter().map(|c| c.profile.balance).collect();
    assert!(ages.contains(&32) && ages.contains(&39) && balances.contains(&-3_023) && balances.contains(&885));
    assert_filter(&repo, &all, CustomerFilter { age_min: Some(32), ..f() }, "ageMin").await;
    assert_filter(&repo, &all, CustomerFilter { age_max: Some(32), ..f() }, "ageMax").await;
    assert_filter(&repo, &all, CustomerFilter { age_min: Some(32), age_max: Some(39), ..f() }, "age range").await;
    assert_filter(&repo, &all, CustomerFilter { age_min: Some(39), age_max: Some(39), ..f() }, "age exact").await;
    assert_filter(&repo, &all, CustomerFilter { balance_min: Some(-3_023), ..f() }, "balanceMin (negative)").await;
    assert_filter(&repo, &all, CustomerFilter { balance_max: Some(-3_023), ..f() }, "balanceMax (negative)").await;
    let range = CustomerFilter { balance_min: Some(-3_023), balance_max: Some(885), ..f() };
    assert_filter(&repo, &all, range, "balance range").await;
    for flag in [true, false] {
        assert_filter(&repo, &all, CustomerFilter { housing: Some(flag), ..f() }, &format!("housing={flag}")).await;
        assert_filter(&repo, &all, CustomerFilter { loan: Some(flag), ..f() }, &format!("loan={flag}")).await;
        assert_filter(&repo, &all, CustomerFilter { default: Some(flag), ..f() }, &format!("default={flag}")).await;
    }
}
super::contract!(list_applies_inclusive_numeric_bounds_and_flags, list_applies_inclusive_numeric_bounds_and_flags);

async fn score_bounds_never_match_unscored_customers(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let all = seed(&repo).await;
    let scores: HashSet<u8> = all.iter().filter_map(|c| c.latest_score.as_ref().map(|s| s.score)).collect();
    assert!(scores.contains(&0) && scores.contains(&40) && scores.contains(&92));
    let f = CustomerFilter::default;
    // The widest bounds select exactly the scored customers.
    for filter in [
        CustomerFilter { score_min: Some(0), ..f() },
        CustomerFilter { score_max: Some(100), ..f() },
        CustomerFilter { score_min: Some(0), score_max: Some(100), ..f() },
    ] {
        let listed = repo.list(&filter, CustomerSort::default(), page(1, 100)).await.unwrap();
        assert!(listed.items.iter().all(|c| c.latest_score.is_some()), "{filter:?} matched an unscored customer");
        assert_eq!(listed.total_items, all.iter().filter(|c| c.latest_score.is_some()).count() as u64, "{filter:?}");
    }
    assert_filter(&repo, &all, CustomerFilter { score_min: Some(40), ..f() }, "scoreMin").await;
    assert_filter(&repo, &all, CustomerFilter { score_max: Some(40), ..f() }, "scoreMax").await;
    assert_filter(&repo, &all, CustomerFilter { score_min: Some(40), score_max: Some(92), ..f() }, "score range").await;
    assert_filter(&repo, &all, CustomerFilter { score_max: Some(0), ..f() }, "scoreMax=0").await;
}
super::contract!(score_bounds_never_match_unscored_customers, score_bounds_never_match_unscored_customers);

async fn q_searches_name_email_phone_city_and_external_id_case_insensitively(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let all = seed(&repo).await;
    let q = |text: &str| CustomerFilter { q: Some(text.into()), ..CustomerFilter::default() };
    for (text, what) in [
        ("CUSTOMER 0", "name, other case"),
        ("  customer 13 ", "name, padded"),
        ("Customer1@BANK", "email"),
        ("600 012", "phone"),
        ("LISB", "city"),
        ("ext-000", "external id, other case"),
        ("%", "literal %"),
        ("_", "literal _"),
        ("0% j", "literal % inside a word"),
        ("e_b", "literal _ inside a word"),
        (r"\", "literal backslash"),
        (r":\t", "backslash inside a word"),
    ] {
        assert_filter(&repo, &all, q(text), &format!("q={text:?} ({what})")).await;
    }
    // `%` and `_` are not wildcards: these match nothing although a wildcard reading would.
    for text in ["Cust%02", "EXT_00", "Customer_01"] {
        assert_eq!(repo.count(&q(text)).await.unwrap(), 0, "q={text:?}");
    }
    // Blank text is no filter.
    assert_eq!(repo.count(&q("   ")).await.unwrap(), all.len() as u64);
}
super::contract!(
    q_searches_name_email_phone_city_and_external_id_case_insensitively,
    q_searches_name_email_phone_city_and_external_id_case_insensitively
);

async fn q_is_case_insensitive_beyond_ascii(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let mut angela = customer(0);
    angela.details.name = Some("Ángela Núñez".into());
    angela.details.city = Some("ÉVORA".into());
    let other = customer(1);
    repo.insert(&angela).await.unwrap();
    repo.insert(&other).await.unwrap();
    for text in ["ángela", "ÁNGELA", "NÚÑEZ", "évora", "Évora"] {
        let filter = CustomerFilter { q: Some(text.into()), ..CustomerFilter::default() };
        let found = repo.list(&filter, CustomerSort::default(), page(1, 10)).await.unwrap();
        assert_eq!(ids(&found.items), vec![angela.id], "q={text:?} must find {:?}", angela.details);
    }
}
super::contract!(q_is_case_insensitive_beyond_ascii, q_is_case_insensitive_beyond_ascii);

async fn from_and_to_bound_the_creation_time_inclusively(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let all = seed(&repo).await;
    let f = CustomerFilter::default;
    // Exactly the creation time of stored customers (with microseconds).
    let t1 = base_time() + Duration::minutes(5);
    let t2 = base_time() + Duration::minutes(17);
    assert!(all.iter().any(|c| c.created_at == t1) && all.iter().any(|c| c.created_at == t2));
    assert_filter(&repo, &all, CustomerFilter { from: Some(t1), ..f() }, "from").await;
    assert_filter(&repo, &all, CustomerFilter { to: Some(t1), ..f() }, "to").await;
    assert_filter(&repo, &all, CustomerFilter { from: Some(t1), to: Some(t2), ..f() }, "from..to").await;
    assert_filter(&repo, &all, CustomerFilter { from: Some(t2), to: Some(t2), ..f() }, "from=to").await;
    let just_after = t1 + Duration::microseconds(1);
    assert_filter(&repo, &all, CustomerFilter { from: Some(just_after), ..f() }, "from one microsecond later").await;
    let just_before = t1 - Duration::microseconds(1);
    assert_filter(&repo, &all, CustomerFilter { to: Some(just_before), ..f() }, "to one microsecond earlier").await;
}
super::contract!(from_and_to_bound_the_creation_time_inclusively, from_and_to_bound_the_creation_time_inclusively);

async fn filters_combine_with_and(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let all = seed(&repo).await;
    let combined = CustomerFilter {
        job: vec![Job::Admin, Job::BlueCollar, Job::Management, Job::Retired, Job::Services],
        marital: vec![Marital::Married, Marital::Single],
        age_min: Some(20),
        age_max: Some(45),
        balance_min: Some(-4_000),
        housing: Some(true),
        score_min: Some(10),
        q: Some("customer".into()),
        from: Some(base_time()),
        to: Some(base_time() + Duration::hours(1)),
        ..CustomerFilter::default()
    };
    assert_filter(&repo, &all, combined.clone(), "combination").await;
    let nothing = CustomerFilter { housing: Some(false), ..combined.clone() };
    let nothing = CustomerFilter { loan: Some(true), default: Some(true), tier: vec![Tier::Hot], ..nothing };
    let expected = all.iter().filter(|c| matches(&nothing, c)).count() as u64;
    assert_eq!(repo.count(&nothing).await.unwrap(), expected);
    // The returned customers are whole and exact.
    let listed = repo.list(&combined, CustomerSort::default(), page(1, 100)).await.unwrap();
    for c in &listed.items {
        assert_eq!(all.iter().find(|a| a.id == c.id), Some(c));
    }
}
super::contract!(filters_combine_with_and, filters_combine_with_and);

// ---------------------------------------------------------------------------------------------------------------
// list: sorting and paging

async fn every_sort_orders_with_missing_values_last_and_ties_by_id(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let all = seed(&repo).await;
    let every: HashSet<Uuid> = all.iter().map(|c| c.id).collect();
    assert!(all.iter().any(|c| c.latest_score.is_none()) && all.iter().any(|c| c.details.name.is_none()));
    for field in [
        CustomerSortField::Age,
        CustomerSortField::Balance,
        CustomerSortField::Score,
        CustomerSortField::CreatedAt,
        CustomerSortField::Name,
    ] {
        for dir in [SortDir::Asc, SortDir::Desc] {
            let what = format!("{field:?} {dir:?}");
            let listed = repo.list(&CustomerFilter::default(), sort(field, dir), page(1, 100)).await.unwrap();
            let items = &listed.items;
            assert_eq!(items.len(), all.len(), "{what}");
            assert_eq!(items.iter().map(|c| c.id).collect::<HashSet<_>>(), every, "{what}: each customer once");

            let mut tie_orders = HashSet::new();
            let mut ties = 0;
            for pair in items.windows(2) {
                let (a, b) = (sort_key(field, &pair[0]), sort_key(field, &pair[1]));
                match (&a, &b) {
                    (None, Some(_)) => panic!("{what}: a customer without a value comes before one with a value"),
                    (Some(x), Some(y)) if x != y => {
                        assert!(if dir == SortDir::Asc { x < y } else { x > y }, "{what}: {x:?} then {y:?}");
                    }
                    (Some(_), None) => {}
                    _ => {
                        ties += 1;
                        assert_ne!(pair[0].id, pair[1].id);
                        tie_orders.insert(pair[0].id < pair[1].id);
                    }
                }
            }
            assert!(ties > 0, "{what}: the data must have ties");
            assert_eq!(tie_orders.len(), 1, "{what}: ties must be broken by id, consistently");

            // Paging through small pages gives the very same sequence.
            let mut paged = Vec::new();
            for number in 1..=7 {
                let p = repo.list(&CustomerFilter::default(), sort(field, dir), page(number, 7)).await.unwrap();
                assert_eq!(p.total_items, all.len() as u64, "{what}: total on page {number}");
                paged.extend(ids(&p.items));
            }
            assert_eq!(paged, ids(items), "{what}: pages of 7 concatenate to the full order");
        }
    }
}
super::contract!(
    every_sort_orders_with_missing_values_last_and_ties_by_id,
    every_sort_orders_with_missing_values_last_and_ties_by_id
);

async fn paging_reports_totals_and_a_page_past_the_end_is_empty(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let all = seed(&repo).await;
    let filter = CustomerFilter { housing: Some(true), ..CustomerFilter::default() };
    let matching = all.iter().filter(|c| matches(&filter, c)).count() as u64;
    assert_eq!(matching, 24);

    let by_age = sort(CustomerSortField::Age, SortDir::Asc);
    let mut seen = Vec::new();
    for number in 1..=3 {
        let p = repo.list(&filter, by_age, page(number, 10)).await.unwrap();
        assert_eq!(p.total_items, matching);
        assert_eq!(p.total_pages(), 3);
        assert_eq!(p.request, page(number, 10));
        assert_eq!(p.items.len(), if number < 3 { 10 } else { 4 }, "page {number}");
        seen.extend(ids(&p.items));
    }
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 24, "no customer on two pages");

    let past = repo.list(&filter, by_age, page(4, 10)).await.unwrap();
    assert!(past.items.is_empty());
    assert_eq!(past.total_items, matching, "the total is reported even past the end");
    let far = repo.list(&filter, by_age, page(1_000_000, 100)).await.unwrap();
    assert!(far.items.is_empty());
    assert_eq!(far.total_items, matching);

    let none = CustomerFilter { q: Some("no such customer".into()), ..CustomerFilter::default() };
    let empty = repo.list(&none, by_age, page(1, 10)).await.unwrap();
    assert!(empty.items.is_empty());
    assert_eq!((empty.total_items, empty.total_pages()), (0, 0));
    assert_eq!(repo.count(&none).await.unwrap(), 0);
    assert_eq!(repo.count(&CustomerFilter::default()).await.unwrap(), all.len() as u64);
}
super::contract!(
    paging_reports_totals_and_a_page_past_the_end_is_empty,
    paging_reports_totals_and_a_page_past_the_end_is_empty
);

async fn list_after_walks_every_matching_customer_once_by_id(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let all = seed(&repo).await;
    let mut every = ids(&all);
    every.sort();
    for batch in [1, 5, 48, 1_000] {
        assert_eq!(walk(&repo, &CustomerFilter::default(), batch).await, every, "batch {batch}");
    }
    let filter = CustomerFilter { loan: Some(false), score_min: Some(20), ..CustomerFilter::default() };
    assert_filter(&repo, &all, filter.clone(), "filtered walk").await;
    // The walk may start after an id that does not match the filter, or that does not exist at all.
    let after = every[10];
    let rest = repo.list_after(&CustomerFilter::default(), Some(after), 1_000).await.unwrap();
    assert_eq!(ids(&rest), every[11..].to_vec());
    let beyond = repo.list_after(&filter, Some(Uuid::max()), 10).await.unwrap();
    assert!(beyond.is_empty());
    let from_nil = repo.list_after(&CustomerFilter::default(), Some(Uuid::nil()), 3).await.unwrap();
    assert_eq!(ids(&from_nil), every[..3].to_vec());
    // Whole customers come back.
    for c in repo.list_after(&filter, None, 1_000).await.unwrap() {
        assert_eq!(all.iter().find(|a| a.id == c.id), Some(&c));
    }
}
super::contract!(
    list_after_walks_every_matching_customer_once_by_id,
    list_after_walks_every_matching_customer_once_by_id
);

async fn list_profiles_after_walks_like_list_after_with_the_bank_attributes_only(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let mut all = seed(&repo).await;
    // The extremes each column must carry: the oldest age, the largest balance and counts, the last day.
    let mut extreme = customer(48);
    extreme.profile.age = leadscore_domain::customers::Age::new(100).unwrap();
    extreme.profile.balance = 102_127;
    extreme.profile.day = 31;
    extreme.profile.duration = Some(4_918);
    (extreme.profile.campaign, extreme.profile.pdays, extreme.profile.previous) = (63, 871, 275);
    repo.insert(&extreme).await.unwrap();
    all.push(extreme);
    assert!(all.iter().any(|c| c.profile.duration.is_none()) && all.iter().any(|c| c.profile.pdays == -1));
    let mut every: Vec<&Customer> = all.iter().collect();
    every.sort_by_key(|c| c.id);
    let expected: Vec<(Uuid, BankProfile)> = every.iter().map(|c| (c.id, c.profile.clone())).collect();
    for batch in [1, 5, 49, 1_000] {
        assert_eq!(walk_profiles(&repo, &CustomerFilter::default(), batch).await, expected, "batch {batch}");
    }
    // Filters that need columns the read does not return (search text, score, creation time) still apply.
    let f = CustomerFilter::default;
    let q = CustomerFilter { q: Some("customer 1".into()), ..f() };
    assert_filter(&repo, &all, q, "q").await;
    let combined =
        CustomerFilter { loan: Some(false), score_min: Some(20), to: Some(base_time() + Duration::minutes(18)), ..f() };
    assert_filter(&repo, &all, combined, "score and creation time").await;
    // The walk may start after an id that does not match, or does not exist.
    let rest = repo.list_profiles_after(&f(), Some(expected[10].0), 1_000).await.unwrap();
    assert_eq!(rest, expected[11..].to_vec());
    assert!(repo.list_profiles_after(&f(), Some(Uuid::max()), 10).await.unwrap().is_empty());
    assert_eq!(repo.list_profiles_after(&f(), Some(Uuid::nil()), 3).await.unwrap(), expected[..3].to_vec());
    assert!(repo.list_profiles_after(&f(), None, 0).await.unwrap().is_empty(), "a limit of 0 reads nothing");
}
super::contract!(
    list_profiles_after_walks_like_list_after_with_the_bank_attributes_only,
    list_profiles_after_walks_like_list_after_with_the_bank_attributes_only
);

// ---------------------------------------------------------------------------------------------------------------
// import

async fn import(
    repo: &SqlCustomerRepository,
    rows: Vec<NewCustomer>,
    on_conflict: OnConflict,
    dry_run: bool,
    at: DateTime<Utc>,
) -> Result<ImportCounts, AppError> {
    repo.import(rows, on_conflict, dry_run, at, None).await
}

fn counts(created: u64, updated: u64, skipped: u64) -> ImportCounts {
    ImportCounts { created, updated, skipped }
}

async fn import_creates_unscored_customers_at_the_given_time(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let at = now();
    // Rows 0-2 have keys; row 29 has neither external id nor e-mail, so its twin is a second, distinct customer.
    let rows = vec![new_customer(0), new_customer(1), new_customer(2), new_customer(29), new_customer(29)];
    assert!(rows[3].details.external_id.is_none() && rows[3].details.email.is_none());
    let result = import(&repo, rows.clone(), OnConflict::Update, false, at).await.unwrap();
    assert_eq!(result, counts(5, 0, 0));

    let stored = everything(&repo).await;
    assert_eq!(stored.len(), 5);
    for row in &rows[..3] {
        let c = by_external_id(&repo, row.details.external_id.as_deref().unwrap()).await;
        assert_attributes(&c, row);
    }
    for c in &stored {
        assert_eq!((c.created_at, c.updated_at), (at, at));
        assert_eq!((&c.latest_score, c.outcome_at), (&None, None));
    }
    assert_eq!(stored.iter().filter(|c| c.details == rows[3].details && c.profile == rows[3].profile).count(), 2);

    assert_eq!(import(&repo, Vec::new(), OnConflict::Skip, false, at).await.unwrap(), counts(0, 0, 0));
}
super::contract!(
    import_creates_unscored_customers_at_the_given_time,
    import_creates_unscored_customers_at_the_given_time
);

async fn import_update_matches_by_external_id_then_email_and_keeps_score_and_creation(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let mut ana = customer(0);
    ana.latest_score = Some(score(91, now()));
    ana.created_at = base_time();
    let mut bob = customer(1);
    bob.latest_score = Some(score(12, now()));
    bob.created_at = base_time();
    let carl = customer(2);
    for c in [&ana, &bob, &carl] {
        repo.insert(c).await.unwrap();
    }

    // Ana by external id (with a new e-mail), Bob by e-mail (with an unknown external id), and a new customer.
    let mut by_key = new_customer(100);
    by_key.details.external_id = ana.details.external_id.clone();
    by_key.details.email = email("ana.new@bank.example");
    let mut by_email = new_customer(101);
    by_email.details.external_id = Some("EXT-BOB-NEW".into());
    by_email.details.email = bob.details.email.clone();
    let fresh = new_customer(102);
    let at = now() + Duration::seconds(3);

    let result = import(&repo, vec![by_key.clone(), by_email.clone(), fresh.clone()], OnConflict::Update, false, at);
    assert_eq!(result.await.unwrap(), counts(1, 2, 0));

    let stored_ana = repo.find_by_id(ana.id).await.unwrap().unwrap();
    assert_attributes(&stored_ana, &by_key);
    assert_eq!(
        (&stored_ana.latest_score, stored_ana.created_at, stored_ana.updated_at),
        (&ana.latest_score, ana.created_at, at)
    );
    let stored_bob = repo.find_by_id(bob.id).await.unwrap().unwrap();
    assert_attributes(&stored_bob, &by_email);
    assert_eq!(
        (&stored_bob.latest_score, stored_bob.created_at, stored_bob.updated_at),
        (&bob.latest_score, bob.created_at, at)
    );
    assert_eq!(repo.find_by_id(carl.id).await.unwrap(), Some(carl));
    assert_attributes(&by_external_id(&repo, "EXT-0102").await, &fresh);
    assert_eq!(repo.count(&CustomerFilter::default()).await.unwrap(), 4);
}
super::contract!(
    import_update_matches_by_external_id_then_email_and_keeps_score_and_creation,
    import_update_matches_by_external_id_then_email_and_keeps_score_and_creation
);

async fn import_skip_counts_matches_and_changes_nothing(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let mut ana = customer(0);
    ana.latest_score = Some(score(50, now()));
    let bob = customer(1);
    repo.insert(&ana).await.unwrap();
    repo.insert(&bob).await.unwrap();

    let mut by_key = new_customer(100);
    by_key.details.external_id = ana.details.external_id.clone();
    let mut by_email = new_customer(101);
    by_email.details.external_id = None;
    by_email.details.email = bob.details.email.clone();
    let fresh = new_customer(102);

    let result = import(&repo, vec![by_key, by_email, fresh.clone()], OnConflict::Skip, false, now()).await.unwrap();
    assert_eq!(result, counts(1, 0, 2));
    assert_eq!(repo.find_by_id(ana.id).await.unwrap(), Some(ana), "a skipped customer is untouched");
    assert_eq!(repo.find_by_id(bob.id).await.unwrap(), Some(bob), "a skipped customer is untouched");
    assert_attributes(&by_external_id(&repo, "EXT-0102").await, &fresh);
    assert_eq!(repo.count(&CustomerFilter::default()).await.unwrap(), 3);
}
super::contract!(import_skip_counts_matches_and_changes_nothing, import_skip_counts_matches_and_changes_nothing);

/// Rows 2-4 repeat row 1's customer: by external id, by e-mail alone, and by e-mail with a new external id.
fn repeated_rows(tag: &str) -> Vec<NewCustomer> {
    let key = format!("{tag}-1");
    let mail = email(&format!("{}@bank.example", tag.to_lowercase()));
    let mut first = new_customer(200);
    first.details.external_id = Some(key.clone());
    first.details.email = mail.clone();
    let mut same_key = new_customer(201);
    same_key.details.external_id = Some(key);
    same_key.details.email = None;
    let mut same_email = new_customer(202);
    same_email.details.external_id = None;
    same_email.details.email = mail.clone();
    let mut same_email_new_key = new_customer(203);
    same_email_new_key.details.external_id = Some(format!("{tag}-4"));
    same_email_new_key.details.email = mail;
    vec![first, same_key, same_email, same_email_new_key]
}

async fn import_matches_rows_earlier_in_the_same_import(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());

    let skip = repeated_rows("SKIP");
    assert_eq!(import(&repo, skip.clone(), OnConflict::Skip, false, now()).await.unwrap(), counts(1, 0, 3));
    let stored = everything(&repo).await;
    assert_eq!(stored.len(), 1);
    assert_attributes(&stored[0], &skip[0]);

    let update = repeated_rows("UPD");
    assert_eq!(import(&repo, update.clone(), OnConflict::Update, false, now()).await.unwrap(), counts(1, 3, 0));
    let stored = everything(&repo).await;
    assert_eq!(stored.len(), 2);
    assert_attributes(&by_external_id(&repo, "UPD-4").await, &update[3]);
}
super::contract!(import_matches_rows_earlier_in_the_same_import, import_matches_rows_earlier_in_the_same_import);

async fn import_update_matches_keys_an_earlier_row_gave_an_existing_customer(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    // Xavier has an e-mail but no external id; Yolanda an external id but no e-mail.
    let mut xavier = customer(0);
    xavier.details.external_id = None;
    xavier.details.email = email("xavier@bank.example");
    let mut yolanda = customer(1);
    yolanda.details.external_id = Some("Y-1".into());
    yolanda.details.email = None;
    repo.insert(&xavier).await.unwrap();
    repo.insert(&yolanda).await.unwrap();

    // Row 1 matches Xavier by e-mail and gives him external id X-1; row 2 is Xavier again, by that external id.
    // Row 3 matches Yolanda by external id and gives her an e-mail; row 4 is Yolanda again, by that e-mail.
    let mut r1 = new_customer(300);
    r1.details.external_id = Some("X-1".into());
    r1.details.email = xavier.details.email.clone();
    let mut r2 = new_customer(301);
    r2.details.external_id = Some("X-1".into());
    r2.details.email = None;
    let mut r3 = new_customer(302);
    r3.details.external_id = Some("Y-1".into());
    r3.details.email = email("yolanda@bank.example");
    let mut r4 = new_customer(303);
    r4.details.external_id = None;
    r4.details.email = email("yolanda@bank.example");

    let result = import(&repo, vec![r1, r2.clone(), r3, r4.clone()], OnConflict::Update, false, now()).await;
    assert_eq!(
        result.as_ref().ok(),
        Some(&counts(0, 4, 0)),
        "rows 2 and 4 repeat customers that rows 1 and 3 of the same import matched: {result:?}"
    );
    assert_attributes(&repo.find_by_id(xavier.id).await.unwrap().unwrap(), &r2);
    assert_attributes(&repo.find_by_id(yolanda.id).await.unwrap().unwrap(), &r4);
    assert_eq!(repo.count(&CustomerFilter::default()).await.unwrap(), 2);
}
super::contract!(
    import_update_matches_keys_an_earlier_row_gave_an_existing_customer,
    import_update_matches_keys_an_earlier_row_gave_an_existing_customer
);

async fn import_dry_run_counts_but_writes_nothing(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let mut ana = customer(0);
    ana.latest_score = Some(score(64, now()));
    repo.insert(&ana).await.unwrap();
    let before = everything(&repo).await;

    let mut rows: Vec<NewCustomer> = (1..=620).map(|i| new_customer(1_000 + i)).collect();
    let mut ana_again = new_customer(5);
    ana_again.details.external_id = ana.details.external_id.clone();
    rows.insert(3, ana_again);
    rows.extend(repeated_rows("DRY"));

    for on_conflict in [OnConflict::Skip, OnConflict::Update] {
        let dry = import(&repo, rows.clone(), on_conflict, true, now()).await.unwrap();
        let expected = match on_conflict {
            OnConflict::Skip => counts(621, 0, 4),
            OnConflict::Update => counts(621, 4, 0),
        };
        assert_eq!(dry, expected, "{on_conflict:?}");
        assert_eq!(everything(&repo).await, before, "a dry run ({on_conflict:?}) leaves the table as it was");
    }
    let real = import(&repo, rows, OnConflict::Update, false, now()).await.unwrap();
    assert_eq!(real, counts(621, 4, 0), "a real run does what the dry run said");
    assert_eq!(repo.count(&CustomerFilter::default()).await.unwrap(), 622);
}
super::contract!(import_dry_run_counts_but_writes_nothing, import_dry_run_counts_but_writes_nothing);

async fn a_failing_import_leaves_the_database_as_it_was(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let mut xavier = customer(0);
    xavier.latest_score = Some(score(77, now()));
    let yolanda = customer(1);
    repo.insert(&xavier).await.unwrap();
    repo.insert(&yolanda).await.unwrap();
    let before = everything(&repo).await;

    // Over two chunks of new customers and an update of Yolanda, then a row that matches Xavier by external id
    // but carries Yolanda's e-mail: applying it must violate the unique e-mail.
    let mut rows: Vec<NewCustomer> = (1..=1_100).map(|i| new_customer(10_000 + i)).collect();
    let mut yolanda_again = new_customer(7);
    yolanda_again.details.external_id = yolanda.details.external_id.clone();
    yolanda_again.details.email = yolanda.details.email.clone();
    rows.insert(10, yolanda_again);
    let mut contradictory = new_customer(8);
    contradictory.details.external_id = xavier.details.external_id.clone();
    contradictory.details.email = yolanda.details.email.clone();
    rows.push(contradictory);
    let total = rows.len() as u64;

    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let progress: ImportProgress = Arc::new(move |n| sink.lock().unwrap().push(n));
    let result = repo.import(rows, OnConflict::Update, false, now(), Some(progress)).await;
    assert!(matches!(result, Err(AppError::Conflict(_))), "the contradictory row must fail the import: {result:?}");
    assert_eq!(everything(&repo).await, before, "nothing of a failed import may remain");
    assert!(seen.lock().unwrap().iter().all(|n| *n < total), "progress never reached the end");
}
super::contract!(a_failing_import_leaves_the_database_as_it_was, a_failing_import_leaves_the_database_as_it_was);

async fn a_large_import_works_across_chunks_and_reports_progress(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let mut rows: Vec<NewCustomer> = (0..1_234).map(|i| new_customer(20_000 + i)).collect();
    // Row 900 (a later chunk) repeats row 3 (the first chunk), by external id, with other attributes.
    rows[3].details.external_id = Some("BIG-3".into());
    let mut repeat = new_customer(42);
    repeat.details.external_id = Some("BIG-3".into());
    repeat.details.email = None;
    rows[900] = repeat.clone();
    let total = rows.len() as u64;

    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let progress: ImportProgress = Arc::new(move |n| sink.lock().unwrap().push(n));
    let at = now();
    let result = repo.import(rows, OnConflict::Update, false, at, Some(progress)).await.unwrap();
    assert_eq!(result, counts(total - 1, 1, 0));
    assert_eq!(repo.count(&CustomerFilter::default()).await.unwrap(), total - 1);
    assert_attributes(&by_external_id(&repo, "BIG-3").await, &repeat);

    let seen = seen.lock().unwrap().clone();
    assert!(seen.len() >= 2, "more than one progress report for {total} rows: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "progress increases: {seen:?}");
    assert_eq!(seen.last(), Some(&total), "progress ends at the row total: {seen:?}");
}
super::contract!(
    a_large_import_works_across_chunks_and_reports_progress,
    a_large_import_works_across_chunks_and_reports_progress
);

// ---------------------------------------------------------------------------------------------------------------
// find_many and imports that carry a score

async fn find_many_returns_exactly_the_existing_customers(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let rows: Vec<NewCustomer> = (0..1_100).map(|i| new_customer(30_000 + i)).collect();
    import(&repo, rows, OnConflict::Skip, false, now()).await.unwrap();
    let all = everything(&repo).await;
    assert_eq!(all.len(), 1_100);

    // Over two chunks of ids, with unknown ids and repeats in between.
    let mut wanted: Vec<Uuid> = all.iter().step_by(2).map(|c| c.id).collect();
    wanted.insert(0, Uuid::now_v7());
    wanted.insert(300, Uuid::nil());
    wanted.extend(wanted[1..20].to_vec());
    wanted.push(Uuid::max());
    let mut found = repo.find_many(&wanted).await.unwrap();
    found.sort_by_key(|c| c.id);
    let expected: Vec<Customer> = all.iter().step_by(2).cloned().collect();
    assert_eq!(found, expected, "each existing customer once, whole");

    assert_eq!(repo.find_many(&[]).await.unwrap(), Vec::new());
    assert_eq!(repo.find_many(&[Uuid::now_v7()]).await.unwrap(), Vec::new());
    assert_eq!(repo.find_many(&[all[7].id]).await.unwrap(), vec![all[7].clone()]);
}
super::contract!(find_many_returns_exactly_the_existing_customers, find_many_returns_exactly_the_existing_customers);

async fn import_with_a_score_writes_it_and_an_update_with_a_score_overwrites_it(db: &DatabaseConnection) {
    let repo = SqlCustomerRepository::new(db.clone());
    let at = now();
    let mut scored = new_customer(0);
    scored.score = Some(score(87, at - Duration::minutes(1)));
    let unscored = new_customer(1);
    let created = import(&repo, vec![scored.clone(), unscored.clone()], OnConflict::Update, false, at).await;
    assert_eq!(created.unwrap(), counts(2, 0, 0));
    let first = by_external_id(&repo, "EXT-0000").await;
    assert_eq!(first.latest_score, scored.score, "a new row gets the score it came with");
    assert_attributes(&first, &scored);
    assert_eq!(by_external_id(&repo, "EXT-0001").await.latest_score, None);

    // The update path: a scored row replaces the score (of a scored and of an unscored customer); an unscored row
    // leaves it alone.
    let later = at + Duration::seconds(10);
    let mut rescored = new_customer(0);
    rescored.profile.balance = 77;
    rescored.score = Some(score(3, later));
    let mut now_scored = new_customer(1);
    now_scored.score = Some(score(55, later));
    let updated = import(&repo, vec![rescored.clone(), now_scored.clone()], OnConflict::Update, false, later).await;
    assert_eq!(updated.unwrap(), counts(0, 2, 0));
    let first = by_external_id(&repo, "EXT-0000").await;
    assert_eq!((&first.latest_score, first.updated_at), (&rescored.score, later));
    assert_attributes(&first, &rescored);
    assert_eq!(by_external_id(&repo, "EXT-0001").await.latest_score, now_scored.score);

    let mut plain = new_customer(0);
    plain.profile.balance = 78;
    assert_eq!(import(&repo, vec![plain.clone()], OnConflict::Update, false, later).await.unwrap(), counts(0, 1, 0));
    let first = by_external_id(&repo, "EXT-0000").await;
    assert_eq!(first.latest_score, rescored.score, "an unscored row keeps the stored score");
    assert_attributes(&first, &plain);

    // A skipped row's score is not written either.
    let mut skipped = new_customer(1);
    skipped.score = Some(score(99, later));
    assert_eq!(import(&repo, vec![skipped], OnConflict::Skip, false, later).await.unwrap(), counts(0, 0, 1));
    assert_eq!(by_external_id(&repo, "EXT-0001").await.latest_score, now_scored.score);
}
super::contract!(
    import_with_a_score_writes_it_and_an_update_with_a_score_overwrites_it,
    import_with_a_score_writes_it_and_an_update_with_a_score_overwrites_it
);

// ---------------------------------------------------------------------------------------------------------------
// speed

/// The two keyset reads over a base the size of the UCI file (45,211 customers, 5,000 per query), best of three:
/// `cargo test --release -p leadscore-tests --test it -- --ignored --nocapture contract::customers::reading_the_uci_base`.
async fn time_reads(db: &DatabaseConnection) {
    const N: u32 = 45_211;
    const CHUNK: u64 = 5_000;
    let repo = SqlCustomerRepository::new(db.clone());
    let rows: Vec<NewCustomer> = (0..N).map(new_customer).collect();
    repo.import(rows, OnConflict::Skip, false, base_time(), None).await.unwrap();
    let filter = CustomerFilter::default();
    let (mut whole, mut narrow) = (std::time::Duration::MAX, std::time::Duration::MAX);
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let (mut after, mut count) = (None, 0);
        while let Some(last) = repo.list_after(&filter, after, CHUNK).await.unwrap().last() {
            (after, count) = (Some(last.id), count + CHUNK);
        }
        whole = whole.min(started.elapsed());
        assert!(count >= u64::from(N));
        let started = std::time::Instant::now();
        let (mut after, mut count) = (None, 0);
        while let Some((last, _)) = repo.list_profiles_after(&filter, after, CHUNK).await.unwrap().last() {
            (after, count) = (Some(*last), count + CHUNK);
        }
        narrow = narrow.min(started.elapsed());
        assert!(count >= u64::from(N));
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!(
        "{:?}, {N} customers, best of 3: list_after {whole:?}, list_profiles_after {narrow:?} (load {})",
        db.get_database_backend(),
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
}

#[tokio::test]
#[ignore = "timing, run by hand"]
async fn reading_the_uci_base_on_sqlite() {
    time_reads(leadscore_tests::TestDb::sqlite().await.conn()).await;
}

#[tokio::test]
#[ignore = "timing, run by hand"]
async fn reading_the_uci_base_on_postgres() {
    let Some(db) = leadscore_tests::TestDb::postgres().await else { return };
    time_reads(db.conn()).await;
}
