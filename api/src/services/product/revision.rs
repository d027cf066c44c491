//! Product revisions: every change of a product's content stores its whole editable state (the
//! row's text, trade terms and SEO fields, the specification table, gallery, attachments and
//! cover, categories, tags and certifications) as the revision numbered by the product's new
//! `version`. Any revision can be listed, read and restored; publishing is not a content change
//! and stores none.
use super::relations::{certifications_of_products, set_certifications, set_product_tags};
use super::{changed_meanwhile, check_expected, product_for_write, specs_of_products};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::services::article::revision::{check_revisions_first, may_see_revisions};
use crate::services::article::{BodyLimits, digest};
use crate::services::{now, tag as tags};
use entities::product_media::ProductMediaKind;
use entities::product_spec;
use entities::{category, media, product, product_category, product_media, product_revision};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

/// One row of the specification table as a revision keeps it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SnapshotSpec {
    pub group: Option<String>,
    pub name: String,
    pub value: String,
    pub unit: Option<String>,
}

/// A product's editable state, as stored in `product_revisions.snapshot`. The slug (the
/// product's address) and the model number (its identity across translations and imports) are
/// recorded but never restored.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Snapshot {
    pub slug: String,
    pub locale: String,
    pub name: String,
    pub model_number: Option<String>,
    pub summary: Option<String>,
    pub description: String,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub canonical_url: Option<String>,
    pub og_image_media_id: Option<Uuid>,
    pub cover_media_id: Option<Uuid>,
    pub moq_quantity: Option<i64>,
    pub moq_unit: Option<String>,
    pub price_min_minor: Option<i64>,
    pub price_max_minor: Option<i64>,
    pub currency: Option<String>,
    pub incoterm: Option<String>,
    pub incoterm_place: Option<String>,
    pub lead_time_days: Option<i32>,
    pub supply_ability: Option<String>,
    pub packaging: Option<String>,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub specs: Vec<SnapshotSpec>,
    pub gallery: Vec<Uuid>,
    pub attachments: Vec<Uuid>,
    pub category_ids: Vec<Uuid>,
    pub tags: Vec<String>,
    pub certifications: Vec<String>,
}

/// Reads the whole editable state of `p` (inside the change's transaction).
async fn snapshot_of(db: &impl ConnectionTrait, p: &product::Model) -> AppResult<Snapshot> {
    let specs = specs_of_products(db, &[p.id])
        .await?
        .remove(&p.id)
        .unwrap_or_default()
        .into_iter()
        .map(|r| SnapshotSpec {
            group: r.spec_group,
            name: r.name,
            value: r.value,
            unit: r.unit,
        })
        .collect();
    let links = product_media::Entity::find()
        .filter(product_media::Column::ProductId.eq(p.id))
        .order_by_asc(product_media::Column::Position)
        .all(db)
        .await?;
    let of_kind = |kind| {
        links
            .iter()
            .filter(|l| l.kind == kind)
            .map(|l| l.media_id)
            .collect()
    };
    let category_ids = product_category::Entity::find()
        .select_only()
        .column(product_category::Column::CategoryId)
        .filter(product_category::Column::ProductId.eq(p.id))
        .order_by_asc(product_category::Column::Position)
        .into_tuple()
        .all(db)
        .await?;
    let tag_names = super::relations::tags_of_products(db, &[p.id])
        .await?
        .remove(&p.id)
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.name)
        .collect();
    let certifications = certifications_of_products(db, &[p.id])
        .await?
        .remove(&p.id)
        .unwrap_or_default();
    Ok(Snapshot {
        slug: p.slug.clone(),
        locale: p.locale.clone(),
        name: p.name.clone(),
        model_number: p.model_number.clone(),
        summary: p.summary.clone(),
        description: p.description.clone(),
        meta_title: p.meta_title.clone(),
        meta_description: p.meta_description.clone(),
        canonical_url: p.canonical_url.clone(),
        og_image_media_id: p.og_image_media_id,
        cover_media_id: p.cover_media_id,
        moq_quantity: p.moq_quantity,
        moq_unit: p.moq_unit.clone(),
        price_min_minor: p.price_min_minor,
        price_max_minor: p.price_max_minor,
        currency: p.currency.clone(),
        incoterm: p.incoterm.clone(),
        incoterm_place: p.incoterm_place.clone(),
        lead_time_days: p.lead_time_days,
        supply_ability: p.supply_ability.clone(),
        packaging: p.packaging.clone(),
        hs_code: p.hs_code.clone(),
        origin_country: p.origin_country.clone(),
        specs,
        gallery: of_kind(ProductMediaKind::Gallery),
        attachments: of_kind(ProductMediaKind::Attachment),
        category_ids,
        tags: tag_names,
        certifications,
    })
}

