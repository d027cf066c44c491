//! Revisions: every change of an article's content is stored; any revision can be restored.
use super::article_for_write;
use crate::auth::Principal;
use crate::error::{AppError, AppResult, Reason};
use crate::services::{authz, now, tag as tags};
use entities::{article, article_revision};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

/// Stores the state of `article` (after a change) as its next revision.
pub async fn record_revision(
    db: &impl ConnectionTrait,
    article: &article::Model,
    editor: Option<Uuid>,
) -> AppResult<article_revision::Model> {
    let last: Option<i32> = article_revision::Entity::find()
        .select_only()
        .column(article_revision::Column::Number)
        .filter(article_revision::Column::ArticleId.eq(article.id))
        .order_by_desc(article_revision::Column::Number)
        .limit(1)
        .into_tuple()
        .one(db)
        .await?;
    let tag_names: Vec<String> = tags::tags_of_articles(db, &[article.id])
        .await?
        .remove(&article.id)
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.name)
        .collect();
    let snapshot = json!({
        "slug": article.slug,
        "locale": article.locale,
        "tags": tag_names,
        "meta_title": article.meta_title,
        "meta_description": article.meta_description,
        "canonical_url": article.canonical_url,
        "og_image_media_id": article.og_image_media_id,
    });
    let revision = article_revision::ActiveModel {
        id: Set(Uuid::now_v7()),
        article_id: Set(article.id),
        number: Set(last.unwrap_or(0) + 1),
        editor_id: Set(editor),
        title: Set(article.title.clone()),
        body: Set(article.body.clone()),
        excerpt: Set(article.excerpt.clone()),
        snapshot: Set(snapshot),
        created_at: Set(now()),
    }
    .insert(db)
    .await
    .map_err(|e| {
        crate::error::on_constraint(
            e,
            &[(
                "article_revisions_article_id_number",
                "article_revisions.number",
                "id",
            )],
        )
    })?;
    Ok(revision)
}

/// The revisions of an article, newest first (those who may read its drafts only).
pub async fn list_revisions(
    db: &impl ConnectionTrait,
    principal: &Principal,
    article: &article::Model,
    first: i32,
) -> AppResult<Vec<article_revision::Model>> {
    check_revisions_first(first)?;
    may_see_revisions(db, principal, article.site_id).await?;
    Ok(article_revision::Entity::find()
        .filter(article_revision::Column::ArticleId.eq(article.id))
        .order_by_desc(article_revision::Column::Number)
        .limit(u64::try_from(first).unwrap_or(1))
        .all(db)
        .await?)
}

/// The most revisions one list gives.
pub const MAX_REVISIONS_LISTED: i32 = 500;

/// BAD_USER_INPUT on `first` unless it is 1 to `MAX_REVISIONS_LISTED` (articles and products).
pub(crate) fn check_revisions_first(first: i32) -> AppResult<()> {
    if (1..=MAX_REVISIONS_LISTED).contains(&first) {
        return Ok(());
    }
    Err(AppError::bad_input(
        "first",
        format!("first must be between 1 and {MAX_REVISIONS_LISTED}"),
    )
    .because(Reason::OutOfRange)
    .with("min", 1)
    .with("max", MAX_REVISIONS_LISTED))
}

/// FORBIDDEN unless the caller may read the site's drafts (articles' and products' revisions).
pub(crate) async fn may_see_revisions(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: uuid::Uuid,
) -> AppResult<()> {
    if authz::can_read_unpublished(db, principal, site_id).await? {
        Ok(())
    } else {
        Err(
            AppError::forbidden("only the site's members may see revisions")
                .because(Reason::MembersOnly),
        )
    }
}

/// One revision of an article by its number, `None` when it has no such revision.
pub async fn find_revision(
    db: &impl ConnectionTrait,
    principal: &Principal,
    article: &article::Model,
    number: i32,
) -> AppResult<Option<article_revision::Model>> {
    may_see_revisions(db, principal, article.site_id).await?;
    Ok(article_revision::Entity::find()
        .filter(article_revision::Column::ArticleId.eq(article.id))
        .filter(article_revision::Column::Number.eq(number))
        .one(db)
        .await?)
}

/// What a revision holds, as a patch that brings it back.
pub async fn revision_as_patch(
    db: &impl ConnectionTrait,
    principal: &Principal,
    article_id: Uuid,
    number: i32,
) -> AppResult<super::ArticlePatch> {
    article_for_write(db, principal, article_id).await?;
    let revision = article_revision::Entity::find()
        .filter(article_revision::Column::ArticleId.eq(article_id))
        .filter(article_revision::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("revision").at("revision"))?;
    let s = &revision.snapshot;
    let text = |key: &str| s.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    Ok(super::ArticlePatch {
        // The slug is the article's address: restoring content never moves it.
        slug: None,
        title: Some(revision.title),
        body: Some(revision.body),
        excerpt: Some(revision.excerpt.unwrap_or_default()),
        tags: Some(crate::services::json_strings(
            s.get("tags").unwrap_or(&json!([])),
        )),
        seo: super::seo::SeoPatch {
            meta_title: Some(text("meta_title").unwrap_or_default()),
            meta_description: Some(text("meta_description").unwrap_or_default()),
            canonical_url: Some(text("canonical_url").unwrap_or_default()),
            og_image_id: None,
        },
        expected_version: None,
    })
}
