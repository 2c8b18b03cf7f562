use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "segmentation_datasets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    pub format: String,
    pub size_bytes: i64,
    pub storage_key: String,
    pub rows: i64,
    pub kept_rows: i64,
    pub customers: i64,
    pub first_invoice_at: Option<DateTimeUtc>,
    pub last_invoice_at: Option<DateTimeUtc>,
    pub dropped_missing_customer: i64,
    pub dropped_cancelled: i64,
    pub dropped_non_positive_quantity: i64,
    pub dropped_non_positive_price: i64,
    pub dropped_unparseable: i64,
    /// JSON array of `{row, field, message}`: the first unreadable rows.
    #[sea_orm(column_type = "Text")]
    pub issues: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
