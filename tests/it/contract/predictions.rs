//! `PredictionRepository`: stored predictions and the latest scores they give customers, on every adapter.
//!
//! Filters and sorts are checked against an in-memory oracle (`matches`, `sorted`) over a varied data set, and each
//! filter must actually discriminate (match some predictions, not all) so no check passes vacuously.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use leadscore_application::customers::{CustomerFilter, CustomerRepository, OnConflict};
use leadscore_application::scoring::{
    CustomerScore, PredictionFilter, PredictionRepository, PredictionSort, PredictionSortField,
};
use leadscore_application::users::UserRepository;
use leadscore_domain::customers::{Customer, LatestScore, NewCustomer};
use leadscore_domain::pagination::SortDir;
use leadscore_domain::scoring::{
    Factors, FeatureRecord, FeatureValue, PredictedClass, Prediction, PredictionSource, ScoreOutcome, Tier,
};
use leadscore_infrastructure::repositories::{
    GroupCommitPredictions, SqlCustomerRepository, SqlPredictionRepository, SqlUserRepository,
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::fixtures::{
    MODEL, assert_not_found, base_time, factors, imported_customers, new_customer, now, outcome, page, stored_customer,
    stored_user,
};

// ---------------------------------------------------------------------------------------------------------------
// builders

fn features() -> FeatureRecord {
    [
        ("age", FeatureValue::Number(37.0)),
        ("balance", FeatureValue::Number(-1_234.5)),
        ("pdays", FeatureValue::Number(-1.0)),
        ("duration", FeatureValue::Number(0.25)),
        ("job", FeatureValue::Text("blue-collar".into())),
        ("month", FeatureValue::Text("may".into())),
        ("note", FeatureValue::Text("ünïcödé \"quoted\" \\ text".into())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A single prediction of `probability` for `customer_id`, made now by nobody in particular.
fn prediction(customer_id: Option<Uuid>, probability: f64) -> Prediction {
    Prediction {
        id: Uuid::now_v7(),
        customer_id,
        campaign_id: None,
        source: PredictionSource::Single,
        features: features(),
        outcome: outcome(probability),
        factors: factors(),
        model_version: MODEL.into(),
        requested_by: None,
        created_at: now(),
        overridden: None,
    }
}

fn latest(probability: f64, at: DateTime<Utc>) -> LatestScore {
    let o = outcome(probability);
    LatestScore { probability, score: o.score, tier: o.tier, model_version: MODEL.into(), scored_at: at }
}

fn score_for(customer_id: Uuid, probability: f64, at: DateTime<Utc>) -> CustomerScore {
    CustomerScore { customer_id, score: latest(probability, at) }
}

fn ids(predictions: &[Prediction]) -> Vec<Uuid> {
    predictions.iter().map(|p| p.id).collect()
}

/// Every stored prediction (up to 100), newest first.
async fn everything(repo: &SqlPredictionRepository) -> Vec<Prediction> {
    let all = repo.list(&PredictionFilter::default(), PredictionSort::default(), page(1, 100)).await.unwrap();
    assert!(all.total_items <= 100, "everything() is for small data sets");
    all.items
}

// ---------------------------------------------------------------------------------------------------------------
// record and find

async fn record_then_find_round_trips_every_field(db: &DatabaseConnection) {
    let customers = SqlCustomerRepository::new(db.clone());
    let repo = SqlPredictionRepository::new(db.clone());
    let ana = stored_customer(db, 1).await;
    let manager = stored_user(db, "manager", None).await;

    let full = Prediction {
        id: Uuid::now_v7(),
        customer_id: Some(ana.id),
        // No foreign key: the campaigns table comes later.
        campaign_id: Some(Uuid::now_v7()),
        source: PredictionSource::Batch,
        features: features(),
        outcome: ScoreOutcome {
            probability: 0.123_456_789_012_345_67,
            score: 12,
            tier: Tier::Warm,
            predicted_class: PredictedClass::No,
        },
        factors: factors(),
        model_version: "v".repeat(200),
        requested_by: Some(manager.id),
        created_at: base_time(),
        overridden: None,
    };
    let bare = Prediction {
        id: Uuid::now_v7(),
        customer_id: None,
        campaign_id: None,
        source: PredictionSource::Campaign,
        features: FeatureRecord::new(),
        outcome: ScoreOutcome { probability: 1.0, score: 100, tier: Tier::Hot, predicted_class: PredictedClass::Yes },
        factors: Factors::default(),
        model_version: MODEL.into(),
        requested_by: None,
        created_at: now(),
        overridden: None,
    };
    let zero = Prediction { outcome: outcome(0.0), source: PredictionSource::Single, ..prediction(None, 0.0) };
    repo.record(&[full.clone(), bare.clone(), zero.clone()], &[]).await.unwrap();

    for p in [full, bare, zero] {
        assert_eq!(repo.find(p.id).await.unwrap(), Some(p));
    }
    assert_eq!(repo.find(Uuid::now_v7()).await.unwrap(), None);
    assert_eq!(customers.find_by_id(ana.id).await.unwrap(), Some(ana), "no latest score given, none written");
    repo.record(&[], &[]).await.unwrap();
}
super::contract!(record_then_find_round_trips_every_field, record_then_find_round_trips_every_field);

async fn record_sets_the_latest_score_of_its_customers_only(db: &DatabaseConnection) {
    let customers = SqlCustomerRepository::new(db.clone());
    let repo = SqlPredictionRepository::new(db.clone());
    let ana = stored_customer(db, 1).await;
    let bob = stored_customer(db, 2).await;
    let mut carl = new_customer(3).into_customer(Uuid::now_v7(), now());
    carl.latest_score = Some(latest(0.05, base_time()));
    customers.insert(&carl).await.unwrap();

    let at = now();
    let predictions = [prediction(Some(ana.id), 0.61), prediction(Some(bob.id), 0.02), prediction(None, 0.5)];
    // Ana twice: the last score given wins.
    let scores =
        [score_for(ana.id, 0.4, at), score_for(bob.id, 0.02, at), score_for(ana.id, 0.612_345_678_901_234_5, at)];
    repo.record(&predictions, &scores).await.unwrap();

    let stored_ana = customers.find_by_id(ana.id).await.unwrap().unwrap();
    assert_eq!(stored_ana.latest_score, Some(scores[2].score.clone()));
    assert_eq!(
        Customer { latest_score: None, ..stored_ana },
        ana,
        "only the score changes; updated_at stays (a score is not an edit)"
    );
    let stored_bob = customers.find_by_id(bob.id).await.unwrap().unwrap();
    assert_eq!(stored_bob, Customer { latest_score: Some(scores[1].score.clone()), ..bob });
    assert_eq!(customers.find_by_id(carl.id).await.unwrap(), Some(carl), "other customers are left alone");
    assert_eq!(everything(&repo).await.len(), 3);
}
super::contract!(
    record_sets_the_latest_score_of_its_customers_only,
    record_sets_the_latest_score_of_its_customers_only
);

async fn record_naming_an_unknown_customer_or_user_stores_nothing(db: &DatabaseConnection) {
    let customers = SqlCustomerRepository::new(db.clone());
    let repo = SqlPredictionRepository::new(db.clone());
    let mut ana = new_customer(1).into_customer(Uuid::now_v7(), now());
    ana.latest_score = Some(latest(0.05, base_time()));
    customers.insert(&ana).await.unwrap();
    let ghost = Uuid::now_v7();

    // The unknown customer comes after a whole chunk of good predictions, so a partial write would show.
    let mut predictions: Vec<Prediction> = (0..600).map(|i| prediction(Some(ana.id), f64::from(i) / 1_000.0)).collect();
    predictions.push(prediction(Some(ghost), 0.9));
    let scores = [score_for(ana.id, 0.5, now()), score_for(ghost, 0.9, now())];
    assert_not_found(repo.record(&predictions, &scores).await, "a prediction of an unknown customer");
    assert_eq!(everything(&repo).await, Vec::new(), "no prediction may be stored");
    assert_eq!(customers.find_by_id(ana.id).await.unwrap(), Some(ana.clone()), "no score may change");

    // Named only by a latest score.
    let result = repo.record(&[prediction(Some(ana.id), 0.5)], &[score_for(ghost, 0.5, now())]).await;
    assert_not_found(result, "a latest score of an unknown customer");
    assert_eq!(everything(&repo).await, Vec::new());

    // A requesting user that does not exist (deleted meanwhile) is caught by the foreign key.
    let mut predictions: Vec<Prediction> = (0..600).map(|i| prediction(Some(ana.id), f64::from(i) / 1_000.0)).collect();
    predictions.push(Prediction { requested_by: Some(Uuid::now_v7()), ..prediction(Some(ana.id), 0.5) });
    let result = repo.record(&predictions, &[score_for(ana.id, 0.5, now())]).await;
    assert_not_found(result, "a prediction requested by an unknown user");
    assert_eq!(everything(&repo).await, Vec::new());
    assert_eq!(customers.find_by_id(ana.id).await.unwrap(), Some(ana));
}
super::contract!(
    record_naming_an_unknown_customer_or_user_stores_nothing,
    record_naming_an_unknown_customer_or_user_stores_nothing
);

/// The group-commit decorator keeps `record`'s contract under concurrency: every call is answered only once
/// stored, a call naming a missing customer fails alone (the rest of its group is stored), and a customer scored by
/// several calls keeps one of their scores.
async fn group_commit_stores_concurrent_calls_and_fails_only_the_bad_one(db: &DatabaseConnection) {
    let customers = SqlCustomerRepository::new(db.clone());
    let inner = std::sync::Arc::new(SqlPredictionRepository::new(db.clone()));
    let repo = std::sync::Arc::new(GroupCommitPredictions::new(inner.clone()));
    let mut stored = Vec::new();
    for i in 0..20 {
        stored.push(stored_customer(db, i).await);
    }
    let ghost = Uuid::now_v7();
    let calls: Vec<_> = (0..60)
        .map(|i| {
            let repo = repo.clone();
            let customer = if i == 37 { ghost } else { stored[i % 20].id };
            let probability = f64::from(u32::try_from(i).unwrap()) / 100.0;
            tokio::spawn(async move {
                let at = base_time() + Duration::seconds(i64::try_from(i).unwrap());
                repo.record(&[prediction(Some(customer), probability)], &[score_for(customer, probability, at)]).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for call in calls {
        results.push(call.await.unwrap());
    }
    for (i, result) in results.into_iter().enumerate() {
        if i == 37 {
            assert_not_found(result, "the call naming a deleted customer");
        } else {
            result.unwrap();
        }
    }
    let all = inner.list(&PredictionFilter::default(), PredictionSort::default(), page(1, 100)).await.unwrap();
    assert_eq!(all.total_items, 59, "every good call stored, the bad one not");
    for customer in &stored {
        let latest = customers.find_by_id(customer.id).await.unwrap().unwrap().latest_score.unwrap();
        let mine: Vec<f64> =
            all.items.iter().filter(|p| p.customer_id == Some(customer.id)).map(|p| p.outcome.probability).collect();
        assert!(mine.contains(&latest.probability), "the latest score is one of the customer's predictions");
    }
    // Large calls bypass the queue and keep their all-or-nothing contract.
    let mut big: Vec<Prediction> = (0..300).map(|_| prediction(Some(stored[0].id), 0.5)).collect();
    big.push(prediction(Some(ghost), 0.5));
    assert_not_found(repo.record(&big, &[]).await, "a large call naming a deleted customer");
    assert_eq!(
        inner.list(&PredictionFilter::default(), PredictionSort::default(), page(1, 1)).await.unwrap().total_items,
        59
    );
}
super::contract!(
    group_commit_stores_concurrent_calls_and_fails_only_the_bad_one,
    group_commit_stores_concurrent_calls_and_fails_only_the_bad_one
);

// ---------------------------------------------------------------------------------------------------------------
// update_latest_scores

async fn update_latest_scores_sets_many_and_skips_unknown_ids(db: &DatabaseConnection) {
    let customers = SqlCustomerRepository::new(db.clone());
    let repo = SqlPredictionRepository::new(db.clone());
    let all = imported_customers(db, 1_200).await;
    let at = now();

    // Probabilities with every significant digit used, so any rounding on the way shows.
    let mut scores: Vec<CustomerScore> = all
        .iter()
        .enumerate()
        .map(|(i, c)| {
            score_for(c.id, (i as f64 + 0.123_456_789_012_3) / 1_201.0, at - Duration::microseconds(i as i64))
        })
        .collect();
    scores.insert(700, score_for(Uuid::now_v7(), 0.5, at));
    scores.push(score_for(Uuid::nil(), 0.5, at));
    assert_eq!(repo.update_latest_scores(&scores).await.unwrap(), 1_200, "unknown ids are not counted");

    let expected: HashMap<Uuid, &LatestScore> = scores.iter().map(|s| (s.customer_id, &s.score)).collect();
    let stored = customers.list_after(&CustomerFilter::default(), None, 2_000).await.unwrap();
    assert_eq!(stored.len(), 1_200, "unknown ids create nothing");
    for (before, after) in all.iter().zip(&stored) {
        assert_eq!(after.latest_score.as_ref(), Some(expected[&after.id]), "exact score of {}", after.id);
        assert_eq!(&Customer { latest_score: None, ..after.clone() }, before, "only the score changes");
    }

    // A second run over some of them overwrites those only; a customer named twice gets its last score.
    let later = at + Duration::minutes(5);
    let again =
        [score_for(all[0].id, 0.99, later), score_for(all[1].id, 0.01, later), score_for(all[0].id, 0.42, later)];
    assert_eq!(repo.update_latest_scores(&again).await.unwrap(), 2);
    assert_eq!(customers.find_by_id(all[0].id).await.unwrap().unwrap().latest_score, Some(latest(0.42, later)));
    assert_eq!(customers.find_by_id(all[1].id).await.unwrap().unwrap().latest_score, Some(latest(0.01, later)));
    assert_eq!(
        customers.find_by_id(all[2].id).await.unwrap().unwrap().latest_score.as_ref(),
        Some(expected[&all[2].id])
    );
    assert_eq!(repo.update_latest_scores(&[]).await.unwrap(), 0);
    assert_eq!(everything(&repo).await, Vec::new(), "no prediction is stored by a re-score");
}
super::contract!(
    update_latest_scores_sets_many_and_skips_unknown_ids,
    update_latest_scores_sets_many_and_skips_unknown_ids
);

// ---------------------------------------------------------------------------------------------------------------
// list

/// Everything the oracle needs to know about the seeded data.
struct Seeded {
    all: Vec<Prediction>,
    customers: [Uuid; 3],
    campaigns: [Uuid; 2],
    users: [Uuid; 2],
}

/// 40 varied predictions: three customers and none, two campaigns and none, every source, class and tier, two model
/// versions, two requesters and none, creation times two per minute (so they tie), probabilities that tie in
/// pairs, a quarter overridden. Recorded in a shuffled order, in two calls.
async fn seed(db: &DatabaseConnection, repo: &SqlPredictionRepository) -> Seeded {
    let mut customers = [Uuid::nil(); 3];
    for (i, slot) in customers.iter_mut().enumerate() {
        *slot = stored_customer(db, i as u32).await.id;
    }
    let campaigns = [Uuid::now_v7(), Uuid::now_v7()];
    let users = [stored_user(db, "ana", None).await.id, stored_user(db, "bob", None).await.id];
    let all: Vec<Prediction> = (0..40u32)
        .map(|i| {
            let k = i as usize;
            let probability = f64::from((i * 7) % 20) / 20.0 + 0.012_5;
            let mut p = prediction((i % 4 != 3).then(|| customers[k % 3]), probability);
            p.campaign_id = match i % 5 {
                0 | 1 => Some(campaigns[0]),
                2 => Some(campaigns[1]),
                _ => None,
            };
            p.source = PredictionSource::ALL[k % 3];
            p.model_version = if i % 6 == 0 { "bank-marketing-2025.07".into() } else { MODEL.into() };
            p.requested_by = (i % 7 != 0).then(|| users[k % 2]);
            p.created_at = base_time() + Duration::minutes(i64::from(i / 2));
            if i % 4 == 1 {
                let by = users[(k / 4) % 2];
                p.apply_override(outcome(1.0 - probability), format!("called, reason {i}"), by, p.created_at);
            }
            p
        })
        .collect();
    let mut shuffled: Vec<Prediction> = (0..all.len()).map(|k| all[(k * 17) % all.len()].clone()).collect();
    let second = shuffled.split_off(25);
    repo.record(&shuffled, &[]).await.unwrap();
    repo.record(&second, &[]).await.unwrap();
    Seeded { all, customers, campaigns, users }
}

/// What the filter documentation says, in plain Rust.
fn matches(f: &PredictionFilter, p: &Prediction) -> bool {
    let o = &p.outcome;
    f.predicted_class.is_none_or(|v| o.predicted_class == v)
        && f.source.is_none_or(|v| p.source == v)
        && f.customer_id.is_none_or(|v| p.customer_id == Some(v))
        && f.campaign_id.is_none_or(|v| p.campaign_id == Some(v))
        && f.tier.is_none_or(|v| o.tier == v)
        && f.prob_min.is_none_or(|v| o.probability >= v)
        && f.prob_max.is_none_or(|v| o.probability <= v)
        && f.model_version.as_ref().is_none_or(|v| &p.model_version == v)
        && f.overridden.is_none_or(|v| p.overridden.is_some() == v)
        && f.requested_by.is_none_or(|v| p.requested_by == Some(v))
        && f.from.is_none_or(|v| p.created_at >= v)
        && f.to.is_none_or(|v| p.created_at <= v)
}

/// The oracle's order: by the sort field, ties by id, both in the sort's direction.
fn sorted(mut all: Vec<Prediction>, sort: PredictionSort) -> Vec<Uuid> {
    all.sort_by(|a, b| {
        let by_field = match sort.field {
            PredictionSortField::CreatedAt => a.created_at.cmp(&b.created_at),
            PredictionSortField::Probability => a.outcome.probability.total_cmp(&b.outcome.probability),
        };
        by_field.then(a.id.cmp(&b.id))
    });
    if sort.dir == SortDir::Desc {
        all.reverse();
    }
    ids(&all)
}

async fn assert_filter(repo: &SqlPredictionRepository, all: &[Prediction], filter: PredictionFilter, what: &str) {
    let expected: Vec<Prediction> = all.iter().filter(|p| matches(&filter, p)).cloned().collect();
    assert!(
        !expected.is_empty() && expected.len() < all.len(),
        "{what}: the test data must make this filter discriminate ({} of {})",
        expected.len(),
        all.len()
    );
    let sort = PredictionSort { field: PredictionSortField::Probability, dir: SortDir::Asc };
    let listed = repo.list(&filter, sort, page(1, 100)).await.unwrap();
    assert_eq!(ids(&listed.items), sorted(expected.clone(), sort), "{what}: list");
    assert_eq!(listed.total_items, expected.len() as u64, "{what}: total");
    for p in listed.items {
        assert_eq!(Some(&p), all.iter().find(|a| a.id == p.id), "{what}: whole predictions come back");
    }
}

async fn list_filters_by_every_field_alone_and_combined(db: &DatabaseConnection) {
    let repo = SqlPredictionRepository::new(db.clone());
    let Seeded { all, customers, campaigns, users } = seed(db, &repo).await;
    let f = PredictionFilter::default;
    // An exact stored probability, to show both bounds are inclusive.
    let edge = all[3].outcome.probability;

    let cases: Vec<(&str, PredictionFilter)> = vec![
        ("class yes", PredictionFilter { predicted_class: Some(PredictedClass::Yes), ..f() }),
        ("class no", PredictionFilter { predicted_class: Some(PredictedClass::No), ..f() }),
        ("source batch", PredictionFilter { source: Some(PredictionSource::Batch), ..f() }),
        ("source campaign", PredictionFilter { source: Some(PredictionSource::Campaign), ..f() }),
        ("customer", PredictionFilter { customer_id: Some(customers[1]), ..f() }),
        ("campaign", PredictionFilter { campaign_id: Some(campaigns[0]), ..f() }),
        ("tier hot", PredictionFilter { tier: Some(Tier::Hot), ..f() }),
        ("tier warm", PredictionFilter { tier: Some(Tier::Warm), ..f() }),
        ("tier cold", PredictionFilter { tier: Some(Tier::Cold), ..f() }),
        ("probMin inclusive", PredictionFilter { prob_min: Some(edge), ..f() }),
        ("probMax inclusive", PredictionFilter { prob_max: Some(edge), ..f() }),
        ("probMin = probMax", PredictionFilter { prob_min: Some(edge), prob_max: Some(edge), ..f() }),
        ("model version", PredictionFilter { model_version: Some("bank-marketing-2025.07".into()), ..f() }),
        ("overridden", PredictionFilter { overridden: Some(true), ..f() }),
        ("not overridden", PredictionFilter { overridden: Some(false), ..f() }),
        ("requested by", PredictionFilter { requested_by: Some(users[1]), ..f() }),
        ("from inclusive", PredictionFilter { from: Some(all[10].created_at), ..f() }),
        ("to inclusive", PredictionFilter { to: Some(all[10].created_at), ..f() }),
        ("from = to", PredictionFilter { from: Some(all[10].created_at), to: Some(all[10].created_at), ..f() }),
        (
            "combined",
            PredictionFilter {
                predicted_class: Some(PredictedClass::Yes),
                customer_id: Some(customers[1]),
                prob_min: Some(0.2),
                model_version: Some(MODEL.into()),
                requested_by: Some(users[0]),
                to: Some(all[35].created_at),
                ..f()
            },
        ),
        (
            "combined with override and campaign",
            PredictionFilter {
                overridden: Some(false),
                campaign_id: Some(campaigns[0]),
                source: Some(PredictionSource::Single),
                prob_max: Some(0.9),
                from: Some(all[2].created_at),
                ..f()
            },
        ),
    ];
    for (what, filter) in cases {
        assert_filter(&repo, &all, filter, what).await;
    }
    // Matching nothing is an empty page, not an error.
    let none = PredictionFilter { customer_id: Some(Uuid::now_v7()), ..f() };
    let listed = repo.list(&none, PredictionSort::default(), page(1, 10)).await.unwrap();
    assert_eq!((listed.items.len(), listed.total_items), (0, 0));
}
super::contract!(list_filters_by_every_field_alone_and_combined, list_filters_by_every_field_alone_and_combined);

async fn list_sorts_both_ways_and_pages(db: &DatabaseConnection) {
    let repo = SqlPredictionRepository::new(db.clone());
    let Seeded { all, .. } = seed(db, &repo).await;
    for field in [PredictionSortField::CreatedAt, PredictionSortField::Probability] {
        for dir in [SortDir::Asc, SortDir::Desc] {
            let sort = PredictionSort { field, dir };
            let mut walked = Vec::new();
            for number in 1..=6 {
                let listed = repo.list(&PredictionFilter::default(), sort, page(number, 7)).await.unwrap();
                assert_eq!(listed.total_items, 40, "{sort:?}: total on page {number}");
                assert_eq!(listed.total_pages(), 6);
                assert_eq!(listed.items.len(), if number == 6 { 5 } else { 7 }, "{sort:?}: size of page {number}");
                walked.extend(ids(&listed.items));
            }
            assert_eq!(walked, sorted(all.clone(), sort), "{sort:?}");
            let beyond = repo.list(&PredictionFilter::default(), sort, page(7, 7)).await.unwrap();
            assert_eq!((beyond.items.len(), beyond.total_items), (0, 40), "{sort:?}: past the end");
        }
    }
    let filtered = PredictionFilter { overridden: Some(true), ..PredictionFilter::default() };
    let listed = repo.list(&filtered, PredictionSort::default(), page(2, 4)).await.unwrap();
    assert_eq!(listed.total_items, 10, "the total counts the filtered rows");
    let expected = sorted(all.iter().filter(|p| p.overridden.is_some()).cloned().collect(), PredictionSort::default());
    assert_eq!(ids(&listed.items), expected[4..8].to_vec());
}
super::contract!(list_sorts_both_ways_and_pages, list_sorts_both_ways_and_pages);

// ---------------------------------------------------------------------------------------------------------------
// override, delete, and what outlives customers and users

async fn save_override_round_trips_and_keeps_the_model_values(db: &DatabaseConnection) {
    let repo = SqlPredictionRepository::new(db.clone());
    let ana = stored_customer(db, 1).await;
    let manager = stored_user(db, "manager", None).await;
    let admin = stored_user(db, "admin", None).await;
    let mut p = prediction(Some(ana.id), 0.043_210_987_654_321);
    p.requested_by = Some(manager.id);
    let untouched = prediction(Some(ana.id), 0.5);
    repo.record(&[p.clone(), untouched.clone()], &[]).await.unwrap();

    p.apply_override(outcome(0.87), "called: very keen, wants a meeting".into(), manager.id, now());
    repo.save_override(&p).await.unwrap();
    let stored = repo.find(p.id).await.unwrap().unwrap();
    assert_eq!(stored, p);
    let o = stored.overridden.as_ref().unwrap();
    assert_eq!((o.original_probability, o.original_class), (0.043_210_987_654_321, PredictedClass::No));
    assert_eq!(
        (stored.outcome.score, stored.outcome.tier, stored.outcome.predicted_class),
        (87, Tier::Hot, PredictedClass::Yes)
    );

    // A second override keeps the model's values from the first.
    p.apply_override(outcome(0.15), "second look".into(), admin.id, now() + Duration::seconds(1));
    repo.save_override(&p).await.unwrap();
    assert_eq!(repo.find(p.id).await.unwrap(), Some(p.clone()));
    assert_eq!(repo.find(untouched.id).await.unwrap(), Some(untouched), "other predictions are left alone");

    let ghost = Prediction { id: Uuid::now_v7(), ..p.clone() };
    assert_not_found(repo.save_override(&ghost).await, "overriding an unknown prediction");
    assert_eq!(repo.find(ghost.id).await.unwrap(), None);
}
super::contract!(
    save_override_round_trips_and_keeps_the_model_values,
    save_override_round_trips_and_keeps_the_model_values
);

async fn delete_says_whether_there_was_one(db: &DatabaseConnection) {
    let repo = SqlPredictionRepository::new(db.clone());
    let (a, b) = (prediction(None, 0.1), prediction(None, 0.2));
    repo.record(&[a.clone(), b.clone()], &[]).await.unwrap();
    assert!(repo.delete(a.id).await.unwrap());
    assert_eq!(repo.find(a.id).await.unwrap(), None);
    assert!(!repo.delete(a.id).await.unwrap(), "already gone");
    assert!(!repo.delete(Uuid::now_v7()).await.unwrap());
    assert_eq!(everything(&repo).await, vec![b]);
}
super::contract!(delete_says_whether_there_was_one, delete_says_whether_there_was_one);

async fn predictions_outlive_their_customers_and_users(db: &DatabaseConnection) {
    let customers = SqlCustomerRepository::new(db.clone());
    let users = SqlUserRepository::new(db.clone());
    let repo = SqlPredictionRepository::new(db.clone());
    let ana = stored_customer(db, 1).await;
    let bob = stored_customer(db, 2).await;
    let seller = stored_user(db, "seller", None).await;
    let manager = stored_user(db, "manager", None).await;
    let mut of_ana = prediction(Some(ana.id), 0.3);
    of_ana.requested_by = Some(seller.id);
    let of_bob = prediction(Some(bob.id), 0.4);
    repo.record(&[of_ana.clone(), of_bob.clone()], &[score_for(ana.id, 0.3, now())]).await.unwrap();
    of_ana.apply_override(outcome(0.05), "not interested".into(), manager.id, now());
    repo.save_override(&of_ana).await.unwrap();

    assert!(customers.delete(ana.id).await.unwrap());
    assert!(users.delete(seller.id).await.unwrap());
    let expected = Prediction { customer_id: None, requested_by: None, ..of_ana.clone() };
    assert_eq!(repo.find(of_ana.id).await.unwrap(), Some(expected), "only the references are cleared");
    assert_eq!(repo.find(of_bob.id).await.unwrap(), Some(of_bob));

    // The override stays readable after its author is deleted; its author reads back as unknown.
    assert!(users.delete(manager.id).await.unwrap());
    let stored = repo.find(of_ana.id).await.unwrap().unwrap();
    let o = stored.overridden.as_ref().unwrap();
    assert_eq!(o.by, None);
    assert_eq!(o.reason, "not interested");
    assert_eq!(stored.outcome, outcome(0.05));
    // Saved again as read (say, with a new reason), it is still valid.
    let mut again = stored.clone();
    if let Some(o) = again.overridden.as_mut() {
        o.reason = "not interested, confirmed".into();
    }
    repo.save_override(&again).await.unwrap();
    assert_eq!(repo.find(of_ana.id).await.unwrap(), Some(again));
}
super::contract!(predictions_outlive_their_customers_and_users, predictions_outlive_their_customers_and_users);

// ---------------------------------------------------------------------------------------------------------------
// speed

/// The re-scoring write path at the size of the UCI base: `cargo test --release -p leadscore-tests --test it --
/// --ignored --nocapture contract::predictions::rescoring_the_uci_base`.
#[tokio::test]
#[ignore = "timing, run by hand"]
async fn rescoring_the_uci_base_writes_45211_scores_quickly() {
    const N: u32 = 45_211;
    let db = leadscore_tests::TestDb::sqlite().await;
    let customers = SqlCustomerRepository::new(db.conn().clone());
    let repo = SqlPredictionRepository::new(db.conn().clone());
    let rows: Vec<NewCustomer> = (0..N).map(new_customer).collect();
    customers.import(rows, OnConflict::Skip, false, base_time(), None).await.unwrap();

    let started = std::time::Instant::now();
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let chunk = customers.list_after(&CustomerFilter::default(), after, 5_000).await.unwrap();
        let Some(last) = chunk.last() else { break };
        after = Some(last.id);
        all.extend(chunk);
    }
    let read = started.elapsed();
    let at = now();
    let scores: Vec<CustomerScore> =
        all.iter().enumerate().map(|(i, c)| score_for(c.id, (i as f64 + 0.5) / f64::from(N + 1), at)).collect();
    let started = std::time::Instant::now();
    assert_eq!(repo.update_latest_scores(&scores).await.unwrap(), u64::from(N));
    let written = started.elapsed();
    eprintln!("read {N} customers in {read:?}, wrote their scores in {written:?}");
    let sample = customers.find_by_id(all[12_345].id).await.unwrap().unwrap();
    assert_eq!(sample.latest_score, Some(scores[12_345].score.clone()));
}
