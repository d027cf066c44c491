//! Changing articles.
use super::digest::{self, BodyLimits};
use super::seo::SeoPatch;
use super::{article_for_write, events, publish::locked_article, revision::record_revision};
use crate::auth::Principal;
use crate::domain::{Slug, bounded_text, optional_text};
use crate::error::{AppError, AppResult, Reason, on_constraint};
use crate::services::site::{require_site, require_site_locale};
use crate::services::{authz, now, parse_id, tag as tags};
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
    /// Another article of the same site this one translates (joins its translation group).
    pub translation_of: Option<String>,
    /// SEO fields.
    pub seo: SeoPatch,
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
    /// SEO changes.
    pub seo: SeoPatch,
    /// When set, the change applies only if the article is still at this version (CONFLICT
    /// otherwise), so two editors never overwrite each other unknowingly.
    pub expected_version: Option<i32>,
}

/// The checks every body passes before it is written (or previewed): size and no NUL.
pub(super) fn check_body(body: &str, max_bytes: usize) -> AppResult<()> {
    if body.len() > max_bytes {
        return Err(AppError::bad_input(
            "body",
            format!(
                "body is {} bytes; the limit is {max_bytes} bytes",
                body.len()
            ),
        )
        .because(Reason::BodyTooLarge)
        .with("bytes", body.len())
        .with("maxBytes", max_bytes));
    }
    if body.contains('\0') {
        return Err(AppError::bad_input("body", "body contains a NUL character")
            .because(Reason::ControlCharacters));
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
            )
            .because(Reason::SlugTaken));
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

/// The translation group a new article joins: its own, or that of the article it translates
/// (same site, and no article of the group in this locale yet).
async fn translation_group(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
    locale: &str,
    translation_of: Option<&str>,
    own_id: Uuid,
) -> AppResult<Uuid> {
    let Some(raw) = translation_of else {
        return Ok(own_id);
    };
    let original_id = parse_id("translationOf", raw)?;
    let original = super::get_article(db, principal, original_id)
        .await?
        .filter(|a| a.site_id == site_id)
        .ok_or_else(|| AppError::not_found("article to translate").at("translationOf"))?;
    let taken = article::Entity::find()
        .filter(article::Column::TranslationGroupId.eq(original.translation_group_id))
        .filter(article::Column::Locale.eq(locale))
        .count(db)
        .await?;
    if taken > 0 {
        return Err(AppError::conflict(
            "locale",
            format!("this article already has a {locale} translation"),
        )
        .because(Reason::TranslationExists)
        .with("locale", locale));
    }
    Ok(original.translation_group_id)
}

/// Creates a draft (revision 1).
pub async fn create_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    input: NewArticle,
    limits: BodyLimits,
) -> AppResult<article::Model> {
    let site = require_site(db, "siteId", &input.site_id).await?;
    let author_id = authz::require_content_writer(db, principal, site.id).await?;
    let locale = require_site_locale(&site, "locale", input.locale.as_deref())?;
    let title = bounded_text("title", &input.title, 1, MAX_TITLE_CHARS)?;
    check_body(&input.body, limits.max_bytes)?;
    let excerpt = optional_text("excerpt", input.excerpt.as_deref(), MAX_EXCERPT_CHARS)?;
    let id = Uuid::now_v7();
    // Rendered before the transaction: a write lock is never held while a body renders.
    let (digest_rev, digest) = digest::make(id, 1, &input.body, limits.render_budget).await;
    let group = translation_group(
        db,
        principal,
        site.id,
        &locale,
        input.translation_of.as_deref(),
        id,
    )
    .await?;
    let txn = crate::services::begin_write(db).await?;
    let slug = choose_slug(&txn, site.id, &locale, input.slug.as_deref(), &title, id).await?;
    let tag_models = tags::ensure_tags(&txn, site.id, &input.tags).await?;
    let now = now();
    let mut active = article::ActiveModel {
        id: Set(id),
        site_id: Set(site.id),
        translation_group_id: Set(group),
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
        digest_rev: Set(Some(digest_rev)),
        digest: Set(digest),
    };
    input.seo.apply(&txn, site.id, &mut active).await?;
    let article = active
        .insert(&txn)
        .await
        .map_err(|e| on_constraint(e, ARTICLE_CONSTRAINTS))?;
    tags::set_article_tags(&txn, article.id, &tag_models).await?;
    record_revision(&txn, &article, Some(author_id)).await?;
    txn.commit().await?;
    Ok(article)
}

/// Changes an article's content and stores the result as a new revision.
pub async fn update_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    patch: ArticlePatch,
    limits: BodyLimits,
) -> AppResult<article::Model> {
    let (current, editor) = article_for_write(db, principal, id).await?;
    if let Some(expected) = patch.expected_version
        && expected != current.version
    {
        return Err(AppError::conflict(
            "expectedVersion",
            format!(
                "the article is at version {}, not {expected}; reload it and apply your change again",
                current.version
            ),
        )
        .because(Reason::StaleVersion)
        .with("current", current.version)
        .with("expected", expected));
    }
    let mut active: article::ActiveModel = current.clone().into();
    if let Some(title) = &patch.title {
        active.title = Set(bounded_text("title", title, 1, MAX_TITLE_CHARS)?);
    }
    if let Some(body) = patch.body {
        check_body(&body, limits.max_bytes)?;
        let (rev, made) = digest::make(id, current.version + 1, &body, limits.render_budget).await;
        active.body = Set(body);
        active.digest_rev = Set(Some(rev));
        active.digest = Set(made);
    }
    if let Some(excerpt) = &patch.excerpt {
        active.excerpt = Set(optional_text("excerpt", Some(excerpt), MAX_EXCERPT_CHARS)?);
    }
    let txn = crate::services::begin_write(db).await?;
    patch.seo.apply(&txn, current.site_id, &mut active).await?;
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
            )
            .because(Reason::SlugTaken));
        }
        active.slug = Set(slug.into_string());
    }
    if let Some(names) = &patch.tags {
        let tag_models = tags::ensure_tags(&txn, current.site_id, names).await?;
        tags::set_article_tags(&txn, id, &tag_models).await?;
    }
    active.version = Set(current.version + 1);
    active.updated_at = Set(now());
    // The version in the WHERE clause makes a concurrent change fail instead of being lost.
    let result = article::Entity::update_many()
        .set(active)
        .filter(article::Column::Id.eq(id))
        .filter(article::Column::Version.eq(current.version))
        .exec(&txn)
        .await
        .map_err(|e| on_constraint(e, ARTICLE_CONSTRAINTS))?;
    if result.rows_affected != 1 {
        return Err(AppError::conflict(
            "id",
            "the article was changed by someone else meanwhile; reload it and retry",
        )
        .because(Reason::ChangedMeanwhile));
    }
    let updated = article::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("article"))?;
    record_revision(&txn, &updated, Some(editor)).await?;
    events::article_changed(&txn, Some(&current), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes an article with its tag links and revisions. Of concurrent deletes one deletes and
/// records the event; the others find no article (`NOT_FOUND`).
pub async fn delete_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<Uuid> {
    article_for_write(db, principal, id).await?;
    let txn = crate::services::begin_write(db).await?;
    // The event describes the article as it is when deleted, not as it was read above.
    let current = locked_article(&txn, id).await?;
    let deleted = article::Entity::delete_by_id(current.id).exec(&txn).await?;
    if deleted.rows_affected != 1 {
        return Err(AppError::not_found("article").at("id"));
    }
    events::article_changed(&txn, Some(&current), None).await?;
    txn.commit().await?;
    Ok(current.id)
}
