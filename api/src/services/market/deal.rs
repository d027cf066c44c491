//! Deals: proposing, deciding, placing links, and reading deals with their history. The rules
//! of moving a deal live in [`super::machine`].
use super::machine::{Mover, apply_transition, check_transition, is_final, record_event};
use super::{DealStatus, OfferKind, OfferStatus, Side, is_site_agent, require_site_agent};
use crate::auth::{Principal, Scope};
use crate::domain::bounded_text;
use crate::error::{AppError, AppResult, Reason, on_constraint_with};
use crate::linkcheck::html::site_host;
use crate::services::{for_update, now, site::get_site};
use chrono::Duration;
use entities::{link_deal, link_offer};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

pub use super::deal_read::{DealFilter, deal_checks, deal_events, list_deals, offer_of};

/// How long a proposal waits for an answer.
pub const PROPOSAL_TTL_DAYS: i64 = 14;
/// How long an accepted deal has to go live.
pub const ACCEPTED_TTL_DAYS: i64 = 30;
/// Statuses that hold one of the offer's slots.
const ACTIVE: [DealStatus; 3] = [DealStatus::Accepted, DealStatus::Live, DealStatus::Broken];
/// Statuses of a deal that is not over: a site has at most one such deal per offer.
const OPEN: [DealStatus; 4] = [
    DealStatus::Proposed,
    DealStatus::Accepted,
    DealStatus::Live,
    DealStatus::Broken,
];
/// The partial unique index over open deals (migration `m20261130_000006_one_open_deal`), by
/// its PostgreSQL name and by the columns SQLite names.
const OPEN_DEAL_CONSTRAINT: (&str, &str) = (
    "ux_link_deals_open_offer_partner",
    "link_deals.offer_id, link_deals.partner_site_id",
);

/// The sides of `deal` the caller acts for with `scope`.
pub async fn sides_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    deal: &link_deal::Model,
    scope: Scope,
) -> AppResult<Vec<Side>> {
    let mut sides = Vec::new();
    if is_site_agent(db, principal, deal.offer_site_id, scope).await? {
        sides.push(Side::Offer);
    }
    if is_site_agent(db, principal, deal.partner_site_id, scope).await? {
        sides.push(Side::Partner);
    }
    Ok(sides)
}

fn movers_for(sides: &[Side]) -> Vec<Mover> {
    sides
        .iter()
        .map(|s| match s {
            Side::Offer => Mover::OfferSide,
            Side::Partner => Mover::PartnerSide,
        })
        .collect()
}

/// A deal the caller may read (agents of either site with `deals:read`); others get NOT_FOUND.
pub async fn get_deal(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> AppResult<link_deal::Model> {
    let deal = link_deal::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("deal"))?;
    principal.require_user()?;
    if sides_of(db, principal, &deal, Scope::DealsRead)
        .await?
        .is_empty()
    {
        return Err(AppError::not_found("deal"));
    }
    Ok(deal)
}

/// Proposes a deal on an open offer, for the caller's verified site `site_id`.
pub async fn propose_deal(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    offer_id: Uuid,
    site_id: Uuid,
    message: Option<String>,
) -> AppResult<link_deal::Model> {
    let offer = link_offer::Entity::find_by_id(offer_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("offer").at("offerId"))?;
    let site = get_site(db, site_id)
        .await?
        .ok_or_else(|| AppError::not_found("site").at("siteId"))?;
    let user_id = require_site_agent(db, principal, site.id).await?;
    if offer.status != OfferStatus::Open {
        return Err(offer_not_open(offer.status));
    }
    let offer_site_verified = get_site(db, offer.site_id)
        .await?
        .is_some_and(|s| s.verified_at.is_some());
    if !offer_site_verified {
        return Err(
            AppError::conflict("offerId", "the offering site is no longer verified")
                .because(Reason::SiteNotVerified),
        );
    }
    if site.id == offer.site_id {
        return Err(
            AppError::bad_input("siteId", "a site cannot take its own offer")
                .because(Reason::OwnOffer),
        );
    }
    if site.verified_at.is_none() {
        return Err(AppError::bad_input(
            "siteId",
            "only verified sites may propose deals; run verifySite first",
        )
        .because(Reason::SiteNotVerified));
    }
    let message = message
        .map(|m| bounded_text("message", &m, 0, 2000))
        .transpose()?;
    let now = now();
    let txn = crate::services::begin_write(db).await?;
    // Under the offer's lock, so concurrent proposals for one site see each other.
    let offer = locked_offer(&txn, offer.id).await?;
    if offer.status != OfferStatus::Open {
        return Err(offer_not_open(offer.status));
    }
    let open = link_deal::Entity::find()
        .filter(link_deal::Column::OfferId.eq(offer.id))
        .filter(link_deal::Column::PartnerSiteId.eq(site.id))
        .filter(link_deal::Column::Status.is_in(OPEN))
        .count(&txn)
        .await?;
    if open > 0 {
        return Err(already_open());
    }
    let deal = link_deal::ActiveModel {
        id: Set(Uuid::now_v7()),
        offer_id: Set(offer.id),
        offer_site_id: Set(offer.site_id),
        partner_site_id: Set(site.id),
        proposed_by: Set(Some(user_id)),
        status: Set(DealStatus::Proposed),
        version: Set(1),
        message: Set(message),
        offer_page_url: Set(None),
        offer_target_url: Set(None),
        offer_anchor_text: Set(None),
        partner_page_url: Set(None),
        partner_target_url: Set(None),
        partner_anchor_text: Set(None),
        consecutive_failures: Set(0),
        last_checked_at: Set(None),
        next_check_at: Set(None),
        live_since: Set(None),
        expires_at: Set(Some(now + Duration::days(PROPOSAL_TTL_DAYS))),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| on_constraint_with(e, OPEN_DEAL_CONSTRAINT, already_open))?;
    record_event(&txn, &deal, None, DealStatus::Proposed, Some(user_id), None).await?;
    txn.commit().await?;
    Ok(deal)
}

