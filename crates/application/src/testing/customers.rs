//! The customer base.

use std::cmp::Ordering;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_domain::customers::{BankProfile, Customer, NewCustomer};
use leadscore_domain::pagination::{Page, PageRequest};
use uuid::Uuid;

use super::{Db, State, directed, in_range, matches_text, nulls_last, page_of, unsupported};
use crate::AppError;
use crate::customers::{
    CustomerFilter, CustomerRepository, CustomerSort, CustomerSortField, ImportCounts, ImportProgress, OnConflict,
};

/// `CustomerRepository` over the shared [`Db`]. The filter is applied field by field as the SQL adapter's query
/// does; `import` is not implemented.
pub struct FakeCustomerRepository {
    db: Arc<Db>,
}

impl FakeCustomerRepository {
    /// Uses `db`.
    pub fn new(db: Arc<Db>) -> Self {
        Self { db }
    }
}

/// Whether `customer` is one the filter selects: every set field narrows, lists mean "any of".
pub(super) fn selects(filter: &CustomerFilter, customer: &Customer) -> bool {
    fn any_of<T: PartialEq>(wanted: &[T], value: &T) -> bool {
        wanted.is_empty() || wanted.contains(value)
    }
    fn within(value: i64, min: Option<i64>, max: Option<i64>) -> bool {
        min.is_none_or(|min| value >= min) && max.is_none_or(|max| value <= max)
    }
    let (p, d) = (&customer.profile, &customer.details);
    let score = customer.latest_score.as_ref();
    any_of(&filter.job, &p.job)
        && any_of(&filter.marital, &p.marital)
        && any_of(&filter.education, &p.education)
        && any_of(&filter.contact, &p.contact)
        && any_of(&filter.month, &p.month)
        && any_of(&filter.poutcome, &p.poutcome)
        && (filter.tier.is_empty() || score.is_some_and(|s| filter.tier.contains(&s.tier)))
        && within(i64::from(p.age.years()), filter.age_min, filter.age_max)
        && within(p.balance, filter.balance_min, filter.balance_max)
        && filter.housing.is_none_or(|h| p.housing == h)
        && filter.loan.is_none_or(|l| p.loan == l)
        && filter.default.is_none_or(|x| p.default == x)
        // Unscored customers never match a score bound.
        && ((filter.score_min.is_none() && filter.score_max.is_none())
            || score.is_some_and(|s| within(i64::from(s.score), filter.score_min, filter.score_max)))
        && matches_text(
            filter.query_text(),
            [
                d.name.as_deref(),
                d.email.as_ref().map(|e| e.as_str()),
                d.phone.as_deref(),
                d.city.as_deref(),
                d.external_id.as_deref(),
            ],
        )
        && in_range(customer.created_at, filter.from, filter.to)
}

fn compare(a: &Customer, b: &Customer, sort: CustomerSort) -> Ordering {
    let dir = sort.dir;
    let by_field = match sort.field {
        CustomerSortField::Age => directed(a.profile.age.years().cmp(&b.profile.age.years()), dir),
        CustomerSortField::Balance => directed(a.profile.balance.cmp(&b.profile.balance), dir),
        CustomerSortField::Score => {
            nulls_last(a.latest_score.as_ref().map(|s| s.score), b.latest_score.as_ref().map(|s| s.score), dir)
        }
        CustomerSortField::CreatedAt => directed(a.created_at.cmp(&b.created_at), dir),
        CustomerSortField::Name => nulls_last(a.details.name.as_deref(), b.details.name.as_deref(), dir),
    };
    by_field.then_with(|| directed(a.id.cmp(&b.id), dir))
}

