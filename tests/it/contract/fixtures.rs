//! Builders the contract suites share: instants at the precision every adapter keeps, stored users, customers and
//! campaigns, the predictions and run plans a campaign run writes, leads, notes and their audit entries. Each goes
//! through the ports, like the suites themselves.

use chrono::{DateTime, Duration, SubsecRound, TimeZone, Utc};
use leadscore_application::AppError;
use leadscore_application::campaigns::{
    CampaignRepository, LeadRepository, LeadView, Member, NewCampaign, NoteRepository, RankedLead, RunCounts, RunPlan,
    RunSummary,
};
use leadscore_application::customers::{CustomerFilter, CustomerRepository, OnConflict};
use leadscore_application::users::UserRepository;
use leadscore_domain::activity::{Activity, ActivityAction, EntityType};
use leadscore_domain::campaigns::{CampaignInfo, CampaignStatus, Lead, LeadStatus, Note, NoteType};
use leadscore_domain::customers::{
    Contact, Customer, CustomerDraft, Education, Job, Marital, Month, NewCustomer, Poutcome,
};
use leadscore_domain::pagination::PageRequest;
use leadscore_domain::scoring::{
    Factor, Factors, FeatureRecord, FeatureValue, PredictedClass, Prediction, PredictionSource, ScoreOutcome, Tier,
};
use leadscore_domain::users::{Email, NewUser, Role, User};
use leadscore_infrastructure::repositories::{
    SqlCampaignRepository, SqlCustomerRepository, SqlLeadRepository, SqlNoteRepository, SqlUserRepository,
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// Now, at the precision every adapter keeps (PostgreSQL stores microseconds).
pub(super) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A fixed instant with a microsecond part, for tests that order or filter by time.
pub(super) fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 10, 0, 0).unwrap() + Duration::microseconds(123_456)
}

/// The model version the stored predictions and scores name.
pub(super) const MODEL: &str = "bank-marketing-2026.01";

/// Page `number` of `size` items (both valid).
pub(super) fn page(number: u32, size: u32) -> PageRequest {
    PageRequest::new(number, size).unwrap()
}

/// A stored Manager account `name@bank.example` (the suites that need other roles build their own).
pub(super) async fn stored_user(db: &DatabaseConnection, name: &str, full_name: Option<&str>) -> User {
    let user = NewUser {
        id: Uuid::now_v7(),
        email: Email::parse(&format!("{name}@bank.example")).unwrap(),
        username: None,
        full_name: full_name.map(str::to_owned),
        phone: None,
        address: None,
        role: Role::Manager,
        password_hash: "$2b$04$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0".into(),
        created_at: now(),
    }
    .into_user();
    SqlUserRepository::new(db.clone()).insert(&user).await.unwrap();
    user
}

pub(super) fn as_member(user: &User) -> Member {
    Member { id: user.id, email: user.email.as_str().to_owned(), full_name: user.full_name.clone() }
}

fn draft(i: u32) -> CustomerDraft {
    CustomerDraft {
        external_id: Some(format!("CAMP-{i:05}")),
        name: Some(format!("Customer {i:05}")),
        email: Some(format!("customer{i}@mail.example")),
        city: Some(if i.is_multiple_of(2) { "Madrid" } else { "Porto" }.into()),
        age: Some(18 + i64::from(i % 60)),
        job: Some(Job::Management),
        marital: Some(Marital::Married),
        education: Some(Education::Tertiary),
        default: Some(false),
        balance: Some(i64::from(i) * 10 - 500),
        housing: Some(i.is_multiple_of(2)),
        loan: Some(false),
        contact: Some(Contact::Cellular),
        day: Some(1 + i64::from(i % 28)),
        month: Some(Month::May),
        duration: Some(120),
        campaign: Some(1),
        pdays: Some(-1),
        previous: Some(0),
        poutcome: Some(Poutcome::Unknown),
        ..CustomerDraft::default()
    }
}

pub(super) fn new_customer(i: u32) -> NewCustomer {
    draft(i).validate().unwrap()
}

/// The stored, unscored customer `Customer {i:05}`, created at `base_time()`.
pub(super) async fn stored_customer(db: &DatabaseConnection, i: u32) -> Customer {
    let mut c = new_customer(i).into_customer(Uuid::now_v7(), now());
    c.created_at = base_time();
    c.updated_at = base_time() + Duration::seconds(1);
    SqlCustomerRepository::new(db.clone()).insert(&c).await.unwrap();
    c
}

