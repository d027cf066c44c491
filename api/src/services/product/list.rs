//! Listing products: filters (site, category with its descendants, tag, certification, locale,
//! status, price range in one currency), orderings, keyset pagination.
use super::category::subtree_ids;
use super::relations::certification_key;
use super::visible_condition;
use crate::auth::Principal;
use crate::domain::{Currency, Locale};
use crate::error::{AppError, AppResult, Reason};
use crate::services::authz;
use crate::services::pagination::{Cursor, Page, PageRequest, not_a_cursor};
use crate::services::site::SiteKey;
use chrono::{DateTime, SecondsFormat, Utc};
use entities::product::{self, ProductStatus};
use entities::{product_category, product_certification, product_tag, tag};
use sea_orm::sea_query::{Expr, ExprTrait, NullOrdering, Order, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Value,
};

/// What to list.
#[derive(Default)]
pub struct ProductFilter {
    /// Site ID or domain.
    pub site: Option<String>,
    /// Category ID or slug (a slug needs `site`); its subcategories' products are included.
    pub category: Option<String>,
    /// Tag slug.
    pub tag: Option<String>,
    /// Certification name, in any case (`iso 9001`).
    pub certification: Option<String>,
    /// Locale tag.
    pub locale: Option<String>,
    /// Status; callers who may not see drafts only ever get published products.
    pub status: Option<ProductStatus>,
    /// Products whose price range reaches at least this (decimal text in `currency`).
    pub price_min: Option<String>,
    /// Products whose price range starts at most at this.
    pub price_max: Option<String>,
    /// The currency of `price_min`/`price_max`; products priced in others do not match.
    pub currency: Option<String>,
    /// Leave `total_count` at 0 instead of counting.
    pub skip_total: bool,
}

/// The order of a list; every ordering ends with the ID so pages are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ProductOrder {
    /// Newest published first; unpublished last.
    #[default]
    PublishedAtDesc,
    /// Oldest published first; unpublished last.
    PublishedAtAsc,
    /// Most recently changed first.
    UpdatedAtDesc,
    /// Least recently changed first.
    UpdatedAtAsc,
    /// Newest created first.
    CreatedAtDesc,
    /// Oldest created first.
    CreatedAtAsc,
    /// Name A to Z (by code point).
    NameAsc,
    /// Name Z to A.
    NameDesc,
}

impl ProductOrder {
    fn key(self) -> &'static str {
        match self {
            Self::PublishedAtDesc => "p_published_desc",
            Self::PublishedAtAsc => "p_published_asc",
            Self::UpdatedAtDesc => "p_updated_desc",
            Self::UpdatedAtAsc => "p_updated_asc",
            Self::CreatedAtDesc => "p_created_desc",
            Self::CreatedAtAsc => "p_created_asc",
            Self::NameAsc => "p_name_asc",
            Self::NameDesc => "p_name_desc",
        }
    }

    fn column(self) -> product::Column {
        match self {
            Self::PublishedAtDesc | Self::PublishedAtAsc => product::Column::PublishedAt,
            Self::UpdatedAtDesc | Self::UpdatedAtAsc => product::Column::UpdatedAt,
            Self::CreatedAtDesc | Self::CreatedAtAsc => product::Column::CreatedAt,
            Self::NameAsc | Self::NameDesc => product::Column::Name,
        }
    }

    fn descending(self) -> bool {
        matches!(
            self,
            Self::PublishedAtDesc | Self::UpdatedAtDesc | Self::CreatedAtDesc | Self::NameDesc
        )
    }

    fn nullable(self) -> bool {
        matches!(self, Self::PublishedAtDesc | Self::PublishedAtAsc)
    }

    fn value_of(self, p: &product::Model) -> Option<String> {
        let ts = |t: &DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Micros, true);
        match self {
            Self::PublishedAtDesc | Self::PublishedAtAsc => p.published_at.as_ref().map(ts),
            Self::UpdatedAtDesc | Self::UpdatedAtAsc => Some(ts(&p.updated_at)),
            Self::CreatedAtDesc | Self::CreatedAtAsc => Some(ts(&p.created_at)),
            Self::NameAsc | Self::NameDesc => Some(p.name.clone()),
        }
    }

    fn typed(self, value: &str) -> AppResult<Value> {
        if matches!(self, Self::NameAsc | Self::NameDesc) {
            return Ok(Value::from(value.to_owned()));
        }
        DateTime::parse_from_rfc3339(value)
            .map(|t| Value::from(t.with_timezone(&Utc)))
            .map_err(|_| not_a_cursor())
    }

    /// Rows strictly after the cursor in this order (nulls last in both directions).
    fn after(self, cursor: &Cursor) -> AppResult<Condition> {
        let col = self.column();
        let id = product::Column::Id;
        let past_id = if self.descending() {
            id.lt(cursor.id)
        } else {
            id.gt(cursor.id)
        };
        Ok(match &cursor.value {
            Some(raw) => {
                let v = self.typed(raw)?;
                let beyond = if self.descending() {
                    col.lt(v.clone())
                } else {
                    col.gt(v.clone())
                };
                let mut any = Condition::any()
                    .add(beyond)
                    .add(Condition::all().add(col.eq(v)).add(past_id));
                if self.nullable() {
                    any = any.add(col.is_null());
                }
                any
            }
            None => Condition::all().add(col.is_null()).add(past_id),
        })
    }

    fn apply(self, query: Select<product::Entity>) -> Select<product::Entity> {
        let order = if self.descending() {
            Order::Desc
        } else {
            Order::Asc
        };
        let query = if self.nullable() {
            query.order_by_with_nulls(self.column(), order.clone(), NullOrdering::Last)
        } else {
            query.order_by(self.column(), order.clone())
        };
        query.order_by(product::Column::Id, order)
    }
}

