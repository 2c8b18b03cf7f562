//! Predictions in SQL, and the latest score they give customers.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::scoring::{
    CustomerScore, PredictionFilter, PredictionRepository, PredictionSort, PredictionSortField,
};
use leadscore_domain::pagination::{Page, PageRequest};
use leadscore_domain::scoring::{
    Factors, FeatureRecord, PredictedClass, Prediction, PredictionOverride, PredictionSource, ScoreOutcome, Tier,
};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Statement, Value,
};
use uuid::Uuid;

use super::query::{corrupt, fetch_page, in_range, parse};
use crate::db::begin_write;
use crate::entities::predictions::{ActiveModel, Column, Entity, Model};
use sea_orm::sea_query::Query;

use crate::entities::{campaign_collaborators, campaigns, customers};
use crate::error::{db_err, is_foreign_key_violation};

/// Rows per INSERT: 19 columns × 500 stays far below SQLite's 32,766 bound parameters.
const INSERT_CHUNK: usize = 500;
/// Ids per `IN (...)` list.
const ID_CHUNK: usize = 500;
/// Customers per bulk score UPDATE on SQLite (6 parameters each); see `write_latest_scores` for the measurements.
const SCORE_CHUNK: usize = 500;
/// PostgreSQL's limit on bound parameters per statement.
const POSTGRES_MAX_PARAMS: usize = 65_535;

/// `PredictionRepository` over SeaORM.
#[derive(Clone)]
pub struct SqlPredictionRepository {
    db: DatabaseConnection,
}

impl SqlPredictionRepository {
    /// Uses this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_domain(m: Model) -> Result<Prediction, AppError> {
    let features: FeatureRecord =
        serde_json::from_str(&m.features).map_err(|_| corrupt("prediction features", &m.features))?;
    let factors: Factors = serde_json::from_str(&m.factors).map_err(|_| corrupt("prediction factors", &m.factors))?;
    let overridden = match m.original_probability {
        None => None,
        Some(original_probability) => {
            let (Some(original_class), Some(reason), Some(at)) = (m.original_class, m.override_reason, m.overridden_at)
            else {
                return Err(corrupt("prediction override", &m.id.to_string()));
            };
            Some(PredictionOverride {
                original_probability,
                original_class: parse::<PredictedClass>(&original_class, "original class")?,
                reason,
                by: m.overridden_by,
                at,
            })
        }
    };
    Ok(Prediction {
        id: m.id,
        customer_id: m.customer_id,
        campaign_id: m.campaign_id,
        source: parse::<PredictionSource>(&m.source, "prediction source")?,
        features,
        outcome: ScoreOutcome {
            probability: m.probability,
            score: u8::try_from(m.score).map_err(|_| corrupt("prediction score", &m.score.to_string()))?,
            tier: parse::<Tier>(&m.tier, "tier")?,
            predicted_class: parse::<PredictedClass>(&m.predicted_class, "predicted class")?,
        },
        factors,
        model_version: m.model_version,
        requested_by: m.requested_by,
        created_at: m.created_at,
        overridden,
    })
}

fn json<T: serde::Serialize>(value: &T, what: &str) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|err| AppError::Internal(format!("prediction {what} as JSON: {err}")))
}

/// The effective outcome and override columns: what an override changes.
fn outcome_columns(p: &Prediction, model: &mut ActiveModel) {
    let o = p.overridden.as_ref();
    model.probability = Set(p.outcome.probability);
    model.predicted_class = Set(p.outcome.predicted_class.as_str().to_owned());
    model.score = Set(i16::from(p.outcome.score));
    model.tier = Set(p.outcome.tier.as_str().to_owned());
    model.original_probability = Set(o.map(|o| o.original_probability));
    model.original_class = Set(o.map(|o| o.original_class.as_str().to_owned()));
    model.override_reason = Set(o.map(|o| o.reason.clone()));
    model.overridden_by = Set(o.and_then(|o| o.by));
    model.overridden_at = Set(o.map(|o| o.at));
}

fn empty_active() -> ActiveModel {
    ActiveModel {
        id: NotSet,
        customer_id: NotSet,
        campaign_id: NotSet,
        source: NotSet,
        features: NotSet,
        probability: NotSet,
        predicted_class: NotSet,
        score: NotSet,
        tier: NotSet,
        factors: NotSet,
        model_version: NotSet,
        requested_by: NotSet,
        created_at: NotSet,
        original_probability: NotSet,
        original_class: NotSet,
        override_reason: NotSet,
        overridden_by: NotSet,
        overridden_at: NotSet,
    }
}

pub(crate) fn to_active(p: &Prediction) -> Result<ActiveModel, AppError> {
    let mut model = empty_active();
    model.id = Set(p.id);
    model.customer_id = Set(p.customer_id);
    model.campaign_id = Set(p.campaign_id);
    model.source = Set(p.source.as_str().to_owned());
    model.features = Set(json(&p.features, "features")?);
    model.factors = Set(json(&p.factors, "factors")?);
    model.model_version = Set(p.model_version.clone());
    model.requested_by = Set(p.requested_by);
    model.created_at = Set(p.created_at);
    outcome_columns(p, &mut model);
    Ok(model)
}

