//! Listing articles: filters, orderings, keyset pagination.
use super::partial::{add_column, has_column, partial_article};
use super::visible_condition;
use crate::auth::Principal;
use crate::domain::Locale;
use crate::error::AppResult;
use crate::services::authz;
use crate::services::pagination::{Cursor, Page, PageRequest, not_a_cursor};
use crate::services::site::SiteKey;
use chrono::{DateTime, SecondsFormat, Utc};
use entities::article::{self, ArticleStatus};
use entities::{article_tag, tag};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, NullOrdering, Order, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select, Value,
};

/// What to list.
#[derive(Default)]
pub struct ArticleFilter {
    /// Site ID or domain.
    pub site: Option<String>,
    /// Tag slug.
    pub tag: Option<String>,
    /// Status; callers who may not see drafts only ever get published articles.
    pub status: Option<ArticleStatus>,
    /// Locale tag.
    pub locale: Option<String>,
    /// At least one of these tag slugs.
    pub tags_any: Vec<String>,
    /// All of these tag slugs.
    pub tags_all: Vec<String>,
    /// Text the title contains (ASCII case-insensitive).
    pub title_contains: Option<String>,
    /// Published at or after.
    pub published_after: Option<DateTime<Utc>>,
    /// Published before.
    pub published_before: Option<DateTime<Utc>>,
    /// Changed at or after.
    pub updated_after: Option<DateTime<Utc>>,
    /// Changed before.
    pub updated_before: Option<DateTime<Utc>>,
    /// Leave `total_count` at 0 instead of counting (the client did not ask for it): counting
    /// every matching row is the one part of a page whose cost grows with the table.
    pub skip_total: bool,
    /// Read only these columns (those the requested fields need), leaving the model's other
    /// fields empty; `None` reads whole rows. The bodies are most of a row's bytes, and each
    /// column read costs a copy and a conversion per row.
    pub columns: Option<Vec<article::Column>>,
    /// With `columns`: the digest is wanted only for the excerpt of rows that have no explicit
    /// one, so it is not read (nor checked, nor their bodies loaded) for rows that have one.
    pub digest_only_without_excerpt: bool,
}

/// IDs of the articles carrying any of the tag slugs (of one site, when given).
fn tagged_with(slugs: &[String], site: Option<&SiteKey>) -> sea_orm::sea_query::SelectStatement {
    let mut tagged = Query::select();
    tagged
        .column((article_tag::Entity, article_tag::Column::ArticleId))
        .from(article_tag::Entity)
        .inner_join(
            tag::Entity,
            Expr::col((tag::Entity, tag::Column::Id))
                .equals((article_tag::Entity, article_tag::Column::TagId)),
        )
        .and_where(
            Expr::col((tag::Entity, tag::Column::Slug))
                .is_in(slugs.iter().map(|s| s.trim().to_owned())),
        );
    if let Some(site) = site {
        tagged.and_where(site.matches((tag::Entity, tag::Column::SiteId)));
    }
    tagged.to_owned()
}

/// `%text%` for LIKE on lowercased titles, with the wildcard characters of `text` escaped.
fn like_pattern(text: &str) -> String {
    crate::services::like_contains(&text.to_ascii_lowercase())
}

/// The order of a list. Every ordering ends with the ID, so it is total and pages are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ArticleOrder {
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
    /// Title A to Z (by code point).
    TitleAsc,
    /// Title Z to A.
    TitleDesc,
}

impl ArticleOrder {
    fn key(self) -> &'static str {
        match self {
            Self::PublishedAtDesc => "published_desc",
            Self::PublishedAtAsc => "published_asc",
            Self::UpdatedAtDesc => "updated_desc",
            Self::UpdatedAtAsc => "updated_asc",
            Self::CreatedAtDesc => "created_desc",
            Self::CreatedAtAsc => "created_asc",
            Self::TitleAsc => "title_asc",
            Self::TitleDesc => "title_desc",
        }
    }

    fn column(self) -> article::Column {
        match self {
            Self::PublishedAtDesc | Self::PublishedAtAsc => article::Column::PublishedAt,
            Self::UpdatedAtDesc | Self::UpdatedAtAsc => article::Column::UpdatedAt,
            Self::CreatedAtDesc | Self::CreatedAtAsc => article::Column::CreatedAt,
            Self::TitleAsc | Self::TitleDesc => article::Column::Title,
        }
    }

    fn descending(self) -> bool {
        matches!(
            self,
            Self::PublishedAtDesc | Self::UpdatedAtDesc | Self::CreatedAtDesc | Self::TitleDesc
        )
    }

    fn nullable(self) -> bool {
        matches!(self, Self::PublishedAtDesc | Self::PublishedAtAsc)
    }

    /// The sort value of a row, as kept in a cursor.
    fn value_of(self, a: &article::Model) -> Option<String> {
        let ts = |t: &DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Micros, true);
        match self {
            Self::PublishedAtDesc | Self::PublishedAtAsc => a.published_at.as_ref().map(ts),
            Self::UpdatedAtDesc | Self::UpdatedAtAsc => Some(ts(&a.updated_at)),
            Self::CreatedAtDesc | Self::CreatedAtAsc => Some(ts(&a.created_at)),
            Self::TitleAsc | Self::TitleDesc => Some(a.title.clone()),
        }
    }

    /// Turns a cursor's text value back into a typed value for comparison.
    fn typed(self, value: &str) -> AppResult<Value> {
        if matches!(self, Self::TitleAsc | Self::TitleDesc) {
            return Ok(Value::from(value.to_owned()));
        }
        DateTime::parse_from_rfc3339(value)
            .map(|t| Value::from(t.with_timezone(&Utc)))
            .map_err(|_| not_a_cursor())
    }

    /// Rows strictly after the cursor, in this order (nulls come last in both directions).
    fn after(self, cursor: &Cursor) -> AppResult<Condition> {
        let col = self.column();
        let id = article::Column::Id;
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

    fn apply(self, query: Select<article::Entity>) -> Select<article::Entity> {
        let order = if self.descending() {
            Order::Desc
        } else {
            Order::Asc
        };
        // Only publication time can be missing. The other columns are NOT NULL, and saying
        // `NULLS LAST` for them would keep PostgreSQL from reading `DESC` orders backwards
        // from an ascending index (it would sort instead).
        let query = if self.nullable() {
            query.order_by_with_nulls(self.column(), order.clone(), NullOrdering::Last)
        } else {
            query.order_by(self.column(), order.clone())
        };
        query.order_by(article::Column::Id, order)
    }
}

