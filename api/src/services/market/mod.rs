//! The link-exchange market (友链交换): verified sites, offers, deals and their checks.
//!
//! - [`verify`]: proving a site's ownership with a token on its home page or under
//!   `/.well-known/`.
//! - [`offer`]: link placements a verified site offers.
//! - [`deal`]: the deal state machine, its transitions and their history.
//! - [`check`]: checking both placements and turning the result into transitions, for requests
//!   and for the watcher.
//!
//! A site acts in the market through its owners, global admins, and API tokens with
//! `deals:write` that reach the site ([`require_site_agent`]).
pub mod check;
pub mod deal;
mod deal_read;
pub mod machine;
pub mod offer;
pub mod profile;
pub mod verify;

use crate::auth::{Principal, Scope};
use crate::error::{AppError, AppResult, Reason};
use crate::services::authz::caller_role;
use crate::services::site::SiteKey;
use entities::site_member::SiteRole;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

// The market's enums are stored as strings (sea-orm active enums) in the entities crate.
pub use entities::link_check::Side;
pub use entities::link_deal::DealStatus;
pub use entities::link_offer::{OfferKind, OfferStatus, Placement};

/// Checks that the caller may act in the market for `site_id` (owners, admins, and API tokens
/// with `deals:write` reaching the site); returns the acting user.
pub async fn require_site_agent(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<Uuid> {
    let user_id = principal.require_user()?;
    if !principal.token_allows(Scope::DealsWrite, Some(site_id)) {
        return Err(AppError::forbidden(
            "this API token lacks the deals:write scope for this site",
        )
        .because(Reason::TokenScopeMissing)
        .with("scope", Scope::DealsWrite.as_str()));
    }
    if is_site_agent(db, principal, site_id, Scope::DealsWrite).await? {
        return Ok(user_id);
    }
    Err(
        AppError::forbidden("only the site's owners may act for it in the market")
            .because(Reason::OwnersOnly),
    )
}

/// Whether the caller may act for (`deals:write`) or read the deals of (`deals:read`) the site.
pub async fn is_site_agent(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
    scope: Scope,
) -> AppResult<bool> {
    if principal.user_id().is_none() || !principal.token_allows(scope, Some(site_id)) {
        return Ok(false);
    }
    if principal.is_admin_on(site_id) {
        return Ok(true);
    }
    let role = caller_role(db, principal, site_id).await?;
    Ok(match scope {
        Scope::DealsWrite => role == Some(SiteRole::Owner),
        _ => role.is_some(),
    })
}

/// The site a market list's `filter.site` names by ID or domain, resolved as article lists do
/// ([`SiteKey`]); NOT_FOUND when there is no such site.
async fn filter_site_id(db: &impl ConnectionTrait, site: Option<&str>) -> AppResult<Option<Uuid>> {
    match site {
        Some(given) => Ok(Some(
            SiteKey::parse("filter.site", given)?.load(db).await?.id,
        )),
        None => Ok(None),
    }
}
