//! The services wired over one set of fakes, and the rows tests start from.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::Duration;
use leadscore_domain::campaigns::{CampaignInfo, CampaignStatus, Lead, LeadStatus, Note, NoteType};
use leadscore_domain::customers::{Contact, Customer, CustomerDraft, Education, Job, Marital, Month, Poutcome};
use leadscore_domain::scoring::Tier;
use leadscore_domain::users::{Email, Role, User};
use uuid::Uuid;

use super::{
    CampaignRow, Db, FakeActivityRepository, FakeCampaignRepository, FakeCustomerRepository, FakeFileStorage,
    FakeImageInspector, FakeLeadRepository, FakeLoginAttemptRepository, FakeNoteRepository, FakePasswordHasher,
    FakePredictionRepository, FakeRefreshTokenRepository, FakeScoringModel, FakeTableWriter, FakeTokenIssuer,
    FakeUserRepository, FixedClock,
};
use crate::activities::{ActivityLog, ActivityService};
use crate::auth::{AccountCache, AuthPolicy, AuthService, InvalidatingUsers, ThrottlePolicy};
use crate::campaigns::{CampaignPorts, CampaignService, CampaignSettings, LeadService, RunService};
use crate::customers::CustomerFilter;
use crate::media::MediaService;
use crate::scoring::ModelRegistry;
use crate::system::Clock;
use crate::users::UserService;
use crate::{AppError, Caller};

/// The password of every seeded account.
pub const PASSWORD: &str = "Pass-word-1";

/// The caller a user is.
pub fn caller(user: &User) -> Caller {
    Caller { id: user.id, role: user.role }
}

/// One in-memory world: the database, the clock, the hasher and the token issuer every service of a test shares.
pub struct Fakes {
    /// Every table.
    pub db: Arc<Db>,
    /// The time; moves only when told.
    pub clock: Arc<FixedClock>,
    /// Counts password checks.
    pub hasher: Arc<FakePasswordHasher>,
    /// Access tokens valid for 15 minutes by `clock`.
    pub issuer: Arc<FakeTokenIssuer>,
    /// What authentication caches of accounts (1 second by `clock`); the user use cases write through it.
    pub accounts: Arc<AccountCache>,
    seq: AtomicU32,
}

impl Default for Fakes {
    fn default() -> Self {
        Self::new()
    }
}

impl Fakes {
    /// An empty world at the clock's start.
    pub fn new() -> Self {
        let clock = Arc::new(FixedClock::new());
        let issuer = Arc::new(FakeTokenIssuer::new(clock.clone(), Duration::minutes(15)));
        Self {
            db: Arc::new(Db::new()),
            clock,
            hasher: Arc::new(FakePasswordHasher::new()),
            issuer,
            accounts: Arc::new(AccountCache::new(Duration::seconds(1))),
            seq: AtomicU32::new(1),
        }
    }

    fn clock(&self) -> Arc<dyn Clock> {
        self.clock.clone()
    }

    fn next(&self) -> u32 {
        self.seq.fetch_add(1, Ordering::Relaxed)
    }

    fn log(&self) -> ActivityLog {
        ActivityLog::new(Arc::new(FakeActivityRepository::new(self.db.clone())), self.clock())
    }

    /// The policy the API starts with: sign-up open, 5 failures per account and 20 per address in 15 minutes.
    pub fn auth_policy() -> AuthPolicy {
        AuthPolicy {
            refresh_ttl: Duration::days(7),
            refresh_reuse_window: Duration::seconds(10),
            allow_signup: true,
            throttle: ThrottlePolicy::default(),
        }
    }

    /// Accounts and profiles.
    pub fn user_service(&self) -> UserService {
        let db = &self.db;
        let media = MediaService::new(
            Arc::new(FakeFileStorage::new(db.clone())),
            Arc::new(FakeImageInspector),
            MediaService::DEFAULT_MAX_IMAGE_BYTES,
            MediaService::DEFAULT_MAX_IMAGE_PIXELS,
        );
        UserService::new(
            Arc::new(InvalidatingUsers::new(Arc::new(FakeUserRepository::new(db.clone())), self.accounts.clone())),
            Arc::new(FakeRefreshTokenRepository::new(db.clone())),
            self.hasher.clone(),
            self.clock(),
            self.log(),
            media,
        )
    }

    /// Sign-up, login, refresh, logout and authentication under `policy`.
    pub fn auth_service(&self, policy: AuthPolicy) -> AuthService {
        let db = &self.db;
        AuthService::new(
            Arc::new(FakeUserRepository::new(db.clone())),
            Arc::new(FakeRefreshTokenRepository::new(db.clone())),
            Arc::new(FakeLoginAttemptRepository::new(db.clone())),
            self.hasher.clone(),
            self.issuer.clone(),
            self.clock(),
            self.log(),
            policy,
            self.accounts.clone(),
        )
    }

    /// The campaign use cases (campaigns, runs scoring with [`FakeScoringModel`], leads and notes).
    pub fn campaign_services(&self) -> (CampaignService, RunService, LeadService) {
        let db = &self.db;
        let ports = CampaignPorts {
            campaigns: Arc::new(FakeCampaignRepository::new(db.clone())),
            leads: Arc::new(FakeLeadRepository::new(db.clone())),
            notes: Arc::new(FakeNoteRepository::new(db.clone())),
            users: Arc::new(FakeUserRepository::new(db.clone())),
            customers: Arc::new(FakeCustomerRepository::new(db.clone())),
            predictions: Arc::new(FakePredictionRepository::new(db.clone())),
            activity_repo: Arc::new(FakeActivityRepository::new(db.clone())),
            writer: Arc::new(FakeTableWriter),
        };
        let models = Arc::new(ModelRegistry::new(Arc::new(FakeScoringModel::new())));
        let campaigns = CampaignService::new(&ports, self.log(), self.clock());
        let runs = RunService::new(campaigns.clone(), &ports, models, CampaignSettings::default());
        let leads = LeadService::new(campaigns.clone(), &ports);
        (campaigns, runs, leads)
    }

