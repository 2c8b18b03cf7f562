//! `AnalyticsRepository`: every figure on small, hand-checkable data, the same on SQLite and PostgreSQL. Fixtures go
//! through the other ports (customers, predictions, campaigns, leads, notes); the lift table is checked against an
//! independent computation over the same rows (pairwise AUC, deciles by counting higher scores).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use leadscore_application::analytics::{
    AnalyticsRepository, BreakdownRow, CampaignScope, CustomerFigures, CustomerScope, LeadCounts, PredictionScope,
    SeriesQuery,
};
use leadscore_application::campaigns::{CampaignRepository, CampaignStats};
use leadscore_application::customers::CustomerRepository;
use leadscore_application::scoring::PredictionRepository;
use leadscore_application::users::UserRepository;
use leadscore_domain::analytics::{
    Dimension, Granularity, Lift, MIN_OUTCOMES, Metric, SeriesPeriod, lift as derive_lift,
};
use leadscore_domain::campaigns::{CampaignStatus, LeadStatus};
use leadscore_domain::customers::{
    Age, Contact, Customer, Education, Job, LatestScore, Marital, Month, Outcome, Poutcome,
};
use leadscore_domain::scoring::Tier;
use leadscore_domain::users::{Email, NewUser, Role, User};
use leadscore_infrastructure::repositories::{
    SqlAnalyticsRepository, SqlCampaignRepository, SqlCustomerRepository, SqlPredictionRepository, SqlUserRepository,
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::fixtures::{
    MODEL, changed, info, lead_of, leads_of, new_campaign, new_customer, noted, now, plan_with_model, prediction,
    stored_customers, stored_user, tier_of,
};

const THRESHOLD: f64 = 0.2;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

async fn sales_user(db: &DatabaseConnection, name: &str) -> User {
    let user = NewUser {
        id: Uuid::now_v7(),
        email: Email::parse(&format!("{name}@bank.example")).unwrap(),
        username: None,
        full_name: Some(format!("{name} Sales")),
        phone: None,
        address: None,
        role: Role::Sales,
        password_hash: "$2b$04$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0".into(),
        created_at: now(),
    }
    .into_user();
    SqlUserRepository::new(db.clone()).insert(&user).await.unwrap();
    user
}

struct Profile {
    age: i64,
    job: Job,
    marital: Marital,
    education: Education,
    contact: Contact,
    month: Month,
    poutcome: Poutcome,
    probability: Option<f64>,
    outcome: Option<Outcome>,
}

async fn stored_profile(db: &DatabaseConnection, i: u32, p: Profile) -> Customer {
    let mut c = new_customer(i).into_customer(Uuid::now_v7(), now());
    c.profile.age = Age::new(p.age).unwrap();
    c.profile.job = p.job;
    c.profile.marital = p.marital;
    c.profile.education = p.education;
    c.profile.contact = p.contact;
    c.profile.month = p.month;
    c.profile.poutcome = p.poutcome;
    c.outcome = p.outcome;
    c.latest_score = p.probability.map(|probability| LatestScore {
        probability,
        score: (probability * 100.0).round() as u8,
        tier: tier_of(probability),
        model_version: MODEL.into(),
        scored_at: now(),
    });
    SqlCustomerRepository::new(db.clone()).insert(&c).await.unwrap();
    c
}

/// Six customers:
///
/// | # | age | job        | marital  | education | contact   | month | poutcome | p    | tier | outcome |
/// |---|-----|------------|----------|-----------|-----------|-------|----------|------|------|---------|
/// | 0 | 20  | student    | single   | tertiary  | cellular  | may   | success  | 0.80 | Hot  | yes     |
/// | 1 | 24  | student    | single   | secondary | cellular  | may   | failure  | 0.10 | Warm | no      |
/// | 2 | 25  | management | married  | tertiary  | telephone | jun   | unknown  | 0.35 | Hot  | —       |
/// | 3 | 44  | management | divorced | tertiary  | unknown   | dec   | unknown  | —    | —    | yes     |
/// | 4 | 65  | retired    | married  | primary   | cellular  | may   | unknown  | 0.05 | Cold | no      |
/// | 5 | 100 | retired    | married  | unknown   | cellular  | jan   | other    | 0.20 | Warm | —       |
///
/// With the threshold 0.2, customers 0, 2 and 5 (exactly at it) are predicted yes.
async fn six_customers(db: &DatabaseConnection) -> Vec<Customer> {
    use {Contact as C, Education as E, Job as J, Marital as M, Month as Mo, Poutcome as P};
    let rows = [
        (20, J::Student, M::Single, E::Tertiary, C::Cellular, Mo::May, P::Success, Some(0.8), Some(Outcome::Yes)),
        (24, J::Student, M::Single, E::Secondary, C::Cellular, Mo::May, P::Failure, Some(0.1), Some(Outcome::No)),
        (25, J::Management, M::Married, E::Tertiary, C::Telephone, Mo::Jun, P::Unknown, Some(0.35), None),
        (44, J::Management, M::Divorced, E::Tertiary, C::Unknown, Mo::Dec, P::Unknown, None, Some(Outcome::Yes)),
        (65, J::Retired, M::Married, E::Primary, C::Cellular, Mo::May, P::Unknown, Some(0.05), Some(Outcome::No)),
        (100, J::Retired, M::Married, E::Unknown, C::Cellular, Mo::Jan, P::Other, Some(0.2), None),
    ];
    let mut all = Vec::new();
    for (i, (age, job, marital, education, contact, month, poutcome, probability, outcome)) in
        rows.into_iter().enumerate()
    {
        let profile = Profile { age, job, marital, education, contact, month, poutcome, probability, outcome };
        all.push(stored_profile(db, i as u32, profile).await);
    }
    all
}

fn figures(total: u64, scored: u64, yes: u64, sum: f64, with_outcome: u64, subscribed: u64) -> CustomerFigures {
    CustomerFigures { total, scored, predicted_yes: yes, probability_sum: sum, with_outcome, subscribed }
}

fn assert_figures(got: &CustomerFigures, want: &CustomerFigures, what: &str) {
    let same_counts = (got.total, got.scored, got.predicted_yes, got.with_outcome, got.subscribed)
        == (want.total, want.scored, want.predicted_yes, want.with_outcome, want.subscribed);
    assert!(same_counts && close(got.probability_sum, want.probability_sum), "{what}: got {got:?}, want {want:?}");
}

fn by_key(rows: Vec<BreakdownRow>) -> BTreeMap<String, CustomerFigures> {
    rows.into_iter().map(|r| (r.key, r.figures)).collect()
}

fn totals(rows: &BTreeMap<String, CustomerFigures>) -> BTreeMap<&str, u64> {
    rows.iter().map(|(k, f)| (k.as_str(), f.total)).collect()
}

async fn customer_figures_and_every_breakdown_by_hand(db: &DatabaseConnection) {
    let repo = SqlAnalyticsRepository::new(db.clone());
    assert_figures(
        &repo.customer_figures(CustomerScope::All, THRESHOLD).await.unwrap(),
        &CustomerFigures::default(),
        "empty base",
    );
    six_customers(db).await;

    let all = repo.customer_figures(CustomerScope::All, THRESHOLD).await.unwrap();
    assert_figures(&all, &figures(6, 5, 3, 1.5, 4, 2), "whole base");
    // A higher threshold moves customer 5 (0.2) out of "predicted yes".
    assert_eq!(repo.customer_figures(CustomerScope::All, 0.21).await.unwrap().predicted_yes, 2);

    let jobs = by_key(repo.breakdown(Dimension::Job, CustomerScope::All, THRESHOLD).await.unwrap());
    assert_eq!(jobs.len(), 3, "only values with customers come back: {jobs:?}");
    assert_figures(&jobs["student"], &figures(2, 2, 1, 0.9, 2, 1), "student");
    assert_figures(&jobs["management"], &figures(2, 1, 1, 0.35, 1, 1), "management");
    assert_figures(&jobs["retired"], &figures(2, 2, 1, 0.25, 1, 0), "retired");

    let bands = by_key(repo.breakdown(Dimension::AgeBand, CustomerScope::All, THRESHOLD).await.unwrap());
    assert_eq!(totals(&bands), BTreeMap::from([("18-24", 2), ("25-34", 1), ("35-44", 1), ("65+", 2)]));
    assert_figures(&bands["18-24"], &figures(2, 2, 1, 0.9, 2, 1), "18-24 (ages 20 and 24)");
    assert_figures(&bands["65+"], &figures(2, 2, 1, 0.25, 1, 0), "65+ (ages 65 and 100)");

    let expected: [(Dimension, &[(&str, u64)]); 5] = [
        (Dimension::Marital, &[("divorced", 1), ("married", 3), ("single", 2)]),
        (Dimension::Education, &[("primary", 1), ("secondary", 1), ("tertiary", 3), ("unknown", 1)]),
        (Dimension::Contact, &[("cellular", 4), ("telephone", 1), ("unknown", 1)]),
        (Dimension::Month, &[("dec", 1), ("jan", 1), ("jun", 1), ("may", 3)]),
        (Dimension::Poutcome, &[("failure", 1), ("other", 1), ("success", 1), ("unknown", 3)]),
    ];
    for (dimension, want) in expected {
        let rows = by_key(repo.breakdown(dimension, CustomerScope::All, THRESHOLD).await.unwrap());
        assert_eq!(totals(&rows), want.iter().copied().collect::<BTreeMap<_, _>>(), "{dimension}");
    }
    let months = by_key(repo.breakdown(Dimension::Month, CustomerScope::All, THRESHOLD).await.unwrap());
    // May: customers 0 (0.8, yes), 1 (0.1, no), 4 (0.05, no).
    assert_figures(&months["may"], &figures(3, 3, 1, 0.95, 3, 1), "may");
}
super::contract!(customer_figures_and_every_breakdown_by_hand, customer_figures_and_every_breakdown_by_hand);

async fn tiers_count_customers_and_leads_per_tier(db: &DatabaseConnection) {
    let repo = SqlAnalyticsRepository::new(db.clone());
    let customers = six_customers(db).await;
    let mut tiers = repo.tiers(CustomerScope::All, CampaignScope::All).await.unwrap();
    tiers.sort_by_key(|t| t.tier.map(|t| t.as_str()));
    let got: Vec<_> =
        tiers.iter().map(|t| (t.tier, t.customers, t.customers_with_outcome, t.customers_subscribed)).collect();
    assert_eq!(
        got,
        [(None, 1, 1, 1), (Some(Tier::Cold), 1, 1, 0), (Some(Tier::Hot), 2, 1, 1), (Some(Tier::Warm), 2, 1, 0)],
    );
    assert!(tiers.iter().all(|t| t.leads == 0));

    // A campaign over customers 0-2: its run gives them new latest scores (Hot 0.5, Warm 0.15, Cold 0.05).
    let owner = stored_user(db, "owner", None).await;
    let campaign = new_campaign(&owner, "Tiers", &[]);
    SqlCampaignRepository::new(db.clone()).insert(&campaign).await.unwrap();
    let listed = [(&customers[0], 0.5), (&customers[1], 0.15), (&customers[2], 0.05)];
    SqlCampaignRepository::new(db.clone())
        .apply_run(&plan_with_model(campaign.id, &listed, now(), MODEL))
        .await
        .unwrap();
    let hot = lead_of(db, campaign.id, &customers[0]).await;
    changed(db, &hot, LeadStatus::Converted, None, now()).await;
    let warm = lead_of(db, campaign.id, &customers[1]).await;
    changed(db, &warm, LeadStatus::Failed, None, now()).await;

    let mut tiers = repo.tiers(CustomerScope::All, CampaignScope::All).await.unwrap();
    tiers.sort_by_key(|t| t.tier.map(|t| t.as_str()));
    let leads: Vec<_> = tiers.iter().map(|t| (t.tier, t.leads, t.leads_closed, t.leads_converted)).collect();
    assert_eq!(
        leads,
        [(None, 0, 0, 0), (Some(Tier::Cold), 1, 0, 0), (Some(Tier::Hot), 1, 1, 1), (Some(Tier::Warm), 1, 1, 0)]
    );
    // Customers now: Hot {0}, Warm {1, 5}, Cold {2, 4}, unscored {3}.
    let customers_per_tier: Vec<_> = tiers.iter().map(|t| (t.tier, t.customers)).collect();
    assert_eq!(customers_per_tier, [(None, 1), (Some(Tier::Cold), 2), (Some(Tier::Hot), 1), (Some(Tier::Warm), 2)]);

    // Someone who sees no campaign sees no leads, and (as Sales) no customers.
    let stranger = Uuid::now_v7();
    let hidden = repo.tiers(CustomerScope::InCampaignsVisibleTo(stranger), CampaignScope::VisibleTo(stranger)).await;
    assert!(hidden.unwrap().iter().all(|t| t.leads == 0 && t.customers == 0));
    let one = repo.tiers(CustomerScope::All, CampaignScope::One(campaign.id)).await.unwrap();
    assert_eq!(one.iter().map(|t| t.leads).sum::<u64>(), 3);
}
super::contract!(tiers_count_customers_and_leads_per_tier, tiers_count_customers_and_leads_per_tier);

/// Predictions at the edges of days, ISO weeks and months around New Year 2026 (Thursday 1 January; ISO week
/// 2026-W01 runs from Monday 29 December 2025).
fn timeline() -> Vec<DateTime<Utc>> {
    vec![
        at(2025, 12, 27, 0, 0, 0),
        at(2025, 12, 28, 23, 59, 59) + Duration::microseconds(999_999),
        at(2025, 12, 29, 0, 0, 0),
        at(2026, 1, 1, 12, 0, 0) + Duration::milliseconds(500),
        at(2026, 1, 4, 23, 59, 59),
        at(2026, 1, 5, 0, 0, 0),
        at(2026, 1, 12, 0, 0, 0),
        at(2026, 2, 1, 8, 0, 0),
    ]
}

async fn complete(
    repo: &SqlAnalyticsRepository,
    metric: Metric,
    granularity: Granularity,
    (from, to): (NaiveDate, NaiveDate),
    campaigns: CampaignScope,
    predictions: PredictionScope,
) -> Vec<(String, u64)> {
    let period = SeriesPeriod::new(granularity, Some(from), Some(to), to).unwrap();
    let query = SeriesQuery {
        metric,
        granularity,
        from: period.first_day().and_hms_opt(0, 0, 0).unwrap().and_utc(),
        until: period.last_day().succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc(),
        campaigns,
        predictions,
    };
    let counts = repo.series(&query).await.unwrap();
    period.fill(&counts).into_iter().map(|b| (b.label, b.count)).collect()
}

fn series(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(l, n)| ((*l).to_owned(), *n)).collect()
}