/// A foreign-key violation while writing predictions: a customer or user named by them was deleted meanwhile.
fn missing_reference(err: DbErr, message: &str) -> AppError {
    if is_foreign_key_violation(&err) {
        return AppError::NotFound(message.to_owned());
    }
    db_err(err)
}

/// `NotFound` naming the first of `ids` that is not a stored customer.
async fn require_customers<C: ConnectionTrait>(db: &C, ids: &BTreeSet<Uuid>) -> Result<(), AppError> {
    let ids: Vec<Uuid> = ids.iter().copied().collect();
    for chunk in ids.chunks(ID_CHUNK) {
        let found: Vec<Uuid> = customers::Entity::find()
            .select_only()
            .column(customers::Column::Id)
            .filter(customers::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .map_err(db_err)?;
        if found.len() < chunk.len() {
            let found: BTreeSet<Uuid> = found.into_iter().collect();
            if let Some(missing) = chunk.iter().find(|id| !found.contains(id)) {
                return Err(AppError::NotFound(format!("Customer {missing} not found")));
            }
        }
    }
    Ok(())
}

/// Each customer once, with its last score in `scores` (what updating them one by one in order would leave).
fn last_per_customer(scores: &[CustomerScore]) -> Vec<&CustomerScore> {
    let mut last: HashMap<Uuid, usize> = HashMap::with_capacity(scores.len());
    for (i, s) in scores.iter().enumerate() {
        last.insert(s.customer_id, i);
    }
    scores.iter().enumerate().filter(|(i, s)| last.get(&s.customer_id) == Some(i)).map(|(_, s)| s).collect()
}

/// One `UPDATE customers ... FROM (VALUES ...)` for a chunk of scores.
///
/// VALUES columns are referred to by their default names `column1`..`column6`, which SQLite and PostgreSQL share
/// (SQLite does not accept `AS v(id, ...)`). The values are bound exactly as SeaORM binds them elsewhere, so a UUID
/// compares equal to the stored id on either backend (a 16-byte blob on SQLite, `uuid` on PostgreSQL), and
/// PostgreSQL needs no casts because sqlx sends every parameter with its type.
fn score_update(backend: DbBackend, chunk: &[&CustomerScore]) -> Statement {
    const COLUMNS: usize = 6;
    let mut sql = String::with_capacity(200 + chunk.len() * 40);
    sql.push_str(
        "UPDATE customers SET probability = v.column2, score = v.column3, tier = v.column4, \
         model_version = v.column5, scored_at = v.column6 FROM (VALUES ",
    );
    let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * COLUMNS);
    for (row, s) in chunk.iter().enumerate() {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..COLUMNS {
            if column > 0 {
                sql.push_str(", ");
            }
            match backend {
                DbBackend::Postgres => sql.push_str(&format!("${}", row * COLUMNS + column + 1)),
                _ => sql.push('?'),
            }
        }
        sql.push(')');
        let score = &s.score;
        values.push(s.customer_id.into());
        values.push(score.probability.into());
        values.push(i16::from(score.score).into());
        values.push(score.tier.as_str().into());
        values.push(score.model_version.clone().into());
        values.push(score.scored_at.into());
    }
    sql.push_str(") AS v WHERE customers.id = v.column1");
    Statement::from_sql_and_values(backend, sql, values)
}

/// Sets the latest score of the customers in `scores` (unknown ids are skipped) and returns how many were updated.
///
/// One UPDATE per `SCORE_CHUNK` customers instead of one per customer: on SQLite a reused prepared single-row UPDATE
/// was several times slower. Chunks of 100 to 5,000 rows timed the same there; 500 keeps statements small.
/// PostgreSQL plans each of these UPDATEs as a hash join over a sequential scan of `customers`, so it pays per
/// statement for the whole table (and, even in one statement, for the nine indexes every new row version enters).
/// It gets as many rows per statement as its parameter limit allows. Figures: docs/benchmarks.md.
/// `rescoring_the_uci_base_writes_45211_scores_quickly` in `tests/it/contract/predictions.rs` re-measures SQLite.
/// `updated_at` is left alone: a new score is not an edit of the customer's attributes.
async fn write_latest_scores<C: ConnectionTrait>(db: &C, scores: &[CustomerScore]) -> Result<u64, AppError> {
    let backend = db.get_database_backend();
    let rows_per_statement = match backend {
        DbBackend::Postgres => POSTGRES_MAX_PARAMS / 6,
        _ => SCORE_CHUNK,
    };
    let mut updated = 0;
    for chunk in last_per_customer(scores).chunks(rows_per_statement) {
        updated += db.execute_raw(score_update(backend, chunk)).await.map_err(db_err)?.rows_affected();
    }
    Ok(updated)
}

