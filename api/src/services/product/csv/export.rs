//! Writing a site's products as the import format, so that export then import changes nothing.
//! UTF-8 with a BOM (Excel opens Chinese text correctly), CRLF line ends, formula-like cells
//! prefixed with `'` as in the inquiry export.
use super::{COLUMNS, SpecKey, safe_cell};
use crate::auth::Principal;
use crate::error::{AppError, AppResult, Reason};
use crate::services::authz;
use crate::services::product::relations::{
    categories_of_products, certifications_of_products, tags_of_products,
};
use crate::services::product::{media_of_products, price_of, specs_of_products};
use crate::services::site::find_site;
use entities::product::{self, ProductStatus};
use entities::product_media::ProductMediaKind;
use entities::{category, media, product_spec, site};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

/// An export.
pub struct ProductExport {
    /// The file.
    pub csv: String,
    /// Products (rows) in it.
    pub rows: u64,
}

/// What a product links to, as the CSV names it.
#[derive(Default)]
pub(super) struct Links {
    /// Category paths (`machines/cnc`), in order.
    pub categories: Vec<String>,
    /// Tag names, in order.
    pub tags: Vec<String>,
    /// Certification names, in order.
    pub certifications: Vec<String>,
    /// Spec rows, in order.
    pub specs: Vec<product_spec::Model>,
    /// The cover, then the rest of the gallery.
    pub images: Vec<Uuid>,
}

/// Every category of a site by ID, as its slug path from the root (`machines/cnc`).
pub(super) async fn category_paths(
    db: &impl ConnectionTrait,
    site_id: Uuid,
) -> AppResult<HashMap<Uuid, String>> {
    let all = category::Entity::find()
        .filter(category::Column::SiteId.eq(site_id))
        .all(db)
        .await?;
    let by_id: HashMap<Uuid, &category::Model> = all.iter().map(|c| (c.id, c)).collect();
    let mut out = HashMap::with_capacity(all.len());
    for c in &all {
        let mut parts = vec![c.slug.as_str()];
        let mut parent = c.parent_id;
        // The tree is at most a few levels deep; the bound only guards against a cycle.
        for _ in 0..64 {
            let Some(p) = parent.and_then(|id| by_id.get(&id)) else {
                break;
            };
            parts.push(p.slug.as_str());
            parent = p.parent_id;
        }
        parts.reverse();
        out.insert(c.id, parts.join("/"));
    }
    Ok(out)
}

/// The links of many products, a few statements for all of them.
pub(super) async fn links_of(
    db: &impl ConnectionTrait,
    products: &[product::Model],
    paths: &HashMap<Uuid, String>,
) -> AppResult<HashMap<Uuid, Links>> {
    let mut out: HashMap<Uuid, Links> = HashMap::new();
    // Bounded batches keep each `IN (…)` list short on both databases.
    for chunk in products.chunks(500) {
        let ids: Vec<Uuid> = chunk.iter().map(|p| p.id).collect();
        let mut categories = categories_of_products(db, &ids).await?;
        let mut tags = tags_of_products(db, &ids).await?;
        let mut certifications = certifications_of_products(db, &ids).await?;
        let mut specs = specs_of_products(db, &ids).await?;
        let mut media = media_of_products(db, &ids).await?;
        for p in chunk {
            let mut images: Vec<Uuid> = p.cover_media_id.into_iter().collect();
            for (kind, m) in media.remove(&p.id).unwrap_or_default() {
                if kind == ProductMediaKind::Gallery && !images.contains(&m.id) {
                    images.push(m.id);
                }
            }
            out.insert(
                p.id,
                Links {
                    categories: categories
                        .remove(&p.id)
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|c| paths.get(&c.category.id).cloned())
                        .collect(),
                    tags: tags
                        .remove(&p.id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|t| t.name)
                        .collect(),
                    certifications: certifications.remove(&p.id).unwrap_or_default(),
                    specs: specs.remove(&p.id).unwrap_or_default(),
                    images,
                },
            );
        }
    }
    Ok(out)
}

/// How the file names each media item of the site: its filename when no other item of the
/// site has it, else its ID.
pub(super) async fn media_names(
    db: &impl ConnectionTrait,
    site_id: Uuid,
) -> AppResult<HashMap<Uuid, String>> {
    let all = media::Entity::find()
        .filter(media::Column::SiteId.eq(site_id))
        .all(db)
        .await?;
    let mut count: HashMap<&str, usize> = HashMap::new();
    for m in &all {
        *count.entry(m.filename.as_str()).or_default() += 1;
    }
    Ok(all
        .iter()
        .map(|m| {
            let unique = count.get(m.filename.as_str()) == Some(&1) && !m.filename.contains(';');
            let name = if unique {
                m.filename.clone()
            } else {
                m.id.to_string()
            };
            (m.id, name)
        })
        .collect())
}