async fn prediction_trends_fill_days_iso_weeks_and_months(db: &DatabaseConnection) {
    let repo = SqlAnalyticsRepository::new(db.clone());
    let customers = stored_customers(db, 1).await;
    let sales = sales_user(db, "sari").await;
    let campaign_id = Uuid::now_v7();
    let mut predictions = Vec::new();
    for (i, t) in timeline().into_iter().enumerate() {
        let mut p = prediction(&customers[0], campaign_id, 0.5, t);
        p.campaign_id = (i % 2 == 0).then_some(campaign_id);
        p.requested_by = (i < 3).then_some(sales.id);
        predictions.push(p);
    }
    SqlPredictionRepository::new(db.clone()).record(&predictions, &[]).await.unwrap();
    let everyone = PredictionScope::default();

    let days = complete(
        &repo,
        Metric::Predictions,
        Granularity::Day,
        (day(2025, 12, 27), day(2026, 1, 6)),
        CampaignScope::All,
        everyone,
    )
    .await;
    assert_eq!(
        days,
        series(&[
            ("2025-12-27", 1),
            ("2025-12-28", 1),
            ("2025-12-29", 1),
            ("2025-12-30", 0),
            ("2025-12-31", 0),
            ("2026-01-01", 1),
            ("2026-01-02", 0),
            ("2026-01-03", 0),
            ("2026-01-04", 1),
            ("2026-01-05", 1),
            ("2026-01-06", 0),
        ])
    );
    let weeks = complete(
        &repo,
        Metric::Predictions,
        Granularity::Week,
        (day(2025, 12, 24), day(2026, 1, 6)),
        CampaignScope::All,
        everyone,
    )
    .await;
    assert_eq!(weeks, series(&[("2025-W52", 2), ("2026-W01", 3), ("2026-W02", 1)]));
    let months = complete(
        &repo,
        Metric::Predictions,
        Granularity::Month,
        (day(2025, 12, 15), day(2026, 2, 10)),
        CampaignScope::All,
        everyone,
    )
    .await;
    assert_eq!(months, series(&[("2025-12", 3), ("2026-01", 4), ("2026-02", 1)]));

    // Sales see the ones they asked for (the first three); a campaign filter keeps its runs' (even positions).
    let own = PredictionScope { requested_by: Some(sales.id), campaign_id: None };
    let weeks = complete(
        &repo,
        Metric::Predictions,
        Granularity::Week,
        (day(2025, 12, 24), day(2026, 1, 6)),
        CampaignScope::All,
        own,
    )
    .await;
    assert_eq!(weeks, series(&[("2025-W52", 2), ("2026-W01", 1), ("2026-W02", 0)]));
    let of_campaign = PredictionScope { requested_by: None, campaign_id: Some(campaign_id) };
    let months = complete(
        &repo,
        Metric::Predictions,
        Granularity::Month,
        (day(2025, 12, 1), day(2026, 2, 28)),
        CampaignScope::All,
        of_campaign,
    )
    .await;
    // Even positions: 27 and 29 December, 4 and 12 January.
    assert_eq!(months, series(&[("2025-12", 2), ("2026-01", 2), ("2026-02", 0)]));
}
super::contract!(prediction_trends_fill_days_iso_weeks_and_months, prediction_trends_fill_days_iso_weeks_and_months);

