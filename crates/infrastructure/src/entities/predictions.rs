use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "predictions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub customer_id: Option<Uuid>,
    pub campaign_id: Option<Uuid>,
    pub source: String,
    /// JSON object of the raw inputs (`FeatureRecord`).
    #[sea_orm(column_type = "Text")]
    pub features: String,
    /// Effective probability (the override's, when overridden); likewise class, score and tier.
    pub probability: f64,
    pub predicted_class: String,
    pub score: i16,
    pub tier: String,
    /// JSON of the explanation (`Factors`).
    #[sea_orm(column_type = "Text")]
    pub factors: String,
    pub model_version: String,
    pub requested_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    /// The model's own probability, kept when a person overrides it; NULL means never overridden.
    pub original_probability: Option<f64>,
    pub original_class: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub override_reason: Option<String>,
    pub overridden_by: Option<Uuid>,
    pub overridden_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
