//! Creating, changing and deleting products.
use super::category::{check_product_categories, set_product_categories};
use super::identity::{check_model_number, choose_slug, model_number, slug_conflict, slug_taken};
use super::media::copy_media;
use super::relations::{check_certifications, set_certifications, set_product_tags};
use super::seo::ProductSeo;
use super::terms::TermsPatch;
use super::{changed_meanwhile, check_expected, product_for_write};
use crate::auth::Principal;
use crate::domain::{Slug, bounded_text, optional_text};
use crate::error::{AppError, AppResult, Reason, on_constraint};
use crate::services::article::BodyLimits;
use crate::services::article::digest;
use crate::services::site::{require_site, require_site_locale};
use crate::services::{authz, now, parse_id, tag as tags};
use entities::product::{self, ProductStatus};
use entities::product_category;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

/// Longest name, in characters.
pub const MAX_NAME_CHARS: usize = 300;
/// Longest summary, in characters.
pub const MAX_SUMMARY_CHARS: usize = 2000;
/// Longest model number, in characters.
pub const MAX_MODEL_NUMBER_CHARS: usize = 64;

const PRODUCT_CONSTRAINTS: &[(&str, &str, &str)] = &[
    ("products_site_id_locale_slug", "products.slug", "slug"),
    (
        "products_site_id_locale_model_number",
        "products.model_number",
        "modelNumber",
    ),
];

/// A product to create (always as a draft).
pub struct NewProduct {
    /// The site (ID or domain).
    pub site_id: String,
    /// Locale; the site's default when absent.
    pub locale: Option<String>,
    /// Slug; made from the name when absent.
    pub slug: Option<String>,
    /// Name.
    pub name: String,
    /// Model number; a translation takes its original's when absent.
    pub model_number: Option<String>,
    /// Short plain-text summary.
    pub summary: Option<String>,
    /// Markdown description.
    pub description: String,
    /// Tag names (created on the site as needed).
    pub tags: Vec<String>,
    /// Category IDs of the site; a translation takes its original's when absent.
    pub category_ids: Option<Vec<String>>,
    /// Certification names.
    pub certifications: Vec<String>,
    /// Another product of the site this one translates (joins its group; takes its model
    /// number, categories, media and trade terms unless given).
    pub translation_of: Option<String>,
    /// Trade terms.
    pub terms: TermsPatch,
    /// SEO fields.
    pub seo: ProductSeo,
}

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
    /// Apply only if the product is still at this version (CONFLICT otherwise).
    pub expected_version: Option<i32>,
}

