//! Campaigns in SQL: their people, their filters, and runs written in one transaction with bulk statements.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::campaigns::{
    Campaign, CampaignFilter, CampaignRepository, CampaignStats, Member, NewCampaign, RankedLead, RunCounts, RunPlan,
    RunSummary,
};
use leadscore_application::customers::CustomerFilter;
use leadscore_domain::activity::Activity;
use leadscore_domain::campaigns::{CampaignInfo, CampaignStatus, LeadStatus};
use leadscore_domain::pagination::{Page, PageRequest, SortDir};
use leadscore_domain::scoring::PredictionSource;
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    Iterable, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select, Statement,
};
use uuid::Uuid;

use super::activities::insert_activity;
use super::query::{contains_ci, corrupt, fetch_page, parse};
use crate::db::begin_write;
use crate::entities::{campaign_collaborators as collaborators, campaigns, leads, notes, predictions, users};
use crate::error::{db_err, is_foreign_key_violation};

/// Rows per INSERT on SQLite: 19 prediction columns × 500 stay far below its 32,766 bound parameters. Larger chunks
/// measured no faster there.
const SQLITE_INSERT_CHUNK: usize = 500;
/// PostgreSQL's limit on bound parameters per statement.
const POSTGRES_MAX_PARAMS: usize = 65_535;
/// Ids per `IN (...)` list.
const ID_CHUNK: usize = 500;

/// `CampaignRepository` over SeaORM.
#[derive(Clone)]
pub struct SqlCampaignRepository {
    db: DatabaseConnection,
}

