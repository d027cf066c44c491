//! Which media are public. A media item is public when it is marked so (`setMediaPublic`) or
//! once it is seen used by published content: as the cover or `og:image` of a published
//! article or product, in a published article's body (by its key), or in a published product's
//! gallery or attachments. Public media get stable links (no signature, no expiry, cacheable for
//! good); the rest keep signed, expiring ones.
//!
//! Being seen used by published content marks the row public for good (one update, the first
//! time a link is asked for or the stable link is read), because a stable link that a page, a
//! CDN or a browser has cached must keep working after the article is unpublished. An editor
//! who must withdraw an image deletes it or marks it private again (`setMediaPublic(public:
//! false)`): its stable links then answer `403`, though copies cached elsewhere remain.
use super::get_media;
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::services::{authz, like_contains};
use entities::article::ArticleStatus;
use entities::{article, media, product, product_media};
use sea_orm::sea_query::{Expr, LikeExpr, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

/// Whether `item` is public; a first sighting in published content marks it so.
pub async fn is_public(db: &impl ConnectionTrait, item: &media::Model) -> AppResult<bool> {
    if item.public {
        return Ok(true);
    }
    if !used_by_published(db, item).await? {
        return Ok(false);
    }
    mark(db, item.id, true).await?;
    Ok(true)
}

async fn mark(db: &impl ConnectionTrait, id: Uuid, public: bool) -> AppResult<u64> {
    Ok(media::Entity::update_many()
        .col_expr(media::Column::Public, Expr::value(public))
        .filter(media::Column::Id.eq(id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Whether published content of the item's site uses it.
async fn used_by_published(db: &impl ConnectionTrait, item: &media::Model) -> AppResult<bool> {
    if !item.content_type.starts_with("image/") && item.content_type != "application/pdf" {
        return Ok(false);
    }
    let in_body =
        article::Column::Body.like(LikeExpr::new(like_contains(&item.storage_key)).escape('\\'));
    let articles = article::Entity::find()
        .filter(article::Column::SiteId.eq(item.site_id))
        .filter(article::Column::Status.eq(ArticleStatus::Published))
        .filter(
            Condition::any()
                .add(article::Column::CoverMediaId.eq(item.id))
                .add(article::Column::OgImageMediaId.eq(item.id))
                .add(in_body),
        )
        .count(db)
        .await?;
    if articles > 0 {
        return Ok(true);
    }
    let published_products = Query::select()
        .column(product::Column::Id)
        .from(product::Entity)
        .and_where(product::Column::SiteId.eq(item.site_id))
        .and_where(product::Column::Status.eq(ArticleStatus::Published))
        .to_owned();
    let products = product::Entity::find()
        .filter(product::Column::SiteId.eq(item.site_id))
        .filter(product::Column::Status.eq(ArticleStatus::Published))
        .filter(
            Condition::any()
                .add(product::Column::CoverMediaId.eq(item.id))
                .add(product::Column::OgImageMediaId.eq(item.id)),
        )
        .count(db)
        .await?;
    if products > 0 {
        return Ok(true);
    }
    let listed = product_media::Entity::find()
        .filter(product_media::Column::MediaId.eq(item.id))
        .filter(product_media::Column::ProductId.in_subquery(published_products))
        .count(db)
        .await?;
    Ok(listed > 0)
}

/// Marks a media item public or private: those who may write the site's content.
pub async fn set_media_public(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    public: bool,
) -> AppResult<media::Model> {
    let mut found = get_media(db, principal, id).await?;
    authz::require_content_writer(db, principal, found.site_id).await?;
    if mark(db, id, public).await? != 1 {
        return Err(AppError::not_found("media"));
    }
    found.public = public;
    Ok(found)
}