/// The status cell of a product.
pub(super) fn status_cell(s: ProductStatus) -> &'static str {
    match s {
        ProductStatus::Draft => "draft",
        ProductStatus::Scheduled => "scheduled",
        ProductStatus::Published => "published",
    }
}

fn text(v: Option<&String>) -> String {
    v.cloned().unwrap_or_default()
}

fn number<T: ToString>(v: Option<T>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// Writes every product of `site` (members who may read its drafts).
pub async fn export_products(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site: &str,
) -> AppResult<ProductExport> {
    let site = find_site(db, "site", site).await?;
    if !authz::can_read_unpublished(db, principal, site.id).await? {
        return Err(
            AppError::forbidden("only the site's members may export its products")
                .because(Reason::MembersOnly),
        );
    }
    write_site(db, &site).await
}

/// Writes every product of `site` (no authorization: for the `wharf export-products` command).
pub async fn write_site(db: &impl ConnectionTrait, site: &site::Model) -> AppResult<ProductExport> {
    let mut products = product::Entity::find()
        .filter(product::Column::SiteId.eq(site.id))
        .order_by_asc(product::Column::TranslationGroupId)
        .order_by_asc(product::Column::Locale)
        .all(db)
        .await?;
    // A translation group's default-locale row first: import makes the others its translations.
    products.sort_by_key(|p| (p.translation_group_id, p.locale != site.default_locale));
    let paths = category_paths(db, site.id).await?;
    let links = links_of(db, &products, &paths).await?;
    let names = media_names(db, site.id).await?;
    // Spec columns in the order the rows first use them (not the map's, which differs from
    // run to run), so the same catalogue always exports the same file.
    let mut specs: Vec<SpecKey> = Vec::new();
    for l in products.iter().filter_map(|p| links.get(&p.id)) {
        for s in &l.specs {
            let key = key_of(s);
            if !specs.contains(&key) {
                specs.push(key);
            }
        }
    }
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header: Vec<String> = COLUMNS
        .iter()
        .map(|c| (*c).to_owned())
        .chain(specs.iter().map(SpecKey::header))
        .collect();
    out.write_record(&header).map_err(AppError::internal)?;
    let empty = Links::default();
    for p in &products {
        let l = links.get(&p.id).unwrap_or(&empty);
        let price = price_of(p);
        let mut row: Vec<String> = vec![
            text(p.model_number.as_ref()),
            p.locale.clone(),
            p.slug.clone(),
            p.name.clone(),
            text(p.summary.as_ref()),
            p.description.clone(),
            status_cell(p.status).to_owned(),
            l.categories.join(";"),
            l.tags.join(";"),
            price.as_ref().map(|p| p.min.clone()).unwrap_or_default(),
            price
                .as_ref()
                .filter(|p| p.max != p.min)
                .map(|p| p.max.clone())
                .unwrap_or_default(),
            text(p.currency.as_ref()),
            text(p.incoterm.as_ref()),
            text(p.incoterm_place.as_ref()),
            number(p.moq_quantity),
            text(p.moq_unit.as_ref()),
            number(p.lead_time_days),
            text(p.supply_ability.as_ref()),
            text(p.packaging.as_ref()),
            text(p.hs_code.as_ref()),
            text(p.origin_country.as_ref()),
            l.certifications.join(";"),
            l.images
                .iter()
                .map(|id| names.get(id).cloned().unwrap_or_else(|| id.to_string()))
                .collect::<Vec<_>>()
                .join(";"),
        ];
        for key in &specs {
            row.push(
                l.specs
                    .iter()
                    .find(|s| key_of(s) == *key)
                    .map(|s| s.value.clone())
                    .unwrap_or_default(),
            );
        }
        let row: Vec<String> = row.iter().map(|c| safe_cell(c)).collect();
        out.write_record(&row).map_err(AppError::internal)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::internal(e.into_error()))?;
    let body = String::from_utf8(bytes).map_err(AppError::internal)?;
    Ok(ProductExport {
        csv: format!("\u{FEFF}{body}"),
        rows: products.len() as u64,
    })
}

/// The column a spec row belongs in.
pub(super) fn key_of(s: &product_spec::Model) -> SpecKey {
    SpecKey {
        group: s.spec_group.clone(),
        name: s.name.clone(),
        unit: s.unit.clone(),
    }
}
