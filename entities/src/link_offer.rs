//! A link placement a verified site offers in the exchange market.
use sea_orm::entity::prelude::*;

/// Where on the offering site the link goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
pub enum Placement {
    /// The home page.
    #[sea_orm(string_value = "homepage")]
    Homepage,
    /// The footer of every page.
    #[sea_orm(string_value = "footer")]
    Footer,
    /// A sidebar.
    #[sea_orm(string_value = "sidebar")]
    Sidebar,
    /// Inside an article.
    #[sea_orm(string_value = "article")]
    Article,
    /// A partners (友情链接) page.
    #[sea_orm(string_value = "partners_page")]
    PartnersPage,
}

/// Whether both sites link to each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum OfferKind {
    /// Both sites place a link.
    #[sea_orm(string_value = "reciprocal")]
    Reciprocal,
    /// Only the offering site places a link.
    #[sea_orm(string_value = "one_way")]
    OneWay,
}

/// Whether an offer takes proposals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum OfferStatus {
    /// Takes proposals.
    #[sea_orm(string_value = "open")]
    Open,
    /// Temporarily takes none.
    #[sea_orm(string_value = "paused")]
    Paused,
    /// Ended.
    #[sea_orm(string_value = "closed")]
    Closed,
}

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
    pub placement: Placement,
    pub kind: OfferKind,
    /// JSON array of languages.
    pub languages: Json,
    /// JSON array of categories.
    pub categories: Json,
    pub slots: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub requirements: Option<String>,
    pub status: OfferStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
