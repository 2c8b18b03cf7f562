//! Customer lists sorted by creation date, age or balance break ties by id. With single-column indexes SQLite had to
//! sort every customer sharing the sort value by id before it could return a page ("USE TEMP B-TREE FOR RIGHT PART
//! OF ORDER BY"); after an import all of them share one `created_at`, so the default list sorted the whole base on
//! every request (figures in docs/benchmarks.md). Indexes that end in `id` give both
//! databases the full order to walk.

use sea_orm_migration::prelude::*;

use crate::indexes::{IndexSpec, swap};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Customers {
    Table,
    Id,
    CreatedAt,
    Age,
    Balance,
}

/// (old index, new index).
const REPLACED: [(IndexSpec<Customers>, IndexSpec<Customers>); 3] = [
    (
        ("idx_customers_created_at", &[Customers::CreatedAt]),
        ("idx_customers_created_at_id", &[Customers::CreatedAt, Customers::Id]),
    ),
    (("idx_customers_age", &[Customers::Age]), ("idx_customers_age_id", &[Customers::Age, Customers::Id])),
    (
        ("idx_customers_balance", &[Customers::Balance]),
        ("idx_customers_balance_id", &[Customers::Balance, Customers::Id]),
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (old, new) in REPLACED {
            swap(manager, Customers::Table, new, old).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (old, new) in REPLACED {
            swap(manager, Customers::Table, old, new).await?;
        }
        Ok(())
    }
}
