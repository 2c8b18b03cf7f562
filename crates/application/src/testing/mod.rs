//! In-memory fakes of the ports, for fast application-level tests of the use cases' rules: no database, no bcrypt,
//! no model file.
//!
//! Every fake keeps its rows in one shared [`Db`], as the real adapters share one database, so contracts that span
//! tables hold here as they do in SQL: an account that owns campaigns cannot be deleted, a lead view names its
//! assignee, a Manager's trail is that of the campaigns they own. Each method takes the lock once and checks
//! everything before it writes, so what a port calls "ONE transaction" is all or nothing. The errors a contract names
//! carry the SQL adapters' own messages. A method no use case under test calls and that would need a query engine of
//! its own (a customer import, a prediction list) answers `AppError::Internal` naming the fake instead of guessing.
//!
//! [`Fakes`] wires the services over one `Db` and seeds accounts, customers, campaigns and leads.

mod activities;
mod auth;
mod campaigns;
mod customers;
mod exports;
mod fixtures;
mod media;
mod scoring;
mod system;
mod tests;
mod users;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use leadscore_domain::activity::Activity;
use leadscore_domain::campaigns::{CampaignInfo, Lead, Note};
use leadscore_domain::customers::Customer;
use leadscore_domain::pagination::{Page, PageRequest, SortDir};
use leadscore_domain::scoring::Prediction;
use leadscore_domain::users::User;
use uuid::Uuid;

pub use activities::FakeActivityRepository;
pub use auth::{FakeLoginAttemptRepository, FakeRefreshTokenRepository, FakeTokenIssuer};
pub use campaigns::{FakeCampaignRepository, FakeLeadRepository, FakeNoteRepository};
pub use customers::FakeCustomerRepository;
pub use exports::FakeTableWriter;
pub use fixtures::{Answer, Fakes, PASSWORD, answer, caller};
pub use media::{FakeFileStorage, FakeImageInspector};
pub use scoring::{FakePredictionRepository, FakeScoringModel};
pub use system::FixedClock;
pub use users::{FakePasswordHasher, FakeUserRepository};

use crate::AppError;
use crate::auth::{RefreshTokenRecord, ThrottleScope};
use crate::campaigns::RunSummary;
use crate::customers::CustomerFilter;

/// A campaign row: the attributes, with people by id (the stored shape; `Campaign` names them).
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignRow {
    /// Id.
    pub id: Uuid,
    /// Name, dates, target, status.
    pub info: CampaignInfo,
    /// Criteria.
    pub criteria: CustomerFilter,
    /// Owner.
    pub owner_id: Uuid,
    /// Collaborators, without duplicates.
    pub collaborator_ids: Vec<Uuid>,
    /// The last run.
    pub last_run: Option<RunSummary>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// One reserved or failed login (or sign-up) attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct LoginAttempt {
    /// Id (what `reserve` answers and `release` takes).
    pub id: Uuid,
    /// What the key identifies.
    pub scope: ThrottleScope,
    /// The account or address.
    pub key: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// Every table the fakes keep. Public so a test can seed rows no port writes directly (leads) and check that a
/// refused request changed nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct State {
    /// Accounts.
    pub users: BTreeMap<Uuid, User>,
    /// Refresh tokens, in insertion order.
    pub refresh_tokens: Vec<RefreshTokenRecord>,
    /// Login and sign-up attempts.
    pub login_attempts: Vec<LoginAttempt>,
    /// Campaigns.
    pub campaigns: BTreeMap<Uuid, CampaignRow>,
    /// Leads of every campaign.
    pub leads: BTreeMap<Uuid, Lead>,
    /// Notes of every lead.
    pub notes: BTreeMap<Uuid, Note>,
    /// Customers.
    pub customers: BTreeMap<Uuid, Customer>,
    /// Stored predictions.
    pub predictions: BTreeMap<Uuid, Prediction>,
    /// The audit trail, in the order it was written.
    pub activities: Vec<Activity>,
    /// Stored files by key.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// The one in-memory database every fake of a test shares.
#[derive(Debug, Default)]
pub struct Db {
    state: Mutex<State>,
}

impl Db {
    /// An empty database.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `f` with the tables locked: one atomic step.
    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        // A test that panicked while holding the lock has failed already; the tables are still whole.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut state)
    }

    /// A copy of every table, to compare before and after a refused request.
    pub fn snapshot(&self) -> State {
        self.with(|state| state.clone())
    }
}

/// The page `request` asks for of rows already in order.
fn page_of<T>(rows: Vec<T>, request: PageRequest) -> Page<T> {
    let total_items = rows.len() as u64;
    let offset = usize::try_from(request.offset()).unwrap_or(usize::MAX);
    let items = rows.into_iter().skip(offset).take(request.limit() as usize).collect();
    Page { items, total_items, request }
}

/// The SQL adapters' `contains_ci`: a trimmed, non-empty query is a case-insensitive substring of some field.
fn matches_text<'a>(q: Option<&str>, fields: impl IntoIterator<Item = Option<&'a str>>) -> bool {
    match q.map(str::trim).filter(|q| !q.is_empty()) {
        None => true,
        Some(q) => {
            let q = q.to_lowercase();
            fields.into_iter().flatten().any(|field| field.to_lowercase().contains(&q))
        }
    }
}

/// `from <= at <= to` for the bounds that are present.
fn in_range(at: DateTime<Utc>, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> bool {
    from.is_none_or(|from| at >= from) && to.is_none_or(|to| at <= to)
}

/// `ordering` in direction `dir`.
fn directed(ordering: Ordering, dir: SortDir) -> Ordering {
    match dir {
        SortDir::Asc => ordering,
        SortDir::Desc => ordering.reverse(),
    }
}

/// The SQL adapters' list order: by `a` and `b` in `dir` with missing values last in both directions.
fn nulls_last<T: Ord>(a: Option<T>, b: Option<T>, dir: SortDir) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => directed(a.cmp(&b), dir),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The answer of a port method the fakes do not implement.
fn unsupported(what: &str) -> AppError {
    AppError::Internal(format!("{what} is not implemented by the in-memory fakes"))
}
