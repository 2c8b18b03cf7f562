//! Writing a campaign run in one transaction: scores copied to customers, leads upserted or deleted, superseded
//! predictions pruned, with bulk statements sized per database.

use std::collections::HashSet;

use leadscore_application::AppError;
use leadscore_application::campaigns::{RankedLead, RunCounts, RunPlan};
use leadscore_domain::activity::Activity;
use leadscore_domain::campaigns::LeadStatus;
use leadscore_domain::scoring::PredictionSource;
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, Iterable, QueryFilter, QuerySelect,
    Statement,
};
use uuid::Uuid;

use super::super::activities::insert_activity;
use super::super::query::statement;
use super::ID_CHUNK;
use crate::entities::{campaigns, leads, notes, predictions};
use crate::error::{db_err, is_foreign_key_violation};

/// Rows per INSERT on SQLite: 19 prediction columns × 500 stay far below its 32,766 bound parameters. Larger chunks
/// measured no faster there.
const SQLITE_INSERT_CHUNK: usize = 500;
/// PostgreSQL's limit on bound parameters per statement.
const POSTGRES_MAX_PARAMS: usize = 65_535;
/// Rows per multi-row INSERT of a table with `columns` columns.
///
/// PostgreSQL pays a fixed cost per statement on top of the rows themselves (parsing and planning thousands of
/// parameters), so it gets as many rows as its parameter limit allows; `a_run_of_45211_leads_on_postgres` measures
/// it, figures in docs/benchmarks.md.
fn insert_chunk(backend: DbBackend, columns: usize) -> usize {
    match backend {
        DbBackend::Postgres => POSTGRES_MAX_PARAMS / columns,
        _ => SQLITE_INSERT_CHUNK,
    }
}

/// A foreign-key violation while applying a run: a listed customer (or the campaign) was deleted meanwhile.
fn missing_reference(err: DbErr) -> AppError {
    if is_foreign_key_violation(&err) {
        return AppError::NotFound("A customer of this run was not found".into());
    }
    db_err(err)
}

/// Copies the scores a run gave its leads to their customers' latest score, in one statement: the leads already hold
/// exactly the listed customers with their new probability, score, tier and model version, so joining them beats
/// sending every score again. `updated_at` is left alone: a new score is not an edit of the customer.
async fn copy_scores_to_customers<C: ConnectionTrait>(db: &C, plan: &RunPlan) -> Result<(), AppError> {
    let sql = "UPDATE customers SET probability = l.probability, score = l.score, tier = l.tier, \
               model_version = l.model_version, scored_at = ? FROM leads AS l \
               WHERE l.campaign_id = ? AND customers.id = l.customer_id";
    let values = vec![plan.summary.at.into(), plan.campaign_id.into()];
    db.execute_raw(statement(db.get_database_backend(), sql, values)).await.map_err(db_err)?;
    Ok(())
}

/// Writes the new call list: one upsert per chunk on (campaign, customer) that inserts new leads as Pending and, for
/// kept ones, refreshes the run's columns only, so status, assignee, id and creation time stay.
async fn upsert_leads<C: ConnectionTrait>(db: &C, plan: &RunPlan) -> Result<(), AppError> {
    let at = plan.summary.at;
    let refreshed = [
        leads::Column::Rank,
        leads::Column::Probability,
        leads::Column::Score,
        leads::Column::Tier,
        leads::Column::ModelVersion,
        leads::Column::PredictionId,
        leads::Column::UpdatedAt,
    ];
    // In customer order the unique (campaign, customer) index is walked front to back instead of at random, so a
    // re-run touches each of its pages once.
    let mut by_customer: Vec<&RankedLead> = plan.leads.iter().collect();
    by_customer.sort_unstable_by_key(|l| l.customer_id);
    let rows_per_insert = insert_chunk(db.get_database_backend(), leads::Column::iter().count());
    for chunk in by_customer.chunks(rows_per_insert) {
        let rows = chunk.iter().map(|l| leads::ActiveModel {
            id: Set(Uuid::now_v7()),
            campaign_id: Set(plan.campaign_id),
            customer_id: Set(l.customer_id),
            rank: Set(i32::try_from(l.rank).unwrap_or(i32::MAX)),
            probability: Set(l.prediction.outcome.probability),
            score: Set(i32::from(l.prediction.outcome.score)),
            tier: Set(l.prediction.outcome.tier.as_str().to_owned()),
            model_version: Set(l.prediction.model_version.clone()),
            prediction_id: Set(Some(l.prediction.id)),
            status: Set(LeadStatus::Pending.as_str().to_owned()),
            assignee_id: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            closed_at: Set(None),
        });
        leads::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([leads::Column::CampaignId, leads::Column::CustomerId])
                    .update_columns(refreshed)
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await
            .map_err(missing_reference)?;
    }
    Ok(())
}

