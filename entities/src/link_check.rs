//! The result of fetching one placement page and looking for the partner's link.
use sea_orm::entity::prelude::*;

/// One of the two sites of a deal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Side {
    /// The site that published the offer.
    #[sea_orm(string_value = "offer")]
    Offer,
    /// The site that proposed the deal.
    #[sea_orm(string_value = "partner")]
    Partner,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "link_checks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub deal_id: Uuid,
    /// Whose placement was checked.
    pub side: Side,
    pub page_url: String,
    pub http_status: Option<i32>,
    /// The link was found and counts (followable page, not robots-blocked).
    pub live: bool,
    pub link_found: bool,
    pub rel: Option<String>,
    pub anchor_text: Option<String>,
    pub noindex: bool,
    pub nofollow_page: bool,
    pub robots_blocked: bool,
    /// JSON array of the URLs of the redirect chain.
    pub redirect_chain: Json,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub checked_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
