//! Every analytics use case over the whole UCI base on SQLite (issue 6: each endpoint under 100 ms). Setup, on a fresh
//! SQLite file: bank-full.csv imported (45,211 customers with their known `y`), one campaign run over all of them by
//! the real model (45,211 leads and 45,211 stored predictions, every customer scored), five Sales collaborators
//! assigned the leads round-robin, every lead closed from its customer's `y` (as the demo seed records outcomes),
//! one note per third lead, and creation/closing dates spread over 2026 so trends have a year of buckets.
//! Then each use case (the real `AnalyticsService`, i.e. authorisation + SQL + derivations, without HTTP) is timed
//! as Admin, as the Manager who owns the campaign and as a Sales collaborator: median and worst of `RUNS`.
//!
//!     cargo bench -p leadscore-infrastructure --bench analytics [-- FILE]
//!
//! FILE defaults to `../shared/data/bank-marketing/bank-full.csv` beside the repository. `ANALYTICS_BENCH_DB=PATH`
//! builds the database at PATH (which must not exist yet) and keeps it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Instant;

use chrono::{NaiveDate, Utc};
use leadscore_application::Caller;
use leadscore_application::activities::ActivityLog;
use leadscore_application::analytics::{AnalyticsService, TrendRequest};
use leadscore_application::campaigns::{CampaignDraft, CampaignPorts, CampaignService, CampaignSettings, RunService};
use leadscore_application::customers::{CustomerFilter, CustomerRepository, ImportLimits, OnConflict, parse_customers};
use leadscore_application::scoring::{ModelLoader, ModelRegistry};
use leadscore_application::users::UserRepository;
use leadscore_domain::analytics::{Dimension, Granularity, Metric};
use leadscore_domain::campaigns::{CampaignInfo, CampaignStatus};
use leadscore_domain::users::{Email, NewUser, Role};
use leadscore_infrastructure::clock::SystemClock;
use leadscore_infrastructure::db::{self, DbSettings};
use leadscore_infrastructure::repositories::{
    SqlActivityRepository, SqlAnalyticsRepository, SqlCampaignRepository, SqlCustomerRepository, SqlLeadRepository,
    SqlNoteRepository, SqlPredictionRepository, SqlUserRepository,
};
use leadscore_infrastructure::scoring::OnnxModelLoader;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use uuid::Uuid;

const DEFAULT_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/bank-marketing/bank-full.csv");
const MODEL_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../model");
const RUNS: usize = 15;

async fn user(db: &DatabaseConnection, name: &str, role: Role) -> Caller {
    let user = NewUser {
        id: Uuid::now_v7(),
        email: Email::parse(&format!("{name}@bank.example")).unwrap(),
        username: None,
        full_name: Some(name.to_owned()),
        phone: None,
        address: None,
        role,
        password_hash: "$2b$04$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0".into(),
        created_at: Utc::now(),
    }
    .into_user();
    SqlUserRepository::new(db.clone()).insert(&user).await.unwrap();
    Caller { id: user.id, role }
}

async fn exec(db: &DatabaseConnection, sql: &str, values: Vec<sea_orm::Value>) {
    db.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)).await.unwrap();
}

/// `day N of 2026` as stored by sea-orm on SQLite, from an SQL integer expression.
fn day_of_2026(expr: &str) -> String {
    format!("strftime('%Y-%m-%dT%H:%M:%S+00:00', '2026-01-01 09:00:00', '+' || ({expr}) || ' days')")
}

fn median_and_max(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    (samples[samples.len() / 2], samples[samples.len() - 1])
}