fn filtered(f: &PredictionFilter) -> sea_orm::Select<Entity> {
    let mut select = Entity::find();
    if let Some(v) = f.predicted_class {
        select = select.filter(Column::PredictedClass.eq(v.as_str()));
    }
    if let Some(v) = f.source {
        select = select.filter(Column::Source.eq(v.as_str()));
    }
    if let Some(v) = f.customer_id {
        select = select.filter(Column::CustomerId.eq(v));
    }
    if let Some(v) = f.campaign_id {
        select = select.filter(Column::CampaignId.eq(v));
    }
    if let Some(v) = f.tier {
        select = select.filter(Column::Tier.eq(v.as_str()));
    }
    if let Some(v) = f.prob_min {
        select = select.filter(Column::Probability.gte(v));
    }
    if let Some(v) = f.prob_max {
        select = select.filter(Column::Probability.lte(v));
    }
    if let Some(v) = &f.model_version {
        select = select.filter(Column::ModelVersion.eq(v.as_str()));
    }
    match f.overridden {
        Some(true) => select = select.filter(Column::OriginalProbability.is_not_null()),
        Some(false) => select = select.filter(Column::OriginalProbability.is_null()),
        None => {}
    }
    if let Some(v) = f.requested_by {
        select = select.filter(Column::RequestedBy.eq(v));
    }
    if let Some(user) = f.campaigns_of {
        let owned = Query::select()
            .column(campaigns::Column::Id)
            .from(campaigns::Entity)
            .and_where(campaigns::Column::OwnerId.eq(user))
            .to_owned();
        let joined = Query::select()
            .column(campaign_collaborators::Column::CampaignId)
            .from(campaign_collaborators::Entity)
            .and_where(campaign_collaborators::Column::UserId.eq(user))
            .to_owned();
        select = select.filter(
            Condition::any()
                .add(Column::CampaignId.is_null())
                .add(Column::CampaignId.in_subquery(owned))
                .add(Column::CampaignId.in_subquery(joined)),
        );
    }
    in_range(select, Column::CreatedAt, f.from, f.to)
}

#[async_trait]
impl PredictionRepository for SqlPredictionRepository {
    async fn record(&self, predictions: &[Prediction], latest: &[CustomerScore]) -> Result<(), AppError> {
        let named: BTreeSet<Uuid> =
            predictions.iter().filter_map(|p| p.customer_id).chain(latest.iter().map(|s| s.customer_id)).collect();
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        // Checked first for a message that names the customer; the foreign key still guards a concurrent delete.
        require_customers(&txn, &named).await?;
        for chunk in predictions.chunks(INSERT_CHUNK) {
            let rows = chunk.iter().map(to_active).collect::<Result<Vec<_>, _>>()?;
            Entity::insert_many(rows).exec_without_returning(&txn).await.map_err(|err| {
                missing_reference(err, "A customer or user named by these predictions no longer exists")
            })?;
        }
        let wanted = latest.iter().map(|s| s.customer_id).collect::<BTreeSet<_>>().len() as u64;
        if write_latest_scores(&txn, latest).await? < wanted {
            // Deleted after the check (PostgreSQL, READ COMMITTED); dropping the transaction rolls everything back.
            return Err(AppError::NotFound("A customer of these predictions was deleted".into()));
        }
        txn.commit().await.map_err(db_err)
    }

    async fn update_latest_scores(&self, scores: &[CustomerScore]) -> Result<u64, AppError> {
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        let updated = write_latest_scores(&txn, scores).await?;
        txn.commit().await.map_err(db_err)?;
        Ok(updated)
    }

    async fn find(&self, id: Uuid) -> Result<Option<Prediction>, AppError> {
        Entity::find_by_id(id).one(&self.db).await.map_err(db_err)?.map(to_domain).transpose()
    }

    async fn list(
        &self,
        filter: &PredictionFilter,
        sort: PredictionSort,
        page: PageRequest,
    ) -> Result<Page<Prediction>, AppError> {
        let column = match sort.field {
            PredictionSortField::CreatedAt => Column::CreatedAt,
            PredictionSortField::Probability => Column::Probability,
        };
        let Page { items, total_items, request } =
            fetch_page(&self.db, filtered(filter), column, sort.dir, Column::Id, page).await?;
        let items = items.into_iter().map(to_domain).collect::<Result<_, _>>()?;
        Ok(Page { items, total_items, request })
    }

    async fn save_override(&self, prediction: &Prediction) -> Result<(), AppError> {
        let mut model = empty_active();
        outcome_columns(prediction, &mut model);
        let result = Entity::update_many()
            .set(model)
            .filter(Column::Id.eq(prediction.id))
            .exec(&self.db)
            .await
            .map_err(|err| missing_reference(err, "The overriding user no longer exists"))?;
        if result.rows_affected == 0 {
            return Err(AppError::NotFound("Prediction not found".into()));
        }
        Ok(())
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        Ok(Entity::delete_by_id(id).exec(&self.db).await.map_err(db_err)?.rows_affected > 0)
    }
}
