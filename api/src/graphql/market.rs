//! Reads and writes of the link-exchange market. Thin: each resolver calls one service.
use crate::graphql::context::{PageArgs, principal, state};
use crate::graphql::types::connection::{Conn, connection, list_complexity};
use crate::graphql::types::deal::{
    LinkDeal, LinkDealFilter, ProposeLinkDealInput, SubmitLinkPlacementInput,
};
use crate::graphql::types::market::{
    CreateLinkOfferInput, LinkOffer, LinkOfferFilter, SiteVerification, UpdateLinkOfferInput,
};
use crate::graphql::types::{id_arg, site_id_arg};
use crate::services::market::{check, deal, offer, verify};
use async_graphql::{Context, ID, Object};

/// Reads of the market: open offers (anyone), deals (their sites' agents).
#[derive(Default)]
pub struct MarketQuery;

#[Object]
impl MarketQuery {
    /// Link offers, newest first: open ones to anyone, filtered by category, language, kind,
    /// placement or site.
    #[graphql(complexity = "list_complexity(first, child_complexity)")]
    async fn link_offers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<LinkOfferFilter>,
    ) -> async_graphql::Result<Conn<LinkOffer>> {
        let st = state(ctx)?;
        let page = PageArgs { first, after }.parse(ctx, "offers")?;
        let f = filter.unwrap_or_default();
        let filter = offer::OfferFilter {
            site: f.site,
            category: f.category,
            language: f.language,
            kind: f.kind.map(Into::into),
            placement: f.placement.map(Into::into),
            status: f.status.map(Into::into),
        };
        let page = offer::list_offers(&st.db, principal(ctx), filter, &page).await?;
        Ok(connection(page, LinkOffer))
    }

    /// One offer: open ones to anyone, others to the offering site's agents.
    async fn link_offer(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<LinkOffer> {
        let db = &state(ctx)?.db;
        Ok(LinkOffer(
            offer::get_offer(db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }

    /// Deals of the sites you act for (`deals:read`), newest first.
    #[graphql(complexity = "list_complexity(first, child_complexity)")]
    async fn link_deals(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<LinkDealFilter>,
    ) -> async_graphql::Result<Conn<LinkDeal>> {
        let st = state(ctx)?;
        let page = PageArgs { first, after }.parse(ctx, "deals")?;
        let f = filter.unwrap_or_default();
        let filter = deal::DealFilter {
            site: f.site,
            status: f.status.map(Into::into),
        };
        let page = deal::list_deals(&st.db, principal(ctx), filter, &page).await?;
        Ok(connection(page, LinkDeal))
    }

    /// One deal, with its history; for the agents of its two sites.
    async fn link_deal(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<LinkDeal> {
        let db = &state(ctx)?.db;
        Ok(LinkDeal(
            deal::get_deal(db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }
}

/// Writes of the market: verification, offers, deals and checks.
#[derive(Default)]
pub struct MarketMutation;

#[Object]
impl MarketMutation {
    /// Looks for the site's token in `<meta name="wharf-site-verification" content="…">` on its
    /// home page, or in `/.well-known/wharf-verification.txt`, and records the result.
    async fn verify_site(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The site, by ID or domain.")] site_id: ID,
    ) -> async_graphql::Result<SiteVerification> {
        let st = state(ctx)?;
        Ok(SiteVerification(
            verify::verify_site(
                &st.db,
                &st.checker,
                principal(ctx),
                site_id_arg(&st.db, "siteId", &site_id).await?,
            )
            .await?,
        ))
    }

    /// Publishes a link offer for a verified site.
    async fn create_link_offer(
        &self,
        ctx: &Context<'_>,
        input: CreateLinkOfferInput,
    ) -> async_graphql::Result<LinkOffer> {
        let db = &state(ctx)?.db;
        let new = offer::NewOffer {
            site_id: site_id_arg(db, "siteId", &input.site_id)
                .await
                .map_err(|e| e.in_input("input"))?,
            title: input.title,
            description: input.description,
            placement: input.placement.into(),
            kind: input.kind.into(),
            languages: input.languages,
            categories: input.categories,
            slots: input.slots,
            requirements: input.requirements,
        };
        let created = offer::create_offer(db, principal(ctx), new)
            .await
            .map_err(|e| e.in_input("input"))?;
        Ok(LinkOffer(created))
    }

    /// Changes an offer: texts, slots, or its status (pause, close, reopen).
    async fn update_link_offer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateLinkOfferInput,
    ) -> async_graphql::Result<LinkOffer> {
        let patch = offer::OfferPatch {
            title: input.title,
            description: input.description,
            slots: input.slots,
            requirements: input.requirements,
            status: input.status.map(Into::into),
        };
        let updated =
            offer::update_offer(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?, patch)
                .await
                .map_err(|e| e.in_input("input"))?;
        Ok(LinkOffer(updated))
    }

    /// Proposes a deal on an open offer for your verified site.
    async fn propose_link_deal(
        &self,
        ctx: &Context<'_>,
        input: ProposeLinkDealInput,
    ) -> async_graphql::Result<LinkDeal> {
        let offer_id = id_arg("offerId", &input.offer_id).map_err(|e| e.in_input("input"))?;
        let db = &state(ctx)?.db;
        let site_id = site_id_arg(db, "siteId", &input.site_id)
            .await
            .map_err(|e| e.in_input("input"))?;
        let created = deal::propose_deal(db, principal(ctx), offer_id, site_id, input.message)
            .await
            .map_err(|e| e.in_input("input"))?;
        Ok(LinkDeal(created))
    }

    /// Accepts a proposed deal (the offering site).
    async fn accept_link_deal(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<LinkDeal> {
        act(ctx, id, deal::DealAction::Accept, None).await
    }

    /// Rejects a proposed deal (the offering site).
    async fn reject_link_deal(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<LinkDeal> {
        act(ctx, id, deal::DealAction::Reject, reason).await
    }

    /// Cancels a deal: the proposing site while proposed; either site once accepted.
    async fn cancel_link_deal(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: Option<String>,
    ) -> async_graphql::Result<LinkDeal> {
        act(ctx, id, deal::DealAction::Cancel, reason).await
    }

    /// Records where your side's link sits. Once every required placement is in, the watcher
    /// checks the deal; `checkLinkDeal` checks at once.
    async fn submit_link_placement(
        &self,
        ctx: &Context<'_>,
        input: SubmitLinkPlacementInput,
    ) -> async_graphql::Result<LinkDeal> {
        let id = id_arg("dealId", &input.deal_id).map_err(|e| e.in_input("input"))?;
        let placement = deal::PlacementInput {
            side: input.side.map(Into::into),
            page_url: input.page_url,
            target_url: input.target_url,
            anchor_text: input.anchor_text,
        };
        let updated = deal::submit_placement(&state(ctx)?.db, principal(ctx), id, placement)
            .await
            .map_err(|e| e.in_input("input"))?;
        Ok(LinkDeal(updated))
    }

    /// Checks the deal's placements now; the result goes into its history and may move it
    /// (accepted → live, live → broken, broken → live).
    async fn check_link_deal(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<LinkDeal> {
        let st = state(ctx)?;
        let checked = check::check_deal_now(
            &st.db,
            &st.checker,
            &st.settings,
            principal(ctx),
            id_arg("id", &id)?,
        )
        .await?;
        st.outbox_wake.notify_one();
        Ok(LinkDeal(checked))
    }
}

async fn act(
    ctx: &Context<'_>,
    id: ID,
    action: deal::DealAction,
    note: Option<String>,
) -> async_graphql::Result<LinkDeal> {
    let st = state(ctx)?;
    let moved = deal::act_on_deal(&st.db, principal(ctx), id_arg("id", &id)?, action, note).await?;
    st.outbox_wake.notify_one();
    Ok(LinkDeal(moved))
}
