//! The sitemap of a site: its published articles and products and its categories, each in
//! every locale it exists in, with the other locales as `hreflang` alternates and the default
//! locale's version as `x-default`.
//!
//! Cheap at any size: the entries are split into pages of `sitemap_page_size` URLs (50,000,
//! the sitemaps.org limit, by default); a page reads only the columns it needs (never a body)
//! with one bounded statement per kind, plus one per 500 translation groups for the
//! alternates. Order: articles (oldest publication first), products (the same), categories.
use super::{PageKind, page_path, site_base};
use crate::error::{AppError, AppResult, Reason};
use crate::services::site::find_site;
use chrono::{DateTime, Utc};
use entities::article::{self, ArticleStatus};
use entities::{category, category_translation, product, site};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, RelationDef,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Most URLs in one sitemap (the sitemaps.org limit), and the default page size.
pub const MAX_SITEMAP_URLS: u64 = 50_000;

/// Translation groups (or categories) whose alternates one statement reads.
const ALTERNATES_CHUNK: usize = 500;

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A published article.
    Article,
    /// A published product.
    Product,
    /// A category (a page listing its products).
    Category,
}

/// One version of a page, for `hreflang`.
#[derive(Clone, Debug)]
pub struct Alternate {
    /// Locale tag (`zh-CN`).
    pub locale: String,
    /// Path on the site.
    pub path: String,
    /// Absolute URL.
    pub url: String,
}

/// One URL of a site's sitemap.
pub struct SitemapEntry {
    /// What the page shows.
    pub kind: EntryKind,
    /// Path on the site (see [`super`] for the pattern).
    pub path: String,
    /// Absolute URL: `https://{domain}{path}`.
    pub url: String,
    /// The page's locale.
    pub locale: String,
    /// The page's slug.
    pub slug: String,
    /// Last change.
    pub last_modified: DateTime<Utc>,
    /// The same page in the other locales it is published in, by locale.
    pub translations: Vec<Alternate>,
    /// The version in the site's default locale (this page or a translation), for
    /// `hreflang="x-default"`; none when the page has no default-locale version.
    pub x_default: Option<Alternate>,
}

/// A site's sitemap before any page is read: how many URLs and pages it has.
pub struct SitemapPlan {
    /// The site.
    pub site: site::Model,
    articles: u64,
    products: u64,
    categories: u64,
    page_size: u64,
}

impl SitemapPlan {
    /// URLs in the whole sitemap.
    pub fn total(&self) -> u64 {
        self.articles + self.products + self.categories
    }

    /// Pages of at most the page size (at least one, empty for a site with nothing public).
    pub fn pages(&self) -> u64 {
        self.total().div_ceil(self.page_size).max(1)
    }
}

fn published_articles(site_id: Uuid) -> sea_orm::Select<article::Entity> {
    article::Entity::find()
        .filter(article::Column::SiteId.eq(site_id))
        .filter(article::Column::Status.eq(ArticleStatus::Published))
}

fn published_products(site_id: Uuid) -> sea_orm::Select<product::Entity> {
    product::Entity::find()
        .filter(product::Column::SiteId.eq(site_id))
        .filter(product::Column::Status.eq(ArticleStatus::Published))
}

fn to_category() -> RelationDef {
    category_translation::Entity::belongs_to(category::Entity)
        .from(category_translation::Column::CategoryId)
        .to(category::Column::Id)
        .into()
}

fn named_categories(site_id: Uuid) -> sea_orm::Select<category_translation::Entity> {
    category_translation::Entity::find()
        .join(JoinType::InnerJoin, to_category())
        .filter(category::Column::SiteId.eq(site_id))
}

/// Counts a site's (ID or domain) sitemap URLs; NOT_FOUND on `site` for an unknown site.
/// `page_size` is clamped to 1..=50,000.
pub async fn plan_sitemap(
    db: &impl ConnectionTrait,
    site: &str,
    page_size: u64,
) -> AppResult<SitemapPlan> {
    let site = find_site(db, "site", site)
        .await
        .map_err(|e| e.at("site"))?;
    let articles = published_articles(site.id).count(db).await?;
    let products = published_products(site.id).count(db).await?;
    let categories = named_categories(site.id).count(db).await?;
    Ok(SitemapPlan {
        site,
        articles,
        products,
        categories,
        page_size: page_size.clamp(1, MAX_SITEMAP_URLS),
    })
}

/// One row of a page: (group: translation group or category, locale, slug, last change).
type Row = (Uuid, String, String, DateTime<Utc>);

