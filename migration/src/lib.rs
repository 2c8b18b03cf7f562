//! Database migrations of leadscore. One set of migrations runs unchanged on SQLite and PostgreSQL.
//!
//! Each later module adds its own migration file; migrations are never edited once released.

pub use sea_orm_migration::prelude::*;

mod indexes;

mod m20261122_000001_accounts;
mod m20261122_000002_customers;
mod m20261122_000003_segmentation;
mod m20261122_000004_predictions;
mod m20261122_000005_campaigns;
mod m20261122_000006_analytics;
mod m20261122_000007_model_deployments;
mod m20261202_000008_customer_order_indexes;
mod m20261202_000009_lift_indexes;
mod m20261203_000010_token_version;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_accounts::Migration),
            Box::new(m20261122_000002_customers::Migration),
            Box::new(m20261122_000003_segmentation::Migration),
            Box::new(m20261122_000004_predictions::Migration),
            Box::new(m20261122_000005_campaigns::Migration),
            Box::new(m20261122_000006_analytics::Migration),
            Box::new(m20261122_000007_model_deployments::Migration),
            Box::new(m20261202_000008_customer_order_indexes::Migration),
            Box::new(m20261202_000009_lift_indexes::Migration),
            Box::new(m20261203_000010_token_version::Migration),
        ]
    }
}
