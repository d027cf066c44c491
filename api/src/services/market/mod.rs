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
use crate::error::{AppError, AppResult};
use crate::services::authz::caller_role;
use crate::services::site::SiteKey;
use entities::site_member::SiteRole;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// Declares a string-backed enum with its stored names.
macro_rules! stored_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name stored in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads a stored name.
            pub fn parse(field: &str, value: &str) -> AppResult<Self> {
                match value {
                    $($text => Ok($name::$variant),)+
                    other => Err(AppError::bad_input(field, format!("unknown value {other:?}"))),
                }
            }
        }
    };
}

stored_enum!(
    /// Where on the offering site the link goes.
    Placement {
        /// The home page.
        Homepage = "homepage",
        /// The footer of every page.
        Footer = "footer",
        /// A sidebar.
        Sidebar = "sidebar",
        /// Inside an article.
        Article = "article",
        /// A partners (友情链接) page.
        PartnersPage = "partners_page",
    }
);

stored_enum!(
    /// Whether both sites link to each other.
    OfferKind {
        /// Both sites place a link.
        Reciprocal = "reciprocal",
        /// Only the offering site places a link.
        OneWay = "one_way",
    }
);

stored_enum!(
    /// Whether an offer takes proposals.
    OfferStatus {
        /// Takes proposals.
        Open = "open",
        /// Temporarily takes none.
        Paused = "paused",
        /// Ended.
        Closed = "closed",
    }
);

stored_enum!(
    /// A deal's place in its life.
    DealStatus {
        /// The partner proposed; the offering site decides.
        Proposed = "proposed",
        /// Accepted; placements are being submitted and checked.
        Accepted = "accepted",
        /// Every required link was verified and is watched.
        Live = "live",
        /// A watched link failed several checks in a row.
        Broken = "broken",
        /// The offering site said no.
        Rejected = "rejected",
        /// One side ended it.
        Cancelled = "cancelled",
        /// Nobody acted in time.
        Expired = "expired",
    }
);

stored_enum!(
    /// One of the two sites of a deal.
    Side {
        /// The site that published the offer.
        Offer = "offer",
        /// The site that proposed the deal.
        Partner = "partner",
    }
);

impl DealStatus {
    /// Whether the deal is over.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Rejected | Self::Cancelled | Self::Expired)
    }
}

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
        ));
    }
    if is_site_agent(db, principal, site_id, Scope::DealsWrite).await? {
        return Ok(user_id);
    }
    Err(AppError::forbidden(
        "only the site's owners may act for it in the market",
    ))
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
