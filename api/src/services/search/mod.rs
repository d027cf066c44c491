//! Search over published articles: what goes into the index, querying it, related articles,
//! keeping the index in step with the database (outbox), and rebuilding it (`wharf reindex`).
//! Products: [`product`].
//!
//! Hits are always re-read from the database and dropped unless still published, so a stale
//! index never shows a draft or a deleted article.
use crate::cache::ResponseCache;
use crate::db::id_in;
use crate::domain::Locale;
use crate::error::{AppError, AppResult, Reason};
use crate::search::{SearchDoc, SearchEngine, SearchRequest, text};
use crate::services::article::articles_by_id;
use crate::services::site::find_site;
use crate::services::tag::tags_of_articles;
use entities::article::{self, ArticleStatus};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use uuid::Uuid;

pub mod product;
pub mod product_query;
mod reindex;

pub use reindex::{Reindexed, reindex, reindex_all};

/// Deepest `offset` a search accepts.
pub const MAX_OFFSET: u64 = 1000;
/// Longest query text accepted, in characters.
const MAX_QUERY_CHARS: usize = 500;

/// A search as a client asks for it.
#[derive(Debug, Default)]
pub struct SearchInput {
    /// The words typed.
    pub text: String,
    /// Site ID or domain.
    pub site: Option<String>,
    /// Locale tag.
    pub locale: Option<String>,
    /// Tag slugs that every hit must carry.
    pub tags: Vec<String>,
    /// Page size.
    pub first: Option<i64>,
    /// Hits to skip.
    pub offset: Option<i64>,
    /// The client reads no highlight: titles and excerpts are left unmarked.
    pub skip_highlights: bool,
    /// The client reads no snippet.
    pub skip_snippets: bool,
    /// The article columns the client's selection of a hit's article reads; `None`: whole rows.
    pub columns: Option<Vec<article::Column>>,
}

/// One hit: the article, its highlighted title and excerpt, and the snippet of its body (HTML,
/// matches in `<em>`).
pub struct ArticleHit {
    /// The article, as stored now.
    pub article: article::Model,
    /// The title, HTML-escaped, matches in `<em>`.
    pub title_html: String,
    /// The excerpt, HTML-escaped, matches in `<em>`.
    pub excerpt_html: String,
    /// The passage of the body around the best match, HTML-escaped, matches in `<em>`.
    pub snippet_html: String,
}

/// A page of search results.
pub struct SearchPage {
    /// Hits, best first.
    pub hits: Vec<ArticleHit>,
    /// Tag slug and how many matching articles carry it, most frequent first.
    pub tag_counts: Vec<(String, u64)>,
    /// How many articles match in all (an estimate on Meilisearch).
    pub estimated_total: u64,
}

/// The refusal of a `first` outside 0..=`max`.
fn first_out_of_range(max: u64) -> AppError {
    AppError::bad_input("first", format!("first must be between 0 and {max}"))
        .because(Reason::OutOfRange)
        .with("min", 0)
        .with("max", max)
}

/// Checks a search's query text and page (`first`: 20 when absent; `offset`: 0) and returns
/// the page as (limit, offset).
pub(crate) fn check_page(
    text: &str,
    first: Option<i64>,
    offset: Option<i64>,
    max_page_size: u64,
) -> AppResult<(usize, usize)> {
    let first = first.unwrap_or(20);
    if first < 0 || first.unsigned_abs() > max_page_size {
        return Err(first_out_of_range(max_page_size));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 || offset.unsigned_abs() > MAX_OFFSET {
        return Err(AppError::bad_input(
            "offset",
            format!("offset must be between 0 and {MAX_OFFSET}"),
        )
        .because(Reason::OutOfRange)
        .with("min", 0)
        .with("max", MAX_OFFSET));
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::bad_input(
            "query",
            format!("the query is longer than {MAX_QUERY_CHARS} characters"),
        )
        .because(Reason::TooLong)
        .with("max", MAX_QUERY_CHARS));
    }
    Ok((
        usize::try_from(first).unwrap_or(0),
        usize::try_from(offset).unwrap_or(0),
    ))
}

/// The ID of the site a client names by ID or domain (NOT_FOUND at `site` when none), through
/// `sites`, which remembers them.
pub(crate) async fn site_id(
    db: &impl ConnectionTrait,
    sites: &ResponseCache,
    key: &str,
) -> AppResult<Uuid> {
    if let Some(id) = sites.site_id(key) {
        return Ok(id);
    }
    let seen = sites.generation();
    let id = find_site(db, "site", key).await?.id;
    sites.remember_site_id(key, id, seen);
    Ok(id)
}

/// Searches published articles. `sites` remembers the site IDs that clients name sites by.
pub async fn search_articles(
    db: &impl ConnectionTrait,
    engine: &SearchEngine,
    sites: &ResponseCache,
    input: SearchInput,
    max_page_size: u64,
) -> AppResult<SearchPage> {
    let (limit, offset) = check_page(&input.text, input.first, input.offset, max_page_size)?;
    let site = match input.site.as_deref() {
        Some(key) => Some(site_id(db, sites, key).await?),
        None => None,
    };
    let locale = match input.locale.as_deref() {
        Some(l) => Some(Locale::parse("locale", l)?.as_str().to_owned()),
        None => None,
    };
    let input_columns = input.columns;
    let request = SearchRequest {
        text: input.text,
        site,
        locale,
        tags: input.tags.iter().map(|t| t.trim().to_lowercase()).collect(),
        limit,
        offset,
        skip_highlights: input.skip_highlights,
        skip_snippets: input.skip_snippets,
    };
    let found = engine.search(&request).await.map_err(AppError::internal)?;
    let ids: Vec<Uuid> = found.hits.iter().map(|h| h.id).collect();
    let mut articles = published_by_id(db, &ids, input_columns.as_deref()).await?;
    let hits = found
        .hits
        .into_iter()
        .filter_map(|hit| {
            articles.remove(&hit.id).map(|article| ArticleHit {
                article,
                title_html: text::to_html(&hit.title),
                excerpt_html: text::to_html(&hit.excerpt),
                snippet_html: text::to_html(&hit.snippet),
            })
        })
        .collect();
    Ok(SearchPage {
        hits,
        tag_counts: found.tag_counts,
        estimated_total: found.estimated_total,
    })
}

