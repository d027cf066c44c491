//! Importing a product CSV: all or nothing. Every row goes through the product services
//! (`create_product`, `update_product`, `set_product_specs`, `set_product_media`, publishing)
//! inside one transaction, so every API check and the optimistic version apply; each refused
//! row is reported with its line, column and reason, and when any row is refused (or on a dry
//! run) the transaction is rolled back and nothing is written. A row is matched by model number
//! and locale (by slug and locale without a model number); a row that matches a product and
//! asks for nothing different leaves it untouched, version included, so importing the same file
//! twice changes nothing the second time.
use super::cells::{self, SpecCell, bad, tag_key, terms_change};
use super::export::{Links, category_paths, key_of, links_of};
use super::read::{Row, Sheet, read};
use super::report::row_error;
pub use super::report::{ImportReport, RowError};
use crate::auth::Principal;
use crate::error::{AppResult, ErrorCode, Reason};
use crate::services::article::BodyLimits;
use crate::services::product::relations::check_certifications;
use crate::services::product::{
    MediaSet, NewProduct, ProductPatch, SpecRow, create_product, publish_product,
    set_product_media, set_product_specs, unpublish_product, update_product,
};
use crate::services::site::{require_site, require_site_locale};
use crate::services::{authz, begin_write};
use entities::product::{self, ProductStatus};
use entities::{media, site};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// What the import looks up by name.
struct Names {
    /// Category path (`machines/cnc`) → ID.
    categories: HashMap<String, Uuid>,
    /// Category ID → its path.
    paths: HashMap<Uuid, String>,
    /// Media filename → IDs with it.
    media_by_name: HashMap<String, Vec<Uuid>>,
    /// Media of the site by ID.
    media_ids: HashSet<Uuid>,
}

/// Imports `bytes` into `site` for `principal` (content writers); see the module doc.
pub async fn import_products(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    site: &str,
    bytes: &[u8],
    limits: BodyLimits,
    dry_run: bool,
) -> AppResult<ImportReport> {
    let site = require_site(db, "site", site).await?;
    authz::require_content_writer(db, principal, site.id).await?;
    let sheet = read(bytes)?;
    let paths = category_paths(db, site.id).await?;
    let mut media_by_name: HashMap<String, Vec<Uuid>> = HashMap::new();
    let mut media_ids = HashSet::new();
    for m in media::Entity::find()
        .filter(media::Column::SiteId.eq(site.id))
        .all(db)
        .await?
    {
        media_by_name.entry(m.filename).or_default().push(m.id);
        media_ids.insert(m.id);
    }
    let names = Names {
        categories: paths.iter().map(|(id, p)| (p.clone(), *id)).collect(),
        paths,
        media_by_name,
        media_ids,
    };
    let mut report = ImportReport {
        rows: sheet.rows.len() as u64,
        ..ImportReport::default()
    };
    let txn = begin_write(db).await?;
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    for row in &sheet.rows {
        let ctx = RowCtx {
            txn: &txn,
            principal,
            site: &site,
            names: &names,
            sheet: &sheet,
            limits,
        };
        match ctx.apply(row, &mut seen).await {
            Ok(Outcome::Created) => report.created += 1,
            Ok(Outcome::Updated) => report.updated += 1,
            Ok(Outcome::Unchanged) => report.unchanged += 1,
            // A failure of the database is no fault of the row: the import stops (rolled back).
            Err(e) if e.code == ErrorCode::Internal => return Err(e),
            Err(e) => report.errors.push(row_error(row, &e)),
        }
    }
    if report.errors.is_empty() && !dry_run {
        txn.commit().await?;
        report.written = true;
    } else {
        txn.rollback().await?;
    }
    Ok(report)
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

struct RowCtx<'a, C> {
    txn: &'a C,
    principal: &'a Principal,
    site: &'a site::Model,
    names: &'a Names,
    sheet: &'a Sheet,
    limits: BodyLimits,
}

