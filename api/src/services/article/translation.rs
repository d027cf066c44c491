//! Translations (articles sharing a translation group) and the sitemap.
use super::visible_condition;
use crate::auth::Principal;
use crate::error::AppResult;
use crate::services::authz::{self, Visibility};
use crate::services::site::find_site;
use chrono::{DateTime, Utc};
use entities::article::{self, ArticleStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// Most URLs in one sitemap (the sitemaps.org limit).
pub const MAX_SITEMAP_URLS: u64 = 50_000;

/// The translation of `article` into `locale`, if one is visible.
pub async fn translation_in(
    db: &impl ConnectionTrait,
    visibility: &Visibility,
    article: &article::Model,
    locale: &str,
) -> AppResult<Option<article::Model>> {
    Ok(article::Entity::find()
        .filter(article::Column::TranslationGroupId.eq(article.translation_group_id))
        .filter(article::Column::Locale.eq(locale))
        .filter(visible_condition(visibility))
        .one(db)
        .await?)
}

/// The other visible articles of the translation group of `article`, by locale.
pub async fn list_translations(
    db: &impl ConnectionTrait,
    principal: &Principal,
    article: &article::Model,
) -> AppResult<Vec<article::Model>> {
    let visibility = authz::content_visibility(db, principal).await?;
    Ok(article::Entity::find()
        .filter(article::Column::TranslationGroupId.eq(article.translation_group_id))
        .filter(article::Column::Id.ne(article.id))
        .filter(visible_condition(&visibility))
        .order_by_asc(article::Column::Locale)
        .all(db)
        .await?)
}

/// One URL of a site's sitemap.
pub struct SitemapEntry {
    /// Path on the site: `/{slug}` in the default locale, `/{locale}/{slug}` in others.
    pub path: String,
    /// The article's locale.
    pub locale: String,
    /// The article's slug.
    pub slug: String,
    /// Last change.
    pub last_modified: DateTime<Utc>,
    /// The same article in other locales: (locale, path), for `hreflang` links.
    pub alternates: Vec<(String, String)>,
}

fn path_of(default_locale: &str, locale: &str, slug: &str) -> String {
    let slug = url::form_urlencoded::byte_serialize(slug.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    if locale == default_locale {
        format!("/{slug}")
    } else {
        format!("/{locale}/{slug}")
    }
}

/// Every published article of a site, with paths and translation alternates.
pub async fn sitemap(db: &impl ConnectionTrait, site: &str) -> AppResult<Vec<SitemapEntry>> {
    let site = find_site(db, "site", site).await?;
    let rows = article::Entity::find()
        .filter(article::Column::SiteId.eq(site.id))
        .filter(article::Column::Status.eq(ArticleStatus::Published))
        .order_by_asc(article::Column::PublishedAt)
        .order_by_asc(article::Column::Id)
        .limit(MAX_SITEMAP_URLS)
        .all(db)
        .await?;
    let mut groups: HashMap<Uuid, Vec<(String, String)>> = HashMap::new();
    for a in &rows {
        groups.entry(a.translation_group_id).or_default().push((
            a.locale.clone(),
            path_of(&site.default_locale, &a.locale, &a.slug),
        ));
    }
    Ok(rows
        .into_iter()
        .map(|a| {
            let path = path_of(&site.default_locale, &a.locale, &a.slug);
            let alternates = groups
                .get(&a.translation_group_id)
                .map(|g| g.iter().filter(|(l, _)| *l != a.locale).cloned().collect())
                .unwrap_or_default();
            SitemapEntry {
                path,
                locale: a.locale,
                slug: a.slug,
                last_modified: a.updated_at,
                alternates,
            }
        })
        .collect())
}