/// `SELECT product_id` of the products carrying a tag slug (of one site, when given).
fn tagged_with(slug: &str, site: Option<&SiteKey>) -> SelectStatement {
    let mut q = Query::select();
    q.column((product_tag::Entity, product_tag::Column::ProductId))
        .from(product_tag::Entity)
        .inner_join(
            tag::Entity,
            Expr::col((tag::Entity, tag::Column::Id))
                .equals((product_tag::Entity, product_tag::Column::TagId)),
        )
        .and_where(Expr::col((tag::Entity, tag::Column::Slug)).eq(slug.trim()));
    if let Some(site) = site {
        q.and_where(site.matches((tag::Entity, tag::Column::SiteId)));
    }
    q.to_owned()
}

/// Products matching `filter` that the caller may see, one page at a time.
pub async fn list_products(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: ProductFilter,
    order: ProductOrder,
    first: Option<i64>,
    after: Option<&str>,
    max_page_size: u64,
) -> AppResult<Page<product::Model>> {
    let page = PageRequest::parse(first, after, order.key(), max_page_size)?;
    let visibility = authz::content_visibility(db, principal).await?;
    let mut query = product::Entity::find().filter(visible_condition(&visibility));
    let site = filter
        .site
        .as_deref()
        .map(|s| SiteKey::parse("filter.site", s))
        .transpose()?;
    if let Some(site) = &site {
        query = query.filter(site.matches((product::Entity, product::Column::SiteId)));
    }
    if let Some(locale) = filter.locale.as_deref() {
        let locale = Locale::parse("filter.locale", locale)?;
        query = query.filter(product::Column::Locale.eq(locale.into_string()));
    }
    if let Some(status) = filter.status {
        query = query.filter(product::Column::Status.eq(status));
    }
    let mut nothing = false;
    if let Some(key) = filter.category.as_deref() {
        match subtree_ids(db, site.as_ref(), key).await? {
            Some(ids) => {
                let mut sub = Query::select();
                sub.column(product_category::Column::ProductId)
                    .from(product_category::Entity)
                    .and_where(product_category::Column::CategoryId.is_in(ids));
                query = query.filter(product::Column::Id.in_subquery(sub.to_owned()));
            }
            None => nothing = true,
        }
    }
    if let Some(slug) = filter.tag.as_deref() {
        query = query.filter(product::Column::Id.in_subquery(tagged_with(slug, site.as_ref())));
    }
    if let Some(name) = filter.certification.as_deref() {
        let mut sub = Query::select();
        sub.column(product_certification::Column::ProductId)
            .from(product_certification::Entity)
            .and_where(product_certification::Column::Key.eq(certification_key(name)));
        query = query.filter(product::Column::Id.in_subquery(sub.to_owned()));
    }
    if filter.price_min.is_some() || filter.price_max.is_some() || filter.currency.is_some() {
        let currency = filter.currency.as_deref().ok_or_else(|| {
            AppError::bad_input("filter.currency", "a price filter needs its currency")
                .because(Reason::Required)
        })?;
        let currency = Currency::parse("filter.currency", currency)?;
        query = query.filter(product::Column::Currency.eq(currency.code()));
        let min = filter
            .price_min
            .as_deref()
            .map(|v| currency.parse_amount("filter.priceMin", v))
            .transpose()?;
        let max = filter
            .price_max
            .as_deref()
            .map(|v| currency.parse_amount("filter.priceMax", v))
            .transpose()?;
        if let (Some(min), Some(max)) = (min, max)
            && max < min
        {
            return Err(AppError::bad_input(
                "filter.priceMax",
                "filter.priceMax must not be below filter.priceMin",
            )
            .because(Reason::PriceMaxBelowMin));
        }
        // The product's range overlaps the asked one.
        if let Some(min) = min {
            query = query.filter(product::Column::PriceMaxMinor.gte(min));
        }
        if let Some(max) = max {
            query = query.filter(product::Column::PriceMinMinor.lte(max));
        }
    }
    if nothing {
        if let Some(site) = &site {
            site.load(db).await?;
        }
        return Ok(Page::from_rows(
            Vec::new(),
            &page,
            0,
            |p: &product::Model| Cursor {
                order: order.key().into(),
                value: None,
                id: p.id,
            },
        ));
    }
    let total = if filter.skip_total {
        0
    } else {
        query.clone().count(db).await?
    };
    if let Some(cursor) = &page.after {
        query = query.filter(order.after(cursor)?);
    }
    let rows = order.apply(query).limit(page.first + 1).all(db).await?;
    if rows.is_empty()
        && let Some(site) = &site
    {
        site.load(db).await?;
    }
    let key = order.key();
    Ok(Page::from_rows(rows, &page, total, |p| Cursor {
        order: key.into(),
        value: order.value_of(p),
        id: p.id,
    }))
}
