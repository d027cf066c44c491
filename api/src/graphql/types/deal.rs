//! Deals as the API shows them: the deal, its placements, events and checks.
use super::market::{DealSide, DealStatus, LinkOffer};
use super::site::Site;
use super::to_id;
use super::user::User;
use crate::graphql::context::state;
use crate::services::json_strings;
use crate::services::market::deal;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::{link_check, link_deal, link_deal_event};

/// Where one side's link sits.
#[derive(SimpleObject)]
pub struct DealPlacement {
    /// The page carrying the link.
    pub page_url: String,
    /// Where the link points.
    pub target_url: Option<String>,
    /// The anchor text agreed.
    pub anchor_text: Option<String>,
}

/// A deal between an offering site and a proposing site.
pub struct LinkDeal(pub link_deal::Model);

#[Object]
impl LinkDeal {
    /// The deal's ID.
    async fn id(&self) -> ID {
        to_id(self.0.id)
    }

    /// The offer the deal answers.
    async fn offer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<LinkOffer>> {
        Ok(deal::offer_of(&state(ctx)?.db, &self.0)
            .await?
            .map(LinkOffer))
    }

    /// The site that published the offer.
    async fn offer_site(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Site>> {
        super::site_of(ctx, self.0.offer_site_id).await
    }

    /// The site that proposed the deal.
    async fn partner_site(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Site>> {
        super::site_of(ctx, self.0.partner_site_id).await
    }

    /// Where the deal stands.
    async fn status(&self) -> DealStatus {
        self.0.status.into()
    }

    /// Optimistic-lock counter; it grows with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The proposer's message.
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// The offering site's placement (its link to the partner), once submitted.
    async fn offer_placement(&self) -> Option<DealPlacement> {
        self.0.offer_page_url.as_ref().map(|page| DealPlacement {
            page_url: page.clone(),
            target_url: self.0.offer_target_url.clone(),
            anchor_text: self.0.offer_anchor_text.clone(),
        })
    }

    /// The proposing site's placement (its link back), once submitted.
    async fn partner_placement(&self) -> Option<DealPlacement> {
        self.0.partner_page_url.as_ref().map(|page| DealPlacement {
            page_url: page.clone(),
            target_url: self.0.partner_target_url.clone(),
            anchor_text: self.0.partner_anchor_text.clone(),
        })
    }

    /// Failed checks in a row since the last good one.
    async fn consecutive_failures(&self) -> i32 {
        self.0.consecutive_failures
    }

    /// When the links were last checked.
    async fn last_checked_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_checked_at
    }

    /// When the watcher checks next.
    async fn next_check_at(&self) -> Option<DateTime<Utc>> {
        self.0.next_check_at
    }

    /// When the deal first went live.
    async fn live_since(&self) -> Option<DateTime<Utc>> {
        self.0.live_since
    }

    /// When a proposal or accepted deal expires if nobody moves it.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    /// Every transition, oldest first: who, when, from and to.
    async fn events(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DealEvent>> {
        Ok(deal::deal_events(&state(ctx)?.db, self.0.id)
            .await?
            .into_iter()
            .map(DealEvent)
            .collect())
    }

    /// Checks of the placements, newest first.
    async fn checks(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20, desc = "How many (at most 100).")] last: i32,
    ) -> async_graphql::Result<Vec<LinkCheck>> {
        let limit = u64::try_from(last.clamp(1, 100)).unwrap_or(20);
        Ok(deal::deal_checks(&state(ctx)?.db, self.0.id, limit)
            .await?
            .into_iter()
            .map(LinkCheck)
            .collect())
    }

    /// When the deal was proposed.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// One transition of a deal.
pub struct DealEvent(pub link_deal_event::Model);

#[Object]
impl DealEvent {
    /// The status before; null for the proposal.
    async fn from_status(&self) -> Option<DealStatus> {
        self.0.from_status.map(Into::into)
    }

    /// The status after (equal to `fromStatus` for a placement submission).
    async fn to_status(&self) -> DealStatus {
        self.0.to_status.into()
    }

    /// Who did it; null when the link checker or the clock did.
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        super::user_of(ctx, self.0.actor_id).await
    }

    /// A note: the reason given, or the checker's findings.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// One check of one placement, kept in the deal's history.
pub struct LinkCheck(pub link_check::Model);

#[Object]
impl LinkCheck {
    /// Whose placement was checked.
    async fn side(&self) -> DealSide {
        self.0.side.into()
    }

    /// The page checked.
    async fn page_url(&self) -> &str {
        &self.0.page_url
    }

    /// The final HTTP status, when a response came.
    async fn http_status(&self) -> Option<i32> {
        self.0.http_status
    }

    /// The link counts: found, followed, on a 2xx page that may be indexed and crawled.
    async fn live(&self) -> bool {
        self.0.live
    }

    /// A link to the partner's domain is on the page.
    async fn link_found(&self) -> bool {
        self.0.link_found
    }

    /// `follow`, or the `nofollow`/`sponsored`/`ugc` values of the link's `rel`.
    async fn rel(&self) -> Option<&str> {
        self.0.rel.as_deref()
    }

    /// The link's anchor text, whitespace collapsed.
    async fn anchor_text(&self) -> Option<&str> {
        self.0.anchor_text.as_deref()
    }

    /// Meta robots or `X-Robots-Tag` says noindex.
    async fn noindex(&self) -> bool {
        self.0.noindex
    }

    /// Meta robots or `X-Robots-Tag` says nofollow.
    async fn nofollow_page(&self) -> bool {
        self.0.nofollow_page
    }

    /// robots.txt disallows the page.
    async fn robots_blocked(&self) -> bool {
        self.0.robots_blocked
    }

    /// Every URL requested, in order (more than one when redirected).
    async fn redirect_chain(&self) -> Vec<String> {
        json_strings(&self.0.redirect_chain)
    }

    /// Why the check failed, when it did.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// When.
    async fn checked_at(&self) -> DateTime<Utc> {
        self.0.checked_at
    }
}

/// Filters of `linkDeals`.
#[derive(InputObject, Default)]
pub struct LinkDealFilter {
    /// Only deals of this site (ID or domain), on either side.
    pub site: Option<String>,
    /// Only deals in this status.
    pub status: Option<DealStatus>,
}

/// Where your side's link sits.
#[derive(InputObject)]
pub struct SubmitLinkPlacementInput {
    /// The deal.
    pub deal_id: ID,
    /// Your side; needed only when you act for both sites.
    pub side: Option<DealSide>,
    /// The page on your site that carries the link.
    pub page_url: String,
    /// Where the link points, on the other site.
    pub target_url: String,
    /// The anchor text agreed.
    pub anchor_text: String,
}

/// A deal to propose on an open offer.
#[derive(InputObject)]
pub struct ProposeLinkDealInput {
    /// The offer to answer.
    pub offer_id: ID,
    /// Your verified site that will take (and, if reciprocal, give) the link (its ID or
    /// domain).
    pub site_id: ID,
    /// A message to the offering site.
    pub message: Option<String>,
}
