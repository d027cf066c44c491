//! Creating products: a draft with its fields, terms, categories, tags, certifications, and its
//! specification table and media, in one transaction.
use super::category::{check_product_categories, set_product_categories};
use super::identity::{check_model_number, choose_slug, model_number};
use super::media::copy_media;
use super::parts::{INPUT, Parts};
use super::relations::{check_certifications, set_certifications, set_product_tags};
use super::seo::ProductSeo;
use super::terms::TermsPatch;
use super::write::{MAX_NAME_CHARS, MAX_SUMMARY_CHARS, PRODUCT_CONSTRAINTS, check_description};
use crate::auth::Principal;
use crate::domain::{bounded_text, optional_text};
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
    /// Specification table and media (a translation takes its original's media unless given).
    pub parts: Parts,
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

/// Creates a draft product, with its specification table and media when given: checked whole
/// first, then written in one transaction (one revision, one `product.created`).
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
    let parts = input.parts.check(db, site.id, id, &INPUT).await?;
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
    parts.set_cover(&mut active);
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
    // After the original's media, so that the lists given here replace those copied.
    parts.write(&txn, id).await?;
    super::revision::record_revision(&txn, &created, Some(author_id)).await?;
    super::events::product_changed(&txn, None, Some(&created)).await?;
    txn.commit().await?;
    Ok(created)
}
