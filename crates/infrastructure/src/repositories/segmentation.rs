//! RFM segmentation in SQL: datasets, analyses, segments and per-customer results.

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::segmentation::{
    CustomerResultFilter, CustomerResultQuery, CustomerResultSort, DatasetQuery, DatasetSortField,
    SegmentationRepository,
};
use leadscore_domain::RowError;
use leadscore_domain::pagination::{Page, SortDir};
use leadscore_domain::segmentation::{
    Analysis, Dataset, DatasetFormat, DatasetProfile, DroppedRows, KCandidate, RfmTriple, Segment, SegmentedCustomer,
    Stat,
};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::query::{corrupt, fetch_page, in_range, order};
use crate::db::begin_write;
use crate::entities::segmentation::{analyses, customers, datasets, segments};
use crate::error::{db_err, is_foreign_key_violation};

/// Customer rows per INSERT: 10 columns each, well under the bind-parameter limits of SQLite (32,766) and
/// PostgreSQL (65,535).
const CUSTOMER_CHUNK: usize = 1000;

/// `SegmentationRepository` over SeaORM.
#[derive(Clone)]
pub struct SqlSegmentationRepository {
    db: DatabaseConnection,
}

impl SqlSegmentationRepository {
    /// Uses this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[derive(Serialize, Deserialize)]
struct StoredIssue {
    row: u64,
    field: String,
    message: String,
}

#[derive(Serialize, Deserialize)]
struct StoredCandidate {
    k: u8,
    silhouette: f64,
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn small(value: u8) -> i16 {
    i16::from(value)
}

fn byte(value: i16, what: &str) -> Result<u8, AppError> {
    u8::try_from(value).map_err(|_| corrupt(what, &value.to_string()))
}

fn count(value: i32, what: &str) -> Result<u32, AppError> {
    u32::try_from(value).map_err(|_| corrupt(what, &value.to_string()))
}

fn json_err(err: serde_json::Error) -> AppError {
    AppError::Internal(format!("segmentation JSON column: {err}"))
}

fn to_dataset(model: datasets::Model) -> Result<Dataset, AppError> {
    let issues: Vec<StoredIssue> = serde_json::from_str(&model.issues).map_err(json_err)?;
    Ok(Dataset {
        id: model.id,
        owner_id: model.owner_id,
        format: model.format.parse::<DatasetFormat>().map_err(|_| corrupt("dataset format", &model.format))?,
        size_bytes: to_u64(model.size_bytes),
        storage_key: model.storage_key,
        profile: DatasetProfile {
            rows: to_u64(model.rows),
            kept_rows: to_u64(model.kept_rows),
            customers: to_u64(model.customers),
            first_invoice_at: model.first_invoice_at,
            last_invoice_at: model.last_invoice_at,
            dropped: DroppedRows {
                missing_customer_id: to_u64(model.dropped_missing_customer),
                cancelled: to_u64(model.dropped_cancelled),
                non_positive_quantity: to_u64(model.dropped_non_positive_quantity),
                non_positive_price: to_u64(model.dropped_non_positive_price),
                unparseable: to_u64(model.dropped_unparseable),
            },
            issues: issues.into_iter().map(|i| RowError { row: i.row, field: i.field, message: i.message }).collect(),
        },
        created_at: model.created_at,
    })
}

fn dataset_row(dataset: &Dataset) -> Result<datasets::ActiveModel, AppError> {
    let p = &dataset.profile;
    let issues: Vec<StoredIssue> = p
        .issues
        .iter()
        .map(|i| StoredIssue { row: i.row, field: i.field.clone(), message: i.message.clone() })
        .collect();
    Ok(datasets::ActiveModel {
        id: Set(dataset.id),
        owner_id: Set(dataset.owner_id),
        format: Set(dataset.format.as_str().to_owned()),
        size_bytes: Set(to_i64(dataset.size_bytes)),
        storage_key: Set(dataset.storage_key.clone()),
        rows: Set(to_i64(p.rows)),
        kept_rows: Set(to_i64(p.kept_rows)),
        customers: Set(to_i64(p.customers)),
        first_invoice_at: Set(p.first_invoice_at),
        last_invoice_at: Set(p.last_invoice_at),
        dropped_missing_customer: Set(to_i64(p.dropped.missing_customer_id)),
        dropped_cancelled: Set(to_i64(p.dropped.cancelled)),
        dropped_non_positive_quantity: Set(to_i64(p.dropped.non_positive_quantity)),
        dropped_non_positive_price: Set(to_i64(p.dropped.non_positive_price)),
        dropped_unparseable: Set(to_i64(p.dropped.unparseable)),
        issues: Set(serde_json::to_string(&issues).map_err(json_err)?),
        created_at: Set(dataset.created_at),
    })
}

fn analysis_row(analysis: &Analysis) -> Result<analyses::ActiveModel, AppError> {
    let candidates: Vec<StoredCandidate> =
        analysis.candidates.iter().map(|c| StoredCandidate { k: c.k, silhouette: c.silhouette }).collect();
    Ok(analyses::ActiveModel {
        id: Set(analysis.id),
        dataset_id: Set(analysis.dataset_id),
        owner_id: Set(analysis.owner_id),
        k: Set(small(analysis.k)),
        auto_k: Set(analysis.auto_k),
        candidates: Set(serde_json::to_string(&candidates).map_err(json_err)?),
        snapshot_date: Set(analysis.snapshot_date),
        customers: Set(to_i64(analysis.customers)),
        silhouette: Set(analysis.silhouette),
        inertia: Set(analysis.inertia),
        total_revenue: Set(analysis.total_revenue),
        seed: Set(i64::from_ne_bytes(analysis.seed.to_ne_bytes())),
        restarts: Set(i32::try_from(analysis.restarts).unwrap_or(i32::MAX)),
        created_at: Set(analysis.created_at),
    })
}

fn segment_row(analysis_id: Uuid, s: &Segment) -> segments::ActiveModel {
    segments::ActiveModel {
        analysis_id: Set(analysis_id),
        cluster: Set(small(s.cluster)),
        name: Set(s.name.clone()),
        size: Set(to_i64(s.size)),
        recency_mean: Set(s.recency.mean),
        recency_median: Set(s.recency.median),
        frequency_mean: Set(s.frequency.mean),
        frequency_median: Set(s.frequency.median),
        monetary_mean: Set(s.monetary.mean),
        monetary_median: Set(s.monetary.median),
        revenue: Set(s.revenue),
        revenue_share: Set(s.revenue_share),
        centroid_recency: Set(s.centroid.recency),
        centroid_frequency: Set(s.centroid.frequency),
        centroid_monetary: Set(s.centroid.monetary),
    }
}

fn to_segment(model: segments::Model) -> Result<Segment, AppError> {
    Ok(Segment {
        cluster: byte(model.cluster, "cluster")?,
        name: model.name,
        size: to_u64(model.size),
        recency: Stat { mean: model.recency_mean, median: model.recency_median },
        frequency: Stat { mean: model.frequency_mean, median: model.frequency_median },
        monetary: Stat { mean: model.monetary_mean, median: model.monetary_median },
        revenue: model.revenue,
        revenue_share: model.revenue_share,
        centroid: RfmTriple {
            recency: model.centroid_recency,
            frequency: model.centroid_frequency,
            monetary: model.centroid_monetary,
        },
    })
}

fn to_analysis(model: analyses::Model, segments: Vec<Segment>) -> Result<Analysis, AppError> {
    let candidates: Vec<StoredCandidate> = serde_json::from_str(&model.candidates).map_err(json_err)?;
    Ok(Analysis {
        id: model.id,
        dataset_id: model.dataset_id,
        owner_id: model.owner_id,
        k: byte(model.k, "k")?,
        auto_k: model.auto_k,
        candidates: candidates.into_iter().map(|c| KCandidate { k: c.k, silhouette: c.silhouette }).collect(),
        snapshot_date: model.snapshot_date,
        customers: to_u64(model.customers),
        silhouette: model.silhouette,
        inertia: model.inertia,
        total_revenue: model.total_revenue,
        seed: u64::from_ne_bytes(model.seed.to_ne_bytes()),
        restarts: u32::try_from(model.restarts).unwrap_or(0),
        segments,
        created_at: model.created_at,
    })
}

fn customer_row(analysis_id: Uuid, c: &SegmentedCustomer) -> customers::ActiveModel {
    customers::ActiveModel {
        analysis_id: Set(analysis_id),
        customer_id: Set(c.customer_id.clone()),
        recency: Set(i32::try_from(c.recency).unwrap_or(i32::MAX)),
        frequency: Set(i32::try_from(c.frequency).unwrap_or(i32::MAX)),
        monetary: Set(c.monetary),
        r_score: Set(small(c.r_score)),
        f_score: Set(small(c.f_score)),
        m_score: Set(small(c.m_score)),
        cluster: Set(small(c.cluster)),
        segment: Set(c.segment.clone()),
    }
}

fn to_customer(model: customers::Model) -> Result<SegmentedCustomer, AppError> {
    Ok(SegmentedCustomer {
        customer_id: model.customer_id,
        recency: count(model.recency, "recency")?,
        frequency: count(model.frequency, "frequency")?,
        monetary: model.monetary,
        r_score: byte(model.r_score, "r score")?,
        f_score: byte(model.f_score, "f score")?,
        m_score: byte(model.m_score, "m score")?,
        cluster: byte(model.cluster, "cluster")?,
        segment: model.segment,
    })
}

/// `LOWER(customer_id) LIKE '%q%'` with `%`, `_` and `\` in `q` taken literally. Customer ids are codes such as
/// `12347` or `A-99`; `LOWER` folds their ASCII letters the same way on SQLite and PostgreSQL.
fn customer_id_contains(q: &str) -> SimpleExpr {
    let escaped = q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    Expr::expr(Func::lower(Expr::col(customers::Column::CustomerId.as_column_ref())))
        .like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

fn customer_select(analysis_id: Uuid, filter: &CustomerResultFilter) -> Select<customers::Entity> {
    let mut select = customers::Entity::find().filter(customers::Column::AnalysisId.eq(analysis_id));
    if !filter.clusters.is_empty() {
        select = select.filter(customers::Column::Cluster.is_in(filter.clusters.iter().copied().map(small)));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        select = select.filter(customer_id_contains(q));
    }
    select
}

fn customer_sort(sort: CustomerResultSort) -> customers::Column {
    match sort {
        CustomerResultSort::CustomerId => customers::Column::CustomerId,
        CustomerResultSort::Recency => customers::Column::Recency,
        CustomerResultSort::Frequency => customers::Column::Frequency,
        CustomerResultSort::Monetary => customers::Column::Monetary,
        CustomerResultSort::RScore => customers::Column::RScore,
        CustomerResultSort::FScore => customers::Column::FScore,
        CustomerResultSort::MScore => customers::Column::MScore,
        CustomerResultSort::Cluster => customers::Column::Cluster,
    }
}

/// The segments of some analyses, grouped per analysis and ordered by cluster.
async fn segments_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<Segment>>, AppError> {
    let mut grouped: std::collections::HashMap<Uuid, Vec<Segment>> = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(grouped);
    }
    let rows = segments::Entity::find()
        .filter(segments::Column::AnalysisId.is_in(ids.iter().copied()))
        .order_by_asc(segments::Column::AnalysisId)
        .order_by_asc(segments::Column::Cluster)
        .all(db)
        .await
        .map_err(db_err)?;
    for row in rows {
        let id = row.analysis_id;
        grouped.entry(id).or_default().push(to_segment(row)?);
    }
    Ok(grouped)
}

/// A dataset deleted between the check and the insert shows up as a foreign-key violation.
fn insert_err(err: DbErr) -> AppError {
    if is_foreign_key_violation(&err) {
        return AppError::NotFound("Dataset not found".into());
    }
    db_err(err)
}

/// Deletes the segments and customer results of these analyses, then the analyses.
async fn delete_analyses(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    customers::Entity::delete_many()
        .filter(customers::Column::AnalysisId.is_in(ids.iter().copied()))
        .exec(db)
        .await
        .map_err(db_err)?;
    segments::Entity::delete_many()
        .filter(segments::Column::AnalysisId.is_in(ids.iter().copied()))
        .exec(db)
        .await
        .map_err(db_err)?;
    analyses::Entity::delete_many()
        .filter(analyses::Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await
        .map_err(db_err)?;
    Ok(())
}

#[async_trait]
impl SegmentationRepository for SqlSegmentationRepository {
    async fn insert_dataset(&self, dataset: &Dataset) -> Result<(), AppError> {
        datasets::Entity::insert(dataset_row(dataset)?).exec_without_returning(&self.db).await.map_err(db_err)?;
        Ok(())
    }

    async fn find_dataset(&self, id: Uuid) -> Result<Option<Dataset>, AppError> {
        datasets::Entity::find_by_id(id).one(&self.db).await.map_err(db_err)?.map(to_dataset).transpose()
    }

    async fn list_datasets(&self, query: &DatasetQuery) -> Result<Page<Dataset>, AppError> {
        let mut select = datasets::Entity::find();
        if let Some(owner) = query.owner_id {
            select = select.filter(datasets::Column::OwnerId.eq(owner));
        }
        select = in_range(select, datasets::Column::CreatedAt, query.from, query.to);
        let sort = match query.sort_by {
            DatasetSortField::CreatedAt => datasets::Column::CreatedAt,
            DatasetSortField::Rows => datasets::Column::Rows,
            DatasetSortField::Customers => datasets::Column::Customers,
            DatasetSortField::SizeBytes => datasets::Column::SizeBytes,
        };
        let Page { items, total_items, request } =
            fetch_page(&self.db, select, sort, query.sort_dir, datasets::Column::Id, query.page).await?;
        let items = items.into_iter().map(to_dataset).collect::<Result<_, _>>()?;
        Ok(Page { items, total_items, request })
    }

    async fn delete_dataset(&self, id: Uuid) -> Result<bool, AppError> {
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        let analysis_ids: Vec<Uuid> = analyses::Entity::find()
            .select_only()
            .column(analyses::Column::Id)
            .filter(analyses::Column::DatasetId.eq(id))
            .into_tuple()
            .all(&txn)
            .await
            .map_err(db_err)?;
        delete_analyses(&txn, &analysis_ids).await?;
        let deleted = datasets::Entity::delete_by_id(id).exec(&txn).await.map_err(db_err)?.rows_affected > 0;
        txn.commit().await.map_err(db_err)?;
        Ok(deleted)
    }

    async fn insert_analysis(&self, analysis: &Analysis, customers: &[SegmentedCustomer]) -> Result<(), AppError> {
        let analysis_model = analysis_row(analysis)?;
        // Dropping the transaction on any early return rolls it back: nothing of the analysis is left.
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        if datasets::Entity::find_by_id(analysis.dataset_id).one(&txn).await.map_err(db_err)?.is_none() {
            txn.rollback().await.map_err(db_err)?;
            return Err(AppError::NotFound("Dataset not found".into()));
        }
        analyses::Entity::insert(analysis_model).exec_without_returning(&txn).await.map_err(insert_err)?;
        if !analysis.segments.is_empty() {
            segments::Entity::insert_many(analysis.segments.iter().map(|s| segment_row(analysis.id, s)))
                .exec_without_returning(&txn)
                .await
                .map_err(db_err)?;
        }
        for chunk in customers.chunks(CUSTOMER_CHUNK) {
            customers::Entity::insert_many(chunk.iter().map(|c| customer_row(analysis.id, c)))
                .exec_without_returning(&txn)
                .await
                .map_err(db_err)?;
        }
        txn.commit().await.map_err(db_err)?;
        Ok(())
    }

    async fn find_analysis(&self, id: Uuid) -> Result<Option<Analysis>, AppError> {
        let Some(model) = analyses::Entity::find_by_id(id).one(&self.db).await.map_err(db_err)? else {
            return Ok(None);
        };
        let segments = segments_of(&self.db, &[id]).await?.remove(&id).unwrap_or_default();
        to_analysis(model, segments).map(Some)
    }

    async fn analyses_of_dataset(&self, dataset_id: Uuid) -> Result<Vec<Analysis>, AppError> {
        let models = analyses::Entity::find()
            .filter(analyses::Column::DatasetId.eq(dataset_id))
            .order_by_desc(analyses::Column::CreatedAt)
            .order_by_desc(analyses::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let ids: Vec<Uuid> = models.iter().map(|m| m.id).collect();
        let mut segments = segments_of(&self.db, &ids).await?;
        models
            .into_iter()
            .map(|m| {
                let own = segments.remove(&m.id).unwrap_or_default();
                to_analysis(m, own)
            })
            .collect()
    }

    async fn list_customers(
        &self,
        analysis_id: Uuid,
        query: &CustomerResultQuery,
    ) -> Result<Page<SegmentedCustomer>, AppError> {
        let select = customer_select(analysis_id, &query.filter);
        let Page { items, total_items, request } = fetch_page(
            &self.db,
            select,
            customer_sort(query.sort_by),
            query.sort_dir,
            customers::Column::CustomerId,
            query.page,
        )
        .await?;
        let items = items.into_iter().map(to_customer).collect::<Result<_, _>>()?;
        Ok(Page { items, total_items, request })
    }

    async fn all_customers(
        &self,
        analysis_id: Uuid,
        filter: &CustomerResultFilter,
        sort_by: CustomerResultSort,
        sort_dir: SortDir,
    ) -> Result<Vec<SegmentedCustomer>, AppError> {
        customer_select(analysis_id, filter)
            .order_by(customer_sort(sort_by), order(sort_dir))
            .order_by(customers::Column::CustomerId, order(sort_dir))
            .all(&self.db)
            .await
            .map_err(db_err)?
            .into_iter()
            .map(to_customer)
            .collect()
    }

    async fn delete_analysis(&self, id: Uuid) -> Result<bool, AppError> {
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        let exists = analyses::Entity::find_by_id(id).one(&txn).await.map_err(db_err)?.is_some();
        if exists {
            delete_analyses(&txn, &[id]).await?;
        }
        txn.commit().await.map_err(db_err)?;
        Ok(exists)
    }
}