/// `count` stored, unscored customers, in index order (`Customer 00000`, `Customer 00001`, ...).
pub(super) async fn stored_customers(db: &DatabaseConnection, count: u32) -> Vec<Customer> {
    let mut all = Vec::new();
    for i in 0..count {
        all.push(stored_customer(db, i).await);
    }
    all
}

/// `count` stored customers written by one import (fast), by id.
pub(super) async fn imported_customers(db: &DatabaseConnection, count: u32) -> Vec<Customer> {
    let repo = SqlCustomerRepository::new(db.clone());
    let rows: Vec<NewCustomer> = (0..count).map(new_customer).collect();
    repo.import(rows, OnConflict::Skip, false, base_time(), None).await.unwrap();
    let all = repo.list_after(&CustomerFilter::default(), None, u64::from(count) + 1).await.unwrap();
    assert_eq!(all.len(), count as usize);
    all
}

/// The tier of `probability` under the thresholds these suites assume (Hot from 0.3, Warm from 0.1).
pub(super) fn tier_of(probability: f64) -> Tier {
    if probability >= 0.3 {
        Tier::Hot
    } else if probability >= 0.1 {
        Tier::Warm
    } else {
        Tier::Cold
    }
}

/// The outcome the model would give `probability` (class Yes from 0.2).
pub(super) fn outcome(probability: f64) -> ScoreOutcome {
    ScoreOutcome {
        probability,
        score: (probability * 100.0).round() as u8,
        tier: tier_of(probability),
        predicted_class: if probability >= 0.2 { PredictedClass::Yes } else { PredictedClass::No },
    }
}

pub(super) fn info(name: &str) -> CampaignInfo {
    CampaignInfo {
        name: name.into(),
        description: None,
        target_leads: 100,
        start_date: None,
        end_date: None,
        status: CampaignStatus::Active,
    }
}

pub(super) fn new_campaign(owner: &User, name: &str, collaborators: &[&User]) -> NewCampaign {
    NewCampaign {
        id: Uuid::now_v7(),
        info: info(name),
        criteria: CustomerFilter::default(),
        owner_id: owner.id,
        collaborator_ids: collaborators.iter().map(|u| u.id).collect(),
        now: now(),
    }
}

/// A stored campaign owned by `owner`.
pub(super) async fn stored_campaign(
    db: &DatabaseConnection,
    owner: &User,
    name: &str,
    collaborators: &[&User],
) -> Uuid {
    let campaign = new_campaign(owner, name, collaborators);
    SqlCampaignRepository::new(db.clone()).insert(&campaign).await.unwrap();
    campaign.id
}

/// Explanations with values that round-trip badly if an adapter rounds or reorders: several raised factors, a
/// lowered one, impacts with many decimals.
pub(super) fn factors() -> Factors {
    Factors {
        raised: vec![
            Factor {
                feature: "poutcome".into(),
                value: FeatureValue::Text("success".into()),
                reference: FeatureValue::Text("unknown".into()),
                impact: 12.3456,
            },
            Factor {
                feature: "age".into(),
                value: FeatureValue::Number(61.0),
                reference: FeatureValue::Number(40.0),
                impact: 0.0123,
            },
        ],
        lowered: vec![Factor {
            feature: "balance".into(),
            value: FeatureValue::Number(-1_234.5),
            reference: FeatureValue::Number(0.0),
            impact: -3.5,
        }],
    }
}

/// The prediction a run makes for `customer`, as the service builds it.
pub(super) fn prediction(customer: &Customer, campaign_id: Uuid, probability: f64, at: DateTime<Utc>) -> Prediction {
    Prediction {
        id: Uuid::now_v7(),
        customer_id: Some(customer.id),
        campaign_id: Some(campaign_id),
        source: PredictionSource::Campaign,
        features: FeatureRecord::from(&customer.profile),
        outcome: outcome(probability),
        factors: factors(),
        model_version: MODEL.into(),
        requested_by: None,
        created_at: at,
        overridden: None,
    }
}

/// A run listing `listed` in this order (rank 1 first).
pub(super) fn plan(campaign_id: Uuid, listed: &[(&Customer, f64)], at: DateTime<Utc>) -> RunPlan {
    plan_with_model(campaign_id, listed, at, MODEL)
}

