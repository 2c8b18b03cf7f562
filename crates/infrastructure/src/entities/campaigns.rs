use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// Lower-cased name, for Unicode-correct search on every database.
    pub name_lower: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub target_leads: i32,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub status: String,
    /// JSON of the targeting `CustomerFilter`.
    #[sea_orm(column_type = "Text")]
    pub criteria: String,
    pub owner_id: Uuid,
    pub last_run_at: Option<DateTimeUtc>,
    pub last_run_model_version: Option<String>,
    pub last_run_matched: Option<i64>,
    pub last_run_leads: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