impl SqlCampaignRepository {
    /// Uses this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// A user as a campaign shows them.
fn member((id, email, full_name): (Uuid, String, Option<String>)) -> Member {
    Member { id, email, full_name }
}

/// The members with these ids, by id (unknown ids are left out).
pub(crate) async fn members<C: ConnectionTrait>(
    db: &C,
    ids: &HashSet<Uuid>,
) -> Result<HashMap<Uuid, Member>, AppError> {
    let ids: Vec<Uuid> = ids.iter().copied().collect();
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(ID_CHUNK) {
        let rows: Vec<(Uuid, String, Option<String>)> = users::Entity::find()
            .select_only()
            .columns([users::Column::Id, users::Column::Email, users::Column::FullName])
            .filter(users::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .map_err(db_err)?;
        for row in rows {
            found.insert(row.0, member(row));
        }
    }
    Ok(found)
}

/// The collaborators of these campaigns, each list by e-mail, in one query.
async fn collaborators_of<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<Member>>, AppError> {
    let mut found: HashMap<Uuid, Vec<Member>> = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let rows: Vec<(Uuid, Uuid, String, Option<String>)> = collaborators::Entity::find()
        .select_only()
        .column(collaborators::Column::CampaignId)
        .columns([users::Column::Id, users::Column::Email, users::Column::FullName])
        .join(JoinType::InnerJoin, collaborators::Relation::User.def())
        .filter(collaborators::Column::CampaignId.is_in(ids.iter().copied()))
        .order_by_asc(users::Column::Email)
        .order_by_asc(users::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err)?;
    for (campaign_id, id, email, full_name) in rows {
        found.entry(campaign_id).or_default().push(member((id, email, full_name)));
    }
    Ok(found)
}

fn count(value: i64, what: &str) -> Result<u64, AppError> {
    u64::try_from(value).map_err(|_| corrupt(what, &value.to_string()))
}

fn to_domain(m: campaigns::Model, owner: Member, collaborators: Vec<Member>) -> Result<Campaign, AppError> {
    let criteria: CustomerFilter =
        serde_json::from_str(&m.criteria).map_err(|_| corrupt("campaign criteria", &m.criteria))?;
    let last_run = match (m.last_run_at, m.last_run_model_version, m.last_run_matched, m.last_run_leads) {
        (Some(at), Some(model_version), Some(matched), Some(leads)) => Some(RunSummary {
            at,
            model_version,
            matched: count(matched, "run match count")?,
            leads: count(leads, "run lead count")?,
        }),
        _ => None,
    };
    Ok(Campaign {
        id: m.id,
        info: CampaignInfo {
            name: m.name,
            description: m.description,
            target_leads: u32::try_from(m.target_leads)
                .map_err(|_| corrupt("target leads", &m.target_leads.to_string()))?,
            start_date: m.start_date,
            end_date: m.end_date,
            status: parse::<CampaignStatus>(&m.status, "campaign status")?,
        },
        criteria,
        owner,
        collaborators,
        last_run,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Campaigns with their owners and collaborators, in two queries however many there are.
async fn with_members<C: ConnectionTrait>(db: &C, models: Vec<campaigns::Model>) -> Result<Vec<Campaign>, AppError> {
    let owners = members(db, &models.iter().map(|m| m.owner_id).collect()).await?;
    let mut collaborators = collaborators_of(db, &models.iter().map(|m| m.id).collect::<Vec<_>>()).await?;
    models
        .into_iter()
        .map(|m| {
            // The owner's foreign key is RESTRICT, so a missing owner means the database was changed behind our back.
            let owner =
                owners.get(&m.owner_id).cloned().ok_or_else(|| corrupt("campaign owner", &m.owner_id.to_string()))?;
            let people = collaborators.remove(&m.id).unwrap_or_default();
            to_domain(m, owner, people)
        })
        .collect()
}

/// The attribute columns a Manager sets (insert and update).
fn attributes(c: &NewCampaign, model: &mut campaigns::ActiveModel) -> Result<(), AppError> {
    let criteria = serde_json::to_string(&c.criteria)
        .map_err(|err| AppError::Internal(format!("campaign criteria as JSON: {err}")))?;
    model.name = Set(c.info.name.clone());
    model.name_lower = Set(c.info.name.to_lowercase());
    model.description = Set(c.info.description.clone());
    model.target_leads = Set(i32::try_from(c.info.target_leads).unwrap_or(i32::MAX));
    model.start_date = Set(c.info.start_date);
    model.end_date = Set(c.info.end_date);
    model.status = Set(c.info.status.as_str().to_owned());
    model.criteria = Set(criteria);
    model.updated_at = Set(c.now);
    Ok(())
}

fn collaborator_rows(c: &NewCampaign) -> Vec<collaborators::ActiveModel> {
    let unique: HashSet<Uuid> = c.collaborator_ids.iter().copied().collect();
    unique
        .into_iter()
        .map(|user_id| collaborators::ActiveModel { campaign_id: Set(c.id), user_id: Set(user_id) })
        .collect()
}

/// A foreign-key violation while storing a campaign: its owner or a collaborator is not (or no longer) a user.
fn missing_user(err: DbErr) -> AppError {
    if is_foreign_key_violation(&err) {
        return AppError::NotFound("A user of this campaign was not found".into());
    }
    db_err(err)
}

async fn insert_collaborators<C: ConnectionTrait>(db: &C, c: &NewCampaign) -> Result<(), AppError> {
    let rows = collaborator_rows(c);
    if !rows.is_empty() {
        collaborators::Entity::insert_many(rows).exec_without_returning(db).await.map_err(missing_user)?;
    }
    Ok(())
}

/// `owner = user OR user collaborates`.
fn visible(user: Uuid) -> Condition {
    let collaborating = Query::select()
        .column(collaborators::Column::CampaignId)
        .from(collaborators::Entity)
        .and_where(collaborators::Column::UserId.eq(user))
        .to_owned();
    Condition::any().add(campaigns::Column::OwnerId.eq(user)).add(campaigns::Column::Id.in_subquery(collaborating))
}

fn visible_to(select: Select<campaigns::Entity>, user: Option<Uuid>) -> Select<campaigns::Entity> {
    match user {
        Some(user) => select.filter(visible(user)),
        None => select,
    }
}

fn filtered(f: &CampaignFilter) -> Select<campaigns::Entity> {
    let mut select = visible_to(campaigns::Entity::find(), f.visible_to);
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        select = select.filter(contains_ci(campaigns::Column::NameLower, q));
    }
    if let Some(status) = f.status {
        select = select.filter(campaigns::Column::Status.eq(status.as_str()));
    }
    if let Some(day) = f.start_date {
        select = select.filter(campaigns::Column::StartDate.gte(day));
    }
    if let Some(day) = f.end_date {
        select = select.filter(campaigns::Column::EndDate.lte(day));
    }
    select
}

// -------------------------------------------------------------------------------------------------------------------
// runs

/// Rows per multi-row INSERT of a table with `columns` columns.
///
/// PostgreSQL spends about 20 ms per 500-row statement on top of the rows themselves (parsing and planning thousands of
/// parameters), so it gets as many rows as its parameter limit allows: a run of 45,211 leads went from about 7 s to
/// about 4 s on the test machine (`a_run_of_45211_leads_on_postgres`).
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

/// Statement text with `?` placeholders (SQLite) or `$1, $2, ...` (PostgreSQL).
fn statement(backend: DbBackend, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut numbered = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for ch in sql.chars() {
                if ch == '?' {
                    n += 1;
                    numbered.push_str(&format!("${n}"));
                } else {
                    numbered.push(ch);
                }
            }
            numbered
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
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
/// cache (2 MiB) spills them to the WAL and reads them back mid-transaction. Measured on SQLite with 45,211 leads
/// (`a_run_of_45211_leads_is_quick`, best of three on a busy 2-core machine): first run 1.45–1.55 s → 1.14–1.17 s,
/// re-run 1.69–1.99 s → 1.36–1.42 s. The setting belongs to the pooled connection, so it is put back before the
/// transaction ends: a pool whose every connection kept 64 MiB would hold that memory for good.
struct RunCache {
    previous: Option<i64>,
}

impl RunCache {
    async fn enlarge<C: ConnectionTrait>(db: &C) -> Result<Self, AppError> {
        let backend = db.get_database_backend();
        if backend != DbBackend::Sqlite {
            return Ok(Self { previous: None });
        }
        let row = db.query_one_raw(Statement::from_string(backend, "PRAGMA cache_size")).await.map_err(db_err)?;
        let previous = row.map(|r| r.try_get_by_index::<i64>(0)).transpose().map_err(db_err)?;
        db.execute_unprepared(&format!("PRAGMA cache_size = -{RUN_CACHE_KIB}")).await.map_err(db_err)?;
        Ok(Self { previous })
    }

    async fn restore<C: ConnectionTrait>(self, db: &C) {
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

async fn apply<C: ConnectionTrait>(db: &C, plan: &RunPlan) -> Result<RunCounts, AppError> {
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
        let rows = chunk.iter().map(|l| super::predictions::to_active(&l.prediction)).collect::<Result<Vec<_>, _>>()?;
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

#[async_trait]
impl CampaignRepository for SqlCampaignRepository {
    async fn insert(&self, campaign: &NewCampaign) -> Result<(), AppError> {
        let mut model = campaigns::ActiveModel {
            id: Set(campaign.id),
            owner_id: Set(campaign.owner_id),
            last_run_at: Set(None),
            last_run_model_version: Set(None),
            last_run_matched: Set(None),
            last_run_leads: Set(None),
            created_at: Set(campaign.now),
            ..Default::default()
        };
        attributes(campaign, &mut model)?;
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        campaigns::Entity::insert(model).exec_without_returning(&txn).await.map_err(missing_user)?;
        insert_collaborators(&txn, campaign).await?;
        txn.commit().await.map_err(db_err)
    }

    async fn find(&self, id: Uuid) -> Result<Option<Campaign>, AppError> {
        let Some(model) = campaigns::Entity::find_by_id(id).one(&self.db).await.map_err(db_err)? else {
            return Ok(None);
        };
        Ok(with_members(&self.db, vec![model]).await?.pop())
    }

    async fn update(&self, campaign: &NewCampaign) -> Result<(), AppError> {
        let mut model = campaigns::ActiveModel::default();
        attributes(campaign, &mut model)?;
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        let result = campaigns::Entity::update_many()
            .set(model)
            .filter(campaigns::Column::Id.eq(campaign.id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        if result.rows_affected == 0 {
            return Err(AppError::NotFound("Campaign not found".into()));
        }
        collaborators::Entity::delete_many()
            .filter(collaborators::Column::CampaignId.eq(campaign.id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        insert_collaborators(&txn, campaign).await?;
        txn.commit().await.map_err(db_err)
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        // Children first, explicitly: campaign predictions have no foreign key at all (their table predates this
        // one), and SQLite applies the other cascades only on connections that switched foreign keys on.
        notes::Entity::delete_many().filter(notes::Column::CampaignId.eq(id)).exec(&txn).await.map_err(db_err)?;
        leads::Entity::delete_many().filter(leads::Column::CampaignId.eq(id)).exec(&txn).await.map_err(db_err)?;
        predictions::Entity::delete_many()
            .filter(predictions::Column::CampaignId.eq(id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        collaborators::Entity::delete_many()
            .filter(collaborators::Column::CampaignId.eq(id))
            .exec(&txn)
            .await
            .map_err(db_err)?;
        let deleted = campaigns::Entity::delete_by_id(id).exec(&txn).await.map_err(db_err)?.rows_affected > 0;
        txn.commit().await.map_err(db_err)?;
        Ok(deleted)
    }

    async fn list(&self, filter: &CampaignFilter, page: PageRequest) -> Result<Page<Campaign>, AppError> {
        let Page { items, total_items, request } = fetch_page(
            &self.db,
            filtered(filter),
            campaigns::Column::CreatedAt,
            SortDir::Desc,
            campaigns::Column::Id,
            page,
        )
        .await?;
        Ok(Page { items: with_members(&self.db, items).await?, total_items, request })
    }

    async fn options(&self, visible_to_user: Option<Uuid>) -> Result<Vec<(Uuid, String)>, AppError> {
        visible_to(campaigns::Entity::find(), visible_to_user)
            .select_only()
            .columns([campaigns::Column::Id, campaigns::Column::Name])
            .order_by_asc(campaigns::Column::NameLower)
            .order_by_asc(campaigns::Column::Name)
            .order_by_asc(campaigns::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(db_err)
    }

    async fn stats(&self, visible_to_user: Option<Uuid>) -> Result<CampaignStats, AppError> {
        let per_status: Vec<(String, i64)> = visible_to(campaigns::Entity::find(), visible_to_user)
            .select_only()
            .column(campaigns::Column::Status)
            .column_as(campaigns::Column::Id.count(), "n")
            .group_by(campaigns::Column::Status)
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let mut stats = CampaignStats::default();
        for (status, n) in per_status {
            let n = count(n, "campaign count")?;
            stats.total += n;
            match parse::<CampaignStatus>(&status, "campaign status")? {
                CampaignStatus::Active => stats.active += n,
                CampaignStatus::Paused => stats.paused += n,
                CampaignStatus::Completed => stats.completed += n,
            }
        }
        Ok(stats)
    }

    async fn apply_run(&self, plan: &RunPlan) -> Result<RunCounts, AppError> {
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        let cache = RunCache::enlarge(&txn).await?;
        let result = apply(&txn, plan).await;
        // Restored before the transaction ends, while it still holds this pooled connection.
        cache.restore(&txn).await;
        // On error the transaction is dropped uncommitted, which rolls every statement back.
        let counts = result?;
        txn.commit().await.map_err(db_err)?;
        Ok(counts)
    }
}
