//! A listed product answered in one pass (see `flat.rs`): its own columns, its price, and the
//! relations its page read beforehand (specs, categories, cover, og:image, tags, gallery,
//! attachments, certifications). Anything else it is asked (HTML, JSON-LD, related products, a
//! relation the page did not read) sends the product down async-graphql's own path.
use super::category::Category;
use super::flat::{FlatFields, nested, nested_list, opt_scalar, opt_text, scalar, text};
use super::media::Media;
use super::product::{Product, ProductPrice, ProductSpec, ProductStatus};
use super::tag::Tag;
use crate::graphql::loaders::Loaders;
use crate::graphql::product_loaders::PagePreload;
use crate::services::product;
use async_graphql::parser::types::Field;
use async_graphql::resolver_utils::enum_value;
use async_graphql::{ContextSelectionSet, Positioned, Value};
use entities::product_media::ProductMediaKind;

/// What the page read beforehand, looked at through `f`; `None` when this request read no page.
fn with_page<R>(
    ctx: &ContextSelectionSet<'_>,
    f: impl FnOnce(&PagePreload) -> Option<R>,
) -> Option<R> {
    let loaders = ctx.data_opt::<Loaders>()?;
    let page = loaders
        .products
        .page
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    f(&page)
}

impl Product {
    /// The product's media of `kind`, as the page read them.
    fn page_media(
        &self,
        ctx: &ContextSelectionSet<'_>,
        kind: ProductMediaKind,
    ) -> Option<Vec<Media>> {
        with_page(ctx, |p| {
            let all = p.media.as_ref()?.get(&self.0.id);
            Some(
                all.into_iter()
                    .flatten()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, m)| Media(m.clone()))
                    .collect(),
            )
        })
    }

    /// An image by ID (cover, og:image), as the page read it; `Some(None)` without one.
    fn page_image(
        &self,
        ctx: &ContextSelectionSet<'_>,
        id: Option<uuid::Uuid>,
    ) -> Option<Option<Media>> {
        let Some(id) = id else { return Some(None) };
        with_page(ctx, |p| p.images.as_ref()?.get(&id).cloned().map(Media)).map(Some)
    }
}

impl FlatFields for Product {
    fn flat_field(&self, ctx: &ContextSelectionSet<'_>, name: &str) -> Option<Value> {
        let p = &self.0;
        Some(match name {
            "id" => scalar(&super::to_id(p.id)),
            "locale" => text(&p.locale),
            "slug" => text(&p.slug),
            "name" => text(&p.name),
            "modelNumber" => opt_text(p.model_number.as_deref()),
            "summary" => opt_text(p.summary.as_deref()),
            "description" => text(&p.description),
            "status" => enum_value(ProductStatus::from(p.status)),
            "publishedAt" => opt_scalar(p.published_at.as_ref()),
            "scheduledAt" => opt_scalar(p.scheduled_at.as_ref()),
            "leadTimeDays" => opt_scalar(p.lead_time_days.as_ref()),
            "supplyAbility" => opt_text(p.supply_ability.as_deref()),
            "packaging" => opt_text(p.packaging.as_deref()),
            "hsCode" => opt_text(p.hs_code.as_deref()),
            "originCountry" => opt_text(p.origin_country.as_deref()),
            "metaTitle" => opt_text(p.meta_title.as_deref()),
            "metaDescription" => opt_text(p.meta_description.as_deref()),
            "canonicalUrl" => opt_text(p.canonical_url.as_deref()),
            "translationGroupId" => scalar(&super::to_id(p.translation_group_id)),
            "version" => scalar(&p.version),
            "createdAt" => scalar(&p.created_at),
            "updatedAt" => scalar(&p.updated_at),
            "certifications" => with_page(ctx, |page| {
                let names = page.certifications.as_ref()?.get(&p.id);
                Some(Value::List(
                    names.into_iter().flatten().map(|n| text(n)).collect(),
                ))
            })?,
            _ => return None,
        })
    }

    fn flat_object<'a>(
        &self,
        ctx: &ContextSelectionSet<'a>,
        field: &'a Positioned<Field>,
    ) -> Option<Value> {
        let id = self.0.id;
        match field.node.name.node.as_str() {
            "price" => {
                let price = product::price_of(&self.0).map(|p| ProductPrice {
                    min: p.min,
                    max: p.max,
                    currency: p.currency,
                });
                nested(ctx, field, price.as_ref())
            }
            "specs" => {
                let rows = with_page(ctx, |p| p.specs.as_ref().map(|m| m.get(&id).cloned()))?;
                let rows: Vec<ProductSpec> = rows.into_iter().flatten().map(ProductSpec).collect();
                nested_list(ctx, field, &rows)
            }
            "categories" => {
                let found = with_page(ctx, |p| p.categories.as_ref().map(|m| m.get(&id).cloned()))?;
                let locale = &self.0.locale;
                let found: Vec<Category> = found
                    .into_iter()
                    .flatten()
                    .map(|c| Category::named(c, Some(locale.clone())))
                    .collect();
                nested_list(ctx, field, &found)
            }
            "tags" => {
                let found = with_page(ctx, |p| p.tags.as_ref().map(|m| m.get(&id).cloned()))?;
                let found: Vec<Tag> = found.into_iter().flatten().map(Tag).collect();
                nested_list(ctx, field, &found)
            }
            "cover" => nested(
                ctx,
                field,
                self.page_image(ctx, self.0.cover_media_id)?.as_ref(),
            ),
            "ogImage" => nested(
                ctx,
                field,
                self.page_image(ctx, self.0.og_image_media_id)?.as_ref(),
            ),
            "gallery" => nested_list(
                ctx,
                field,
                &self.page_media(ctx, ProductMediaKind::Gallery)?,
            ),
            "attachments" => nested_list(
                ctx,
                field,
                &self.page_media(ctx, ProductMediaKind::Attachment)?,
            ),
            _ => None,
        }
    }
}