#[tokio::main]
async fn main() {
    let file = std::env::args().nth(1).filter(|a| !a.starts_with('-')).unwrap_or_else(|| DEFAULT_FILE.to_owned());
    let dir = tempfile::tempdir().unwrap();
    // `ANALYTICS_BENCH_DB=path` keeps the database, to look at query plans afterwards.
    let path =
        std::env::var("ANALYTICS_BENCH_DB").unwrap_or_else(|_| dir.path().join("bench.db").display().to_string());
    let url = format!("sqlite://{path}?mode=rwc");
    let db = db::connect(&DbSettings::new(url)).await.unwrap();
    db::migrate(&db).await.unwrap();

    let setup = Instant::now();
    let bytes = std::fs::read(&file).unwrap();
    let parsed =
        parse_customers(&leadscore_infrastructure::files::FileReader, &bytes, &ImportLimits::default(), |_, _| {})
            .unwrap();
    let rows: Vec<_> = parsed.valid.into_iter().map(|(_, c)| c).collect();
    let customers = rows.len();
    SqlCustomerRepository::new(db.clone()).import(rows, OnConflict::Skip, false, Utc::now(), None).await.unwrap();

    let admin = Caller { id: Uuid::now_v7(), role: Role::Admin };
    let manager = user(&db, "manager", Role::Manager).await;
    let mut sales = Vec::new();
    for i in 0..5 {
        sales.push(user(&db, &format!("sales{i}"), Role::Sales).await);
    }

    let clock = Arc::new(SystemClock);
    let model = OnnxModelLoader::new(MODEL_DIR).load().await.unwrap();
    let models = Arc::new(ModelRegistry::new(model));
    let activity_repo = Arc::new(SqlActivityRepository::new(db.clone()));
    let ports = CampaignPorts {
        campaigns: Arc::new(SqlCampaignRepository::new(db.clone())),
        leads: Arc::new(SqlLeadRepository::new(db.clone())),
        notes: Arc::new(SqlNoteRepository::new(db.clone())),
        users: Arc::new(SqlUserRepository::new(db.clone())),
        customers: Arc::new(SqlCustomerRepository::new(db.clone())),
        predictions: Arc::new(SqlPredictionRepository::new(db.clone())),
        activity_repo: activity_repo.clone(),
        writer: Arc::new(leadscore_infrastructure::files::FileWriter),
    };
    let campaigns = CampaignService::new(&ports, ActivityLog::new(activity_repo, clock.clone()), clock.clone());
    let runs = RunService::new(campaigns.clone(), &ports, models.clone(), CampaignSettings::default());
    let draft = CampaignDraft {
        info: CampaignInfo {
            name: "Whole base".into(),
            description: None,
            target_leads: u32::try_from(customers).unwrap(),
            start_date: None,
            end_date: None,
            status: CampaignStatus::Active,
        },
        criteria: CustomerFilter::default(),
        collaborator_emails: (0..5).map(|i| format!("sales{i}@bank.example")).collect(),
    };
    let campaign = campaigns.create(&manager, draft, None).await.unwrap();
    let report = runs.run(&manager, campaign.id, None).await.unwrap();
    assert_eq!(report.leads as usize, customers);

    // Outcomes, assignees, notes and dates, written directly: the fixture, not the code under test.
    for (i, s) in sales.iter().enumerate() {
        exec(&db, "UPDATE leads SET assignee_id = ? WHERE rank % 5 = ?", vec![s.id.into(), (i as i64).into()]).await;
    }
    let closed = day_of_2026("rank * 7919 % 365");
    exec(
        &db,
        &format!(
            "UPDATE leads SET status = CASE WHEN (SELECT outcome FROM customers c WHERE c.id = leads.customer_id) \
             = 'yes' THEN 'Converted' ELSE 'Failed' END, closed_at = {closed}, updated_at = {closed}, \
             created_at = {}",
            day_of_2026("rank * 7919 % 365 / 2")
        ),
        vec![],
    )
    .await;
    exec(&db, &format!("UPDATE predictions SET created_at = {}", day_of_2026("abs(random()) % 365")), vec![]).await;
    exec(
        &db,
        "INSERT INTO notes (id, campaign_id, lead_id, author_id, note_type, text, created_at) \
         SELECT randomblob(16), campaign_id, id, assignee_id, 'Feedback', 'called', closed_at FROM leads \
         WHERE rank % 3 = 0",
        vec![],
    )
    .await;
    exec(&db, "ANALYZE", vec![]).await;
    println!(
        "setup: {customers} customers, {} leads and predictions, outcomes and notes in {:.1} s",
        report.leads,
        setup.elapsed().as_secs_f64()
    );

    let analytics = AnalyticsService::new(Arc::new(SqlAnalyticsRepository::new(db.clone())), campaigns, models, clock);
    let year = (NaiveDate::from_ymd_opt(2026, 1, 1), NaiveDate::from_ymd_opt(2026, 12, 31));
    let trend = |metric, granularity| TrendRequest { metric, granularity, from: year.0, to: year.1, campaign_id: None };

    println!("\n| endpoint | caller | median ms | worst ms |\n|---|---|---:|---:|");
    let callers = [("Admin", admin), ("Manager (owner)", manager), ("Sales (collaborator)", sales[0])];
    let mut worst_median: f64 = 0.0;
    macro_rules! time {
        ($name:expr, $call:expr) => {
            for (who, caller) in &callers {
                let caller = *caller;
                let _ = $call(caller).await.unwrap();
                let mut samples = Vec::with_capacity(RUNS);
                for _ in 0..RUNS {
                    let started = Instant::now();
                    let _ = $call(caller).await.unwrap();
                    samples.push(started.elapsed().as_secs_f64() * 1000.0);
                }
                let (median, max) = median_and_max(samples);
                worst_median = worst_median.max(median);
                println!("| {} | {who} | {median:.1} | {max:.1} |", $name);
            }
        };
    }
    let a = &analytics;
    time!("overview", |c: Caller| async move { a.overview(&c).await.map(|_| ()) });
    for (metric, name) in
        [(Metric::Predictions, "predictions"), (Metric::Leads, "leads"), (Metric::Conversions, "conversions")]
    {
        for (granularity, g) in [(Granularity::Day, "day"), (Granularity::Week, "week"), (Granularity::Month, "month")]
        {
            let label = format!("trend metric={name} groupBy={g} (2026)");
            time!(label, |c: Caller| async move { a.trend(&c, trend(metric, granularity)).await.map(|_| ()) });
        }
    }
    for dimension in Dimension::ALL {
        let label = format!("by?by={dimension}");
        time!(label, |c: Caller| async move { a.breakdown(&c, *dimension).await.map(|_| ()) });
    }
    time!("tiers", |c: Caller| async move { a.tiers(&c).await.map(|_| ()) });
    time!("lift", |c: Caller| async move { a.lift(&c, None, None).await.map(|_| ()) });
    let id = campaign.id;
    time!("lift?campaignId", |c: Caller| async move { a.lift(&c, Some(id), None).await.map(|_| ()) });
    time!("leaderboard", |c: Caller| async move { a.leaderboard(&c, None, None, None).await.map(|_| ()) });
    time!("leaderboard?from&to (Q1)", |c: Caller| async move {
        a.leaderboard(&c, None, NaiveDate::from_ymd_opt(2026, 1, 1), NaiveDate::from_ymd_opt(2026, 3, 31))
            .await
            .map(|_| ())
    });
    println!("\nslowest median: {worst_median:.1} ms (target: every endpoint under 100 ms)");
}
