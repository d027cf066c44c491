//! What the media library needs beyond uploads: changing an item's alt text, and finding where
//! the site's articles use it.
use super::{clean_alt, get_media};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::services::{authz, like_contains};
use entities::{article, media};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// Most articles [`media_usage`] lists.
pub const MAX_USAGE_ARTICLES: u64 = 20;

/// Sets (or, with `None` or blank text, removes) the alt text of a media item: those who may
/// write the site's content. Alt text is limited to `MAX_ALT_CHARS` characters (`alt`).
pub async fn update_media(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    alt: Option<String>,
) -> AppResult<media::Model> {
    let mut found = get_media(db, principal, id).await?;
    authz::require_content_writer(db, principal, found.site_id).await?;
    let alt = clean_alt(alt)?;
    let updated = media::Entity::update_many()
        .col_expr(media::Column::Alt, Expr::value(alt.clone()))
        .filter(media::Column::Id.eq(id))
        .exec(db)
        .await?;
    // Deleted meanwhile.
    if updated.rows_affected != 1 {
        return Err(AppError::not_found("media"));
    }
    found.alt = alt;
    Ok(found)
}

/// The site's articles, drafts included, that use `item`: as cover or `og:image`, or in their
/// markdown body by its key (which every URL of it contains: public, signed or presigned), the
/// most recently changed first, at most [`MAX_USAGE_ARTICLES`]. For those who may write the
/// site's content. One statement over the site's articles.
pub async fn media_usage(
    db: &impl ConnectionTrait,
    principal: &Principal,
    item: &media::Model,
) -> AppResult<Vec<article::Model>> {
    authz::require_content_writer(db, principal, item.site_id).await?;
    let in_body =
        article::Column::Body.like(LikeExpr::new(like_contains(&item.storage_key)).escape('\\'));
    Ok(article::Entity::find()
        .filter(article::Column::SiteId.eq(item.site_id))
        .filter(
            Condition::any()
                .add(article::Column::CoverMediaId.eq(item.id))
                .add(article::Column::OgImageMediaId.eq(item.id))
                .add(in_body),
        )
        .order_by_desc(article::Column::UpdatedAt)
        .order_by_desc(article::Column::Id)
        .limit(MAX_USAGE_ARTICLES)
        .all(db)
        .await?)
}
