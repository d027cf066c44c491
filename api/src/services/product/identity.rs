//! A product's identity on its site: its model number (shared by its translations, unique per
//! site) and its slug (unique per site and locale).
use super::write::MAX_MODEL_NUMBER_CHARS;
use crate::domain::{Slug, optional_text};
use crate::error::{AppError, AppResult, Reason};
use entities::product;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

pub(super) fn model_number(value: &str) -> AppResult<Option<String>> {
    optional_text("modelNumber", Some(value), MAX_MODEL_NUMBER_CHARS)
}

/// CONFLICT on `modelNumber` when another product of the site (outside this translation
/// group) has it.
pub(super) async fn check_model_number(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    group: Uuid,
    number: Option<&str>,
) -> AppResult<()> {
    let Some(number) = number else { return Ok(()) };
    let taken = product::Entity::find()
        .filter(product::Column::SiteId.eq(site_id))
        .filter(product::Column::ModelNumber.eq(number))
        .filter(product::Column::TranslationGroupId.ne(group))
        .count(db)
        .await?;
    if taken > 0 {
        return Err(AppError::conflict(
            "modelNumber",
            format!("another product of this site has the model number {number}"),
        )
        .because(Reason::ModelNumberTaken)
        .with("value", number));
    }
    Ok(())
}

pub(super) async fn slug_taken(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    locale: &str,
    slug: &str,
    except: Option<Uuid>,
) -> AppResult<bool> {
    let mut query = product::Entity::find()
        .filter(product::Column::SiteId.eq(site_id))
        .filter(product::Column::Locale.eq(locale))
        .filter(product::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(product::Column::Id.ne(id));
    }
    Ok(query.count(db).await? > 0)
}

pub(super) fn slug_conflict() -> AppError {
    AppError::conflict(
        "slug",
        "a product with this slug already exists in this locale",
    )
    .because(Reason::SlugTaken)
}

/// The given slug (or CONFLICT), or one made from the name with `-2`, `-3`, … until free.
pub(super) async fn choose_slug(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    locale: &str,
    given: Option<&str>,
    name: &str,
    id: Uuid,
) -> AppResult<String> {
    if let Some(given) = given {
        let slug = Slug::parse("slug", given)?;
        if slug_taken(db, site_id, locale, slug.as_str(), None).await? {
            return Err(slug_conflict());
        }
        return Ok(slug.into_string());
    }
    let base = Slug::from_title(name).unwrap_or_else(|| Slug::for_id("product", id));
    if !slug_taken(db, site_id, locale, base.as_str(), None).await? {
        return Ok(base.into_string());
    }
    for n in 2..=50 {
        let candidate = base.with_suffix(n);
        if !slug_taken(db, site_id, locale, candidate.as_str(), None).await? {
            return Ok(candidate.into_string());
        }
    }
    Ok(Slug::for_id(base.as_str(), id).into_string())
}
