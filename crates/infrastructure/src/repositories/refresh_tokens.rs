//! Refresh tokens in SQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_application::AppError;
use leadscore_application::sessions::{RefreshTokenRecord, RefreshTokenRepository};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::db::begin_write;
use crate::entities::refresh_tokens::{ActiveModel, Column, Entity, Model};
use crate::error::db_err;

/// `RefreshTokenRepository` over SeaORM.
#[derive(Clone)]
pub struct SqlRefreshTokenRepository {
    db: DatabaseConnection,
}

impl SqlRefreshTokenRepository {
    /// Uses this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_record(model: Model) -> RefreshTokenRecord {
    RefreshTokenRecord {
        id: model.id,
        user_id: model.user_id,
        family_id: model.family_id,
        token_hash: model.token_hash,
        created_at: model.created_at,
        expires_at: model.expires_at,
        rotated_at: model.rotated_at,
        revoked_at: model.revoked_at,
    }
}

fn to_active(record: &RefreshTokenRecord) -> ActiveModel {
    ActiveModel {
        id: Set(record.id),
        user_id: Set(record.user_id),
        family_id: Set(record.family_id),
        token_hash: Set(record.token_hash.clone()),
        created_at: Set(record.created_at),
        expires_at: Set(record.expires_at),
        rotated_at: Set(record.rotated_at),
        revoked_at: Set(record.revoked_at),
    }
}

#[async_trait]
impl RefreshTokenRepository for SqlRefreshTokenRepository {
    async fn insert(&self, record: &RefreshTokenRecord) -> Result<(), AppError> {
        Entity::insert(to_active(record)).exec_without_returning(&self.db).await.map_err(db_err)?;
        Ok(())
    }

    async fn find_by_hash(&self, token_hash: &str) -> Result<Option<RefreshTokenRecord>, AppError> {
        Ok(Entity::find().filter(Column::TokenHash.eq(token_hash)).one(&self.db).await.map_err(db_err)?.map(to_record))
    }

    async fn rotate(&self, old_id: Uuid, at: DateTime<Utc>, new: &RefreshTokenRecord) -> Result<bool, AppError> {
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        // The conditional UPDATE is the lock: of two concurrent rotations only one sees rotated_at IS NULL.
        let claimed = Entity::update_many()
            .col_expr(Column::RotatedAt, Expr::value(at))
            .filter(Column::Id.eq(old_id))
            .filter(Column::RotatedAt.is_null())
            .filter(Column::RevokedAt.is_null())
            .exec(&txn)
            .await
            .map_err(db_err)?;
        if claimed.rows_affected != 1 {
            txn.rollback().await.map_err(db_err)?;
            return Ok(false);
        }
        Entity::insert(to_active(new)).exec_without_returning(&txn).await.map_err(db_err)?;
        txn.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn revoke_family(&self, family_id: Uuid, at: DateTime<Utc>) -> Result<u64, AppError> {
        let result = Entity::update_many()
            .col_expr(Column::RevokedAt, Expr::value(at))
            .filter(Column::FamilyId.eq(family_id))
            .filter(Column::RevokedAt.is_null())
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        Ok(result.rows_affected)
    }

    async fn revoke_user(&self, user_id: Uuid, at: DateTime<Utc>) -> Result<u64, AppError> {
        let result = Entity::update_many()
            .col_expr(Column::RevokedAt, Expr::value(at))
            .filter(Column::UserId.eq(user_id))
            .filter(Column::RevokedAt.is_null())
            .exec(&self.db)
            .await
            .map_err(db_err)?;
        Ok(result.rows_affected)
    }
}
