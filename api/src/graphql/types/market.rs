//! The link-exchange market as the API shows it: its enums, offers and site verification.
//! Deals are in [`super::deal`].
use super::site::Site;
use super::to_id;
use crate::services::json_strings;
use crate::services::market as svc;
use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use entities::link_offer;

/// Where on the offering site the link goes.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "svc::Placement")]
pub enum LinkPlacement {
    /// The home page.
    Homepage,
    /// The footer of every page.
    Footer,
    /// A sidebar.
    Sidebar,
    /// Inside an article.
    Article,
    /// A partners (友情链接) page.
    PartnersPage,
}

/// Whether both sites link to each other.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "svc::OfferKind")]
pub enum OfferKind {
    /// Both sites place a link.
    Reciprocal,
    /// Only the offering site places a link.
    OneWay,
}

/// Whether an offer takes proposals.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "svc::OfferStatus")]
pub enum OfferStatus {
    /// Takes proposals.
    Open,
    /// Temporarily takes none.
    Paused,
    /// Ended.
    Closed,
}

/// A deal's status: PROPOSED → ACCEPTED → LIVE ⇄ BROKEN; REJECTED, CANCELLED, EXPIRED end it.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "svc::DealStatus")]
pub enum DealStatus {
    /// The partner proposed; the offering site decides.
    Proposed,
    /// Accepted; placements are being submitted and checked.
    Accepted,
    /// Every required link was verified; Wharf keeps watching it.
    Live,
    /// A watched link failed several checks in a row.
    Broken,
    /// The offering site said no.
    Rejected,
    /// One side ended it.
    Cancelled,
    /// Nobody acted in time.
    Expired,
}

/// One of the two sites of a deal.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "svc::Side")]
pub enum DealSide {
    /// The site that published the offer.
    Offer,
    /// The site that proposed the deal.
    Partner,
}

/// A link placement a verified site offers.
pub struct LinkOffer(pub link_offer::Model);

#[Object]
impl LinkOffer {
    /// The offer's ID.
    async fn id(&self) -> ID {
        to_id(self.0.id)
    }

    /// The offering site.
    async fn site(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Site>> {
        super::site_of(ctx, self.0.site_id).await
    }

    /// Short title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What the partner gets.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Where the link goes.
    async fn placement(&self) -> LinkPlacement {
        self.0.placement.into()
    }

    /// Reciprocal or one-way.
    async fn kind(&self) -> OfferKind {
        self.0.kind.into()
    }

    /// Languages of the placement page.
    async fn languages(&self) -> Vec<String> {
        json_strings(&self.0.languages)
    }

    /// Market categories.
    async fn categories(&self) -> Vec<String> {
        json_strings(&self.0.categories)
    }

    /// How many deals may be active at once.
    async fn slots(&self) -> i32 {
        self.0.slots
    }

    /// What partners must meet.
    async fn requirements(&self) -> Option<&str> {
        self.0.requirements.as_deref()
    }

    /// Open, paused or closed.
    async fn status(&self) -> OfferStatus {
        self.0.status.into()
    }

    /// When it was published.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// The result of looking for a site's verification token.
pub struct SiteVerification(pub svc::verify::Verification);

#[Object]
impl SiteVerification {
    /// Whether the token was found now.
    async fn verified(&self) -> bool {
        self.0.verified
    }

    /// Where: `meta` (home page) or `well_known` (the file under `/.well-known/`).
    async fn method(&self) -> Option<&str> {
        self.0.method
    }

    /// Why it was not found.
    async fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }

    /// The site, with its recorded verification.
    async fn site(&self) -> Site {
        Site(self.0.site.clone())
    }
}

/// An offer to publish.
#[derive(InputObject)]
pub struct CreateLinkOfferInput {
    /// Your verified site (its ID or domain).
    pub site_id: ID,
    /// Short title.
    pub title: String,
    /// What the partner gets.
    #[graphql(default)]
    pub description: String,
    /// Where the link goes.
    pub placement: LinkPlacement,
    /// Reciprocal or one-way.
    pub kind: OfferKind,
    /// Languages of the placement page (`zh-CN`, `en`, ...).
    #[graphql(default)]
    pub languages: Vec<String>,
    /// Market categories.
    #[graphql(default)]
    pub categories: Vec<String>,
    /// How many deals may be active at once.
    #[graphql(default = 1)]
    pub slots: i32,
    /// What partners must meet.
    pub requirements: Option<String>,
}

/// Changes to an offer.
#[derive(InputObject)]
pub struct UpdateLinkOfferInput {
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New slot count.
    pub slots: Option<i32>,
    /// New requirements.
    pub requirements: Option<String>,
    /// Open, pause or close the offer.
    pub status: Option<OfferStatus>,
}

/// Filters of `linkOffers`.
#[derive(InputObject, Default)]
pub struct LinkOfferFilter {
    /// Only offers of this site (ID or domain).
    pub site: Option<String>,
    /// Only offers in this category.
    pub category: Option<String>,
    /// Only offers in this language.
    pub language: Option<String>,
    /// Only this kind.
    pub kind: Option<OfferKind>,
    /// Only this placement.
    pub placement: Option<LinkPlacement>,
    /// OPEN by default; other statuses for the site's own agents, with `site`.
    pub status: Option<OfferStatus>,
}
