//! One row of a product's specification table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_specs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: Uuid,
    /// Order in the table, from 0.
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    /// The heading the row sits under (`Materials`).
    pub spec_group: Option<String>,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub value: String,
    pub unit: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