    /// Reading the audit trail.
    pub fn activity_service(&self) -> ActivityService {
        ActivityService::new(Arc::new(FakeActivityRepository::new(self.db.clone())))
    }

    /// An active account with `role`, e-mail `<role><n>@bank.example` and password [`PASSWORD`].
    pub fn user(&self, role: Role) -> Result<User, AppError> {
        let n = self.next();
        let email = Email::parse(&format!("{}{n}@bank.example", role.as_str().to_lowercase()))?;
        let now = self.clock.now();
        let user = User {
            id: Uuid::now_v7(),
            email,
            username: None,
            full_name: Some(format!("{role} {n}")),
            phone: None,
            address: None,
            role,
            is_active: true,
            avatar_key: None,
            password_hash: FakePasswordHasher::hash_of(PASSWORD),
            token_version: 0,
            last_login_at: None,
            created_at: now,
            updated_at: now,
        };
        self.db.with(|state| state.users.insert(user.id, user.clone()));
        Ok(user)
    }

    /// A customer of `age` (the fake model scores older customers higher).
    pub fn customer(&self, age: i64) -> Result<Customer, AppError> {
        let n = self.next();
        let draft = CustomerDraft {
            name: Some(format!("Customer {n}")),
            age: Some(age),
            job: Some(Job::Management),
            marital: Some(Marital::Married),
            education: Some(Education::Tertiary),
            default: Some(false),
            balance: Some(1_000),
            housing: Some(false),
            loan: Some(false),
            contact: Some(Contact::Cellular),
            day: Some(5),
            month: Some(Month::May),
            campaign: Some(1),
            pdays: Some(-1),
            previous: Some(0),
            poutcome: Some(Poutcome::Unknown),
            ..CustomerDraft::default()
        };
        let customer = draft.validate()?.into_customer(Uuid::now_v7(), self.clock.now());
        self.db.with(|state| state.customers.insert(customer.id, customer.clone()));
        Ok(customer)
    }

    /// An Active campaign of `owner`, target 10 leads, every customer as criteria.
    pub fn campaign(&self, owner: &User, collaborators: &[&User]) -> Uuid {
        let n = self.next();
        let now = self.clock.now();
        let row = CampaignRow {
            id: Uuid::now_v7(),
            info: CampaignInfo {
                name: format!("Campaign {n}"),
                description: None,
                target_leads: 10,
                start_date: None,
                end_date: None,
                status: CampaignStatus::Active,
            },
            criteria: CustomerFilter::default(),
            owner_id: owner.id,
            collaborator_ids: collaborators.iter().map(|u| u.id).collect(),
            last_run: None,
            created_at: now,
            updated_at: now,
        };
        let id = row.id;
        self.db.with(|state| state.campaigns.insert(id, row));
        id
    }

    /// A lead of a new customer on `campaign`, as a run would have left it, then worked to `status` and
    /// `assignee`.
    pub fn lead(&self, campaign: Uuid, status: LeadStatus, assignee: Option<&User>) -> Result<Lead, AppError> {
        let customer = self.customer(50)?;
        let now = self.clock.now();
        let lead = Lead {
            id: Uuid::now_v7(),
            campaign_id: campaign,
            customer_id: customer.id,
            rank: self.next(),
            probability: 0.73,
            score: 73,
            tier: Tier::Hot,
            model_version: "fake-1".into(),
            prediction_id: None,
            status,
            assignee_id: assignee.map(|u| u.id),
            created_at: now,
            updated_at: now,
            closed_at: status.is_closed().then_some(now),
        };
        self.db.with(|state| state.leads.insert(lead.id, lead.clone()));
        Ok(lead)
    }

    /// A note on `lead` by `author` (`None` for a System note).
    pub fn note(&self, lead: &Lead, author: Option<&User>, note_type: NoteType) -> Note {
        let note = Note {
            id: Uuid::now_v7(),
            campaign_id: lead.campaign_id,
            lead_id: lead.id,
            author_id: author.map(|u| u.id),
            note_type,
            text: "Call back on Friday".into(),
            created_at: self.clock.now(),
        };
        self.db.with(|state| state.notes.insert(note.id, note.clone()));
        note
    }
}

/// The kind of answer a use case gave, for tables of expected outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Success.
    Ok,
    /// `Validation` (400, field errors).
    Invalid,
    /// `Unauthorized` (401).
    Unauthorized,
    /// `Forbidden` (403).
    Forbidden,
    /// `NotFound` (404).
    NotFound,
    /// `Conflict` (409).
    Conflict,
    /// `TooManyRequests` (429).
    TooMany,
    /// Anything else: never expected by a rule test.
    Other,
}

/// The kind of `result`.
pub fn answer<T>(result: &Result<T, AppError>) -> Answer {
    match result {
        Ok(_) => Answer::Ok,
        Err(AppError::Validation(_)) => Answer::Invalid,
        Err(AppError::Unauthorized(_)) => Answer::Unauthorized,
        Err(AppError::Forbidden(_)) => Answer::Forbidden,
        Err(AppError::NotFound(_)) => Answer::NotFound,
        Err(AppError::Conflict(_)) => Answer::Conflict,
        Err(AppError::TooManyRequests { .. }) => Answer::TooMany,
        Err(_) => Answer::Other,
    }
}
