//! The customer base.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    ExternalId,
    Name,
    Email,
    Phone,
    City,
    Age,
    Job,
    Marital,
    Education,
    Default,
    Balance,
    Housing,
    Loan,
    Contact,
    Day,
    Month,
    Duration,
    Campaign,
    Pdays,
    Previous,
    Poutcome,
    Outcome,
    OutcomeAt,
    Probability,
    Score,
    Tier,
    ModelVersion,
    ScoredAt,
    SearchText,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Customers::Table)
                    .col(pk_uuid(Customers::Id))
                    .col(string_null(Customers::ExternalId).unique_key())
                    .col(string_null(Customers::Name))
                    .col(string_null(Customers::Email).unique_key())
                    .col(string_null(Customers::Phone))
                    .col(string_null(Customers::City))
                    .col(small_integer(Customers::Age))
                    .col(string_len(Customers::Job, 16))
                    .col(string_len(Customers::Marital, 16))
                    .col(string_len(Customers::Education, 16))
                    .col(boolean(Customers::Default))
                    .col(big_integer(Customers::Balance))
                    .col(boolean(Customers::Housing))
                    .col(boolean(Customers::Loan))
                    .col(string_len(Customers::Contact, 16))
                    .col(small_integer(Customers::Day))
                    .col(string_len(Customers::Month, 3))
                    .col(integer_null(Customers::Duration))
                    .col(integer(Customers::Campaign))
                    .col(integer(Customers::Pdays))
                    .col(integer(Customers::Previous))
                    .col(string_len(Customers::Poutcome, 16))
                    .col(string_len_null(Customers::Outcome, 3))
                    .col(timestamp_with_time_zone_null(Customers::OutcomeAt))
                    .col(double_null(Customers::Probability))
                    .col(small_integer_null(Customers::Score))
                    .col(string_len_null(Customers::Tier, 8))
                    .col(string_null(Customers::ModelVersion))
                    .col(timestamp_with_time_zone_null(Customers::ScoredAt))
                    .col(text(Customers::SearchText))
                    .col(timestamp_with_time_zone(Customers::CreatedAt))
                    .col(timestamp_with_time_zone(Customers::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_customers_created_at", vec![Customers::CreatedAt]),
            ("idx_customers_score", vec![Customers::Score]),
            ("idx_customers_job", vec![Customers::Job]),
            ("idx_customers_age", vec![Customers::Age]),
            ("idx_customers_balance", vec![Customers::Balance]),
            ("idx_customers_tier", vec![Customers::Tier]),
        ] {
            let mut index = Index::create().name(name).table(Customers::Table).to_owned();
            for col in cols {
                index.col(col);
            }
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Customers::Table).to_owned()).await
    }
}