fn check_description(body: &str, max_bytes: usize) -> AppResult<()> {
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

/// A product row with nothing but its identity, for laying the first terms over.
pub(super) fn blank(id: Uuid, site_id: Uuid) -> product::Model {
    let epoch = chrono::DateTime::UNIX_EPOCH;
    product::Model {
        id,
        site_id,
        translation_group_id: id,
        locale: String::new(),
        slug: String::new(),
        name: String::new(),
        model_number: None,
        summary: None,
        description: String::new(),
        status: ProductStatus::Draft,
        published_at: None,
        scheduled_at: None,
        author_id: None,
        cover_media_id: None,
        meta_title: None,
        meta_description: None,
        canonical_url: None,
        og_image_media_id: None,
        moq_quantity: None,
        moq_unit: None,
        price_min_minor: None,
        price_max_minor: None,
        currency: None,
        incoterm: None,
        incoterm_place: None,
        lead_time_days: None,
        supply_ability: None,
        packaging: None,
        hs_code: None,
        origin_country: None,
        version: 1,
        digest_rev: None,
        digest: None,
        created_at: epoch,
        updated_at: epoch,
    }
}

/// Creates a draft product.
pub async fn create_product(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    input: NewProduct,
    limits: BodyLimits,
) -> AppResult<product::Model> {
    let site = require_site(db, "siteId", &input.site_id).await?;
    let author_id = authz::require_content_writer(db, principal, site.id).await?;
    let locale = require_site_locale(&site, "locale", input.locale.as_deref())?;
    let name = bounded_text("name", &input.name, 1, MAX_NAME_CHARS)?;
    let summary = optional_text("summary", input.summary.as_deref(), MAX_SUMMARY_CHARS)?;
    check_description(&input.description, limits.max_bytes)?;
    let certifications = check_certifications(&input.certifications)?;
    let id = Uuid::now_v7();
    let original = match input.translation_of.as_deref() {
        None => None,
        Some(raw) => {
            let original_id = parse_id("translationOf", raw)?;
            let original = super::get_product(db, principal, original_id)
                .await?
                .filter(|p| p.site_id == site.id)
                .ok_or_else(|| AppError::not_found("product to translate").at("translationOf"))?;
            let taken = product::Entity::find()
                .filter(product::Column::TranslationGroupId.eq(original.translation_group_id))
                .filter(product::Column::Locale.eq(locale.clone()))
                .count(db)
                .await?;
            if taken > 0 {
                return Err(AppError::conflict(
                    "locale",
                    format!("this product already has a {locale} translation"),
                )
                .because(Reason::TranslationExists)
                .with("locale", &locale));
            }
            Some(original)
        }
    };
    let group = original.as_ref().map_or(id, |o| o.translation_group_id);
    let number = match (&input.model_number, &original) {
        (Some(given), Some(o)) => {
            let given = model_number(given)?;
            if given != o.model_number {
                return Err(AppError::bad_input(
                    "modelNumber",
                    "translations share their product's model number; leave modelNumber out",
                )
                .because(Reason::ModelNumberShared));
            }
            given
        }
        (Some(given), None) => model_number(given)?,
        (None, Some(o)) => o.model_number.clone(),
        (None, None) => None,
    };
    // The terms of a translation start from its original's.
    let base = original.clone().unwrap_or_else(|| blank(id, site.id));
    let mut active: product::ActiveModel = blank(id, site.id).into();
    input.terms.apply(&base, &mut active)?;
    // Rendered before the transaction: a write lock is never held while a text renders.
    let (digest_rev, digest) = digest::make(id, 1, &input.description, limits.render_budget).await;
    let txn = crate::services::begin_write(db).await?;
    let category_ids = match (&input.category_ids, &original) {
        (Some(raw), _) => check_product_categories(&txn, site.id, raw).await?,
        (None, Some(o)) => product_category::Entity::find()
            .filter(product_category::Column::ProductId.eq(o.id))
            .order_by_asc(product_category::Column::Position)
            .all(&txn)
            .await?
            .into_iter()
            .map(|l| l.category_id)
            .collect(),
        (None, None) => Vec::new(),
    };
    check_model_number(&txn, site.id, group, number.as_deref()).await?;
    let slug = choose_slug(&txn, site.id, &locale, input.slug.as_deref(), &name, id).await?;
    let tag_models = tags::ensure_tags(&txn, site.id, &input.tags).await?;
    let now = now();
    active.translation_group_id = Set(group);
    active.locale = Set(locale);
    active.slug = Set(slug);
    active.name = Set(name);
    active.model_number = Set(number);
    active.summary = Set(summary);
    active.description = Set(input.description);
    active.author_id = Set(Some(author_id));
    active.cover_media_id = Set(original.as_ref().and_then(|o| o.cover_media_id));
    active.digest_rev = Set(Some(digest_rev));
    active.digest = Set(digest);
    active.created_at = Set(now);
    active.updated_at = Set(now);
    input.seo.apply(&txn, site.id, &mut active).await?;
    let created = active
        .insert(&txn)
        .await
        .map_err(|e| on_constraint(e, PRODUCT_CONSTRAINTS))?;
    set_product_categories(&txn, id, &category_ids).await?;
    set_product_tags(&txn, id, &tag_models).await?;
    set_certifications(&txn, id, &certifications).await?;
    if let Some(o) = &original {
        copy_media(&txn, o.id, id).await?;
    }
    super::revision::record_revision(&txn, &created, Some(author_id)).await?;
    super::events::product_changed(&txn, None, Some(&created)).await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a product. A new model number applies to all its translations.
pub async fn update_product(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    patch: ProductPatch,
    limits: BodyLimits,
) -> AppResult<product::Model> {
    let (current, editor) = product_for_write(db, principal, "id", id).await?;
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
        .ok_or_else(|| AppError::not_found("product").at("id"))?;
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
