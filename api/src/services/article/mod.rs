//! Articles: reading with visibility rules, listing with filters and keyset pagination, and
//! writing (create, update, publish, unpublish, delete).

pub mod digest;
pub mod events;
mod list;
pub mod partial;
mod preview;
mod publish;
pub mod revision;
pub mod seo;
pub mod transfer;
mod translation;
mod write;

pub use digest::BodyLimits;
pub use list::{ArticleFilter, ArticleOrder, list_articles};
pub use partial::{add_column, articles_by_id};
pub use preview::{Preview, preview_markdown};
pub use publish::{MAX_SCHEDULE_DAYS, publish_article, publish_due, unpublish_article};
pub use seo::SeoPatch;
pub use translation::{list_translations, translation_in};
pub use write::{ArticlePatch, NewArticle, create_article, delete_article, update_article};

use crate::auth::Principal;
use crate::domain::Locale;
use crate::error::{AppError, AppResult};
use crate::services::authz::{self, Visibility};
use crate::services::site::{SiteKey, require_site_locale};
use entities::article::{self, ArticleStatus};
use entities::site;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect,
};
use uuid::Uuid;

/// Whether the caller may see `found` (what [`visible_condition`] says in SQL).
fn is_visible(visibility: &Visibility, found: &article::Model) -> bool {
    match visibility {
        Visibility::All => true,
        Visibility::PublishedAndSites(sites) => {
            found.status == ArticleStatus::Published || sites.contains(&found.site_id)
        }
    }
}

/// The condition that limits articles to those the caller may see.
pub(crate) fn visible_condition(visibility: &Visibility) -> Condition {
    match visibility {
        Visibility::All => Condition::all(),
        Visibility::PublishedAndSites(sites) => {
            let mut any =
                Condition::any().add(article::Column::Status.eq(ArticleStatus::Published));
            if !sites.is_empty() {
                any = any.add(article::Column::SiteId.is_in(sites.iter().copied()));
            }
            any
        }
    }
}

/// One article by ID, if the caller may see it.
pub async fn get_article(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> AppResult<Option<article::Model>> {
    let Some(found) = article::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if found.status == ArticleStatus::Published
        || authz::can_read_unpublished(db, principal, found.site_id).await?
    {
        return Ok(Some(found));
    }
    Ok(None)
}

/// One article by site (ID or domain), slug and locale (the site's default when absent).
///
/// When the site has no article with this slug in the locale, the slug is looked up in the
/// site's default locale and its translation into the locale is returned, or, when there is
/// none, the default-locale article itself (its `locale` tells the client which it got).
pub async fn find_article(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site: &str,
    slug: &str,
    locale: Option<&str>,
) -> AppResult<Option<article::Model>> {
    let key = SiteKey::parse("site", site)?;
    let visibility = authz::content_visibility(db, principal).await?;
    if let Some(found) = find_joined(db, &key, &visibility, slug, locale).await? {
        return Ok(Some(found));
    }
    let site = key.load(db).await?;
    let locale = require_site_locale(&site, "locale", locale)?;
    let by_slug = |locale: String| {
        article::Entity::find()
            .filter(article::Column::SiteId.eq(site.id))
            .filter(article::Column::Locale.eq(locale))
            .filter(article::Column::Slug.eq(slug.trim()))
            .filter(visible_condition(&visibility))
            .one(db)
    };
    if let Some(found) = by_slug(locale.clone()).await? {
        return Ok(Some(found));
    }
    if locale == site.default_locale {
        return Ok(None);
    }
    let Some(default) = by_slug(site.default_locale.clone()).await? else {
        return Ok(None);
    };
    Ok(Some(
        translation_in(db, &visibility, &default, &locale)
            .await?
            .unwrap_or(default),
    ))
}

/// A storefront's common read by slug in one statement: the article in the asked locale (the
/// site's default when none is asked) with its site joined, so it costs no lookup of the site of
/// its own. `None` sends the caller the long way, which tells a missing site, a locale the site
/// does not offer and a translation that falls back to the default locale apart.
async fn find_joined(
    db: &impl ConnectionTrait,
    key: &SiteKey,
    visibility: &Visibility,
    slug: &str,
    locale: Option<&str>,
) -> AppResult<Option<article::Model>> {
    let asked = match locale.map(|l| Locale::parse("locale", l)) {
        Some(Err(_)) => return Ok(None),
        Some(Ok(l)) => Some(l.into_string()),
        None => None,
    };
    let to_site = article::Entity::belongs_to(site::Entity)
        .from(article::Column::SiteId)
        .to(site::Column::Id)
        .into();
    let in_locale = match &asked {
        Some(l) => article::Column::Locale.eq(l.as_str()),
        None => Expr::col((article::Entity, article::Column::Locale))
            .equals((site::Entity, site::Column::DefaultLocale)),
    };
    // Site, locale and slug: the unique index, whatever the table's statistics say. Visibility
    // is checked here, not in SQL: with `status = …` in the statement, PostgreSQL planned a walk
    // of the (site, locale, status) index filtering on slug (500 rows) on a freshly loaded table.
    let found = article::Entity::find()
        .select_also(site::Entity)
        .join(JoinType::InnerJoin, to_site)
        .filter(key.names_row())
        .filter(article::Column::Slug.eq(slug.trim()))
        .filter(in_locale)
        .one(db)
        .await?;
    Ok(match found {
        // The site must still offer the locale (an article may outlive its locale's removal).
        Some((article, Some(site)))
            if is_visible(visibility, &article)
                && require_site_locale(&site, "locale", locale).is_ok() =>
        {
            Some(article)
        }
        _ => None,
    })
}

/// Loads an article for a change, checking the caller may write its site.
async fn article_for_write(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> AppResult<(article::Model, Uuid)> {
    principal.require_user()?;
    let found = article::Entity::find_by_id(id).one(db).await?;
    let Some(found) = found else {
        return Err(AppError::not_found("article").at("id"));
    };
    // Someone who may not even read the draft learns nothing about it.
    if found.status != ArticleStatus::Published
        && !authz::can_read_unpublished(db, principal, found.site_id).await?
    {
        return Err(AppError::not_found("article").at("id"));
    }
    let user_id = authz::require_content_writer(db, principal, found.site_id).await?;
    Ok((found, user_id))
}
