//! A media item of a product: a gallery image or an attachment (datasheet, certificate), in order.
use sea_orm::entity::prelude::*;

/// What a media item is to a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProductMediaKind {
    /// An image of the gallery.
    #[sea_orm(string_value = "gallery")]
    Gallery,
    /// A document to download.
    #[sea_orm(string_value = "attachment")]
    Attachment,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_media")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: ProductMediaKind,
    /// Order within its kind, from 0.
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    pub media_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
