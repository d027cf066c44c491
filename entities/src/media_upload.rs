//! A direct upload that was asked for (`createUploadUrl`): the file announced, who may confirm
//! it, and whether they did. Kept until swept, confirmed or not, so that whatever lands under
//! its `incoming/` key (an upload never confirmed, or a stray one through a link still valid
//! after the confirmation) is deleted with it.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media_uploads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// No foreign key on purpose: a deleted site's pending uploads are swept with their objects.
    pub site_id: Uuid,
    pub uploader_id: Uuid,
    /// The final key; the bytes arrive under `incoming/` followed by it.
    #[sea_orm(unique)]
    pub storage_key: String,
    pub filename: String,
    /// The media type announced.
    pub content_type: String,
    /// The size announced, in bytes; the stored object must have exactly this size.
    pub size_bytes: i64,
    pub created_at: DateTimeUtc,
    /// When the upload was confirmed (a `media` row exists for `storage_key` since then).
    pub confirmed_at: Option<DateTimeUtc>,
    /// A confirmation in progress holds the row: its ID ...
    pub claim_id: Option<Uuid>,
    /// ... until then; afterwards another confirmation or the sweep may take it.
    pub claimed_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