/// Stores the state of `p` (after a change, in its transaction) as revision `p.version`.
pub(super) async fn record_revision(
    db: &impl ConnectionTrait,
    p: &product::Model,
    editor: Option<Uuid>,
) -> AppResult<()> {
    let snapshot = serde_json::to_value(snapshot_of(db, p).await?)
        .map_err(|e| AppError::internal(anyhow::anyhow!("product snapshot: {e}")))?;
    product_revision::ActiveModel {
        id: Set(Uuid::now_v7()),
        product_id: Set(p.id),
        number: Set(p.version),
        editor_id: Set(editor),
        snapshot: Set(snapshot),
        created_at: Set(now()),
    }
    .insert(db)
    .await
    .map_err(|e| {
        crate::error::on_constraint(
            e,
            &[(
                "product_revisions_product_id_number",
                "product_revisions.number",
                "id",
            )],
        )
    })?;
    Ok(())
}

/// The revisions of a product, newest first (those who may read its drafts only).
pub async fn list_product_revisions(
    db: &impl ConnectionTrait,
    principal: &Principal,
    p: &product::Model,
    first: i32,
) -> AppResult<Vec<product_revision::Model>> {
    check_revisions_first(first)?;
    may_see_revisions(db, principal, p.site_id).await?;
    Ok(product_revision::Entity::find()
        .filter(product_revision::Column::ProductId.eq(p.id))
        .order_by_desc(product_revision::Column::Number)
        .limit(u64::try_from(first).unwrap_or(1))
        .all(db)
        .await?)
}

/// One revision of a product by its number, `None` when it has no such revision.
pub async fn find_product_revision(
    db: &impl ConnectionTrait,
    principal: &Principal,
    p: &product::Model,
    number: i32,
) -> AppResult<Option<product_revision::Model>> {
    may_see_revisions(db, principal, p.site_id).await?;
    Ok(product_revision::Entity::find()
        .filter(product_revision::Column::ProductId.eq(p.id))
        .filter(product_revision::Column::Number.eq(number))
        .one(db)
        .await?)
}

/// What a stored revision holds.
pub fn snapshot(revision: &product_revision::Model) -> AppResult<Snapshot> {
    serde_json::from_value(revision.snapshot.clone()).map_err(|e| {
        AppError::internal(anyhow::anyhow!("product revision {}: {e}", revision.number))
    })
}

