//! The sales team's inbox: a site's inquiries, newest first, filtered by status (spam only when
//! asked for), product, country, date range and text in name, company and message.
use crate::auth::{Principal, Scope};
use crate::domain::{Country, bounded_text};
use crate::error::{AppError, AppResult, Reason};
use crate::services::pagination::{Cursor, Page, PageRequest, not_a_cursor};
use crate::services::site::find_site;
use crate::services::{authz, like_contains, parse_id};
use chrono::{DateTime, SecondsFormat, Utc};
use entities::inquiry::{self, InquiryStatus};
use entities::inquiry_item;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// The one ordering of the inbox (newest first), as cursors name it.
const ORDER: &str = "inq_created_desc";

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct InquiryFilter {
    /// Only this status; absent: every status but spam (the spam folder is asked for by name).
    pub status: Option<InquiryStatus>,
    /// Only inquiries asking about this product (ID).
    pub product: Option<String>,
    /// Only buyers from this country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// Received at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Received before this time.
    pub to: Option<DateTime<Utc>>,
    /// Text in the name, company or message (case-insensitive for ASCII letters).
    pub text: Option<String>,
}

fn text_matches(column: inquiry::Column, pattern: &str) -> sea_orm::sea_query::SimpleExpr {
    Expr::expr(Func::lower(Expr::col((inquiry::Entity, column))))
        .like(LikeExpr::new(pattern).escape('\\'))
}

/// The condition of `filter` (site excluded).
pub(super) fn condition(filter: &InquiryFilter) -> AppResult<Condition> {
    let mut all = Condition::all();
    all = match filter.status {
        Some(status) => all.add(inquiry::Column::Status.eq(status)),
        None => all.add(inquiry::Column::Status.ne(InquiryStatus::Spam)),
    };
    if let Some(product) = filter.product.as_deref() {
        let id = parse_id("filter.product", product)?;
        let mut sub = Query::select();
        sub.column(inquiry_item::Column::InquiryId)
            .from(inquiry_item::Entity)
            .and_where(inquiry_item::Column::ProductId.eq(id));
        all = all.add(inquiry::Column::Id.in_subquery(sub.to_owned()));
    }
    if let Some(country) = filter.country.as_deref() {
        all = all.add(
            inquiry::Column::Country.eq(Country::parse("filter.country", country)?.into_string()),
        );
    }
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && to < from
    {
        return Err(
            AppError::bad_input("filter.to", "filter.to must not be before filter.from")
                .because(Reason::EndsBeforeStart),
        );
    }
    if let Some(from) = filter.from {
        all = all.add(inquiry::Column::CreatedAt.gte(from));
    }
    if let Some(to) = filter.to {
        all = all.add(inquiry::Column::CreatedAt.lt(to));
    }
    if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let text = bounded_text("filter.text", text, 1, 200)?;
        let pattern = like_contains(&text.to_lowercase());
        all = all.add(
            Condition::any()
                .add(text_matches(inquiry::Column::Name, &pattern))
                .add(text_matches(inquiry::Column::Company, &pattern))
                .add(text_matches(inquiry::Column::Message, &pattern)),
        );
    }
    Ok(all)
}

fn cursor_of(i: &inquiry::Model) -> Cursor {
    Cursor {
        order: ORDER.into(),
        value: Some(i.created_at.to_rfc3339_opts(SecondsFormat::Micros, true)),
        id: i.id,
    }
}

/// Rows after `cursor` in the inbox's order (newest first, then the higher ID first).
fn after(cursor: &Cursor) -> AppResult<Condition> {
    let bad = not_a_cursor;
    let at = cursor
        .value
        .as_deref()
        .and_then(|v| DateTime::parse_from_rfc3339(v).ok())
        .ok_or_else(bad)?
        .with_timezone(&Utc);
    Ok(Condition::any().add(inquiry::Column::CreatedAt.lt(at)).add(
        Condition::all()
            .add(inquiry::Column::CreatedAt.eq(at))
            .add(inquiry::Column::Id.lt(cursor.id)),
    ))
}

/// A site's (ID or domain) inquiries matching `filter`, for its members, one page at a time.
pub async fn list_inquiries(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site: &str,
    filter: InquiryFilter,
    first: Option<i64>,
    after_cursor: Option<&str>,
    max_page_size: u64,
) -> AppResult<Page<inquiry::Model>> {
    principal.require_user()?;
    let page = PageRequest::parse(first, after_cursor, ORDER, max_page_size)?;
    let site = find_site(db, "site", site).await?;
    authz::require_inquiry_access(db, principal, site.id, Scope::InquiriesRead, "site")
        .await
        .map_err(|e| {
            if e.code == crate::error::ErrorCode::NotFound {
                e.at("site")
            } else {
                e
            }
        })?;
    let mut query = inquiry::Entity::find()
        .filter(inquiry::Column::SiteId.eq(site.id))
        .filter(condition(&filter)?);
    let total = query.clone().count(db).await?;
    if let Some(cursor) = &page.after {
        query = query.filter(after(cursor)?);
    }
    let rows = query
        .order_by_desc(inquiry::Column::CreatedAt)
        .order_by_desc(inquiry::Column::Id)
        .limit(page.first + 1)
        .all(db)
        .await?;
    Ok(Page::from_rows(rows, &page, total, cursor_of))
}