async fn lead_and_conversion_trends_follow_creation_and_closing(db: &DatabaseConnection) {
    let repo = SqlAnalyticsRepository::new(db.clone());
    let customers = stored_customers(db, 4).await;
    let owner = stored_user(db, "owner", None).await;
    let other = stored_user(db, "other", None).await;
    let campaigns = SqlCampaignRepository::new(db.clone());
    let mine = new_campaign(&owner, "Mine", &[]);
    let theirs = new_campaign(&other, "Theirs", &[]);
    campaigns.insert(&mine).await.unwrap();
    campaigns.insert(&theirs).await.unwrap();
    let run_at = at(2025, 12, 30, 9, 0, 0);
    let listed = [(&customers[0], 0.6), (&customers[1], 0.4), (&customers[2], 0.2)];
    campaigns.apply_run(&plan_with_model(mine.id, &listed, run_at, MODEL)).await.unwrap();
    campaigns
        .apply_run(&plan_with_model(theirs.id, &[(&customers[3], 0.5)], at(2026, 1, 2, 9, 0, 0), MODEL))
        .await
        .unwrap();
    // Converted on 31 December and 5 January, failed on 1 January; theirs converted on 2 January.
    changed(db, &lead_of(db, mine.id, &customers[0]).await, LeadStatus::Converted, None, at(2025, 12, 31, 23, 0, 0))
        .await;
    changed(db, &lead_of(db, mine.id, &customers[1]).await, LeadStatus::Converted, None, at(2026, 1, 5, 8, 0, 0)).await;
    changed(db, &lead_of(db, mine.id, &customers[2]).await, LeadStatus::Failed, None, at(2026, 1, 1, 8, 0, 0)).await;
    changed(db, &lead_of(db, theirs.id, &customers[3]).await, LeadStatus::Converted, None, at(2026, 1, 2, 8, 0, 0))
        .await;

    let range = (day(2025, 12, 29), day(2026, 1, 11));
    let none = PredictionScope::default();
    let conversions = complete(&repo, Metric::Conversions, Granularity::Week, range, CampaignScope::All, none).await;
    assert_eq!(conversions, series(&[("2026-W01", 2), ("2026-W02", 1)]));
    let mine_only =
        complete(&repo, Metric::Conversions, Granularity::Week, range, CampaignScope::VisibleTo(owner.id), none).await;
    assert_eq!(mine_only, series(&[("2026-W01", 1), ("2026-W02", 1)]));
    let theirs_only = complete(
        &repo,
        Metric::Conversions,
        Granularity::Day,
        (day(2026, 1, 1), day(2026, 1, 3)),
        CampaignScope::One(theirs.id),
        none,
    )
    .await;
    assert_eq!(theirs_only, series(&[("2026-01-01", 0), ("2026-01-02", 1), ("2026-01-03", 0)]));
    let months = complete(
        &repo,
        Metric::Leads,
        Granularity::Month,
        (day(2025, 11, 1), day(2026, 1, 31)),
        CampaignScope::All,
        none,
    )
    .await;
    assert_eq!(months, series(&[("2025-11", 0), ("2025-12", 3), ("2026-01", 1)]));
    let visible = complete(
        &repo,
        Metric::Leads,
        Granularity::Month,
        (day(2025, 12, 1), day(2026, 1, 31)),
        CampaignScope::VisibleTo(other.id),
        none,
    )
    .await;
    assert_eq!(visible, series(&[("2025-12", 0), ("2026-01", 1)]));

    // Reopening clears the closing date: the conversion leaves the series.
    let reopened = lead_of(db, mine.id, &customers[1]).await;
    changed(db, &reopened, LeadStatus::Contacted, None, at(2026, 1, 6, 8, 0, 0)).await;
    let conversions = complete(&repo, Metric::Conversions, Granularity::Week, range, CampaignScope::All, none).await;
    assert_eq!(conversions, series(&[("2026-W01", 2), ("2026-W02", 0)]));
}
super::contract!(
    lead_and_conversion_trends_follow_creation_and_closing,
    lead_and_conversion_trends_follow_creation_and_closing
);

