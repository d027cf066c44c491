//! The export catalogue: categories (a tree per site, named per locale) and products (one row
//! per locale like articles, with trade terms, specification rows, categories, tags,
//! certifications and media). Reading follows the articles' visibility rules; writing is for
//! the site's owners and editors and API tokens with `content:write`.

pub mod category;
mod create;
pub mod csv;
mod events;
mod identity;
mod list;
mod media;
mod parts;
mod publish;
pub mod related;
pub mod relations;
pub mod revision;
mod seo;
mod specs;
mod terms;
mod write;

pub use category::{
    CategoryNode, CategoryPatch, CategoryTree, NewCategory, TranslationInput, category_tree,
    create_category, delete_category, update_category,
};
pub use create::{NewProduct, create_product};
pub use list::{ProductFilter, ProductOrder, list_products};
pub use media::{MediaSet, media_by_ids, media_of_products, set_product_media};
pub use parts::Parts;
pub use publish::{publish_due_products, publish_product, unpublish_product};
pub use relations::NamedCategory;
pub use seo::ProductSeo;
pub use specs::{SpecRow, set_product_specs, specs_of_products};
pub use terms::{Price, TermsPatch, price_of};
pub use write::{ProductPatch, delete_product, update_product};

use crate::auth::Principal;
use crate::error::{AppError, AppResult, Reason};
use crate::services::authz::{self, Visibility};
use crate::services::site::{find_site, require_site_locale};
use entities::product::{self, ProductStatus};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// The condition that limits products to those the caller may see.
pub(crate) fn visible_condition(visibility: &Visibility) -> Condition {
    match visibility {
        Visibility::All => Condition::all(),
        Visibility::PublishedAndSites(sites) => {
            let mut any =
                Condition::any().add(product::Column::Status.eq(ProductStatus::Published));
            if !sites.is_empty() {
                any = any.add(product::Column::SiteId.is_in(sites.iter().copied()));
            }
            any
        }
    }
}

/// One product by ID, if the caller may see it.
pub async fn get_product(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> AppResult<Option<product::Model>> {
    let Some(found) = product::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if found.status == ProductStatus::Published
        || authz::can_read_unpublished(db, principal, found.site_id).await?
    {
        return Ok(Some(found));
    }
    Ok(None)
}

/// One product by site (ID or domain), slug and locale (the site's default when absent), with
/// the articles' fallback: when the locale has no product with this slug, the slug is looked up
/// in the site's default locale and that product's translation into the locale is returned, or,
/// when there is none, the default-locale product itself (its `locale` says which it is).
pub async fn find_product(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site: &str,
    slug: &str,
    locale: Option<&str>,
) -> AppResult<Option<product::Model>> {
    let site = find_site(db, "site", site).await?;
    let locale = require_site_locale(&site, "locale", locale)?;
    let visibility = authz::content_visibility(db, principal).await?;
    let by_slug = |locale: String| {
        product::Entity::find()
            .filter(product::Column::SiteId.eq(site.id))
            .filter(product::Column::Locale.eq(locale))
            .filter(product::Column::Slug.eq(slug.trim()))
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
    let translation = product::Entity::find()
        .filter(product::Column::TranslationGroupId.eq(default.translation_group_id))
        .filter(product::Column::Locale.eq(locale))
        .filter(visible_condition(&visibility))
        .one(db)
        .await?;
    Ok(Some(translation.unwrap_or(default)))
}

/// The other visible products of the translation group of `product`, by locale.
pub async fn list_translations(
    db: &impl ConnectionTrait,
    principal: &Principal,
    product: &product::Model,
) -> AppResult<Vec<product::Model>> {
    let visibility = authz::content_visibility(db, principal).await?;
    Ok(product::Entity::find()
        .filter(product::Column::TranslationGroupId.eq(product.translation_group_id))
        .filter(product::Column::Id.ne(product.id))
        .filter(visible_condition(&visibility))
        .order_by_asc(product::Column::Locale)
        .all(db)
        .await?)
}

/// Loads a product for a change, checking the caller may write its site. Someone who may not
/// even read a draft learns nothing about it (NOT_FOUND, as for articles).
async fn product_for_write(
    db: &impl ConnectionTrait,
    principal: &Principal,
    field: &str,
    id: Uuid,
) -> AppResult<(product::Model, Uuid)> {
    principal.require_user()?;
    let found = product::Entity::find_by_id(id).one(db).await?;
    let Some(found) = found else {
        return Err(AppError::not_found("product").at(field));
    };
    if found.status != ProductStatus::Published
        && !authz::can_read_unpublished(db, principal, found.site_id).await?
    {
        return Err(AppError::not_found("product").at(field));
    }
    let user_id = authz::require_content_writer(db, principal, found.site_id).await?;
    Ok((found, user_id))
}

/// The answer when a product changed between reading and writing it.
fn changed_meanwhile() -> AppError {
    AppError::conflict(
        "id",
        "the product was changed by someone else meanwhile; reload it and retry",
    )
    .because(Reason::ChangedMeanwhile)
}

/// CONFLICT on `expectedVersion` when the product is at another version.
fn check_expected(current: &product::Model, expected: Option<i32>) -> AppResult<()> {
    match expected {
        Some(expected) if expected != current.version => Err(AppError::conflict(
            "expectedVersion",
            format!(
                "the product is at version {}, not {expected}; reload it and apply your change again",
                current.version
            ),
        )
        .because(Reason::StaleVersion)
        .with("current", current.version)
        .with("expected", expected)),
        _ => Ok(()),
    }
}
