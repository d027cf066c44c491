//! A product's media: the ordered image gallery, the cover image and attachments (datasheets,
//! certificates). All media of the product's own site; gallery and cover images only.
use super::parts::{Names, Parts, SEPARATE};
use super::write::{ProductPatch, update_named};
use crate::auth::Principal;
use crate::error::{AppError, AppResult, Reason};
use crate::services::article::BodyLimits;
use crate::services::parse_id;
use entities::product_media::{self, ProductMediaKind};
use entities::{media, product};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Most items in a gallery, and most attachments.
pub const MAX_ITEMS: usize = 50;

/// What to set; `None` leaves that part as it is.
#[derive(Default)]
pub struct MediaSet {
    /// Gallery image IDs, in order.
    pub gallery: Option<Vec<String>>,
    /// Attachment media IDs, in order.
    pub attachments: Option<Vec<String>>,
    /// Cover image ID; an empty string removes the cover.
    pub cover_id: Option<String>,
}

/// A [`MediaSet`] checked against the product's site; `None` leaves that part as it is.
#[derive(Default)]
pub(super) struct CheckedMedia {
    pub gallery: Option<Vec<Uuid>>,
    pub attachments: Option<Vec<Uuid>>,
    /// `Some(None)` removes the cover.
    pub cover: Option<Option<Uuid>>,
}

impl MediaSet {
    /// Checks every ID (media of `site_id`; images for the gallery and cover; at most
    /// [`MAX_ITEMS`] of each list, no repeats); errors name the item (`galleryIds.1`).
    pub(super) async fn check(
        &self,
        db: &impl ConnectionTrait,
        site_id: Uuid,
        names: &Names,
    ) -> AppResult<CheckedMedia> {
        let gallery = match &self.gallery {
            Some(raw) => Some(check_media(db, site_id, names.gallery, raw, Kind::Images).await?),
            None => None,
        };
        let attachments = match &self.attachments {
            Some(raw) => Some(check_media(db, site_id, names.attachments, raw, Kind::Any).await?),
            None => None,
        };
        let cover = match self.cover_id.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(raw) => Some(
                check_media(db, site_id, names.cover, &[raw.to_owned()], Kind::OneImage)
                    .await?
                    .first()
                    .copied(),
            ),
        };
        Ok(CheckedMedia {
            gallery,
            attachments,
            cover,
        })
    }
}

impl CheckedMedia {
    /// Replaces the gallery and attachment links given (the cover is a column of the row,
    /// written with it), in the caller's transaction.
    pub(super) async fn write_links(
        &self,
        txn: &impl ConnectionTrait,
        product_id: Uuid,
    ) -> AppResult<()> {
        if let Some(ids) = &self.gallery {
            replace_kind(txn, product_id, ProductMediaKind::Gallery, ids).await?;
        }
        if let Some(ids) = &self.attachments {
            replace_kind(txn, product_id, ProductMediaKind::Attachment, ids).await?;
        }
        Ok(())
    }
}

/// What a list of media IDs must be.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Images, named by position (`galleryIds.1`).
    Images,
    /// Any media, named by position.
    Any,
    /// One image, named by its field alone (the cover).
    OneImage,
}

