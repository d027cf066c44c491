//! A product in one locale; translations share a `translation_group_id` (like articles).
use sea_orm::entity::prelude::*;

/// Where a product is in its life (the same states as an article's).
pub use crate::article::ArticleStatus as ProductStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub translation_group_id: Uuid,
    pub locale: String,
    /// Unique per site and locale.
    pub slug: String,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// Shared by the translations of a product; no other product of the site has it.
    pub model_number: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
    /// Markdown source.
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub status: ProductStatus,
    pub published_at: Option<DateTimeUtc>,
    pub scheduled_at: Option<DateTimeUtc>,
    pub author_id: Option<Uuid>,
    pub cover_media_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub meta_title: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub meta_description: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub canonical_url: Option<String>,
    pub og_image_media_id: Option<Uuid>,
    /// Minimum order quantity, in `moq_unit`.
    pub moq_quantity: Option<i64>,
    pub moq_unit: Option<String>,
    /// Lowest price, in minor units of `currency` (cents for USD, yen for JPY).
    pub price_min_minor: Option<i64>,
    /// Highest price, in minor units; equal to the lowest for a single price.
    pub price_max_minor: Option<i64>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// One of the eleven Incoterms 2020 rules (`FOB`).
    pub incoterm: Option<String>,
    /// The named port or place of the Incoterm (`Ningbo`).
    pub incoterm_place: Option<String>,
    pub lead_time_days: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub supply_ability: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub packaging: Option<String>,
    /// Harmonized System code, 6 to 10 digits.
    pub hs_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub origin_country: Option<String>,
    /// Incremented on every change.
    pub version: i32,
    /// The renderer revision that made `digest`.
    pub digest_rev: Option<i32>,
    /// What lists show of the description (as for articles: excerpt, counts, table of contents).
    #[sea_orm(column_type = "Text", nullable)]
    pub digest: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