/// Other published articles of the same site and locale, by shared tags then similar text.
pub async fn related_articles(
    db: &impl ConnectionTrait,
    engine: &SearchEngine,
    of: &article::Model,
    first: Option<i64>,
    max_page_size: u64,
) -> AppResult<Vec<article::Model>> {
    let first = first.unwrap_or(5);
    if first < 0 || first.unsigned_abs() > max_page_size {
        return Err(first_out_of_range(max_page_size));
    }
    if first == 0 {
        return Ok(Vec::new());
    }
    let docs = search_docs(db, std::slice::from_ref(of)).await?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(Vec::new());
    };
    let limit = usize::try_from(first).unwrap_or(0);
    // A few spare candidates, in case the index still holds something unpublished since.
    let ids = engine
        .related(&doc, limit + 5)
        .await
        .map_err(AppError::internal)?;
    let mut articles = published_by_id(db, &ids, None).await?;
    Ok(ids
        .iter()
        .filter(|id| **id != of.id)
        .filter_map(|id| articles.remove(id))
        .take(limit)
        .collect())
}

/// The published articles among `ids`, reading only `columns` when given (see
/// [`articles_by_id`]).
async fn published_by_id(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    columns: Option<&[article::Column]>,
) -> AppResult<HashMap<Uuid, article::Model>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    // By ID alone, the status checked here: with `AND status = ?` in the SQL, SQLite's planner
    // may walk the status index (every published article) instead of looking up the IDs.
    Ok(articles_by_id(db, ids, columns)
        .await?
        .into_iter()
        .filter(|a| a.status == ArticleStatus::Published)
        .map(|a| (a.id, a))
        .collect())
}

/// The index documents of articles (whatever their status; callers index published ones).
pub async fn search_docs(
    db: &impl ConnectionTrait,
    articles: &[article::Model],
) -> AppResult<Vec<SearchDoc>> {
    let ids: Vec<Uuid> = articles.iter().map(|a| a.id).collect();
    let mut tags = tags_of_articles(db, &ids).await?;
    Ok(articles
        .iter()
        .map(|a| {
            let tags = tags
                .remove(&a.id)
                .unwrap_or_default()
                .into_iter()
                .map(|t| t.slug)
                .collect();
            to_doc(a, tags)
        })
        .collect())
}

/// The index document of one article with its tag slugs.
pub fn to_doc(a: &article::Model, tags: Vec<String>) -> SearchDoc {
    // The same text readers get: rendered (no markup), and the same excerpt as `Article.excerpt`.
    let rendered = crate::content::render_cached(a.id, a.version, &a.body);
    let excerpt = match a.excerpt.as_deref().map(str::trim) {
        Some(e) if !e.is_empty() => e.to_owned(),
        _ => crate::content::derived_excerpt(&rendered),
    };
    // The engines' match markers never come from an article.
    SearchDoc {
        id: a.id,
        site: a.site_id,
        locale: a.locale.clone(),
        title: text::without_marks(&a.title),
        excerpt: text::without_marks(&excerpt),
        body: text::without_marks(&rendered.text),
        tags,
        status: "published".to_owned(),
        published_at: a.published_at.unwrap_or(a.updated_at).timestamp(),
    }
}

/// Brings the index in line with one article as the database holds it now: indexed when
/// published, removed otherwise (or when gone). Idempotent and order-insensitive.
pub async fn sync_article(
    db: &impl ConnectionTrait,
    engine: &SearchEngine,
    id: Uuid,
) -> anyhow::Result<()> {
    let found = article::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|a| a.status == ArticleStatus::Published);
    match found {
        Some(a) => {
            let docs = search_docs(db, &[a])
                .await
                .map_err(|e| anyhow::anyhow!("loading the article's tags: {}", e.message))?;
            engine.upsert(docs).await
        }
        None => engine.delete(vec![id]).await,
    }
}

/// Like [`sync_article`] for many articles at once: one database read of the articles and
/// their tags, then one index write for all (see [`SearchEngine::apply`]). The index ends up as
/// the database stands when it is read, whatever order the changes were made in.
pub async fn sync_articles(
    db: &impl ConnectionTrait,
    engine: &SearchEngine,
    ids: &[Uuid],
) -> anyhow::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let published: Vec<article::Model> = article::Entity::find()
        .filter(id_in(db.get_database_backend(), article::Column::Id, ids))
        .all(db)
        .await?
        .into_iter()
        .filter(|a| a.status == ArticleStatus::Published)
        .collect();
    let kept: std::collections::HashSet<Uuid> = published.iter().map(|a| a.id).collect();
    let gone: Vec<Uuid> = ids
        .iter()
        .copied()
        .filter(|id| !kept.contains(id))
        .collect();
    let docs = search_docs(db, &published)
        .await
        .map_err(|e| anyhow::anyhow!("loading the articles' tags: {}", e.message))?;
    engine.apply(docs, gone).await
}