/// Articles matching `filter` that the caller may see, one page at a time.
pub async fn list_articles(
    db: &impl ConnectionTrait,
    principal: &Principal,
    filter: ArticleFilter,
    order: ArticleOrder,
    first: Option<i64>,
    after: Option<&str>,
    max_page_size: u64,
) -> AppResult<Page<article::Model>> {
    let page = PageRequest::parse(first, after, order.key(), max_page_size)?;
    let visibility = authz::content_visibility(db, principal).await?;
    let mut query = article::Entity::find().filter(visible_condition(&visibility));
    // The site is resolved inside the list's own query; only an empty page pays for a lookup
    // (to tell "no such site" from "no articles").
    let site = filter
        .site
        .as_deref()
        .map(|s| SiteKey::parse("filter.site", s))
        .transpose()?;
    if let Some(site) = &site {
        query = query.filter(site.matches((article::Entity, article::Column::SiteId)));
    }
    if let Some(locale) = filter.locale.as_deref() {
        let locale = Locale::parse("filter.locale", locale)?;
        query = query.filter(article::Column::Locale.eq(locale.into_string()));
    }
    if let Some(status) = filter.status {
        query = query.filter(article::Column::Status.eq(status));
    }
    if let Some(tag_slug) = filter.tag.as_deref() {
        query = query.filter(
            article::Column::Id.in_subquery(tagged_with(&[tag_slug.to_owned()], site.as_ref())),
        );
    }
    if !filter.tags_any.is_empty() {
        query = query
            .filter(article::Column::Id.in_subquery(tagged_with(&filter.tags_any, site.as_ref())));
    }
    for slug in &filter.tags_all {
        query = query.filter(
            article::Column::Id.in_subquery(tagged_with(std::slice::from_ref(slug), site.as_ref())),
        );
    }
    if let Some(text) = filter
        .title_contains
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        query = query.filter(
            Expr::expr(Func::lower(Expr::col((
                article::Entity,
                article::Column::Title,
            ))))
            .like(LikeExpr::new(like_pattern(text)).escape('\\')),
        );
    }
    if let Some(t) = filter.published_after {
        query = query.filter(article::Column::PublishedAt.gte(t));
    }
    if let Some(t) = filter.published_before {
        query = query.filter(article::Column::PublishedAt.lt(t));
    }
    if let Some(t) = filter.updated_after {
        query = query.filter(article::Column::UpdatedAt.gte(t));
    }
    if let Some(t) = filter.updated_before {
        query = query.filter(article::Column::UpdatedAt.lt(t));
    }
    let total = if filter.skip_total {
        0
    } else {
        query.clone().count(db).await?
    };
    if let Some(cursor) = &page.after {
        query = query.filter(order.after(cursor)?);
    }
    let rows = match filter.columns {
        None => order.apply(query).limit(page.first + 1).all(db).await?,
        Some(mut columns) => {
            // The order's column and the ID make the cursors.
            add_column(&mut columns, order.column());
            add_column(&mut columns, article::Column::Id);
            let mut query = query.select_only();
            for column in &columns {
                query = match column {
                    // A digest is kilobytes of JSON (the table of contents); an explicit
                    // excerpt makes it useless to this page.
                    article::Column::Digest if filter.digest_only_without_excerpt => query.expr(
                        Expr::case(
                            Expr::col((article::Entity, article::Column::Excerpt)).is_null(),
                            Expr::col((article::Entity, article::Column::Digest)),
                        )
                        .finally(Expr::val(Option::<String>::None)),
                    ),
                    _ => query.column(*column),
                };
            }
            let statement = order
                .apply(query)
                .limit(page.first + 1)
                .build(db.get_database_backend());
            let mut rows: Vec<_> = db
                .query_all_raw(statement)
                .await?
                .iter()
                .map(|row| partial_article(row, &columns))
                .collect::<Result<_, _>>()?;
            if has_column(&columns, article::Column::Digest)
                && !has_column(&columns, article::Column::Body)
            {
                super::digest::load_missing_bodies(
                    db,
                    &mut rows,
                    filter.digest_only_without_excerpt,
                )
                .await?;
            }
            rows
        }
    };
    if rows.is_empty()
        && let Some(site) = &site
    {
        site.load(db).await?;
    }
    let key = order.key();
    Ok(Page::from_rows(rows, &page, total, |a| Cursor {
        order: key.into(),
        value: order.value_of(a),
        id: a.id,
    }))
}