async fn campaign_and_lead_counts_respect_visibility(db: &DatabaseConnection) {
    let repo = SqlAnalyticsRepository::new(db.clone());
    let customers = stored_customers(db, 3).await;
    let owner = stored_user(db, "owner", None).await;
    let other = stored_user(db, "other", None).await;
    let sales = sales_user(db, "sari").await;
    let campaigns = SqlCampaignRepository::new(db.clone());
    let mine = new_campaign(&owner, "Mine", &[&sales]);
    let mut paused = new_campaign(&other, "Paused", &[]);
    paused.info = leadscore_domain::campaigns::CampaignInfo { status: CampaignStatus::Paused, ..info("Paused") };
    campaigns.insert(&mine).await.unwrap();
    campaigns.insert(&paused).await.unwrap();
    campaigns
        .apply_run(&plan_with_model(mine.id, &[(&customers[0], 0.6), (&customers[1], 0.3)], now(), MODEL))
        .await
        .unwrap();
    campaigns.apply_run(&plan_with_model(paused.id, &[(&customers[2], 0.5)], now(), MODEL)).await.unwrap();
    changed(db, &lead_of(db, mine.id, &customers[0]).await, LeadStatus::Converted, None, now()).await;
    changed(db, &lead_of(db, paused.id, &customers[2]).await, LeadStatus::Failed, None, now()).await;

    let lead = |total, pending, converted, failed| LeadCounts { total, pending, contacted: 0, converted, failed };
    let stats = |total, active, paused| CampaignStats { total, active, paused, completed: 0 };
    assert_eq!(repo.campaign_and_lead_counts(CampaignScope::All).await.unwrap(), (stats(2, 1, 1), lead(3, 1, 1, 1)));
    for user in [&owner, &sales] {
        let got = repo.campaign_and_lead_counts(CampaignScope::VisibleTo(user.id)).await.unwrap();
        assert_eq!(got, (stats(1, 1, 0), lead(2, 1, 1, 0)), "{}", user.email.as_str());
    }
    assert_eq!(
        repo.campaign_and_lead_counts(CampaignScope::One(paused.id)).await.unwrap(),
        (stats(1, 0, 1), lead(1, 0, 0, 1))
    );
    assert_eq!(
        repo.campaign_and_lead_counts(CampaignScope::VisibleTo(Uuid::now_v7())).await.unwrap(),
        (stats(0, 0, 0), lead(0, 0, 0, 0))
    );

    // Sales see the customers of their campaigns' call lists only; the run gave them latest scores 0.6 and 0.3.
    let theirs = repo.customer_figures(CustomerScope::InCampaignsVisibleTo(sales.id), THRESHOLD).await.unwrap();
    assert_figures(&theirs, &figures(2, 2, 2, 0.9, 0, 0), "sales' customers");
    assert_eq!(repo.customer_figures(CustomerScope::All, THRESHOLD).await.unwrap().total, 3);

    // Predictions: the runs stored three (no requester), by class: 0.6, 0.3, 0.5 all at or above 0.2.
    let predictions = repo.prediction_counts(PredictionScope::default()).await.unwrap();
    assert_eq!((predictions.total, predictions.yes, predictions.no), (3, 3, 0));
    assert!(close(predictions.probability_sum, 1.4));
    let own =
        repo.prediction_counts(PredictionScope { requested_by: Some(sales.id), campaign_id: None }).await.unwrap();
    assert_eq!(own.total, 0);
    let of_mine =
        repo.prediction_counts(PredictionScope { requested_by: None, campaign_id: Some(mine.id) }).await.unwrap();
    assert_eq!(of_mine.total, 2);
}
super::contract!(campaign_and_lead_counts_respect_visibility, campaign_and_lead_counts_respect_visibility);

