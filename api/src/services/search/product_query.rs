//! Searching published products: the filters (site, locale, categories with their subtrees,
//! certifications) checked and resolved, the engine asked, the hits re-read from the database
//! (a stale index never shows a draft or a deleted product), and the facets labelled: the
//! categories with their names, the certifications as written.
use super::{check_page, site_id};
use crate::cache::ResponseCache;
use crate::db::id_in;
use crate::domain::Locale;
use crate::error::{AppError, AppResult, Reason};
use crate::search::SearchEngine;
use crate::search::product::ProductSearchRequest;
use crate::search::text;
use crate::services::product::NamedCategory;
use crate::services::product::category::translations_of;
use crate::services::product::relations::{MAX_CERTIFICATIONS, certification_key};
use entities::product::{self, ProductStatus};
use entities::{category, product_certification};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// Most categories one search filters on.
pub const MAX_CATEGORY_FILTERS: usize = 20;
/// Most values a facet lists (Meilisearch's own limit per facet).
pub const MAX_FACET_VALUES: usize = 100;

/// A product search as a client asks for it.
#[derive(Debug, Default)]
pub struct ProductSearchInput {
    /// The words typed.
    pub text: String,
    /// Site ID or domain.
    pub site: Option<String>,
    /// Locale tag.
    pub locale: Option<String>,
    /// Category IDs or slugs (slugs need `site`): hits are in at least one of them or below.
    pub categories: Vec<String>,
    /// Certification names: hits carry all of them (any case and spacing).
    pub certifications: Vec<String>,
    /// Page size.
    pub first: Option<i64>,
    /// Hits to skip.
    pub offset: Option<i64>,
    /// The client reads no highlight.
    pub skip_highlights: bool,
    /// The client reads no snippet.
    pub skip_snippets: bool,
}

/// One product hit: the product, its highlighted name and summary, and the snippet of its
/// description (HTML, matches in `<em>`).
pub struct ProductHit {
    /// The product, as stored now.
    pub product: product::Model,
    /// The name, HTML-escaped, matches in `<em>`.
    pub name_html: String,
    /// The summary, HTML-escaped, matches in `<em>`; empty when it has none.
    pub summary_html: String,
    /// The passage of the description around the best match, HTML-escaped.
    pub snippet_html: String,
}

/// A page of product search results.
pub struct ProductSearchPage {
    /// Hits, best first.
    pub hits: Vec<ProductHit>,
    /// Categories and how many matching products are in each or below it, most first.
    pub category_counts: Vec<(NamedCategory, u64)>,
    /// Certification names and how many matching products carry each, most first.
    pub certification_counts: Vec<(String, u64)>,
    /// How many products match in all (an estimate on Meilisearch).
    pub estimated_total: u64,
    /// The locale searched in (as the site spells it), to name the categories in.
    pub locale: Option<String>,
}

/// The IDs of the categories a client named by ID or slug, each checked to exist (in `site`
/// when given): NOT_FOUND at `categories.N` otherwise.
async fn category_ids(
    db: &impl ConnectionTrait,
    site: Option<Uuid>,
    keys: &[String],
) -> AppResult<Vec<String>> {
    if keys.len() > MAX_CATEGORY_FILTERS {
        return Err(AppError::bad_input(
            "categories",
            format!("a search filters on at most {MAX_CATEGORY_FILTERS} categories"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_CATEGORY_FILTERS));
    }
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_id: Vec<Uuid> = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        match Uuid::parse_str(key.trim()) {
            Ok(id) => by_id.push(id),
            Err(_) if site.is_none() => {
                return Err(AppError::bad_input(
                    &format!("categories.{i}"),
                    "a category given by slug needs site",
                )
                .because(Reason::SiteRequired));
            }
            Err(_) => {}
        }
    }
    let mut query = category::Entity::find();
    query = match site {
        Some(site) => query.filter(category::Column::SiteId.eq(site)),
        None => query.filter(id_in(
            db.get_database_backend(),
            category::Column::Id,
            &by_id,
        )),
    };
    let known = query.all(db).await?;
    let mut out = Vec::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        let key = key.trim();
        let found = known
            .iter()
            .find(|c| c.slug == key || Uuid::parse_str(key).is_ok_and(|id| id == c.id));
        match found {
            Some(c) => out.push(c.id.to_string()),
            None => return Err(AppError::not_found("category").at(&format!("categories.{i}"))),
        }
    }
    Ok(out)
}

