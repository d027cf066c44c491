//! A product asked about in an inquiry, with the quantity.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiry_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub inquiry_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    /// None once the product was deleted.
    pub product_id: Option<Uuid>,
    /// The product's name when the inquiry arrived (kept when the product goes).
    #[sea_orm(column_type = "Text")]
    pub product_name: String,
    pub quantity: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