/// Reads IDs given in `field`, without repeats, and checks each is a media item of `site_id`
/// (an image unless `kind` is `Any`). One statement for all of them.
async fn check_media(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    field: &str,
    raw: &[String],
    kind: Kind,
) -> AppResult<Vec<Uuid>> {
    let images = kind != Kind::Any;
    if raw.len() > MAX_ITEMS {
        return Err(
            AppError::bad_input(field, format!("at most {MAX_ITEMS} items"))
                .because(Reason::TooMany)
                .with("max", MAX_ITEMS),
        );
    }
    // A single ID (the cover) is named by its field alone.
    let at = |i: usize| {
        if kind == Kind::OneImage {
            field.to_owned()
        } else {
            format!("{field}.{i}")
        }
    };
    let mut ids: Vec<Uuid> = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        let id = parse_id(&at(i), r)?;
        if ids.contains(&id) {
            return Err(AppError::bad_input(&at(i), "this media is listed twice")
                .because(Reason::Duplicate));
        }
        ids.push(id);
    }
    if ids.is_empty() {
        return Ok(ids);
    }
    let found: HashMap<Uuid, media::Model> = media::Entity::find()
        .filter(media::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    for (i, id) in ids.iter().enumerate() {
        let at = at(i);
        match found.get(id) {
            Some(m) if m.site_id == site_id => {
                if images && !m.content_type.starts_with("image/") {
                    return Err(AppError::bad_input(
                        &at,
                        format!("{} is {}, not an image", m.filename, m.content_type),
                    )
                    .because(Reason::NotAnImage));
                }
            }
            _ => {
                return Err(AppError::bad_input(
                    &at,
                    "no media with this ID on the product's site",
                )
                .because(Reason::MediaNotOnSite));
            }
        }
    }
    Ok(ids)
}

pub(super) async fn replace_kind(
    txn: &impl ConnectionTrait,
    product_id: Uuid,
    kind: ProductMediaKind,
    ids: &[Uuid],
) -> AppResult<()> {
    product_media::Entity::delete_many()
        .filter(product_media::Column::ProductId.eq(product_id))
        .filter(product_media::Column::Kind.eq(kind))
        .exec(txn)
        .await?;
    if ids.is_empty() {
        return Ok(());
    }
    let rows = ids
        .iter()
        .enumerate()
        .map(|(i, m)| product_media::ActiveModel {
            product_id: Set(product_id),
            kind: Set(kind),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            media_id: Set(*m),
        });
    product_media::Entity::insert_many(rows).exec(txn).await?;
    Ok(())
}

/// Sets a product's gallery, attachments and cover (content writers): an `updateProduct` that
/// changes nothing else. Checked as a whole before anything is written.
pub async fn set_product_media(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    product_id: Uuid,
    set: MediaSet,
    expected_version: Option<i32>,
    limits: BodyLimits,
) -> AppResult<product::Model> {
    let patch = ProductPatch {
        parts: Parts {
            media: set,
            ..Parts::default()
        },
        expected_version,
        ..ProductPatch::default()
    };
    update_named(db, principal, product_id, patch, limits, &SEPARATE).await
}

/// The gallery and attachments of many products in one statement: (kind, media) in order.
pub async fn media_of_products(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<(ProductMediaKind, media::Model)>>> {
    let to_media = product_media::Entity::belongs_to(media::Entity)
        .from(product_media::Column::MediaId)
        .to(media::Column::Id)
        .into();
    let rows: Vec<(product_media::Model, Option<media::Model>)> = product_media::Entity::find()
        .filter(product_media::Column::ProductId.is_in(ids.iter().copied()))
        .join(JoinType::InnerJoin, to_media)
        .select_also(media::Entity)
        .order_by_asc(product_media::Column::ProductId)
        .order_by_asc(product_media::Column::Kind)
        .order_by_asc(product_media::Column::Position)
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<(ProductMediaKind, media::Model)>> = HashMap::new();
    for (link, m) in rows {
        if let Some(m) = m {
            out.entry(link.product_id).or_default().push((link.kind, m));
        }
    }
    Ok(out)
}

/// Media items by ID in one statement (the covers of a page of products).
pub async fn media_by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, media::Model>> {
    Ok(media::Entity::find()
        .filter(media::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect())
}

/// Gives a new translation its original's gallery and attachments.
pub(super) async fn copy_media(txn: &impl ConnectionTrait, from: Uuid, to: Uuid) -> AppResult<()> {
    let links = product_media::Entity::find()
        .filter(product_media::Column::ProductId.eq(from))
        .all(txn)
        .await?;
    if links.is_empty() {
        return Ok(());
    }
    let rows = links.into_iter().map(|l| product_media::ActiveModel {
        product_id: Set(to),
        kind: Set(l.kind),
        position: Set(l.position),
        media_id: Set(l.media_id),
    });
    product_media::Entity::insert_many(rows).exec(txn).await?;
    Ok(())
}
