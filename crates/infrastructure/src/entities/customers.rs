use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub external_id: Option<String>,
    pub name: Option<String>,
    #[sea_orm(unique)]
    pub email: Option<String>,
    pub phone: Option<String>,
    pub city: Option<String>,
    pub age: i16,
    pub job: String,
    pub marital: String,
    pub education: String,
    pub default: bool,
    pub balance: i64,
    pub housing: bool,
    pub loan: bool,
    pub contact: String,
    pub day: i16,
    pub month: String,
    pub duration: Option<i32>,
    pub campaign: i32,
    pub pdays: i32,
    pub previous: i32,
    pub poutcome: String,
    pub outcome: Option<String>,
    pub outcome_at: Option<DateTimeUtc>,
    pub probability: Option<f64>,
    pub score: Option<i16>,
    pub tier: Option<String>,
    pub model_version: Option<String>,
    pub scored_at: Option<DateTimeUtc>,
    /// Lower-cased name, e-mail, phone, city and external id, for Unicode-correct search on every database.
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
