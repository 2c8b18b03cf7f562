use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "segmentation_customers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub analysis_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: String,
    pub recency: i32,
    pub frequency: i32,
    pub monetary: f64,
    pub r_score: i16,
    pub f_score: i16,
    pub m_score: i16,
    pub cluster: i16,
    pub segment: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
