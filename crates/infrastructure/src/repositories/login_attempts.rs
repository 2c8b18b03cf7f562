//! Failed login attempts in SQL, so throttling holds across replicas.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_application::AppError;
use leadscore_application::auth::{LoginAttemptRepository, ThrottleScope};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

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
        let filter = Entity::find()
            .filter(Column::Scope.eq(scope.as_str()))
            .filter(Column::Key.eq(key))
            .filter(Column::CreatedAt.gte(since));
        let count: Option<i64> = filter
            .clone()
            .select_only()
            .column_as(Column::Id.count(), "n")
            .into_tuple()
            .one(&self.db)
            .await
            .map_err(db_err)?;
        let oldest: Option<DateTime<Utc>> = filter
            .order_by_asc(Column::CreatedAt)
            .select_only()
            .column(Column::CreatedAt)
            .into_tuple()
            .one(&self.db)
            .await
            .map_err(db_err)?;
        Ok((count.map_or(0, |n| u64::try_from(n).unwrap_or(0)), oldest))
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
}