fn check_unique(state: &State, customer: &Customer) -> Result<(), AppError> {
    for other in state.customers.values().filter(|c| c.id != customer.id) {
        let (mine, theirs) = (&customer.details, &other.details);
        if mine.external_id.is_some() && mine.external_id == theirs.external_id {
            return Err(AppError::Conflict("A customer with this externalId already exists".into()));
        }
        if mine.email.is_some() && mine.email == theirs.email {
            return Err(AppError::Conflict("Email is already registered".into()));
        }
    }
    Ok(())
}

fn after_id(state: &State, filter: &CustomerFilter, after: Option<Uuid>, limit: u64) -> Vec<Customer> {
    state
        .customers
        .values()
        .filter(|c| after.is_none_or(|after| c.id > after))
        .filter(|c| selects(filter, c))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .cloned()
        .collect()
}

#[async_trait]
impl CustomerRepository for FakeCustomerRepository {
    async fn insert(&self, customer: &Customer) -> Result<(), AppError> {
        self.db.with(|state| {
            if state.customers.contains_key(&customer.id) {
                return Err(AppError::Conflict("The resource already exists".into()));
            }
            check_unique(state, customer)?;
            state.customers.insert(customer.id, customer.clone());
            Ok(())
        })
    }

    async fn find_by_id(&self, id: Uuid) -> Result<Option<Customer>, AppError> {
        Ok(self.db.with(|state| state.customers.get(&id).cloned()))
    }

    async fn find_many(&self, ids: &[Uuid]) -> Result<Vec<Customer>, AppError> {
        Ok(self.db.with(|state| ids.iter().filter_map(|id| state.customers.get(id).cloned()).collect()))
    }

    async fn update(&self, customer: &Customer) -> Result<(), AppError> {
        self.db.with(|state| {
            let stored =
                state.customers.get(&customer.id).ok_or_else(|| AppError::NotFound("Customer not found".into()))?;
            // Every attribute, not the score.
            let updated = Customer { latest_score: stored.latest_score.clone(), ..customer.clone() };
            check_unique(state, &updated)?;
            state.customers.insert(customer.id, updated);
            Ok(())
        })
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        Ok(self.db.with(|state| {
            if state.customers.remove(&id).is_none() {
                return false;
            }
            let leads: std::collections::HashSet<Uuid> =
                state.leads.values().filter(|l| l.customer_id == id).map(|l| l.id).collect();
            state.notes.retain(|_, n| !leads.contains(&n.lead_id));
            state.leads.retain(|lead, _| !leads.contains(lead));
            for prediction in state.predictions.values_mut().filter(|p| p.customer_id == Some(id)) {
                prediction.customer_id = None;
            }
            true
        }))
    }

    async fn list(
        &self,
        filter: &CustomerFilter,
        sort: CustomerSort,
        page: PageRequest,
    ) -> Result<Page<Customer>, AppError> {
        Ok(self.db.with(|state| {
            let mut rows: Vec<Customer> = state.customers.values().filter(|c| selects(filter, c)).cloned().collect();
            rows.sort_by(|a, b| compare(a, b, sort));
            page_of(rows, page)
        }))
    }

    async fn list_after(
        &self,
        filter: &CustomerFilter,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<Customer>, AppError> {
        Ok(self.db.with(|state| after_id(state, filter, after, limit)))
    }

    async fn list_profiles_after(
        &self,
        filter: &CustomerFilter,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<(Uuid, BankProfile)>, AppError> {
        Ok(self.db.with(|state| after_id(state, filter, after, limit).into_iter().map(|c| (c.id, c.profile)).collect()))
    }

    async fn count(&self, filter: &CustomerFilter) -> Result<u64, AppError> {
        Ok(self.db.with(|state| state.customers.values().filter(|c| selects(filter, c)).count() as u64))
    }

    async fn import(
        &self,
        _rows: Vec<NewCustomer>,
        _on_conflict: OnConflict,
        _dry_run: bool,
        _now: DateTime<Utc>,
        _progress: Option<ImportProgress>,
    ) -> Result<ImportCounts, AppError> {
        Err(unsupported("CustomerRepository::import"))
    }
}
