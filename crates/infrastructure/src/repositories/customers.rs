//! Customers in SQL: the typed filter translated field by field, keyset walks, and one-transaction imports.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_application::AppError;
use leadscore_application::customers::{
    CustomerFilter, CustomerRepository, CustomerSort, CustomerSortField, ImportCounts, ImportProgress, OnConflict,
};
use leadscore_domain::customers::{Age, BankProfile, ContactDetails, Customer, LatestScore, NewCustomer};
use leadscore_domain::pagination::{Page, PageRequest};
use leadscore_domain::users::Email;
use sea_orm::sea_query::{Expr, NullOrdering, Query};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QueryResult, QuerySelect, QueryTrait, Select,
};
use uuid::Uuid;

use super::query::{contains_ci, corrupt, order, parse, search_text};
use crate::db::begin_write;
use crate::entities::customers::{ActiveModel, Column, Entity, Model};
use crate::error::db_err;

/// Rows per INSERT: 31 columns × 500 stays far below SQLite's 32,766 bound parameters.
const CHUNK: usize = 500;

/// `CustomerRepository` over SeaORM.
#[derive(Clone)]
pub struct SqlCustomerRepository {
    db: DatabaseConnection,
}

impl SqlCustomerRepository {
    /// Uses this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

pub(crate) fn to_domain(m: Model) -> Result<Customer, AppError> {
    let latest_score = match (m.probability, m.score, m.tier.as_deref(), m.model_version, m.scored_at) {
        (Some(probability), Some(score), Some(tier), Some(model_version), Some(scored_at)) => Some(LatestScore {
            probability,
            score: u8::try_from(score).map_err(|_| corrupt("score", &score.to_string()))?,
            tier: parse(tier, "tier")?,
            model_version,
            scored_at,
        }),
        _ => None,
    };
    Ok(Customer {
        id: m.id,
        details: ContactDetails {
            external_id: m.external_id,
            name: m.name,
            email: m.email.as_deref().map(|e| Email::parse(e).map_err(|_| corrupt("email", e))).transpose()?,
            phone: m.phone,
            city: m.city,
        },
        profile: BankProfile {
            age: Age::new(i64::from(m.age)).map_err(|_| corrupt("age", &m.age.to_string()))?,
            job: parse(&m.job, "job")?,
            marital: parse(&m.marital, "marital")?,
            education: parse(&m.education, "education")?,
            default: m.default,
            balance: m.balance,
            housing: m.housing,
            loan: m.loan,
            contact: parse(&m.contact, "contact")?,
            day: u8::try_from(m.day).map_err(|_| corrupt("day", &m.day.to_string()))?,
            month: parse(&m.month, "month")?,
            duration: m.duration.map(|d| d.max(0) as u32),
            campaign: m.campaign.max(0) as u32,
            pdays: m.pdays,
            previous: m.previous.max(0) as u32,
            poutcome: parse(&m.poutcome, "poutcome")?,
        },
        outcome: m.outcome.as_deref().map(|o| parse(o, "outcome")).transpose()?,
        outcome_at: m.outcome_at,
        latest_score,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// What `list_profiles_after` reads, in the order `profile_row` decodes it: the id and the bank attributes only.
const PROFILE_COLUMNS: [Column; 17] = [
    Column::Id,
    Column::Age,
    Column::Job,
    Column::Marital,
    Column::Education,
    Column::Default,
    Column::Balance,
    Column::Housing,
    Column::Loan,
    Column::Contact,
    Column::Day,
    Column::Month,
    Column::Duration,
    Column::Campaign,
    Column::Pdays,
    Column::Previous,
    Column::Poutcome,
];

/// A profile as stored, before its values become domain types; both reads of `list_profiles_after` produce it.
struct StoredProfile<'a> {
    age: i64,
    job: &'a str,
    marital: &'a str,
    education: &'a str,
    default: bool,
    balance: i64,
    housing: bool,
    loan: bool,
    contact: &'a str,
    day: i64,
    month: &'a str,
    duration: Option<i64>,
    campaign: i64,
    pdays: i64,
    previous: i64,
    poutcome: &'a str,
}

fn int32(value: i64, what: &str) -> Result<i32, AppError> {
    i32::try_from(value).map_err(|_| corrupt(what, &value.to_string()))
}

impl StoredProfile<'_> {
    /// The domain profile, with the same checks and clamps as `to_domain`, so both reads give the same profile.
    fn parse(&self) -> Result<BankProfile, AppError> {
        Ok(BankProfile {
            age: Age::new(self.age).map_err(|_| corrupt("age", &self.age.to_string()))?,
            job: parse(self.job, "job")?,
            marital: parse(self.marital, "marital")?,
            education: parse(self.education, "education")?,
            default: self.default,
            balance: self.balance,
            housing: self.housing,
            loan: self.loan,
            contact: parse(self.contact, "contact")?,
            day: u8::try_from(self.day).map_err(|_| corrupt("day", &self.day.to_string()))?,
            month: parse(self.month, "month")?,
            duration: self.duration.map(|d| int32(d, "duration").map(|d| d.max(0) as u32)).transpose()?,
            campaign: int32(self.campaign, "campaign")?.max(0) as u32,
            pdays: int32(self.pdays, "pdays")?,
            previous: int32(self.previous, "previous")?.max(0) as u32,
            poutcome: parse(self.poutcome, "poutcome")?,
        })
    }
}

/// One row of `PROFILE_COLUMNS`, read by position (a name lookup per column per row is measurable over the whole base)
/// and as the entity's exact types (PostgreSQL refuses to read a SMALLINT into an i64).
fn profile_row(row: &QueryResult) -> Result<(Uuid, BankProfile), AppError> {
    let text = |i: usize| row.try_get_by_index::<String>(i).map_err(db_err);
    let small = |i: usize| row.try_get_by_index::<i16>(i).map(i64::from).map_err(db_err);
    let int = |i: usize| row.try_get_by_index::<i32>(i).map(i64::from).map_err(db_err);
    let flag = |i: usize| row.try_get_by_index::<bool>(i).map_err(db_err);
    let (job, marital, education, contact, month, poutcome) =
        (text(2)?, text(3)?, text(4)?, text(9)?, text(11)?, text(16)?);
    let stored = StoredProfile {
        age: small(1)?,
        job: &job,
        marital: &marital,
        education: &education,
        default: flag(5)?,
        balance: row.try_get_by_index::<i64>(6).map_err(db_err)?,
        housing: flag(7)?,
        loan: flag(8)?,
        contact: &contact,
        day: small(10)?,
        month: &month,
        duration: row.try_get_by_index::<Option<i32>>(12).map_err(db_err)?.map(i64::from),
        campaign: int(13)?,
        pdays: int(14)?,
        previous: int(15)?,
        poutcome: &poutcome,
    };
    Ok((row.try_get_by_index::<Uuid>(0).map_err(db_err)?, stored.parse()?))
}

/// On SQLite, a chunk of `list_profiles_after` comes back as ONE JSON document: an array of `PROFILE_COLUMNS` arrays,
/// the id in hex (SQLite stores it as a 16-byte blob, and booleans as 0/1).
///
/// sqlx hands each SQLite row from its worker thread to the async side on its own, with a wake-up and a copy of every
/// value, which cost about 11 µs per row: reading 45,211 profiles as rows took 0.51 s, most of a re-score. One row
/// per chunk takes the same SQLite scan plus about 0.1 s of JSON building (measured on the bench database: 0.05 s to
/// scan, 0.14-0.17 s with `json_group_array`). PostgreSQL streams rows cheaply and keeps the plain read.
const SQLITE_PROFILES_JSON: &str = "json_group_array(json_array(hex(t.id), t.age, t.job, t.marital, t.education, \
    t.\"default\", t.balance, t.housing, t.loan, t.contact, t.day, t.month, t.duration, t.campaign, t.pdays, \
    t.previous, t.poutcome))";

/// One element of `SQLITE_PROFILES_JSON`, by position.
#[derive(serde::Deserialize)]
struct PackedProfile<'a>(
    &'a str,
    i64,
    &'a str,
    &'a str,
    &'a str,
    u8,
    i64,
    u8,
    u8,
    &'a str,
    i64,
    &'a str,
    Option<i64>,
    i64,
    i64,
    i64,
    &'a str,
);

fn packed_profiles(document: &str) -> Result<Vec<(Uuid, BankProfile)>, AppError> {
    let packed: Vec<PackedProfile<'_>> = serde_json::from_str(document)
        .map_err(|err| AppError::Internal(format!("reading customer profiles: {err}")))?;
    let mut profiles = packed
        .into_iter()
        .map(|p| {
            let id = Uuid::try_parse(p.0).map_err(|_| corrupt("customer id", p.0))?;
            let stored = StoredProfile {
                age: p.1,
                job: p.2,
                marital: p.3,
                education: p.4,
                default: p.5 != 0,
                balance: p.6,
                housing: p.7 != 0,
                loan: p.8 != 0,
                contact: p.9,
                day: p.10,
                month: p.11,
                duration: p.12,
                campaign: p.13,
                pdays: p.14,
                previous: p.15,
                poutcome: p.16,
            };
            Ok((id, stored.parse()?))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    // SQL does not promise that an aggregate sees the subquery's rows in its order; the keyset walk needs id order.
    profiles.sort_unstable_by_key(|(id, _)| *id);
    Ok(profiles)
}

/// The attribute columns of a customer (everything but id, score and creation time).
fn attributes(details: &ContactDetails, p: &BankProfile, outcome: Option<&str>, model: &mut ActiveModel) {
    model.external_id = Set(details.external_id.clone());
    model.name = Set(details.name.clone());
    model.email = Set(details.email.as_ref().map(|e| e.as_str().to_owned()));
    model.phone = Set(details.phone.clone());
    model.city = Set(details.city.clone());
    model.age = Set(i16::from(p.age.years()));
    model.job = Set(p.job.as_str().to_owned());
    model.marital = Set(p.marital.as_str().to_owned());
    model.education = Set(p.education.as_str().to_owned());
    model.default = Set(p.default);
    model.balance = Set(p.balance);
    model.housing = Set(p.housing);
    model.loan = Set(p.loan);
    model.contact = Set(p.contact.as_str().to_owned());
    model.day = Set(i16::from(p.day));
    model.month = Set(p.month.as_str().to_owned());
    model.duration = Set(p.duration.map(|d| i32::try_from(d).unwrap_or(i32::MAX)));
    model.campaign = Set(i32::try_from(p.campaign).unwrap_or(i32::MAX));
    model.pdays = Set(p.pdays);
    model.previous = Set(i32::try_from(p.previous).unwrap_or(i32::MAX));
    model.poutcome = Set(p.poutcome.as_str().to_owned());
    model.outcome = Set(outcome.map(str::to_owned));
    model.search_text = Set(search_text([
        details.name.as_deref(),
        details.email.as_ref().map(|e| e.as_str()),
        details.phone.as_deref(),
        details.city.as_deref(),
        details.external_id.as_deref(),
    ]));
}

fn empty_active() -> ActiveModel {
    ActiveModel {
        id: NotSet,
        external_id: NotSet,
        name: NotSet,
        email: NotSet,
        phone: NotSet,
        city: NotSet,
        age: NotSet,
        job: NotSet,
        marital: NotSet,
        education: NotSet,
        default: NotSet,
        balance: NotSet,
        housing: NotSet,
        loan: NotSet,
        contact: NotSet,
        day: NotSet,
        month: NotSet,
        duration: NotSet,
        campaign: NotSet,
        pdays: NotSet,
        previous: NotSet,
        poutcome: NotSet,
        outcome: NotSet,
        outcome_at: NotSet,
        probability: NotSet,
        score: NotSet,
        tier: NotSet,
        model_version: NotSet,
        scored_at: NotSet,
        search_text: NotSet,
        created_at: NotSet,
        updated_at: NotSet,
    }
}

/// The score columns; `None` writes NULLs (unscored).
fn score_columns(score: Option<&LatestScore>, model: &mut ActiveModel) {
    model.probability = Set(score.map(|s| s.probability));
    model.score = Set(score.map(|s| i16::from(s.score)));
    model.tier = Set(score.map(|s| s.tier.as_str().to_owned()));
    model.model_version = Set(score.map(|s| s.model_version.clone()));
    model.scored_at = Set(score.map(|s| s.scored_at));
}

fn to_active(c: &Customer) -> ActiveModel {
    let mut model = empty_active();
    attributes(&c.details, &c.profile, c.outcome.map(|o| o.as_str()), &mut model);
    model.id = Set(c.id);
    model.outcome_at = Set(c.outcome_at);
    score_columns(c.latest_score.as_ref(), &mut model);
    model.created_at = Set(c.created_at);
    model.updated_at = Set(c.updated_at);
    model
}

fn new_active(c: &NewCustomer, now: DateTime<Utc>) -> ActiveModel {
    let mut model = empty_active();
    attributes(&c.details, &c.profile, c.outcome.map(|o| o.as_str()), &mut model);
    model.id = Set(Uuid::now_v7());
    model.outcome_at = Set(None);
    score_columns(c.score.as_ref(), &mut model);
    model.created_at = Set(now);
    model.updated_at = Set(now);
    model
}

fn codes<T: ToString>(values: &[T]) -> Vec<String> {
    values.iter().map(ToString::to_string).collect()
}

/// The filter as a WHERE condition, one clause per set field.
pub(crate) fn condition(f: &CustomerFilter) -> Condition {
    let mut c = Condition::all();
    let lists = [
        (Column::Job, codes(&f.job)),
        (Column::Marital, codes(&f.marital)),
        (Column::Education, codes(&f.education)),
        (Column::Contact, codes(&f.contact)),
        (Column::Month, codes(&f.month)),
        (Column::Poutcome, codes(&f.poutcome)),
        (Column::Tier, codes(&f.tier)),
    ];
    for (column, values) in lists {
        if !values.is_empty() {
            c = c.add(column.is_in(values));
        }
    }
    if let Some(v) = f.age_min {
        c = c.add(Column::Age.gte(v));
    }
    if let Some(v) = f.age_max {
        c = c.add(Column::Age.lte(v));
    }
    if let Some(v) = f.balance_min {
        c = c.add(Column::Balance.gte(v));
    }
    if let Some(v) = f.balance_max {
        c = c.add(Column::Balance.lte(v));
    }
    if let Some(v) = f.score_min {
        c = c.add(Column::Score.gte(v));
    }
    if let Some(v) = f.score_max {
        c = c.add(Column::Score.lte(v));
    }
    for (column, value) in [(Column::Housing, f.housing), (Column::Loan, f.loan), (Column::Default, f.default)] {
        if let Some(v) = value {
            c = c.add(column.eq(v));
        }
    }
    if let Some(q) = f.query_text() {
        c = c.add(contains_ci(Column::SearchText, q));
    }
    if let Some(from) = f.from {
        c = c.add(Column::CreatedAt.gte(from));
    }
    if let Some(to) = f.to {
        c = c.add(Column::CreatedAt.lte(to));
    }
    c
}

fn sorted(select: Select<Entity>, sort: CustomerSort) -> Select<Entity> {
    let dir = order(sort.dir);
    let select = match sort.field {
        CustomerSortField::Age => select.order_by(Column::Age, dir.clone()),
        CustomerSortField::Balance => select.order_by(Column::Balance, dir.clone()),
        // Unscored and unnamed customers go last either way, identically on SQLite and PostgreSQL.
        CustomerSortField::Score => select.order_by_with_nulls(Column::Score, dir.clone(), NullOrdering::Last),
        CustomerSortField::Name => select.order_by_with_nulls(Column::Name, dir.clone(), NullOrdering::Last),
        CustomerSortField::CreatedAt => select.order_by(Column::CreatedAt, dir.clone()),
    };
    select.order_by(Column::Id, dir)
}

/// Existing customers that a chunk of rows may match, by external id and by e-mail.
async fn existing_keys<C: ConnectionTrait>(
    db: &C,
    rows: &[NewCustomer],
) -> Result<(HashMap<String, Uuid>, HashMap<String, Uuid>), AppError> {
    let ids: Vec<String> = rows.iter().filter_map(|r| r.details.external_id.clone()).collect();
    let emails: Vec<String> =
        rows.iter().filter_map(|r| r.details.email.as_ref().map(|e| e.as_str().to_owned())).collect();
    let mut by_id = HashMap::new();
    let mut by_email = HashMap::new();
    if ids.is_empty() && emails.is_empty() {
        return Ok((by_id, by_email));
    }
    let found: Vec<(Uuid, Option<String>, Option<String>)> = Entity::find()
        .select_only()
        .columns([Column::Id, Column::ExternalId, Column::Email])
        .filter(Condition::any().add(Column::ExternalId.is_in(ids)).add(Column::Email.is_in(emails)))
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err)?;
    for (id, external_id, email) in found {
        if let Some(key) = external_id {
            by_id.insert(key, id);
        }
        if let Some(key) = email {
            by_email.insert(key, id);
        }
    }
    Ok((by_id, by_email))
}

#[async_trait]
impl CustomerRepository for SqlCustomerRepository {
    async fn insert(&self, customer: &Customer) -> Result<(), AppError> {
        Entity::insert(to_active(customer)).exec_without_returning(&self.db).await.map_err(db_err)?;
        Ok(())
    }

    async fn find_by_id(&self, id: Uuid) -> Result<Option<Customer>, AppError> {
        Entity::find_by_id(id).one(&self.db).await.map_err(db_err)?.map(to_domain).transpose()
    }

    async fn find_many(&self, ids: &[Uuid]) -> Result<Vec<Customer>, AppError> {
        let mut ids = ids.to_vec();
        // Sorted and deduplicated so an id repeated across chunks is not returned twice.
        ids.sort_unstable();
        ids.dedup();
        let mut found = Vec::with_capacity(ids.len());
        // Chunked so the IN list stays far below every backend's bound-parameter limit.
        for chunk in ids.chunks(CHUNK) {
            let models =
                Entity::find().filter(Column::Id.is_in(chunk.iter().copied())).all(&self.db).await.map_err(db_err)?;
            for model in models {
                found.push(to_domain(model)?);
            }
        }
        Ok(found)
    }

    async fn update(&self, customer: &Customer) -> Result<(), AppError> {
        let mut model = empty_active();
        attributes(&customer.details, &customer.profile, customer.outcome.map(|o| o.as_str()), &mut model);
        model.outcome_at = Set(customer.outcome_at);
        model.updated_at = Set(customer.updated_at);
        let result =
            Entity::update_many().set(model).filter(Column::Id.eq(customer.id)).exec(&self.db).await.map_err(db_err)?;
        if result.rows_affected == 0 {
            return Err(AppError::NotFound("Customer not found".into()));
        }
        Ok(())
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        Ok(Entity::delete_by_id(id).exec(&self.db).await.map_err(db_err)?.rows_affected > 0)
    }

    async fn list(
        &self,
        filter: &CustomerFilter,
        sort: CustomerSort,
        page: PageRequest,
    ) -> Result<Page<Customer>, AppError> {
        let select = Entity::find().filter(condition(filter));
        let total_items = select.clone().count(&self.db).await.map_err(db_err)?;
        let items = sorted(select, sort)
            .offset(page.offset())
            .limit(u64::from(page.limit()))
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_domain)
            .collect::<Result<_, _>>()?;
        Ok(Page { items, total_items, request: page })
    }

    async fn list_after(
        &self,
        filter: &CustomerFilter,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<Customer>, AppError> {
        let mut select = Entity::find().filter(condition(filter));
        if let Some(after) = after {
            select = select.filter(Column::Id.gt(after));
        }
        select
            .order_by_asc(Column::Id)
            .limit(limit)
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_domain)
            .collect()
    }

    async fn list_profiles_after(
        &self,
        filter: &CustomerFilter,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<(Uuid, BankProfile)>, AppError> {
        let mut select = Entity::find().select_only().columns(PROFILE_COLUMNS).filter(condition(filter));
        if let Some(after) = after {
            select = select.filter(Column::Id.gt(after));
        }
        let select = select.order_by_asc(Column::Id).limit(limit);
        let backend = self.db.get_database_backend();
        if backend != DbBackend::Sqlite {
            return self
                .db
                .query_all_raw(select.build(backend))
                .await
                .map_err(db_err)?
                .iter()
                .map(profile_row)
                .collect();
        }
        let packed =
            Query::select().expr(Expr::cust(SQLITE_PROFILES_JSON)).from_subquery(select.into_query(), "t").to_owned();
        let row = self.db.query_one_raw(backend.build(&packed)).await.map_err(db_err)?;
        let document: Option<String> = row.map(|r| r.try_get_by_index(0)).transpose().map_err(db_err)?;
        packed_profiles(document.as_deref().unwrap_or("[]"))
    }

    async fn count(&self, filter: &CustomerFilter) -> Result<u64, AppError> {
        Entity::find().filter(condition(filter)).count(&self.db).await.map_err(db_err)
    }

    async fn import(
        &self,
        rows: Vec<NewCustomer>,
        on_conflict: OnConflict,
        dry_run: bool,
        now: DateTime<Utc>,
        progress: Option<ImportProgress>,
    ) -> Result<ImportCounts, AppError> {
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        let mut counts = ImportCounts::default();
        let mut written = 0u64;
        // Keys written earlier in this import (by a created row, or given to an existing customer by an updated
        // one), so a file that repeats a customer matches its own earlier row.
        let mut seen_ids: HashMap<String, Uuid> = HashMap::new();
        let mut seen_emails: HashMap<String, Uuid> = HashMap::new();
        for chunk in rows.chunks(CHUNK) {
            let (by_id, by_email) = existing_keys(&txn, chunk).await?;
            let mut inserts = Vec::with_capacity(chunk.len());
            for row in chunk {
                let key_id = row.details.external_id.as_ref();
                let key_email = row.details.email.as_ref().map(|e| e.as_str());
                let matched = key_id
                    .and_then(|k| seen_ids.get(k).or_else(|| by_id.get(k)))
                    .or_else(|| key_email.and_then(|k| seen_emails.get(k).or_else(|| by_email.get(k))))
                    .copied();
                match (matched, on_conflict) {
                    (Some(_), OnConflict::Skip) => counts.skipped += 1,
                    (Some(id), OnConflict::Update) => {
                        if !inserts.is_empty() {
                            // Earlier rows of this chunk may be the ones this row updates: write them first.
                            Entity::insert_many(std::mem::take(&mut inserts))
                                .exec_without_returning(&txn)
                                .await
                                .map_err(db_err)?;
                        }
                        let mut model = empty_active();
                        attributes(&row.details, &row.profile, row.outcome.map(|o| o.as_str()), &mut model);
                        model.updated_at = Set(now);
                        if let Some(score) = &row.score {
                            // A row scored during the import replaces the old score; an unscored one keeps it.
                            score_columns(Some(score), &mut model);
                        }
                        Entity::update_many().set(model).filter(Column::Id.eq(id)).exec(&txn).await.map_err(db_err)?;
                        if let Some(k) = key_id {
                            seen_ids.insert(k.clone(), id);
                        }
                        if let Some(k) = key_email {
                            seen_emails.insert(k.to_owned(), id);
                        }
                        counts.updated += 1;
                    }
                    (None, _) => {
                        let model = new_active(row, now);
                        if let (Some(k), Set(id)) = (key_id, &model.id) {
                            seen_ids.insert(k.clone(), *id);
                        }
                        if let (Some(k), Set(id)) = (key_email, &model.id) {
                            seen_emails.insert(k.to_owned(), *id);
                        }
                        inserts.push(model);
                        counts.created += 1;
                    }
                }
            }
            if !inserts.is_empty() {
                Entity::insert_many(inserts).exec_without_returning(&txn).await.map_err(db_err)?;
            }
            written += chunk.len() as u64;
            if let Some(progress) = &progress {
                progress(written);
            }
        }
        if dry_run {
            txn.rollback().await.map_err(db_err)?;
        } else {
            txn.commit().await.map_err(db_err)?;
        }
        Ok(counts)
    }
}