// ---------------------------------------------------------------------------------------------------------------
// lift

/// Per decile: count, conversions, mean probability, cumulative capture, lift.
type ExpectedDecile = (u64, u64, f64, f64, f64);

/// The lift table computed independently from (id, probability, converted) rows: sorted by probability
/// descending, each row in decile ⌊10 · (rows with a strictly higher probability) / n⌋ + 1 (so ties share a
/// decile), AUC by counting every (converted, failed) pair.
fn expected_lift(mut rows: Vec<(Uuid, f64, bool)>) -> (Vec<ExpectedDecile>, f64, f64) {
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let n = rows.len();
    let mut by_decile: BTreeMap<usize, Vec<(Uuid, f64, bool)>> = BTreeMap::new();
    for row in &rows {
        let higher = rows.iter().filter(|r| r.1 > row.1).count();
        by_decile.entry(higher * 10 / n + 1).or_default().push(*row);
    }
    let deciles: Vec<&[(Uuid, f64, bool)]> = by_decile.values().map(Vec::as_slice).collect();
    let positives = rows.iter().filter(|r| r.2).count() as f64;
    let base_rate = positives / n as f64;
    let mut captured = 0.0;
    let table = deciles
        .iter()
        .map(|rows| {
            let count = rows.len() as u64;
            let conversions = rows.iter().filter(|r| r.2).count() as u64;
            captured += conversions as f64;
            let mean = rows.iter().map(|r| r.1).sum::<f64>() / count as f64;
            let rate = conversions as f64 / count as f64;
            (count, conversions, mean, captured / positives, rate / base_rate)
        })
        .collect();
    let (mut wins, mut pairs) = (0.0, 0.0);
    for yes in rows.iter().filter(|r| r.2) {
        for no in rows.iter().filter(|r| !r.2) {
            pairs += 1.0;
            wins += if yes.1 > no.1 {
                1.0
            } else if yes.1 == no.1 {
                0.5
            } else {
                0.0
            };
        }
    }
    let brier = rows.iter().map(|r| (r.1 - f64::from(u8::from(r.2))).powi(2)).sum::<f64>() / n as f64;
    (table, wins / pairs, brier)
}