pub(super) fn plan_with_model(
    campaign_id: Uuid,
    listed: &[(&Customer, f64)],
    at: DateTime<Utc>,
    model: &str,
) -> RunPlan {
    let leads: Vec<RankedLead> = listed
        .iter()
        .enumerate()
        .map(|(i, (customer, probability))| RankedLead {
            customer_id: customer.id,
            rank: i as u32 + 1,
            prediction: Prediction {
                model_version: model.into(),
                ..prediction(customer, campaign_id, *probability, at)
            },
        })
        .collect();
    let summary =
        RunSummary { at, model_version: model.into(), matched: listed.len() as u64 * 3 + 7, leads: leads.len() as u64 };
    RunPlan { campaign_id, leads, summary, audit: audit(EntityType::Campaign, campaign_id, campaign_id, None, at) }
}

/// Applies a run of `listed` at `at`.
pub(super) async fn run(
    db: &DatabaseConnection,
    campaign_id: Uuid,
    listed: &[(&Customer, f64)],
    at: DateTime<Utc>,
) -> RunCounts {
    SqlCampaignRepository::new(db.clone()).apply_run(&plan(campaign_id, listed, at)).await.unwrap()
}

/// Every lead of the campaign, by rank.
pub(super) async fn leads_of(db: &DatabaseConnection, campaign_id: Uuid) -> Vec<LeadView> {
    SqlLeadRepository::new(db.clone()).all(campaign_id).await.unwrap()
}

/// The lead of `customer` in the campaign.
pub(super) async fn lead_of(db: &DatabaseConnection, campaign_id: Uuid, customer: &Customer) -> Lead {
    let all = leads_of(db, campaign_id).await;
    all.into_iter().find(|v| v.lead.customer_id == customer.id).map(|v| v.lead).unwrap()
}

/// The audit entry a change writes with it.
pub(super) fn audit(
    entity_type: EntityType,
    entity_id: Uuid,
    campaign_id: Uuid,
    lead_id: Option<Uuid>,
    at: DateTime<Utc>,
) -> Activity {
    Activity {
        id: Uuid::now_v7(),
        actor_id: None,
        action: if lead_id.is_some() { ActivityAction::LeadStatusChanged } else { ActivityAction::CampaignRun },
        entity_type,
        entity_id: Some(entity_id),
        campaign_id: Some(campaign_id),
        lead_id,
        description: format!("changed at {at}"),
        ip: None,
        created_at: at,
    }
}

/// The audit entry of a lead change.
pub(super) fn lead_audit(lead: &Lead) -> Activity {
    audit(EntityType::Lead, lead.id, lead.campaign_id, Some(lead.id), lead.updated_at)
}

pub(super) fn note(lead: &Lead, author: Option<&User>, text: &str, at: DateTime<Utc>) -> Note {
    Note {
        id: Uuid::now_v7(),
        campaign_id: lead.campaign_id,
        lead_id: lead.id,
        author_id: author.map(|u| u.id),
        note_type: if author.is_some() { NoteType::Internal } else { NoteType::System },
        text: text.into(),
        created_at: at,
    }
}

/// Stores a note on the lead.
pub(super) async fn noted(db: &DatabaseConnection, lead: &Lead, author: Option<&User>, at: DateTime<Utc>) -> Note {
    let n = note(lead, author, &format!("called at {at}"), at);
    SqlNoteRepository::new(db.clone()).insert(&n).await.unwrap();
    n
}

/// Moves the lead to `status` and `assignee` at `at`, with its System note.
pub(super) async fn changed(
    db: &DatabaseConnection,
    lead: &Lead,
    status: LeadStatus,
    assignee: Option<&User>,
    at: DateTime<Utc>,
) -> Lead {
    let closed_at = status.is_closed().then_some(at);
    let next = Lead { status, assignee_id: assignee.map(|u| u.id), updated_at: at, closed_at, ..lead.clone() };
    let system = note(&next, None, &format!("status set to {status}"), at);
    SqlLeadRepository::new(db.clone()).change(lead, &next, &system, None, &lead_audit(&next)).await.unwrap();
    next
}

pub(super) fn assert_not_found<T: std::fmt::Debug>(result: Result<T, AppError>, what: &str) {
    assert!(matches!(result, Err(AppError::NotFound(_))), "{what}: expected NotFound, got {result:?}");
}
