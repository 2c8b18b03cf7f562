use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "segmentation_segments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub analysis_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub cluster: i16,
    pub name: String,
    pub size: i64,
    pub recency_mean: f64,
    pub recency_median: f64,
    pub frequency_mean: f64,
    pub frequency_median: f64,
    pub monetary_mean: f64,
    pub monetary_median: f64,
    pub revenue: f64,
    pub revenue_share: f64,
    pub centroid_recency: f64,
    pub centroid_frequency: f64,
    pub centroid_monetary: f64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
