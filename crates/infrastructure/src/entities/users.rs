use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    #[sea_orm(unique)]
    pub username: Option<String>,
    pub full_name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub role: String,
    pub is_active: bool,
    pub avatar_key: Option<String>,
    pub password_hash: String,
    pub token_version: i64,
    /// Lower-cased e-mail, username and name, for Unicode-correct search on every database.
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
