//! Link offers: placements a verified site offers to partners.
use super::{OfferKind, OfferStatus, Placement, require_site_agent};
use crate::auth::{Principal, Scope};
use crate::domain::{bounded_text, parse_categories, parse_languages};
use crate::error::{AppError, AppResult, Reason};
use crate::services::pagination::{Cursor, Page, PageRequest};
use crate::services::site::get_site;
use crate::services::{json_strings, now};
use entities::link_offer;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

/// An offer to publish.
pub struct NewOffer {
    /// The offering site.
    pub site_id: Uuid,
    /// Short title.
    pub title: String,
    /// What the partner gets.
    pub description: String,
    /// Where the link goes.
    pub placement: Placement,
    /// Reciprocal or one-way.
    pub kind: OfferKind,
    /// Languages of the placement page.
    pub languages: Vec<String>,
    /// Market categories.
    pub categories: Vec<String>,
    /// How many deals may be active at once.
    pub slots: i32,
    /// What partners must meet.
    pub requirements: Option<String>,
}

/// Changes to an offer; `None` keeps a field.
#[derive(Default)]
pub struct OfferPatch {
    /// New title.
    pub title: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New slot count.
    pub slots: Option<i32>,
    /// New requirements.
    pub requirements: Option<String>,
    /// Open, pause or close.
    pub status: Option<OfferStatus>,
}

/// Filters of the offer list. Anonymous callers and other sites see open offers only.
#[derive(Default)]
pub struct OfferFilter {
    /// Only offers of this site (ID or domain).
    pub site: Option<String>,
    /// Only offers in this category.
    pub category: Option<String>,
    /// Only offers in this language.
    pub language: Option<String>,
    /// Only this kind.
    pub kind: Option<OfferKind>,
    /// Only this placement.
    pub placement: Option<Placement>,
    /// Only this status (non-open statuses only for the site's own agents).
    pub status: Option<OfferStatus>,
}

/// Publishes an offer for a verified site.
pub async fn create_offer(
    db: &impl ConnectionTrait,
    principal: &Principal,
    input: NewOffer,
) -> AppResult<link_offer::Model> {
    let site = get_site(db, input.site_id)
        .await?
        .ok_or_else(|| AppError::not_found("site").at("siteId"))?;
    let user_id = require_site_agent(db, principal, site.id).await?;
    if site.verified_at.is_none() {
        return Err(AppError::bad_input(
            "siteId",
            "only verified sites may offer links; run verifySite first",
        )
        .because(Reason::SiteNotVerified));
    }
    if !(1..=1000).contains(&input.slots) {
        return Err(slots_out_of_range());
    }
    let now = now();
    Ok(link_offer::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(site.id),
        created_by: Set(Some(user_id)),
        title: Set(bounded_text("title", &input.title, 1, 200)?),
        description: Set(bounded_text("description", &input.description, 0, 5000)?),
        placement: Set(input.placement),
        kind: Set(input.kind),
        languages: Set(serde_json::json!(parse_languages(
            "languages",
            &input.languages
        )?)),
        categories: Set(serde_json::json!(parse_categories(
            "categories",
            &input.categories
        )?)),
        slots: Set(input.slots),
        requirements: Set(input
            .requirements
            .map(|r| bounded_text("requirements", &r, 0, 5000))
            .transpose()?),
        status: Set(OfferStatus::Open),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Changes an offer (the offering site's agents).
pub async fn update_offer(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    patch: OfferPatch,
) -> AppResult<link_offer::Model> {
    let offer = link_offer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("offer"))?;
    require_site_agent(db, principal, offer.site_id).await?;
    let mut active: link_offer::ActiveModel = offer.into();
    if let Some(title) = patch.title {
        active.title = Set(bounded_text("title", &title, 1, 200)?);
    }
    if let Some(d) = patch.description {
        active.description = Set(bounded_text("description", &d, 0, 5000)?);
    }
    if let Some(slots) = patch.slots {
        if !(1..=1000).contains(&slots) {
            return Err(slots_out_of_range());
        }
        active.slots = Set(slots);
    }
    if let Some(r) = patch.requirements {
        active.requirements = Set(Some(bounded_text("requirements", &r, 0, 5000)?));
    }
    if let Some(status) = patch.status {
        active.status = Set(status);
    }
    active.updated_at = Set(now());
    Ok(active.update(db).await?)
}

/// An offer the caller may see: open ones to anyone, the others to the site's agents.
pub async fn get_offer(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> AppResult<link_offer::Model> {
    let offer = link_offer::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("offer"))?;
    if offer.status != OfferStatus::Open
        && !super::is_site_agent(db, principal, offer.site_id, Scope::DealsRead).await?
    {
        return Err(AppError::not_found("offer"));
    }
    Ok(offer)
}

/// Offers, newest first, filtered. JSON columns are filtered in Rust after a status/site/kind
/// query, which keeps the SQL portable; the market's offer count keeps this cheap.
pub async fn list_offers(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: OfferFilter,
    page: &PageRequest,
) -> AppResult<Page<link_offer::Model>> {
    let site_id = super::filter_site_id(db, filter.site.as_deref()).await?;
    let status = filter.status.unwrap_or(OfferStatus::Open);
    if status != OfferStatus::Open {
        let allowed = match site_id {
            Some(site) => super::is_site_agent(db, principal, site, Scope::DealsRead).await?,
            None => false,
        };
        if !allowed {
            return Err(AppError::bad_input(
                "filter.status",
                "only a site's own agents may list its paused or closed offers; give filter.site",
            )
            .because(Reason::MembersOnly));
        }
    }
    let mut query = link_offer::Entity::find().filter(link_offer::Column::Status.eq(status));
    if let Some(site) = site_id {
        query = query.filter(link_offer::Column::SiteId.eq(site));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(link_offer::Column::Kind.eq(kind));
    }
    if let Some(placement) = filter.placement {
        query = query.filter(link_offer::Column::Placement.eq(placement));
    }
    let category = match &filter.category {
        Some(c) => parse_categories("filter.category", std::slice::from_ref(c))?.pop(),
        None => None,
    };
    let language = match &filter.language {
        Some(l) => parse_languages("filter.language", std::slice::from_ref(l))?.pop(),
        None => None,
    };
    let rows = query
        .order_by_desc(link_offer::Column::Id)
        .limit(10_000)
        .all(db)
        .await?;
    let matching: Vec<link_offer::Model> = rows
        .into_iter()
        .filter(|o| {
            category
                .as_ref()
                .is_none_or(|c| json_strings(&o.categories).contains(c))
        })
        .filter(|o| {
            language
                .as_ref()
                .is_none_or(|l| json_strings(&o.languages).contains(l))
        })
        .collect();
    let total = matching.len() as u64;
    let after = page.after.as_ref().map(|c| c.id);
    let rows: Vec<link_offer::Model> = matching
        .into_iter()
        .filter(|o| after.is_none_or(|a| o.id < a))
        .take(usize::try_from(page.first + 1).unwrap_or(usize::MAX))
        .collect();
    Ok(Page::from_rows(rows, page, total, |o| Cursor {
        order: "offers".into(),
        value: None,
        id: o.id,
    }))
}

fn slots_out_of_range() -> AppError {
    AppError::bad_input("slots", "slots must be between 1 and 1000")
        .because(Reason::OutOfRange)
        .with("min", 1)
        .with("max", 1000)
}
