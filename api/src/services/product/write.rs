//! Changing and deleting products (creating them: `create.rs`).
use super::category::{check_product_categories, set_product_categories};
use super::identity::{check_model_number, model_number, slug_conflict, slug_taken};
use super::parts::{INPUT, Names, Parts};
use super::relations::{check_certifications, set_certifications, set_product_tags};
use super::seo::ProductSeo;
use super::terms::TermsPatch;
use super::{changed_meanwhile, check_expected, product_for_write};
use crate::auth::Principal;
use crate::domain::{Slug, bounded_text, optional_text};
use crate::error::{AppError, AppResult, Reason, on_constraint};
use crate::services::article::BodyLimits;
use crate::services::article::digest;
use crate::services::{now, tag as tags};
use entities::product;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

/// Longest name, in characters.
pub const MAX_NAME_CHARS: usize = 300;
/// Longest summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 2000;
/// Longest model number, in characters.
pub const MAX_MODEL_NUMBER_CHARS: usize = 64;

pub(super) const PRODUCT_CONSTRAINTS: &[(&str, &str, &str)] = &[
    ("products_site_id_locale_slug", "products.slug", "slug"),
    (
        "products_site_id_locale_model_number",
        "products.model_number",
        "modelNumber",
    ),
];

/// Changes to a product; `None` leaves a field as it is.
#[derive(Default)]
pub struct ProductPatch {
    /// New slug.
    pub slug: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New model number (for every translation); empty removes it.
    pub model_number: Option<String>,
    /// New summary; empty removes it.
    pub summary: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New tag names.
    pub tags: Option<Vec<String>>,
    /// New category IDs.
    pub category_ids: Option<Vec<String>>,
    /// New certifications.
    pub certifications: Option<Vec<String>>,
    /// Trade terms changes.
    pub terms: TermsPatch,
    /// SEO changes.
    pub seo: ProductSeo,
    /// New specification table and media.
    pub parts: Parts,
    /// Apply only if the product is still at this version (CONFLICT otherwise).
    pub expected_version: Option<i32>,
}

pub(super) fn check_description(body: &str, max_bytes: usize) -> AppResult<()> {
    if body.len() > max_bytes {
        return Err(AppError::bad_input(
            "description",
            format!(
                "description is {} bytes; the limit is {max_bytes} bytes",
                body.len()
            ),
        )
        .because(Reason::BodyTooLarge)
        .with("bytes", body.len())
        .with("maxBytes", max_bytes));
    }
    if body.contains('\0') {
        return Err(
            AppError::bad_input("description", "description contains a NUL character")
                .because(Reason::ControlCharacters),
        );
    }
    Ok(())
}

/// Changes a product, its specification table and media included: everything is checked
/// before anything is written, then written in one transaction with one version step, one
/// revision and one event. A new model number applies to all its translations.
pub async fn update_product(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    patch: ProductPatch,
    limits: BodyLimits,
) -> AppResult<product::Model> {
    update_named(db, principal, id, patch, limits, &INPUT).await
}

/// [`update_product`], its errors naming the product and its parts by `names`.
pub(super) async fn update_named(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    patch: ProductPatch,
    limits: BodyLimits,
    names: &Names,
) -> AppResult<product::Model> {
    let (current, editor) = product_for_write(db, principal, names.id, id).await?;
    check_expected(&current, patch.expected_version)?;
    let mut active: product::ActiveModel = current.clone().into();
    if let Some(name) = &patch.name {
        active.name = Set(bounded_text("name", name, 1, MAX_NAME_CHARS)?);
    }
    if let Some(summary) = &patch.summary {
        active.summary = Set(optional_text("summary", Some(summary), MAX_SUMMARY_CHARS)?);
    }
    if let Some(description) = patch.description {
        check_description(&description, limits.max_bytes)?;
        let (rev, made) =
            digest::make(id, current.version + 1, &description, limits.render_budget).await;
        active.description = Set(description);
        active.digest_rev = Set(Some(rev));
        active.digest = Set(made);
    }
    patch.terms.apply(&current, &mut active)?;
    let certifications = patch
        .certifications
        .as_deref()
        .map(check_certifications)
        .transpose()?;
    let number = patch
        .model_number
        .as_deref()
        .map(model_number)
        .transpose()?;
    let parts = patch.parts.check(db, current.site_id, id, names).await?;
    parts.set_cover(&mut active);
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
            return Err(slug_conflict());
        }
        active.slug = Set(slug.into_string());
    }
    if let Some(number) = &number
        && *number != current.model_number
    {
        check_model_number(
            &txn,
            current.site_id,
            current.translation_group_id,
            number.as_deref(),
        )
        .await?;
        product::Entity::update_many()
            .col_expr(
                product::Column::ModelNumber,
                sea_orm::sea_query::Expr::value(number.clone()),
            )
            .filter(product::Column::TranslationGroupId.eq(current.translation_group_id))
            .filter(product::Column::Id.ne(id))
            .exec(&txn)
            .await
            .map_err(|e| on_constraint(e, PRODUCT_CONSTRAINTS))?;
        active.model_number = Set(number.clone());
    }
    if let Some(raw) = &patch.category_ids {
        let ids = check_product_categories(&txn, current.site_id, raw).await?;
        set_product_categories(&txn, id, &ids).await?;
    }
    if let Some(names) = &patch.tags {
        let tag_models = tags::ensure_tags(&txn, current.site_id, names).await?;
        set_product_tags(&txn, id, &tag_models).await?;
    }
    if let Some(names) = &certifications {
        set_certifications(&txn, id, names).await?;
    }
    parts.write(&txn, id).await?;
    active.version = Set(current.version + 1);
    active.updated_at = Set(now());
    // The version in the WHERE clause makes a concurrent change fail instead of being lost.
    let result = product::Entity::update_many()
        .set(active)
        .filter(product::Column::Id.eq(id))
        .filter(product::Column::Version.eq(current.version))
        .exec(&txn)
        .await
        .map_err(|e| on_constraint(e, PRODUCT_CONSTRAINTS))?;
    if result.rows_affected != 1 {
        return Err(changed_meanwhile());
    }
    let updated = product::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("product").at(names.id))?;
    super::revision::record_revision(&txn, &updated, Some(editor)).await?;
    super::events::product_changed(&txn, Some(&current), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Deletes a product with its specs, links and media links (not the media themselves).
pub async fn delete_product(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<Uuid> {
    let (found, _) = product_for_write(db, principal, "id", id).await?;
    let txn = crate::services::begin_write(db).await?;
    let deleted = product::Entity::delete_by_id(id).exec(&txn).await?;
    if deleted.rows_affected != 1 {
        return Err(AppError::not_found("product").at("id"));
    }
    super::events::product_changed(&txn, Some(&found), None).await?;
    txn.commit().await?;
    Ok(id)
}