/// The rows of one kind of content (articles or products, whose columns are named alike) that
/// fall on this page, `(offset, limit)`, and the other published versions of each, written as
/// entries to `out`: one statement for the rows, one per chunk of translation groups.
macro_rules! kind_page {
    ($db:expr, $plan:expr, $published:ident, $entity:ident, $kind:expr, $slice:expr, $out:expr) => {{
        let (offset, limit) = $slice;
        if limit > 0 {
            let rows: Vec<Row> = $published($plan.site.id)
                .select_only()
                .column($entity::Column::TranslationGroupId)
                .column($entity::Column::Locale)
                .column($entity::Column::Slug)
                .column($entity::Column::UpdatedAt)
                .order_by_asc($entity::Column::PublishedAt)
                .order_by_asc($entity::Column::Id)
                .offset(offset)
                .limit(limit)
                .into_tuple()
                .all($db)
                .await?;
            let mut versions = HashMap::new();
            for chunk in groups_of(&rows).chunks(ALTERNATES_CHUNK) {
                let found: Vec<(Uuid, String, String)> = $published($plan.site.id)
                    .select_only()
                    .column($entity::Column::TranslationGroupId)
                    .column($entity::Column::Locale)
                    .column($entity::Column::Slug)
                    .filter($entity::Column::TranslationGroupId.is_in(chunk.iter().copied()))
                    .into_tuple()
                    .all($db)
                    .await?;
                collect(&mut versions, found);
            }
            entries(&$plan.site, $kind, rows, &versions, $out);
        }
    }};
}

/// The entries of page `page` (from 1) of a sitemap; OUT_OF_RANGE on `page` past the last.
pub async fn sitemap_page(
    db: &impl ConnectionTrait,
    plan: &SitemapPlan,
    page: u64,
) -> AppResult<Vec<SitemapEntry>> {
    if page == 0 || page > plan.pages() {
        return Err(AppError::bad_input(
            "page",
            format!("the sitemap has pages 1 to {}", plan.pages()),
        )
        .because(Reason::OutOfRange)
        .with("min", 1)
        .with("max", plan.pages()));
    }
    // Where the page starts and ends in the concatenation articles, products, categories.
    let start = (page - 1) * plan.page_size;
    let end = start + plan.page_size;
    let slice = |before: u64, count: u64| {
        let from = start.clamp(before, before + count) - before;
        let to = end.clamp(before, before + count) - before;
        (from, to - from)
    };
    let site_id = plan.site.id;
    let mut out = Vec::new();

    kind_page!(
        db,
        plan,
        published_articles,
        article,
        EntryKind::Article,
        slice(0, plan.articles),
        &mut out
    );
    kind_page!(
        db,
        plan,
        published_products,
        product,
        EntryKind::Product,
        slice(plan.articles, plan.products),
        &mut out
    );

    let (offset, limit) = slice(plan.articles + plan.products, plan.categories);
    if limit > 0 {
        let rows: Vec<Row> = named_categories(site_id)
            .select_only()
            .column(category_translation::Column::CategoryId)
            .column(category_translation::Column::Locale)
            .column(category::Column::Slug)
            .column(category::Column::UpdatedAt)
            .order_by_asc(category_translation::Column::CategoryId)
            .order_by_asc(category_translation::Column::Locale)
            .offset(offset)
            .limit(limit)
            .into_tuple()
            .all(db)
            .await?;
        let mut versions = HashMap::new();
        for chunk in groups_of(&rows).chunks(ALTERNATES_CHUNK) {
            let found: Vec<(Uuid, String, String)> = named_categories(site_id)
                .select_only()
                .column(category_translation::Column::CategoryId)
                .column(category_translation::Column::Locale)
                .column(category::Column::Slug)
                .filter(category_translation::Column::CategoryId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(db)
                .await?;
            collect(&mut versions, found);
        }
        entries(&plan.site, EntryKind::Category, rows, &versions, &mut out);
    }
    Ok(out)
}

/// The distinct groups of a page's rows.
fn groups_of(rows: &[Row]) -> Vec<Uuid> {
    let mut groups: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    groups.sort_unstable();
    groups.dedup();
    groups
}

/// Every published version of each group: (locale, slug), by locale.
type Versions = HashMap<Uuid, Vec<(String, String)>>;

fn collect(versions: &mut Versions, found: Vec<(Uuid, String, String)>) {
    for (group, locale, slug) in found {
        versions.entry(group).or_default().push((locale, slug));
    }
    for v in versions.values_mut() {
        v.sort();
    }
}

fn entries(
    site: &site::Model,
    kind: EntryKind,
    rows: Vec<Row>,
    versions: &Versions,
    out: &mut Vec<SitemapEntry>,
) {
    let page = match kind {
        EntryKind::Article => PageKind::Article,
        EntryKind::Product => PageKind::Product,
        EntryKind::Category => PageKind::Category,
    };
    let base = site_base(site);
    let alternate = |locale: &str, slug: &str| {
        let path = page_path(page, &site.default_locale, locale, slug);
        Alternate {
            locale: locale.to_owned(),
            url: format!("{base}{path}"),
            path,
        }
    };
    for (group, locale, slug, last_modified) in rows {
        let all = versions.get(&group).map(Vec::as_slice).unwrap_or_default();
        let this = alternate(&locale, &slug);
        let x_default = all
            .iter()
            .find(|(l, _)| *l == site.default_locale)
            .map(|(l, s)| alternate(l, s));
        out.push(SitemapEntry {
            kind,
            translations: all
                .iter()
                .filter(|(l, _)| *l != locale)
                .map(|(l, s)| alternate(l, s))
                .collect(),
            x_default,
            path: this.path,
            url: this.url,
            locale,
            slug,
            last_modified,
        });
    }
}
