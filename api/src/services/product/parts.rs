//! The specification table and media of a product write. `createProduct` and `updateProduct`
//! take them with the product's fields, and `setProductSpecs` / `setProductMedia` are that same
//! write with nothing else: all of it is checked before the write's transaction and written
//! inside it, so a product changes whole or not at all, with one version step, one revision
//! and one event.
use super::media::{CheckedMedia, MediaSet};
use super::specs::{SpecRow, check_specs, replace_specs};
use crate::error::AppResult;
use entities::{product, product_spec};
use sea_orm::{ConnectionTrait, Set};
use uuid::Uuid;

/// What errors call the product and its parts: the fields of `createProduct`/`updateProduct`'s
/// input, or the arguments of `setProductSpecs`/`setProductMedia`.
pub(super) struct Names {
    /// The product's ID.
    pub id: &'static str,
    /// The specification rows (`specs.2.name`).
    pub specs: &'static str,
    /// The gallery's media IDs (`galleryIds.1`).
    pub gallery: &'static str,
    /// The attachments' media IDs.
    pub attachments: &'static str,
    /// The cover's media ID.
    pub cover: &'static str,
}

/// The names in `CreateProductInput` and `UpdateProductInput`.
pub(super) const INPUT: Names = Names {
    id: "id",
    specs: "specs",
    gallery: "galleryIds",
    attachments: "attachmentIds",
    cover: "coverId",
};

/// The arguments of `setProductSpecs` and `setProductMedia`.
pub(super) const SEPARATE: Names = Names {
    id: "productId",
    specs: "rows",
    gallery: "gallery",
    attachments: "attachments",
    cover: "coverId",
};

/// The specs and media given with a write; absent parts stay as they are.
#[derive(Default)]
pub struct Parts {
    /// The whole specification table, in order.
    pub specs: Option<Vec<SpecRow>>,
    /// Gallery, attachments and cover.
    pub media: MediaSet,
}

/// Parts checked for product `id` of site `site_id`, ready to write.
pub(super) struct Checked {
    specs: Option<Vec<product_spec::Model>>,
    media: CheckedMedia,
}

impl Parts {
    /// Checks every row and media ID; the first fault is refused naming its field.
    pub(super) async fn check(
        self,
        db: &impl ConnectionTrait,
        site_id: Uuid,
        product_id: Uuid,
        names: &Names,
    ) -> AppResult<Checked> {
        let specs = self
            .specs
            .map(|rows| check_specs(names.specs, product_id, rows))
            .transpose()?;
        let media = self.media.check(db, site_id, names).await?;
        Ok(Checked { specs, media })
    }
}

impl Checked {
    /// Sets the cover (a column of the product's row) on the row being written.
    pub(super) fn set_cover(&self, active: &mut product::ActiveModel) {
        if let Some(cover) = self.media.cover {
            active.cover_media_id = Set(cover);
        }
    }

    /// Writes the specification rows and media links, inside the write's transaction.
    pub(super) async fn write(
        &self,
        txn: &impl ConnectionTrait,
        product_id: Uuid,
    ) -> AppResult<()> {
        if let Some(rows) = &self.specs {
            replace_specs(txn, product_id, rows).await?;
        }
        self.media.write_links(txn, product_id).await
    }
}
