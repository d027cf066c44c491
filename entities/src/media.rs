//! A stored file (image, document) of a site.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    pub uploader_id: Option<Uuid>,
    /// Object key in the storage backend.
    #[sea_orm(unique)]
    pub storage_key: String,
    pub filename: String,
    /// Sniffed from the bytes, not taken from the client.
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub alt: Option<String>,
    pub created_at: DateTimeUtc,
    /// Public: marked so, or seen used by published content. Its links are then stable (no
    /// signature, no expiry) and cacheable for good; private media keep signed, expiring links.
    pub public: bool,
    /// BlurHash of the image (4×3 components), computed on upload; none for other files and
    /// for images that could not be decoded.
    pub blurhash: Option<String>,
    /// The image's dominant colour as `#rrggbb`, computed on upload.
    pub dominant_color: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
