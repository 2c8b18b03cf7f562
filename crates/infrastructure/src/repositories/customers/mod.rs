//! Customers in SQL: the typed filter translated field by field, keyset walks, and one-transaction imports.
//!
//! By concern: `filter` builds the WHERE and ORDER BY of a list, `read` turns rows into customers and profiles,
//! `write` turns customers into rows (and finds the ones an import matches); this file runs the statements.

mod filter;
mod read;
mod write;

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_application::AppError;
use leadscore_application::customers::{
    CustomerFilter, CustomerRepository, CustomerSort, ImportCounts, ImportProgress, OnConflict,
};
use leadscore_domain::customers::{BankProfile, Customer, NewCustomer};
use leadscore_domain::pagination::{Page, PageRequest};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use uuid::Uuid;

use self::filter::{condition, sorted};
pub(crate) use self::read::to_domain;
use self::read::{PROFILE_COLUMNS, SQLITE_PROFILES_JSON, packed_profiles, profile_row};
use self::write::{attributes, empty_active, existing_keys, new_active, score_columns, to_active};
use crate::db::begin_write;
use crate::entities::customers::{Column, Entity};
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