fn assert_lift(got: &Lift, rows: Vec<(Uuid, f64, bool)>) {
    let (table, auc, brier) = expected_lift(rows);
    assert_eq!(got.insufficient, None);
    assert_eq!(got.deciles.len(), table.len());
    for (d, (count, conversions, mean, capture, lift)) in got.deciles.iter().zip(table) {
        assert_eq!((d.count, d.conversions), (count, conversions), "decile {}", d.decile);
        assert!(close(d.mean_probability, mean), "decile {} mean {} vs {mean}", d.decile, d.mean_probability);
        assert!(close(d.cumulative_capture, capture), "decile {} capture", d.decile);
        assert!(close(d.lift, lift), "decile {} lift {} vs {lift}", d.decile, d.lift);
    }
    assert!(close(got.auc.unwrap(), auc), "auc {:?} vs {auc}", got.auc);
    assert!(close(got.brier.unwrap(), brier), "brier {:?} vs {brier}", got.brier);
}

/// A run of `n` customers with probabilities from a few repeated values (so there are ties, also across decile
/// edges) and outcomes that favour high probabilities without following them exactly. `closed` leads get an
/// outcome; the rest stay open. Returns the (lead id, probability, converted) rows of the closed leads.
async fn campaign_with_outcomes(
    db: &DatabaseConnection,
    customers: &[Customer],
    owner: &User,
    name: &str,
    model: &str,
    closed: usize,
) -> (Uuid, Vec<(Uuid, f64, bool)>) {
    let campaigns = SqlCampaignRepository::new(db.clone());
    let campaign = new_campaign(owner, name, &[]);
    campaigns.insert(&campaign).await.unwrap();
    let listed: Vec<(&Customer, f64)> =
        customers.iter().enumerate().map(|(i, c)| (c, f64::from((i as u32 * 37) % 20) / 20.0 + 0.025)).collect();
    campaigns.apply_run(&plan_with_model(campaign.id, &listed, now(), model)).await.unwrap();
    let mut rows = Vec::new();
    for (i, view) in leads_of(db, campaign.id).await.into_iter().enumerate() {
        if i >= closed {
            continue;
        }
        let lead = view.lead;
        let converted = (i * 7 % 10) as f64 / 10.0 < lead.probability;
        let status = if converted { LeadStatus::Converted } else { LeadStatus::Failed };
        changed(db, &lead, status, None, now()).await;
        rows.push((lead.id, lead.probability, converted));
    }
    (campaign.id, rows)
}

