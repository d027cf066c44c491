//! A link placement a verified site offers in the exchange market.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "link_offers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub created_by: Option<Uuid>,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// homepage, footer, sidebar, article, partners_page
    pub placement: String,
    /// reciprocal or one_way
    pub kind: String,
    /// JSON array of languages.
    pub languages: Json,
    /// JSON array of categories.
    pub categories: Json,
    pub slots: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub requirements: Option<String>,
    /// open, paused, closed
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