/// A decision a site takes on a deal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DealAction {
    /// proposed → accepted (offering site).
    Accept,
    /// proposed → rejected (offering site).
    Reject,
    /// → cancelled (proposing site while proposed; either side later).
    Cancel,
}

/// Applies a site's decision.
pub async fn act_on_deal(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    action: DealAction,
    note: Option<String>,
) -> AppResult<link_deal::Model> {
    let user_id = principal.require_user()?;
    let deal = get_deal(db, principal, id).await?;
    let from = deal.status;
    let to = match action {
        DealAction::Accept => DealStatus::Accepted,
        DealAction::Reject => DealStatus::Rejected,
        DealAction::Cancel => DealStatus::Cancelled,
    };
    let sides = sides_of(db, principal, &deal, Scope::DealsWrite).await?;
    if sides.is_empty() {
        return Err(AppError::forbidden(
            "only the deal's sites may act on it (owners, or API tokens with deals:write)",
        )
        .because(Reason::NotYourDeal));
    }
    check_transition(from, to, &movers_for(&sides))?;
    let note = note
        .map(|n| bounded_text("note", &n, 0, 2000))
        .transpose()?;
    let mut changes = <link_deal::ActiveModel as Default>::default();
    if to == DealStatus::Accepted {
        changes.expires_at = Set(Some(now() + Duration::days(ACCEPTED_TTL_DAYS)));
    }
    if is_final(to) {
        changes.next_check_at = Set(None);
        changes.expires_at = Set(None);
    }
    let txn = crate::services::begin_write(db).await?;
    if to == DealStatus::Accepted {
        // Counted under the offer's lock, inside the transaction that takes the slot, so
        // concurrent accepts see each other and never take more slots than the offer has.
        let offer = locked_offer(&txn, deal.offer_id).await?;
        let taken = link_deal::Entity::find()
            .filter(link_deal::Column::OfferId.eq(offer.id))
            .filter(link_deal::Column::Status.is_in(ACTIVE))
            .count(&txn)
            .await?;
        if taken >= u64::try_from(offer.slots).unwrap_or(0) {
            return Err(
                AppError::conflict("slots", "every slot of this offer is taken")
                    .because(Reason::SlotsFull),
            );
        }
    }
    let deal = apply_transition(&txn, &deal, Some(to), Some(user_id), note, changes).await?;
    txn.commit().await?;
    Ok(deal)
}

/// Reads an offer with a lock held until the transaction ends (see
/// [`for_update`](crate::services::for_update)). Every change that depends on the offer's
/// deals (a proposal, an accept) takes it first, so such changes to one offer run one at a time.
async fn locked_offer(txn: &impl ConnectionTrait, id: Uuid) -> AppResult<link_offer::Model> {
    for_update(
        link_offer::Entity::find_by_id(id),
        txn.get_database_backend(),
    )
    .one(txn)
    .await?
    .ok_or_else(|| AppError::not_found("offer").at("offerId"))
}

fn already_open() -> AppError {
    AppError::conflict(
        "offerId",
        "this site already has an open deal on this offer",
    )
    .because(Reason::DealAlreadyOpen)
}

fn offer_not_open(status: OfferStatus) -> AppError {
    AppError::conflict("offerId", format!("the offer is {}", status.to_value()))
        .because(Reason::OfferNotOpen)
        .with("status", status.to_value().to_uppercase())
}

