//! Changing articles.
use super::{article_for_write, events};
use crate::auth::Principal;
use crate::domain::{Slug, bounded_text, optional_text};
use crate::error::{AppError, AppResult, on_constraint};
use crate::services::site::{require_site, require_site_locale};
use crate::services::{authz, now, tag as tags};
use entities::article::{self, ArticleStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest explicit excerpt, in characters.
pub const MAX_EXCERPT_CHARS: usize = 2000;

const ARTICLE_CONSTRAINTS: &[(&str, &str, &str)] =
    &[("articles_site_id_locale_slug", "articles.slug", "slug")];

/// An article to create (always as a draft).
pub struct NewArticle {
    /// The site's ID.
    pub site_id: String,
    /// Locale; the site's default when absent.
    pub locale: Option<String>,
    /// Slug; generated from the title when absent.
    pub slug: Option<String>,
    /// Title.
    pub title: String,
    /// Markdown body.
    pub body: String,
    /// Explicit excerpt.
    pub excerpt: Option<String>,
    /// Tag names; tags are created on the site as needed.
    pub tags: Vec<String>,
}

/// Changes to an article; `None` leaves a field as it is.
#[derive(Default)]
pub struct ArticlePatch {
    /// New slug.
    pub slug: Option<String>,
    /// New title.
    pub title: Option<String>,
    /// New body.
    pub body: Option<String>,
    /// New excerpt; an empty string clears it.
    pub excerpt: Option<String>,
    /// New tag list (replaces the old one).
    pub tags: Option<Vec<String>>,
}

fn check_body(body: &str, max_bytes: usize) -> AppResult<()> {
    if body.len() > max_bytes {
        return Err(AppError::bad_input(
            "body",
            format!(
                "body is {} bytes; the limit is {max_bytes} bytes",
                body.len()
            ),
        ));
    }
    if body.contains('\0') {
        return Err(AppError::bad_input("body", "body contains a NUL character"));
    }
    Ok(())
}

async fn slug_taken(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    locale: &str,
    slug: &str,
    except: Option<Uuid>,
) -> AppResult<bool> {
    let mut query = article::Entity::find()
        .filter(article::Column::SiteId.eq(site_id))
        .filter(article::Column::Locale.eq(locale))
        .filter(article::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(article::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

/// A free slug for a new article: the given one (or CONFLICT), or one made from the title with
/// `-2`, `-3`, … appended until it is free.
async fn choose_slug(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    locale: &str,
    given: Option<&str>,
    title: &str,
    id: Uuid,
) -> AppResult<String> {
    if let Some(given) = given {
        let slug = Slug::parse("slug", given)?;
        if slug_taken(db, site_id, locale, slug.as_str(), None).await? {
            return Err(AppError::conflict(
                "slug",
                "an article with this slug already exists in this locale",
            ));
        }
        return Ok(slug.into_string());
    }
    let base = Slug::from_title(title).unwrap_or_else(|| Slug::for_id("article", id));
    if !slug_taken(db, site_id, locale, base.as_str(), None).await? {
        return Ok(base.into_string());
    }
    for n in 2..=50 {
        let candidate = base.with_suffix(n);
        if !slug_taken(db, site_id, locale, candidate.as_str(), None).await? {
            return Ok(candidate.into_string());
        }
    }
    // Fifty articles share this title: fall back to a slug no other article can have.
    Ok(Slug::for_id(base.as_str(), id).into_string())
}

/// Creates a draft.
pub async fn create_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    input: NewArticle,
    max_body_bytes: usize,
) -> AppResult<article::Model> {
    let site = require_site(db, "siteId", &input.site_id).await?;
    let author_id = authz::require_content_writer(db, principal, site.id).await?;
    let locale = require_site_locale(&site, "locale", input.locale.as_deref())?;
    let title = bounded_text("title", &input.title, 1, MAX_TITLE_CHARS)?;
    check_body(&input.body, max_body_bytes)?;
    let excerpt = optional_text("excerpt", input.excerpt.as_deref(), MAX_EXCERPT_CHARS)?;
    let id = Uuid::now_v7();
    let txn = db.begin().await?;
    let slug = choose_slug(&txn, site.id, &locale, input.slug.as_deref(), &title, id).await?;
    let tag_models = tags::ensure_tags(&txn, site.id, &input.tags).await?;
    let now = now();
    let article = article::ActiveModel {
        id: Set(id),
        site_id: Set(site.id),
        translation_group_id: Set(id),
        locale: Set(locale),
        slug: Set(slug),
        title: Set(title),
        body: Set(input.body),
        excerpt: Set(excerpt),
        status: Set(ArticleStatus::Draft),
        published_at: Set(None),
        scheduled_at: Set(None),
        author_id: Set(Some(author_id)),
        cover_media_id: Set(None),
        meta_title: Set(None),
        meta_description: Set(None),
        canonical_url: Set(None),
        og_image_media_id: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| on_constraint(e, ARTICLE_CONSTRAINTS))?;
    tags::set_article_tags(&txn, article.id, &tag_models).await?;
    txn.commit().await?;
    Ok(article)
}

/// Changes an article's content.
pub async fn update_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    patch: ArticlePatch,
    max_body_bytes: usize,
) -> AppResult<article::Model> {
    let (current, _) = article_for_write(db, principal, id).await?;
    let mut active: article::ActiveModel = current.clone().into();
    if let Some(title) = &patch.title {
        active.title = Set(bounded_text("title", title, 1, MAX_TITLE_CHARS)?);
    }
    if let Some(body) = patch.body {
        check_body(&body, max_body_bytes)?;
        active.body = Set(body);
    }
    if let Some(excerpt) = &patch.excerpt {
        active.excerpt = Set(optional_text("excerpt", Some(excerpt), MAX_EXCERPT_CHARS)?);
    }
    let txn = db.begin().await?;
    if let Some(slug) = &patch.slug {
        let slug = Slug::parse("slug", slug)?;
        if slug_taken(
            &txn,
            current.site_id,
            &current.locale,
            slug.as_str(),
            Some(id),
        )
        .await?
        {
            return Err(AppError::conflict(
                "slug",
                "an article with this slug already exists in this locale",
            ));
        }
        active.slug = Set(slug.into_string());
    }
    if let Some(names) = &patch.tags {
        let tag_models = tags::ensure_tags(&txn, current.site_id, names).await?;
        tags::set_article_tags(&txn, id, &tag_models).await?;
    }
    active.version = Set(current.version + 1);
    active.updated_at = Set(now());
    let updated = active
        .update(&txn)
        .await
        .map_err(|e| on_constraint(e, ARTICLE_CONSTRAINTS))?;
    events::article_changed(&txn, Some(&current), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Publishes an article now; the first publication time is kept on later re-publications.
pub async fn publish_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<article::Model> {
    let (current, _) = article_for_write(db, principal, id).await?;
    let now = now();
    let mut active: article::ActiveModel = current.clone().into();
    active.status = Set(ArticleStatus::Published);
    active.published_at = Set(Some(current.published_at.unwrap_or(now)));
    active.scheduled_at = Set(None);
    active.version = Set(current.version + 1);
    active.updated_at = Set(now);
    let txn = db.begin().await?;
    let updated = active.update(&txn).await?;
    events::article_changed(&txn, Some(&current), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Takes an article back to draft.
pub async fn unpublish_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<article::Model> {
    let (current, _) = article_for_write(db, principal, id).await?;
    let mut active: article::ActiveModel = current.clone().into();
    active.status = Set(ArticleStatus::Draft);
    active.scheduled_at = Set(None);
    active.version = Set(current.version + 1);
    active.updated_at = Set(now());
    let txn = db.begin().await?;
    let updated = active.update(&txn).await?;
    events::article_changed(&txn, Some(&current), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes an article with its tag links and revisions.
pub async fn delete_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<Uuid> {
    let (current, _) = article_for_write(db, principal, id).await?;
    let txn = db.begin().await?;
    article::Entity::delete_by_id(current.id).exec(&txn).await?;
    events::article_changed(&txn, Some(&current), None).await?;
    txn.commit().await?;
    Ok(current.id)
}
