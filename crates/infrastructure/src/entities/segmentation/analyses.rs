use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "segmentation_analyses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub dataset_id: Uuid,
    pub owner_id: Uuid,
    pub k: i16,
    pub auto_k: bool,
    /// JSON array of `{k, silhouette}` (empty unless k was chosen automatically).
    #[sea_orm(column_type = "Text")]
    pub candidates: String,
    pub snapshot_date: Date,
    pub customers: i64,
    pub silhouette: f64,
    pub inertia: f64,
    pub total_revenue: f64,
    pub seed: i64,
    pub restarts: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