/// Brings back the content of revision `number` as a new revision, in one transaction. The slug
/// and model number stay; media, categories and the Open Graph image deleted since are left out.
pub async fn restore_product_revision(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    number: i32,
    expected_version: Option<i32>,
    limits: BodyLimits,
) -> AppResult<product::Model> {
    let (current, editor) = product_for_write(db, principal, "productId", id).await?;
    check_expected(&current, expected_version)?;
    let revision = product_revision::Entity::find()
        .filter(product_revision::Column::ProductId.eq(id))
        .filter(product_revision::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("revision").at("revision"))?;
    let s = snapshot(&revision)?;
    let (digest_rev, digest) = digest::make(
        id,
        current.version + 1,
        &s.description,
        limits.render_budget,
    )
    .await;
    let site = current.site_id;
    let txn = crate::services::begin_write(db).await?;
    let live_media = media_of_site(&txn, site, &s).await?;
    let keep = |m: &Option<Uuid>| m.filter(|m| live_media.contains(m));
    let mut active: product::ActiveModel = current.clone().into();
    active.name = Set(s.name.clone());
    active.summary = Set(s.summary.clone());
    active.description = Set(s.description.clone());
    active.digest_rev = Set(Some(digest_rev));
    active.digest = Set(digest);
    active.meta_title = Set(s.meta_title.clone());
    active.meta_description = Set(s.meta_description.clone());
    active.canonical_url = Set(s.canonical_url.clone());
    active.og_image_media_id = Set(keep(&s.og_image_media_id));
    active.cover_media_id = Set(keep(&s.cover_media_id));
    active.moq_quantity = Set(s.moq_quantity);
    active.moq_unit = Set(s.moq_unit.clone());
    active.price_min_minor = Set(s.price_min_minor);
    active.price_max_minor = Set(s.price_max_minor);
    active.currency = Set(s.currency.clone());
    active.incoterm = Set(s.incoterm.clone());
    active.incoterm_place = Set(s.incoterm_place.clone());
    active.lead_time_days = Set(s.lead_time_days);
    active.supply_ability = Set(s.supply_ability.clone());
    active.packaging = Set(s.packaging.clone());
    active.hs_code = Set(s.hs_code.clone());
    active.origin_country = Set(s.origin_country.clone());
    active.version = Set(current.version + 1);
    active.updated_at = Set(now());
    let result = product::Entity::update_many()
        .set(active)
        .filter(product::Column::Id.eq(id))
        .filter(product::Column::Version.eq(current.version))
        .exec(&txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(changed_meanwhile());
    }
    restore_rows(&txn, &current, &s, &live_media).await?;
    let updated = product::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("product").at("id"))?;
    record_revision(&txn, &updated, Some(editor)).await?;
    super::events::product_changed(&txn, Some(&current), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The media a snapshot names that still exist on the site.
async fn media_of_site(
    db: &impl ConnectionTrait,
    site: Uuid,
    s: &Snapshot,
) -> AppResult<HashSet<Uuid>> {
    let named: HashSet<Uuid> = s
        .gallery
        .iter()
        .chain(&s.attachments)
        .chain(s.cover_media_id.iter())
        .chain(s.og_image_media_id.iter())
        .copied()
        .collect();
    if named.is_empty() {
        return Ok(HashSet::new());
    }
    let found: Vec<Uuid> = media::Entity::find()
        .select_only()
        .column(media::Column::Id)
        .filter(media::Column::SiteId.eq(site))
        .filter(media::Column::Id.is_in(named))
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().collect())
}

/// Replaces the specs, media links, categories, tags and certifications with the snapshot's.
async fn restore_rows(
    txn: &impl ConnectionTrait,
    current: &product::Model,
    s: &Snapshot,
    live_media: &HashSet<Uuid>,
) -> AppResult<()> {
    let id = current.id;
    product_spec::Entity::delete_many()
        .filter(product_spec::Column::ProductId.eq(id))
        .exec(txn)
        .await?;
    if !s.specs.is_empty() {
        let rows = s
            .specs
            .iter()
            .enumerate()
            .map(|(i, r)| product_spec::ActiveModel {
                product_id: Set(id),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                spec_group: Set(r.group.clone()),
                name: Set(r.name.clone()),
                value: Set(r.value.clone()),
                unit: Set(r.unit.clone()),
            });
        product_spec::Entity::insert_many(rows).exec(txn).await?;
    }
    for (kind, ids) in [
        (ProductMediaKind::Gallery, &s.gallery),
        (ProductMediaKind::Attachment, &s.attachments),
    ] {
        let live: Vec<Uuid> = ids
            .iter()
            .filter(|m| live_media.contains(m))
            .copied()
            .collect();
        super::media::replace_kind(txn, id, kind, &live).await?;
    }
    let live_categories: HashSet<Uuid> = if s.category_ids.is_empty() {
        HashSet::new()
    } else {
        category::Entity::find()
            .select_only()
            .column(category::Column::Id)
            .filter(category::Column::SiteId.eq(current.site_id))
            .filter(category::Column::Id.is_in(s.category_ids.iter().copied()))
            .into_tuple::<Uuid>()
            .all(txn)
            .await?
            .into_iter()
            .collect()
    };
    let categories: Vec<Uuid> = s
        .category_ids
        .iter()
        .filter(|c| live_categories.contains(c))
        .copied()
        .collect();
    super::category::set_product_categories(txn, id, &categories).await?;
    let tag_models = tags::ensure_tags(txn, current.site_id, &s.tags).await?;
    set_product_tags(txn, id, &tag_models).await?;
    set_certifications(txn, id, &s.certifications).await?;
    Ok(())
}
