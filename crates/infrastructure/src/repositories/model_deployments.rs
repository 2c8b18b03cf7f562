//! The deployed-model record in SQL: an append-only history whose newest row every replica follows.

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::scoring::{ModelDeployment, ModelDeploymentRepository};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, QueryOrder};
use uuid::Uuid;

use crate::entities::model_deployments::{ActiveModel, Column, Entity, Model};
use crate::error::db_err;

/// `ModelDeploymentRepository` over SeaORM.
#[derive(Clone)]
pub struct SqlModelDeploymentRepository {
    db: DatabaseConnection,
}

impl SqlModelDeploymentRepository {
    /// Uses this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl From<Model> for ModelDeployment {
    fn from(row: Model) -> Self {
        Self {
            model_version: row.model_version,
            fingerprint: row.fingerprint,
            deployed_at: row.deployed_at,
            deployed_by: row.deployed_by,
        }
    }
}

#[async_trait]
impl ModelDeploymentRepository for SqlModelDeploymentRepository {
    async fn current(&self) -> Result<Option<ModelDeployment>, AppError> {
        // Ids are UUIDv7 (time-ordered), which breaks ties between deployments in the same instant.
        let row = Entity::find()
            .order_by_desc(Column::DeployedAt)
            .order_by_desc(Column::Id)
            .one(&self.db)
            .await
            .map_err(db_err)?;
        Ok(row.map(ModelDeployment::from))
    }

    async fn record(&self, deployment: &ModelDeployment) -> Result<(), AppError> {
        let row = ActiveModel {
            id: Set(Uuid::now_v7()),
            model_version: Set(deployment.model_version.clone()),
            fingerprint: Set(deployment.fingerprint.clone()),
            deployed_at: Set(deployment.deployed_at),
            deployed_by: Set(deployment.deployed_by),
        };
        Entity::insert(row).exec_without_returning(&self.db).await.map_err(db_err)?;
        Ok(())
    }
}