async fn lift_deciles_auc_and_brier_match_an_independent_computation(db: &DatabaseConnection) {
    let repo = SqlAnalyticsRepository::new(db.clone());
    let customers = stored_customers(db, 73).await;
    let owner = stored_user(db, "owner", None).await;
    let other = stored_user(db, "other", None).await;
    // 67 of 73 leads closed, 20 distinct probabilities: ties at decile edges, so deciles of uneven size.
    let (mine, rows) = campaign_with_outcomes(db, &customers, &owner, "Mine", MODEL, 67).await;
    assert!(rows.iter().any(|r| r.2) && rows.iter().any(|r| !r.2));
    let (theirs, their_rows) = campaign_with_outcomes(db, &customers[..60], &other, "Theirs", "other-model", 60).await;

    let one = derive_lift(&repo.lift(CampaignScope::One(mine), None).await.unwrap(), MIN_OUTCOMES);
    assert_eq!(one.outcomes, 67);
    assert_lift(&one, rows.clone());
    let visible = derive_lift(&repo.lift(CampaignScope::VisibleTo(owner.id), None).await.unwrap(), MIN_OUTCOMES);
    assert_eq!(visible, one, "the owner sees only their campaign");

    let everything = derive_lift(&repo.lift(CampaignScope::All, None).await.unwrap(), MIN_OUTCOMES);
    assert_eq!(everything.outcomes, 127);
    let mut both = rows.clone();
    both.extend(their_rows.iter().copied());
    assert_lift(&everything, both);

    let by_model = derive_lift(&repo.lift(CampaignScope::All, Some("other-model")).await.unwrap(), MIN_OUTCOMES);
    assert_lift(&by_model, their_rows);
    let none = repo.lift(CampaignScope::One(theirs), Some(MODEL)).await.unwrap();
    assert!(none.is_empty());
}
super::contract!(
    lift_deciles_auc_and_brier_match_an_independent_computation,
    lift_deciles_auc_and_brier_match_an_independent_computation
);

async fn lift_below_the_minimum_is_insufficient(db: &DatabaseConnection) {
    let repo = SqlAnalyticsRepository::new(db.clone());
    let customers = stored_customers(db, 55).await;
    let owner = stored_user(db, "owner", None).await;
    let (campaign, rows) = campaign_with_outcomes(db, &customers, &owner, "Few", MODEL, 49).await;
    let got = derive_lift(&repo.lift(CampaignScope::One(campaign), None).await.unwrap(), MIN_OUTCOMES);
    assert_eq!(got.outcomes, 49);
    assert_eq!(got.conversions, rows.iter().filter(|r| r.2).count() as u64);
    assert!(got.insufficient.as_deref().is_some_and(|m| m.contains("49") && m.contains("50")), "{got:?}");
    assert!(got.deciles.is_empty() && got.auc.is_none() && got.brier.is_none());
}
super::contract!(lift_below_the_minimum_is_insufficient, lift_below_the_minimum_is_insufficient);

// ---------------------------------------------------------------------------------------------------------------
// leaderboard