/// Where a site placed its link.
pub struct PlacementInput {
    /// Whose placement; needed only when the caller acts for both sites.
    pub side: Option<Side>,
    /// The page on the placing site that carries the link.
    pub page_url: String,
    /// Where the link points, on the other site.
    pub target_url: String,
    /// The anchor text agreed.
    pub anchor_text: String,
}

/// Records a side's placement. Allowed while accepted, live or broken; the watcher checks the
/// deal soon after every required placement is in.
pub async fn submit_placement(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    input: PlacementInput,
) -> AppResult<link_deal::Model> {
    let user_id = principal.require_user()?;
    let deal = get_deal(db, principal, id).await?;
    let sides = sides_of(db, principal, &deal, Scope::DealsWrite).await?;
    let side = match (input.side, sides.as_slice()) {
        (_, []) => {
            return Err(AppError::forbidden(
                "only the deal's sites may submit placements (owners, or API tokens with deals:write)",
            )
            .because(Reason::NotYourDeal));
        }
        (Some(side), sides) if sides.contains(&side) => side,
        (Some(_), _) => {
            return Err(
                AppError::forbidden("you do not act for that side of the deal")
                    .because(Reason::NotYourSide),
            );
        }
        (None, [one]) => *one,
        (None, _) => {
            return Err(
                AppError::bad_input("side", "you act for both sites: name the side")
                    .because(Reason::SideRequired),
            );
        }
    };
    let status = deal.status;
    if !ACTIVE.contains(&status) {
        return Err(AppError::conflict(
            "status",
            format!(
                "placements are submitted once the deal is accepted; it is {}",
                status.to_value()
            ),
        )
        .because(Reason::DealStatus)
        .with("status", status.to_value().to_uppercase()));
    }
    let offer_site = get_site(db, deal.offer_site_id)
        .await?
        .ok_or_else(|| AppError::not_found("site"))?;
    let partner_site = get_site(db, deal.partner_site_id)
        .await?
        .ok_or_else(|| AppError::not_found("site"))?;
    let (own, other) = match side {
        Side::Offer => (&offer_site.domain, &partner_site.domain),
        Side::Partner => (&partner_site.domain, &offer_site.domain),
    };
    let page_url = url_on("pageUrl", &input.page_url, own, true)?;
    let target_url = url_on("targetUrl", &input.target_url, other, false)?;
    let anchor = bounded_text("anchorText", &input.anchor_text, 1, 200)?;
    let mut changes = <link_deal::ActiveModel as Default>::default();
    match side {
        Side::Offer => {
            changes.offer_page_url = Set(Some(page_url.clone()));
            changes.offer_target_url = Set(Some(target_url));
            changes.offer_anchor_text = Set(Some(anchor));
        }
        Side::Partner => {
            changes.partner_page_url = Set(Some(page_url.clone()));
            changes.partner_target_url = Set(Some(target_url));
            changes.partner_anchor_text = Set(Some(anchor));
        }
    }
    let offer = link_offer::Entity::find_by_id(deal.offer_id)
        .one(db)
        .await?;
    let reciprocal = offer.is_none_or(|o| o.kind == OfferKind::Reciprocal);
    let offer_in = side == Side::Offer || deal.offer_page_url.is_some();
    let partner_in = side == Side::Partner || deal.partner_page_url.is_some() || !reciprocal;
    if offer_in && partner_in {
        changes.next_check_at = Set(Some(now()));
    }
    let note = format!("{} placement submitted: {page_url}", side.to_value());
    let txn = crate::services::begin_write(db).await?;
    let deal = apply_transition(&txn, &deal, None, Some(user_id), Some(note), changes).await?;
    txn.commit().await?;
    Ok(deal)
}

/// Checks that `raw` is an http(s) URL on `domain` (or, for pages, one of its subdomains).
fn url_on(field: &str, raw: &str, domain: &str, subdomains: bool) -> AppResult<String> {
    let url = url::Url::parse(raw.trim()).map_err(|e| {
        AppError::bad_input(field, format!("{field} is not a URL: {e}")).because(Reason::InvalidUrl)
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(
            AppError::bad_input(field, format!("{field} must be http or https"))
                .because(Reason::InvalidUrl),
        );
    }
    let host = site_host(&url).unwrap_or_default();
    let ok = host == domain || (subdomains && host.ends_with(&format!(".{domain}")));
    if !ok {
        return Err(
            AppError::bad_input(field, format!("{field} must be on {domain}"))
                .because(Reason::UrlNotOnDomain)
                .with("domain", domain),
        );
    }
    Ok(url.to_string())
}
