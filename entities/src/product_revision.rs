//! A stored state of a product, written on every change of its content.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_revisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub product_id: Uuid,
    /// Equals the product's `version` after the change.
    pub number: i32,
    pub editor_id: Option<Uuid>,
    /// The whole editable state (fields, trade terms, SEO, specs, media, categories, tags,
    /// certifications) as JSON.
    pub snapshot: Json,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
