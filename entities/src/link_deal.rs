//! A deal between the site that made an offer and the site that answered it.
use sea_orm::entity::prelude::*;

/// A deal's place in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum DealStatus {
    /// The partner proposed; the offering site decides.
    #[sea_orm(string_value = "proposed")]
    Proposed,
    /// Accepted; placements are being submitted and checked.
    #[sea_orm(string_value = "accepted")]
    Accepted,
    /// Every required link was verified and is watched.
    #[sea_orm(string_value = "live")]
    Live,
    /// A watched link failed several checks in a row.
    #[sea_orm(string_value = "broken")]
    Broken,
    /// The offering site said no.
    #[sea_orm(string_value = "rejected")]
    Rejected,
    /// One side ended it.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    /// Nobody acted in time.
    #[sea_orm(string_value = "expired")]
    Expired,
}

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
    pub status: DealStatus,
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
