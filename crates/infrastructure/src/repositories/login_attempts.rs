//! Failed login attempts in SQL, so throttling holds across replicas.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_application::AppError;
use leadscore_application::auth::{AttemptLimit, LoginAttemptRepository, Reservation, ThrottleScope};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::db::{begin_write, lock_key};
use crate::entities::login_attempts::{ActiveModel, Column, Entity};
use crate::error::db_err;

/// `LoginAttemptRepository` over SeaORM.
#[derive(Clone)]
pub struct SqlLoginAttemptRepository {
    db: DatabaseConnection,
}

impl SqlLoginAttemptRepository {
    /// Uses this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl LoginAttemptRepository for SqlLoginAttemptRepository {
    async fn record_failure(&self, scope: ThrottleScope, key: &str, at: DateTime<Utc>) -> Result<(), AppError> {
        let row = ActiveModel {
            id: Set(Uuid::now_v7()),
            scope: Set(scope.as_str().to_owned()),
            key: Set(key.to_owned()),
            created_at: Set(at),
        };
        Entity::insert(row).exec_without_returning(&self.db).await.map_err(db_err)?;
        Ok(())
    }

    async fn failures_since(
        &self,
        scope: ThrottleScope,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<(u64, Option<DateTime<Utc>>), AppError> {
        failures(&self.db, scope, key, since).await.map_err(db_err)
    }

    async fn clear(&self, scope: ThrottleScope, key: &str) -> Result<(), AppError> {
        Entity::delete_many()
            .filter(Column::Scope.eq(scope.as_str()))
            .filter(Column::Key.eq(key))
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn reserve(
        &self,
        limits: &[AttemptLimit<'_>],
        since: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<Reservation, AppError> {
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        // Locks in one order (scope, key), so two reservations naming the same keys cannot deadlock.
        let mut ordered: Vec<&AttemptLimit<'_>> = limits.iter().collect();
        ordered.sort_by(|a, b| (a.scope, a.key).cmp(&(b.scope, b.key)));
        for limit in &ordered {
            lock_key(&txn, &format!("login_attempts:{}:{}", limit.scope.as_str(), limit.key)).await.map_err(db_err)?;
        }
        for limit in limits {
            let (count, oldest) = failures(&txn, limit.scope, limit.key, since).await.map_err(db_err)?;
            if count >= limit.max {
                txn.rollback().await.map_err(db_err)?;
                return Ok(Reservation::Refused { oldest });
            }
        }
        let ids: Vec<Uuid> = limits.iter().map(|_| Uuid::now_v7()).collect();
        let rows = limits.iter().zip(&ids).map(|(limit, id)| ActiveModel {
            id: Set(*id),
            scope: Set(limit.scope.as_str().to_owned()),
            key: Set(limit.key.to_owned()),
            created_at: Set(at),
        });
        if !ids.is_empty() {
            Entity::insert_many(rows).exec_without_returning(&txn).await.map_err(db_err)?;
        }
        txn.commit().await.map_err(db_err)?;
        Ok(Reservation::Granted(ids))
    }

    async fn release(&self, ids: &[Uuid]) -> Result<(), AppError> {
        if ids.is_empty() {
            return Ok(());
        }
        Entity::delete_many().filter(Column::Id.is_in(ids.iter().copied())).exec(&self.db).await.map_err(db_err)?;
        Ok(())
    }
}

/// Attempts of a key at or after `since`: how many, and when the oldest was made.
async fn failures(
    db: &impl ConnectionTrait,
    scope: ThrottleScope,
    key: &str,
    since: DateTime<Utc>,
) -> Result<(u64, Option<DateTime<Utc>>), DbErr> {
    let filter = Entity::find()
        .filter(Column::Scope.eq(scope.as_str()))
        .filter(Column::Key.eq(key))
        .filter(Column::CreatedAt.gte(since));
    let count: Option<i64> =
        filter.clone().select_only().column_as(Column::Id.count(), "n").into_tuple().one(db).await?;
    let oldest: Option<DateTime<Utc>> =
        filter.order_by_asc(Column::CreatedAt).select_only().column(Column::CreatedAt).into_tuple().one(db).await?;
    Ok((count.map_or(0, |n| u64::try_from(n).unwrap_or(0)), oldest))
}