/// Deletes leads and their notes (explicitly: SQLite enforces the cascade only with its pragma on).
async fn delete_leads<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<(), AppError> {
    for chunk in ids.chunks(ID_CHUNK) {
        notes::Entity::delete_many()
            .filter(notes::Column::LeadId.is_in(chunk.iter().copied()))
            .exec(db)
            .await
            .map_err(db_err)?;
        leads::Entity::delete_many()
            .filter(leads::Column::Id.is_in(chunk.iter().copied()))
            .exec(db)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

/// SQLite page cache for a run, in KiB.
const RUN_CACHE_KIB: i64 = 65_536;

/// A larger SQLite page cache for the duration of one run.
///
/// A run of the whole UCI base writes tens of megabytes of table and index pages in one transaction; SQLite's default
/// cache (2 MiB) spills them to the WAL and reads them back mid-transaction; the larger cache makes first runs and
/// re-runs measurably faster (`a_run_of_45211_leads_is_quick`; see docs/benchmarks.md). The setting belongs to the
/// pooled connection, so it is put back before the transaction ends: a pool whose every connection kept 64 MiB would
/// hold that memory for good.
pub(super) struct RunCache {
    previous: Option<i64>,
}

impl RunCache {
    pub(super) async fn enlarge<C: ConnectionTrait>(db: &C) -> Result<Self, AppError> {
        let backend = db.get_database_backend();
        if backend != DbBackend::Sqlite {
            return Ok(Self { previous: None });
        }
        let row = db.query_one_raw(Statement::from_string(backend, "PRAGMA cache_size")).await.map_err(db_err)?;
        let previous = row.map(|r| r.try_get_by_index::<i64>(0)).transpose().map_err(db_err)?;
        db.execute_unprepared(&format!("PRAGMA cache_size = -{RUN_CACHE_KIB}")).await.map_err(db_err)?;
        Ok(Self { previous })
    }

    pub(super) async fn restore<C: ConnectionTrait>(self, db: &C) {
        let Some(previous) = self.previous else { return };
        if let Err(err) = db.execute_unprepared(&format!("PRAGMA cache_size = {previous}")).await {
            // Only memory is at stake: the connection keeps the larger cache until the pool closes it.
            tracing::warn!(error = %err, "could not restore SQLite's cache size after a campaign run");
        }
    }
}

/// Retention of a campaign's predictions: a run supersedes the earlier runs', so those no lead points at any more
/// are deleted — except overridden ones, a person's decision kept for the record. Without it every re-run of a
/// large campaign added its whole call list again, for good.
async fn prune_superseded_predictions<C: ConnectionTrait>(db: &C, campaign_id: Uuid) -> Result<(), AppError> {
    let current = Query::select()
        .column(leads::Column::PredictionId)
        .from(leads::Entity)
        .and_where(leads::Column::CampaignId.eq(campaign_id))
        .and_where(leads::Column::PredictionId.is_not_null())
        .to_owned();
    predictions::Entity::delete_many()
        .filter(predictions::Column::CampaignId.eq(campaign_id))
        .filter(predictions::Column::Source.eq(PredictionSource::Campaign.as_str()))
        .filter(predictions::Column::OriginalProbability.is_null())
        .filter(predictions::Column::Id.not_in_subquery(current))
        .exec(db)
        .await
        .map_err(db_err)?;
    Ok(())
}

pub(super) async fn apply<C: ConnectionTrait>(db: &C, plan: &RunPlan) -> Result<RunCounts, AppError> {
    // Locks the campaign row on PostgreSQL (SQLite's writer lock serialises runs anyway): two runs of one campaign
    // must not interleave, and a delete must wait for the run.
    let exists: Option<Uuid> = campaigns::Entity::find_by_id(plan.campaign_id)
        .select_only()
        .column(campaigns::Column::Id)
        .lock_exclusive()
        .into_tuple()
        .one(db)
        .await
        .map_err(db_err)?;
    if exists.is_none() {
        return Err(AppError::NotFound("Campaign not found".into()));
    }
    let mut listed: HashSet<Uuid> = HashSet::with_capacity(plan.leads.len());
    for lead in &plan.leads {
        if !listed.insert(lead.customer_id) {
            return Err(AppError::Internal(format!("a run lists customer {} twice", lead.customer_id)));
        }
    }

    let rows_per_insert = insert_chunk(db.get_database_backend(), predictions::Column::iter().count());
    for chunk in plan.leads.chunks(rows_per_insert) {
        let rows =
            chunk.iter().map(|l| super::super::predictions::to_active(&l.prediction)).collect::<Result<Vec<_>, _>>()?;
        predictions::Entity::insert_many(rows).exec_without_returning(db).await.map_err(missing_reference)?;
    }

    let existing: Vec<(Uuid, Uuid)> = leads::Entity::find()
        .select_only()
        .columns([leads::Column::Id, leads::Column::CustomerId])
        .filter(leads::Column::CampaignId.eq(plan.campaign_id))
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err)?;
    let removed: Vec<Uuid> =
        existing.iter().filter(|(_, customer)| !listed.contains(customer)).map(|(id, _)| *id).collect();
    let kept = (existing.len() - removed.len()) as u64;

    upsert_leads(db, plan).await?;
    delete_leads(db, &removed).await?;
    copy_scores_to_customers(db, plan).await?;
    prune_superseded_predictions(db, plan.campaign_id).await?;

    let summary = &plan.summary;
    campaigns::Entity::update_many()
        .col_expr(campaigns::Column::LastRunAt, Expr::value(summary.at))
        .col_expr(campaigns::Column::LastRunModelVersion, Expr::value(summary.model_version.clone()))
        .col_expr(campaigns::Column::LastRunMatched, Expr::value(i64::try_from(summary.matched).unwrap_or(i64::MAX)))
        .col_expr(campaigns::Column::LastRunLeads, Expr::value(i64::try_from(summary.leads).unwrap_or(i64::MAX)))
        .filter(campaigns::Column::Id.eq(plan.campaign_id))
        .exec(db)
        .await
        .map_err(db_err)?;
    let counts = RunCounts { added: plan.leads.len() as u64 - kept, kept, removed: removed.len() as u64 };
    let description = format!(
        "{} ({} added, {} kept, {} removed)",
        plan.audit.description, counts.added, counts.kept, counts.removed
    );
    insert_activity(db, &Activity { description, ..plan.audit.clone() }).await?;
    Ok(counts)
}