/// The certification keys of the names a client gave.
fn certification_keys(names: &[String]) -> AppResult<Vec<String>> {
    if names.len() > MAX_CERTIFICATIONS {
        return Err(AppError::bad_input(
            "certifications",
            format!("a search filters on at most {MAX_CERTIFICATIONS} certifications"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_CERTIFICATIONS));
    }
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let key = certification_key(name);
            if key.is_empty() {
                return Err(AppError::bad_input(
                    &format!("certifications.{i}"),
                    "a certification name must not be empty",
                )
                .because(Reason::Required));
            }
            Ok(key)
        })
        .collect()
}

/// Searches published products. `sites` remembers the site IDs that clients name sites by.
pub async fn search_products(
    db: &impl ConnectionTrait,
    engine: &SearchEngine,
    sites: &ResponseCache,
    input: ProductSearchInput,
    max_page_size: u64,
) -> AppResult<ProductSearchPage> {
    let (limit, offset) = check_page(&input.text, input.first, input.offset, max_page_size)?;
    let site = match input.site.as_deref() {
        Some(key) => Some(site_id(db, sites, key).await.map_err(|e| e.at("site"))?),
        None => None,
    };
    let locale = match input.locale.as_deref() {
        Some(l) => Some(Locale::parse("locale", l)?.as_str().to_owned()),
        None => None,
    };
    let certifications = certification_keys(&input.certifications)?;
    let categories = category_ids(db, site, &input.categories).await?;
    let request = ProductSearchRequest {
        text: input.text,
        site,
        locale: locale.clone(),
        categories,
        certifications,
        limit,
        offset,
        skip_highlights: input.skip_highlights,
        skip_snippets: input.skip_snippets,
    };
    let found = engine
        .search_products(&request)
        .await
        .map_err(AppError::internal)?;
    let ids: Vec<Uuid> = found.hits.iter().map(|h| h.id).collect();
    let mut products: HashMap<Uuid, product::Model> = if ids.is_empty() {
        HashMap::new()
    } else {
        product::Entity::find()
            .filter(id_in(db.get_database_backend(), product::Column::Id, &ids))
            .all(db)
            .await?
            .into_iter()
            .filter(|p| p.status == ProductStatus::Published)
            .map(|p| (p.id, p))
            .collect()
    };
    let hits = found
        .hits
        .into_iter()
        .filter_map(|hit| {
            products.remove(&hit.id).map(|product| ProductHit {
                product,
                name_html: text::to_html(&hit.name),
                summary_html: text::to_html(&hit.summary),
                snippet_html: text::to_html(&hit.snippet),
            })
        })
        .collect();
    Ok(ProductSearchPage {
        hits,
        category_counts: named_categories(db, found.category_counts).await?,
        certification_counts: certification_names(db, found.certification_counts).await?,
        estimated_total: found.estimated_total,
        locale,
    })
}

/// The counted categories with their names, in the order counted (gone ones dropped).
async fn named_categories(
    db: &impl ConnectionTrait,
    mut counts: Vec<(String, u64)>,
) -> AppResult<Vec<(NamedCategory, u64)>> {
    counts.truncate(MAX_FACET_VALUES);
    let ids: Vec<Uuid> = counts
        .iter()
        .filter_map(|(id, _)| Uuid::parse_str(id).ok())
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: HashMap<Uuid, category::Model> = category::Entity::find()
        .filter(id_in(db.get_database_backend(), category::Column::Id, &ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut names = translations_of(db, &ids).await?;
    Ok(counts
        .into_iter()
        .filter_map(|(id, count)| {
            let id = Uuid::parse_str(&id).ok()?;
            let category = rows.remove(&id)?;
            let translations = names.remove(&id).unwrap_or_default();
            Some((
                NamedCategory {
                    category,
                    translations,
                },
                count,
            ))
        })
        .collect())
}

/// The counted certification keys as written on products (the first spelling found).
async fn certification_names(
    db: &impl ConnectionTrait,
    mut counts: Vec<(String, u64)>,
) -> AppResult<Vec<(String, u64)>> {
    counts.truncate(MAX_FACET_VALUES);
    if counts.is_empty() {
        return Ok(counts);
    }
    let keys: Vec<String> = counts.iter().map(|(k, _)| k.clone()).collect();
    let spelled: Vec<(String, String)> = product_certification::Entity::find()
        .select_only()
        .column(product_certification::Column::Key)
        .column(product_certification::Column::Name)
        .distinct()
        .filter(product_certification::Column::Key.is_in(keys))
        .into_tuple()
        .all(db)
        .await?;
    let mut names: HashMap<String, String> = HashMap::new();
    for (key, name) in spelled {
        let kept = names.entry(key).or_insert_with(|| name.clone());
        if name < *kept {
            *kept = name;
        }
    }
    Ok(counts
        .into_iter()
        .map(|(key, count)| (names.remove(&key).unwrap_or(key), count))
        .collect())
}
