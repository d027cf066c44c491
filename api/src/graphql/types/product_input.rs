//! Inputs around products: the list filter and ordering, create and update inputs, spec rows.
use super::article::OrderDirection;
use super::product::ProductStatus;
use crate::services::product::{
    self, NewProduct, ProductFilter as Filter, ProductOrder as Order, ProductPatch, ProductSeo,
    SpecRow, TermsPatch,
};
use async_graphql::{Enum, ID, InputObject, MaybeUndefined};

/// Which products to list. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct ProductFilter {
    /// Site ID or domain.
    pub site: Option<String>,
    /// Category ID, or slug (with `site`); products of its subcategories are included.
    pub category: Option<String>,
    /// Tag slug.
    pub tag: Option<String>,
    /// Certification, in any case (`ISO 9001`).
    pub certification: Option<String>,
    /// Locale tag.
    pub locale: Option<String>,
    /// Status; without permission to see drafts only published products are returned.
    pub status: Option<ProductStatus>,
    /// Products whose price range reaches at least this (decimal string in `currency`).
    pub price_min: Option<String>,
    /// Products whose price range starts at or below this.
    pub price_max: Option<String>,
    /// Currency of the price bounds (ISO 4217); products priced in other currencies never
    /// match a price filter.
    pub currency: Option<String>,
}

impl From<ProductFilter> for Filter {
    fn from(f: ProductFilter) -> Self {
        Self {
            site: f.site,
            category: f.category,
            tag: f.tag,
            certification: f.certification,
            locale: f.locale,
            status: f.status.map(Into::into),
            price_min: f.price_min,
            price_max: f.price_max,
            currency: f.currency,
            skip_total: false,
        }
    }
}

/// The field to order products by.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ProductOrderField {
    /// Publication time; unpublished products last.
    PublishedAt,
    /// Last change.
    UpdatedAt,
    /// Creation.
    CreatedAt,
    /// Name, by code point.
    Name,
}