impl<C: ConnectionTrait + TransactionTrait> RowCtx<'_, C> {
    fn categories(&self, cell: &str) -> AppResult<Vec<Uuid>> {
        let mut ids = Vec::new();
        for path in super::list(cell) {
            let path = path.trim_matches('/').to_owned();
            let id = self.names.categories.get(&path).copied().ok_or_else(|| {
                bad(
                    "categories",
                    format!("no category with the slug path {path:?} on this site"),
                    Reason::CategoryNotOnSite,
                )
                .with("value", &path)
            })?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    fn images(&self, cell: &str) -> AppResult<Vec<Uuid>> {
        let mut ids = Vec::new();
        for item in super::list(cell) {
            let id = match Uuid::parse_str(&item)
                .ok()
                .filter(|id| self.names.media_ids.contains(id))
            {
                Some(id) => id,
                None => match self.names.media_by_name.get(&item).map(Vec::as_slice) {
                    Some([one]) => *one,
                    Some(_) => {
                        return Err(bad(
                            "images",
                            format!("several media of this site are named {item:?}; give the ID"),
                            Reason::AmbiguousLookup,
                        ));
                    }
                    None => {
                        return Err(bad(
                            "images",
                            format!("no media with the ID or filename {item:?} on this site"),
                            Reason::MediaNotOnSite,
                        )
                        .with("value", &item));
                    }
                },
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    async fn find(
        &self,
        model: Option<&str>,
        slug: Option<&str>,
        locale: &str,
    ) -> AppResult<Option<product::Model>> {
        let q = product::Entity::find()
            .filter(product::Column::SiteId.eq(self.site.id))
            .filter(product::Column::Locale.eq(locale));
        Ok(match (model, slug) {
            (Some(m), _) => {
                q.filter(product::Column::ModelNumber.eq(m))
                    .one(self.txn)
                    .await?
            }
            (None, Some(s)) => q.filter(product::Column::Slug.eq(s)).one(self.txn).await?,
            (None, None) => None,
        })
    }

    async fn apply(
        &self,
        row: &Row,
        seen: &mut HashMap<(String, String), u64>,
    ) -> AppResult<Outcome> {
        let model = row.filled("model_number");
        let slug = row.filled("slug");
        if model.is_none() && slug.is_none() {
            return Err(bad(
                "model_number",
                "give the product's model number (or, without one, its slug)",
                Reason::Required,
            ));
        }
        let locale = require_site_locale(self.site, "locale", row.filled("locale"))?;
        let key = (
            model.or(slug).unwrap_or_default().to_owned(),
            locale.clone(),
        );
        if let Some(first) = seen.insert(key, row.line) {
            return Err(bad(
                if model.is_some() {
                    "model_number"
                } else {
                    "slug"
                },
                format!("line {first} is already this product in {locale}"),
                Reason::Duplicate,
            ));
        }
        let terms = cells::terms(row)?;
        let categories = row
            .get("categories")
            .map(|c| self.categories(c))
            .transpose()?;
        let images = row.get("images").map(|c| self.images(c)).transpose()?;
        let certifications = row.get("certifications").map(super::list);
        let tags = row.get("tags").map(super::list);
        let status = match row.filled("status").map(str::to_ascii_lowercase).as_deref() {
            None | Some("scheduled") => None,
            Some("draft") => Some(ProductStatus::Draft),
            Some("published") => Some(ProductStatus::Published),
            Some(other) => {
                return Err(bad(
                    "status",
                    format!("status {other:?} is not draft or published"),
                    Reason::UnknownValue,
                )
                .with("value", other)
                .with("allowed", "draft, published"));
            }
        };
        let specs = self.sheet.has_specs.then(|| cells::specs(row));
        match self.find(model, slug, &locale).await? {
            None => {
                let original = match model {
                    Some(m) => {
                        product::Entity::find()
                            .filter(product::Column::SiteId.eq(self.site.id))
                            .filter(product::Column::ModelNumber.eq(m))
                            .one(self.txn)
                            .await?
                    }
                    None => None,
                };
                let new = NewProduct {
                    site_id: self.site.id.to_string(),
                    locale: Some(locale),
                    slug: slug.map(str::to_owned),
                    name: row.get("name").unwrap_or_default().to_owned(),
                    model_number: model.map(str::to_owned),
                    summary: row.get("summary").map(str::to_owned),
                    description: row.get("description").unwrap_or_default().to_owned(),
                    tags: tags.unwrap_or_default(),
                    category_ids: categories.map(|c| c.iter().map(Uuid::to_string).collect()),
                    certifications: certifications.unwrap_or_default(),
                    translation_of: original.map(|o| o.id.to_string()),
                    terms,
                    seo: Default::default(),
                    parts: Default::default(),
                };
                let created = create_product(self.txn, self.principal, new, self.limits).await?;
                self.finish(&created, None, specs, images, status).await?;
                Ok(Outcome::Created)
            }
            Some(current) => {
                let links = links_of(self.txn, std::slice::from_ref(&current), &self.names.paths)
                    .await?
                    .remove(&current.id)
                    .unwrap_or_default();
                let mut patch = ProductPatch {
                    expected_version: Some(current.version),
                    ..ProductPatch::default()
                };
                let mut changed = false;
                if let Some(name) = row.get("name")
                    && name.trim() != current.name
                {
                    patch.name = Some(name.to_owned());
                    changed = true;
                }
                if let Some(s) = slug
                    && model.is_some()
                    && s != current.slug
                {
                    patch.slug = Some(s.to_owned());
                    changed = true;
                }
                if let Some(summary) = row.get("summary")
                    && Some(summary.trim()).filter(|s| !s.is_empty()) != current.summary.as_deref()
                {
                    patch.summary = Some(summary.to_owned());
                    changed = true;
                }
                if let Some(d) = row.get("description")
                    && d != current.description
                {
                    patch.description = Some(d.to_owned());
                    changed = true;
                }
                if let Some(tags) = tags {
                    let want: Vec<String> = tags.iter().map(|t| tag_key(t)).collect();
                    let have: Vec<String> = links.tags.iter().map(|t| tag_key(t)).collect();
                    if want != have {
                        patch.tags = Some(tags);
                        changed = true;
                    }
                }
                if let Some(ids) = &categories {
                    let want: Vec<&String> = ids
                        .iter()
                        .filter_map(|id| self.names.paths.get(id))
                        .collect();
                    if want != links.categories.iter().collect::<Vec<_>>() {
                        patch.category_ids = Some(ids.iter().map(Uuid::to_string).collect());
                        changed = true;
                    }
                }
                if let Some(certs) = certifications
                    && check_certifications(&certs)? != links.certifications
                {
                    patch.certifications = Some(certs);
                    changed = true;
                }
                if terms_change(&terms, &current)? {
                    patch.terms = terms;
                    changed = true;
                }
                let updated = if changed {
                    update_product(self.txn, self.principal, current.id, patch, self.limits).await?
                } else {
                    current.clone()
                };
                let more = self
                    .finish(&updated, Some(&links), specs, images, status)
                    .await?;
                Ok(if changed || more {
                    Outcome::Updated
                } else {
                    Outcome::Unchanged
                })
            }
        }
    }

    /// Specs, images and status, each written only when it differs; whether any was.
    async fn finish(
        &self,
        product: &product::Model,
        links: Option<&Links>,
        specs: Option<Vec<SpecCell>>,
        images: Option<Vec<Uuid>>,
        status: Option<ProductStatus>,
    ) -> AppResult<bool> {
        let mut version = product.version;
        let mut changed = false;
        if let Some(specs) = specs {
            let have: Vec<_> = links
                .map(|l| {
                    l.specs
                        .iter()
                        .map(|s| {
                            let k = key_of(s);
                            (k.group, k.name, s.value.clone(), k.unit)
                        })
                        .collect()
                })
                .unwrap_or_default();
            if specs != have {
                let rows = specs
                    .into_iter()
                    .map(|(group, name, value, unit)| SpecRow {
                        group,
                        name,
                        value,
                        unit,
                    })
                    .collect();
                version = set_product_specs(
                    self.txn,
                    self.principal,
                    product.id,
                    rows,
                    Some(version),
                    self.limits,
                )
                .await?
                .version;
                changed = true;
            }
        }
        if let Some(images) = images {
            let have = links.map(|l| l.images.clone()).unwrap_or_default();
            if images != have {
                let set = MediaSet {
                    gallery: Some(images.iter().map(Uuid::to_string).collect()),
                    attachments: None,
                    cover_id: Some(images.first().map(Uuid::to_string).unwrap_or_default()),
                };
                set_product_media(
                    self.txn,
                    self.principal,
                    product.id,
                    set,
                    Some(version),
                    self.limits,
                )
                .await?;
                changed = true;
            }
        }
        match status {
            Some(ProductStatus::Published) if product.status != ProductStatus::Published => {
                publish_product(self.txn, self.principal, product.id, None).await?;
                changed = true;
            }
            Some(ProductStatus::Draft) if product.status != ProductStatus::Draft => {
                unpublish_product(self.txn, self.principal, product.id).await?;
                changed = true;
            }
            _ => {}
        }
        Ok(changed)
    }
}
