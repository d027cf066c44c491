//! A deal between the site that made an offer and the site that answered it.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "link_deals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub offer_id: Uuid,
    /// The site that published the offer.
    pub offer_site_id: Uuid,
    /// The site that proposed the deal.
    pub partner_site_id: Uuid,
    pub proposed_by: Option<Uuid>,
    /// proposed, accepted, live, broken, rejected, cancelled, expired
    pub status: String,
    /// Optimistic-lock counter: a transition applies only to the version it read.
    pub version: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub message: Option<String>,
    /// Placement of the link the offering site gives: page, target, anchor.
    pub offer_page_url: Option<String>,
    pub offer_target_url: Option<String>,
    pub offer_anchor_text: Option<String>,
    /// Placement of the link the partner site gives back.
    pub partner_page_url: Option<String>,
    pub partner_target_url: Option<String>,
    pub partner_anchor_text: Option<String>,
    pub consecutive_failures: i32,
    pub last_checked_at: Option<DateTimeUtc>,
    pub next_check_at: Option<DateTimeUtc>,
    pub live_since: Option<DateTimeUtc>,
    pub expires_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
