//! Customer lists sorted by creation date, age or balance break ties by id. With single-column indexes SQLite had to
//! sort every customer sharing the sort value by id before it could return a page ("USE TEMP B-TREE FOR RIGHT PART
//! OF ORDER BY"); after an import all of them share one `created_at`, so the default list sorted the whole base on
//! every request (50–66 ms a page for 45,211 customers, docs/benchmarks.md). Indexes that end in `id` give both
//! databases the full order to walk.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    CreatedAt,
    Age,
    Balance,
}

/// (old single-column index, new index, its leading column).
const REPLACED: [(&str, &str, Customers); 3] = [
    ("idx_customers_created_at", "idx_customers_created_at_id", Customers::CreatedAt),
    ("idx_customers_age", "idx_customers_age_id", Customers::Age),
    ("idx_customers_balance", "idx_customers_balance_id", Customers::Balance),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (old, new, col) in REPLACED {
            manager
                .create_index(Index::create().name(new).table(Customers::Table).col(col).col(Customers::Id).to_owned())
                .await?;
            manager.drop_index(Index::drop().name(old).table(Customers::Table).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (old, new, col) in REPLACED {
            manager.create_index(Index::create().name(old).table(Customers::Table).col(col).to_owned()).await?;
            manager.drop_index(Index::drop().name(new).table(Customers::Table).to_owned()).await?;
        }
        Ok(())
    }
}