/// How to order products; newest published first when absent.
#[derive(InputObject)]
pub struct ProductOrderBy {
    /// The field.
    pub field: ProductOrderField,
    /// The direction; `DESC` when absent.
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

impl From<Option<ProductOrderBy>> for Order {
    fn from(o: Option<ProductOrderBy>) -> Self {
        let Some(o) = o else { return Order::default() };
        let desc = o.direction == OrderDirection::Desc;
        match (o.field, desc) {
            (ProductOrderField::PublishedAt, true) => Order::PublishedAtDesc,
            (ProductOrderField::PublishedAt, false) => Order::PublishedAtAsc,
            (ProductOrderField::UpdatedAt, true) => Order::UpdatedAtDesc,
            (ProductOrderField::UpdatedAt, false) => Order::UpdatedAtAsc,
            (ProductOrderField::CreatedAt, true) => Order::CreatedAtDesc,
            (ProductOrderField::CreatedAt, false) => Order::CreatedAtAsc,
            (ProductOrderField::Name, true) => Order::NameDesc,
            (ProductOrderField::Name, false) => Order::NameAsc,
        }
    }
}

/// A product to create; it starts as a draft.
#[derive(InputObject)]
pub struct CreateProductInput {
    /// The site (its ID or domain).
    pub site_id: ID,
    /// Locale; the site's default when absent.
    pub locale: Option<String>,
    /// Slug; made from the name when absent (Chinese and other scripts are kept).
    pub slug: Option<String>,
    /// Name.
    pub name: String,
    /// Model number, unique on the site (a translation takes its original's).
    pub model_number: Option<String>,
    /// Short plain-text summary.
    pub summary: Option<String>,
    /// Markdown description.
    #[graphql(default)]
    pub description: String,
    /// Tag names; tags are created on the site as needed.
    #[graphql(default)]
    pub tags: Vec<String>,
    /// Categories of the site, the main one first (a translation takes its original's).
    pub category_ids: Option<Vec<ID>>,
    /// Certifications (`CE`, `ISO 9001`, `RoHS`).
    #[graphql(default)]
    pub certifications: Vec<String>,
    /// The product this one translates (same site, another locale). The translation takes
    /// its model number, categories, media and trade terms unless given here.
    pub translation_of: Option<ID>,
    /// Lowest (or only) price, a decimal string in `currency` (`12.50`).
    pub price_min: Option<String>,
    /// Highest price of a range.
    pub price_max: Option<String>,
    /// ISO 4217 code; required with a price.
    pub currency: Option<String>,
    /// Incoterms 2020 rule (`FOB`, `CIF`, … the eleven).
    pub incoterm: Option<String>,
    /// The named port or place of the rule (`Ningbo`).
    pub incoterm_place: Option<String>,
    /// Minimum order quantity.
    pub moq_quantity: Option<i64>,
    /// Its unit (`pieces`); required with a quantity.
    pub moq_unit: Option<String>,
    /// Days from order to shipment.
    pub lead_time_days: Option<i32>,
    /// How much can be supplied (`50,000 pieces per month`).
    pub supply_ability: Option<String>,
    /// Packaging details.
    pub packaging: Option<String>,
    /// HS code, 6 to 10 digits (`8481.80` is read as `848180`).
    pub hs_code: Option<String>,
    /// Country of origin, ISO 3166-1 alpha-2 (`CN`).
    pub origin_country: Option<String>,
    /// `<title>` override.
    pub meta_title: Option<String>,
    /// `<meta name="description">`.
    pub meta_description: Option<String>,
    /// `<link rel="canonical">`: an absolute http(s) URL.
    pub canonical_url: Option<String>,
    /// A media item of the site for `og:image`.
    pub og_image_id: Option<ID>,
    /// The specification table, in order (as `setProductSpecs` takes it); errors name the row
    /// (`specs.2.name`).
    pub specs: Option<Vec<ProductSpecInput>>,
    /// The image gallery, in order: images of the site (a translation takes its original's
    /// unless given); errors name the item (`galleryIds.1`).
    pub gallery_ids: Option<Vec<ID>>,
    /// Attachments (datasheets, certificates): media of the site, in order.
    pub attachment_ids: Option<Vec<ID>>,
    /// The cover: an image of the site. A translation takes its original's when absent;
    /// null: no cover.
    pub cover_id: MaybeUndefined<ID>,
}

impl From<CreateProductInput> for NewProduct {
    fn from(i: CreateProductInput) -> Self {
        Self {
            site_id: i.site_id.to_string(),
            locale: i.locale,
            slug: i.slug,
            name: i.name,
            model_number: i.model_number,
            summary: i.summary,
            description: i.description,
            tags: i.tags,
            category_ids: i
                .category_ids
                .map(|ids| ids.into_iter().map(|id| id.to_string()).collect()),
            certifications: i.certifications,
            translation_of: i.translation_of.map(|id| id.to_string()),
            terms: TermsPatch {
                price_min: i.price_min,
                price_max: i.price_max,
                currency: i.currency,
                incoterm: i.incoterm,
                incoterm_place: i.incoterm_place,
                moq_quantity: i.moq_quantity.map(Some),
                moq_unit: i.moq_unit,
                lead_time_days: i.lead_time_days.map(Some),
                supply_ability: i.supply_ability,
                packaging: i.packaging,
                hs_code: i.hs_code,
                origin_country: i.origin_country,
            },
            seo: ProductSeo {
                meta_title: i.meta_title,
                meta_description: i.meta_description,
                canonical_url: i.canonical_url,
                og_image_id: i.og_image_id.map(|id| id.to_string()),
            },
            parts: parts(i.specs, i.gallery_ids, i.attachment_ids, i.cover_id),
        }
    }
}

/// Changes to a product; absent fields stay as they are, empty strings clear optional text
/// and null clears optional numbers.
#[derive(InputObject)]
pub struct UpdateProductInput {
    /// New slug.
    pub slug: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New model number, for every translation; empty removes it.
    pub model_number: Option<String>,
    /// New summary; empty removes it.
    pub summary: Option<String>,
    /// New markdown description.
    pub description: Option<String>,
    /// New tag names (replace the old ones).
    pub tags: Option<Vec<String>>,
    /// New categories (replace the old ones).
    pub category_ids: Option<Vec<ID>>,
    /// New certifications (replace the old ones).
    pub certifications: Option<Vec<String>>,
    /// Lowest (or only) price; empty removes the price.
    pub price_min: Option<String>,
    /// Highest price; empty makes it a single price.
    pub price_max: Option<String>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// Incoterms 2020 rule; empty removes it.
    pub incoterm: Option<String>,
    /// Its port or place.
    pub incoterm_place: Option<String>,
    /// Minimum order quantity; null removes it.
    pub moq_quantity: MaybeUndefined<i64>,
    /// Its unit.
    pub moq_unit: Option<String>,
    /// Days from order to shipment; null removes it.
    pub lead_time_days: MaybeUndefined<i32>,
    /// How much can be supplied.
    pub supply_ability: Option<String>,
    /// Packaging details.
    pub packaging: Option<String>,
    /// HS code.
    pub hs_code: Option<String>,
    /// Country of origin.
    pub origin_country: Option<String>,
    /// `<title>` override.
    pub meta_title: Option<String>,
    /// `<meta name="description">`.
    pub meta_description: Option<String>,
    /// `<link rel="canonical">`.
    pub canonical_url: Option<String>,
    /// A media item of the site for `og:image`; empty removes it.
    pub og_image_id: Option<String>,
    /// The new specification table (replaces the old one), in order; errors name the row
    /// (`specs.2.name`).
    pub specs: Option<Vec<ProductSpecInput>>,
    /// The new image gallery (replaces the old one), in order: images of the site; errors name
    /// the item (`galleryIds.1`).
    pub gallery_ids: Option<Vec<ID>>,
    /// The new attachments (replace the old ones): media of the site, in order.
    pub attachment_ids: Option<Vec<ID>>,
    /// The new cover, an image of the site; null removes it.
    pub cover_id: MaybeUndefined<ID>,
    /// Apply only if the product is still at this version (else CONFLICT).
    pub expected_version: Option<i32>,
}

fn maybe<T>(v: MaybeUndefined<T>) -> Option<Option<T>> {
    match v {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

impl From<UpdateProductInput> for ProductPatch {
    fn from(i: UpdateProductInput) -> Self {
        Self {
            slug: i.slug,
            name: i.name,
            model_number: i.model_number,
            summary: i.summary,
            description: i.description,
            tags: i.tags,
            category_ids: i
                .category_ids
                .map(|ids| ids.into_iter().map(|id| id.to_string()).collect()),
            certifications: i.certifications,
            terms: TermsPatch {
                price_min: i.price_min,
                price_max: i.price_max,
                currency: i.currency,
                incoterm: i.incoterm,
                incoterm_place: i.incoterm_place,
                moq_quantity: maybe(i.moq_quantity),
                moq_unit: i.moq_unit,
                lead_time_days: maybe(i.lead_time_days),
                supply_ability: i.supply_ability,
                packaging: i.packaging,
                hs_code: i.hs_code,
                origin_country: i.origin_country,
            },
            seo: ProductSeo {
                meta_title: i.meta_title,
                meta_description: i.meta_description,
                canonical_url: i.canonical_url,
                og_image_id: i.og_image_id,
            },
            parts: parts(i.specs, i.gallery_ids, i.attachment_ids, i.cover_id),
            expected_version: i.expected_version,
        }
    }
}

/// One row of a specification table.
#[derive(InputObject)]
pub struct ProductSpecInput {
    /// The heading it sits under (`Materials`).
    pub group: Option<String>,
    /// What is specified (`Body`); required.
    pub name: String,
    /// Its value (`CF8M stainless steel`); required.
    pub value: String,
    /// Unit of the value (`mm`).
    pub unit: Option<String>,
}

impl From<ProductSpecInput> for SpecRow {
    fn from(r: ProductSpecInput) -> Self {
        Self {
            group: r.group,
            name: r.name,
            value: r.value,
            unit: r.unit,
        }
    }
}

/// The media change of `setProductMedia` (and of the product inputs), for the service.
pub fn media_set(
    gallery: Option<Vec<ID>>,
    attachments: Option<Vec<ID>>,
    cover_id: MaybeUndefined<ID>,
) -> product::MediaSet {
    let strings = |ids: Vec<ID>| ids.into_iter().map(|id| id.to_string()).collect();
    product::MediaSet {
        gallery: gallery.map(strings),
        attachments: attachments.map(strings),
        cover_id: match cover_id {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(String::new()),
            MaybeUndefined::Value(id) => Some(id.to_string()),
        },
    }
}

/// The specs and media of a product input, for the service.
fn parts(
    specs: Option<Vec<ProductSpecInput>>,
    gallery: Option<Vec<ID>>,
    attachments: Option<Vec<ID>>,
    cover_id: MaybeUndefined<ID>,
) -> product::Parts {
    product::Parts {
        specs: specs.map(|rows| rows.into_iter().map(Into::into).collect()),
        media: media_set(gallery, attachments, cover_id),
    }
}
