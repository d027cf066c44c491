//! Translations (articles sharing a translation group). The sitemap is `services::seo`.
use super::visible_condition;
use crate::auth::Principal;
use crate::error::AppResult;
use crate::services::authz::{self, Visibility};
use entities::article;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

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