async fn leaderboard_counts_each_sales_users_leads_and_notes(db: &DatabaseConnection) {
    let repo = SqlAnalyticsRepository::new(db.clone());
    let customers = stored_customers(db, 8).await;
    let owner = stored_user(db, "owner", None).await;
    let other = stored_user(db, "other", None).await;
    let (s1, s2, s3, s4) = (
        sales_user(db, "s1").await,
        sales_user(db, "s2").await,
        sales_user(db, "s3").await,
        sales_user(db, "s4").await,
    );
    let campaigns = SqlCampaignRepository::new(db.clone());
    let a = new_campaign(&owner, "A", &[&s1, &s2, &s3]);
    let b = new_campaign(&other, "B", &[&s1, &s4]);
    campaigns.insert(&a).await.unwrap();
    campaigns.insert(&b).await.unwrap();
    let in_a: Vec<(&Customer, f64)> = customers[..5].iter().map(|c| (c, 0.5)).collect();
    let in_b: Vec<(&Customer, f64)> = customers[5..].iter().map(|c| (c, 0.5)).collect();
    campaigns.apply_run(&plan_with_model(a.id, &in_a, now(), MODEL)).await.unwrap();
    campaigns.apply_run(&plan_with_model(b.id, &in_b, now(), MODEL)).await.unwrap();
    let (d1, d2, d3) = (at(2026, 3, 1, 10, 0, 0), at(2026, 3, 2, 10, 0, 0), at(2026, 3, 3, 10, 0, 0));

    // A: s1 converts one (day 1), fails one (day 3), has one Contacted (day 2); s2 converts two (day 1).
    changed(db, &lead_of(db, a.id, &customers[0]).await, LeadStatus::Converted, Some(&s1), d1).await;
    changed(db, &lead_of(db, a.id, &customers[1]).await, LeadStatus::Failed, Some(&s1), d3).await;
    changed(db, &lead_of(db, a.id, &customers[2]).await, LeadStatus::Contacted, Some(&s1), d2).await;
    changed(db, &lead_of(db, a.id, &customers[3]).await, LeadStatus::Converted, Some(&s2), d1).await;
    changed(db, &lead_of(db, a.id, &customers[4]).await, LeadStatus::Converted, Some(&s2), d1).await;
    // B: s1 converts one, s4 holds one Pending.
    changed(db, &lead_of(db, b.id, &customers[5]).await, LeadStatus::Converted, Some(&s1), d2).await;
    changed(db, &lead_of(db, b.id, &customers[6]).await, LeadStatus::Pending, Some(&s4), d2).await;
    // Notes: s1 two in A (days 1 and 3), one in B; the owner's own note is not a Sales user's.
    let a0 = lead_of(db, a.id, &customers[0]).await;
    noted(db, &a0, Some(&s1), d1).await;
    noted(db, &a0, Some(&s1), d3).await;
    noted(db, &a0, Some(&owner), d1).await;
    noted(db, &lead_of(db, b.id, &customers[5]).await, Some(&s1), d2).await;

    type Row = (String, u64, u64, u64, u64, u64, u64);
    let board = |rows: Vec<leadscore_application::analytics::LeaderboardRow>| -> BTreeMap<String, Row> {
        rows.into_iter()
            .map(|r| {
                let l = r.leads;
                let name = r.email.split('@').next().unwrap().to_owned();
                (name.clone(), (name, l.total, l.pending, l.contacted, l.converted, l.failed, r.notes))
            })
            .collect()
    };
    let row = |name: &str, t, p, c, v, f, n| (name.to_owned(), (name.to_owned(), t, p, c, v, f, n));

    let only_a = board(repo.leaderboard(CampaignScope::One(a.id), (None, None)).await.unwrap());
    let want_a: BTreeMap<_, _> =
        [row("s1", 3, 0, 1, 1, 1, 2), row("s2", 2, 0, 0, 2, 0, 0), row("s3", 0, 0, 0, 0, 0, 0)].into();
    assert_eq!(only_a, want_a, "idle collaborators are listed; the Manager owner is not");
    let owners_view = board(repo.leaderboard(CampaignScope::VisibleTo(owner.id), (None, None)).await.unwrap());
    assert_eq!(owners_view, want_a);

    let all = board(repo.leaderboard(CampaignScope::All, (None, None)).await.unwrap());
    let want_all: BTreeMap<_, _> = [
        row("s1", 4, 0, 1, 2, 1, 3),
        row("s2", 2, 0, 0, 2, 0, 0),
        row("s3", 0, 0, 0, 0, 0, 0),
        row("s4", 1, 1, 0, 0, 0, 0),
    ]
    .into();
    assert_eq!(all, want_all);

    // Days 2 and 3 of A: s1's Failed (closed day 3) and Contacted (day 2), the day-3 note; s2's closed on day 1.
    let period = (Some(at(2026, 3, 2, 0, 0, 0)), Some(at(2026, 3, 4, 0, 0, 0)));
    let recent = board(repo.leaderboard(CampaignScope::One(a.id), period).await.unwrap());
    let want_recent: BTreeMap<_, _> =
        [row("s1", 2, 0, 1, 0, 1, 1), row("s2", 0, 0, 0, 0, 0, 0), row("s3", 0, 0, 0, 0, 0, 0)].into();
    assert_eq!(recent, want_recent);

    assert!(repo.leaderboard(CampaignScope::VisibleTo(Uuid::now_v7()), (None, None)).await.unwrap().is_empty());
}
super::contract!(
    leaderboard_counts_each_sales_users_leads_and_notes,
    leaderboard_counts_each_sales_users_leads_and_notes
);
