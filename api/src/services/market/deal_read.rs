//! Reading deals: the list of a caller's deals, a deal's transitions and its checks.
use super::DealStatus;
use crate::auth::{Principal, Scope};
use crate::error::AppResult;
use crate::services::pagination::{Cursor, Page, PageRequest};
use entities::{link_check, link_deal, link_deal_event, link_offer};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// Filters of the deal list.
#[derive(Default)]
pub struct DealFilter {
    /// Only deals of this site (either side; ID or domain).
    pub site: Option<String>,
    /// Only deals in this status.
    pub status: Option<DealStatus>,
}

/// Deals of the sites the caller reads deals of, newest first.
pub async fn list_deals(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: DealFilter,
    page: &PageRequest,
) -> AppResult<Page<link_deal::Model>> {
    let site_id = super::filter_site_id(db, filter.site.as_deref()).await?;
    principal.require_user()?;
    let mut query = link_deal::Entity::find();
    if !principal.is_admin() || site_id.is_some() {
        // One site when an admin names it or an admin's token is restricted to it; else the
        // sites the caller's credential reaches as a member.
        let mut sites = match site_id.or(principal.site_restriction()) {
            Some(site) if principal.is_admin_on(site) => vec![site],
            _ => crate::services::authz::caller_sites(db, principal).await?,
        };
        if let Some(only) = site_id {
            sites.retain(|s| *s == only);
        }
        sites.retain(|s| principal.token_allows(Scope::DealsRead, Some(*s)));
        query = query.filter(
            Condition::any()
                .add(link_deal::Column::OfferSiteId.is_in(sites.clone()))
                .add(link_deal::Column::PartnerSiteId.is_in(sites)),
        );
    } else if !principal.token_allows(Scope::DealsRead, None) {
        query = query.filter(Expr::value(false));
    }
    if let Some(status) = filter.status {
        query = query.filter(link_deal::Column::Status.eq(status));
    }
    let total = query.clone().count(db).await?;
    if let Some(after) = &page.after {
        query = query.filter(link_deal::Column::Id.lt(after.id));
    }
    let rows = query
        .order_by_desc(link_deal::Column::Id)
        .limit(page.first + 1)
        .all(db)
        .await?;
    Ok(Page::from_rows(rows, page, total, |d| Cursor {
        order: "deals".into(),
        value: None,
        id: d.id,
    }))
}

/// The deal's transitions, oldest first.
pub async fn deal_events(
    db: &impl ConnectionTrait,
    deal_id: Uuid,
) -> AppResult<Vec<link_deal_event::Model>> {
    Ok(link_deal_event::Entity::find()
        .filter(link_deal_event::Column::DealId.eq(deal_id))
        .order_by_asc(link_deal_event::Column::CreatedAt)
        .order_by_asc(link_deal_event::Column::Id)
        .all(db)
        .await?)
}

/// The deal's most recent checks, newest first.
pub async fn deal_checks(
    db: &impl ConnectionTrait,
    deal_id: Uuid,
    limit: u64,
) -> AppResult<Vec<link_check::Model>> {
    Ok(link_check::Entity::find()
        .filter(link_check::Column::DealId.eq(deal_id))
        .order_by_desc(link_check::Column::CheckedAt)
        .order_by_desc(link_check::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The offer a deal answers, in whatever status it is now (`None` once it is deleted).
pub async fn offer_of(
    db: &impl ConnectionTrait,
    deal: &link_deal::Model,
) -> AppResult<Option<link_offer::Model>> {
    Ok(link_offer::Entity::find_by_id(deal.offer_id)
        .one(db)
        .await?)
}
