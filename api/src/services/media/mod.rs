//! Media: files of a site kept in the object store, each recorded as a `media` row.
//!
//! Two ways in: a GraphQL multipart upload ([`upload_media`]), and direct uploads
//! ([`direct`]: a signed PUT URL, then [`confirm_upload`]; uploads in flight and the sweep of
//! abandoned ones in [`pending`]). Either way the bytes are sniffed and checked first, and a
//! refused file leaves neither object nor row behind. The object is written before the row, so
//! a store that is down never leaves a row pointing at nothing; a deleted row takes its object
//! with it through the outbox. Alt text and where an item is used: [`library`]. Images are
//! decoded on upload for their displayed size and placeholders ([`images`]); public media and
//! their stable links: [`public`]; sized variants in other formats: [`variant`].
pub mod direct;
pub mod disposition;
pub mod images;
pub mod inspect;
pub mod library;
pub mod pending;
pub mod public;
pub mod variant;
pub mod variant_store;

pub use direct::{UploadRequest, UploadTicket, confirm_upload, create_upload_url};
pub use images::Images;
pub use library::{media_usage, update_media};
pub use public::{is_public, set_media_public};

use crate::auth::Principal;
use crate::config::Settings;
use crate::error::{AppError, AppResult, Reason};
use crate::services::outbox::{self, OutboxJob};
use crate::services::pagination::{Cursor, Page, PageRequest};
use crate::services::{authz, now, site};
use crate::storage::{ServedAs, Storage, StorageError};
use bytes::Bytes;
use entities::{article, media};
use inspect::{inspect, key_segment, sanitize_filename};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr, TransactionSession, TransactionTrait,
};
use std::time::Duration;
use uuid::Uuid;

/// The ordering name in media list cursors.
pub const LIST_ORDER: &str = "media_newest";

/// Longest alt text, in characters.
pub const MAX_ALT_CHARS: usize = 1000;

/// A file sent in the request itself.
pub struct NewUpload {
    /// The site, by ID or domain.
    pub site: String,
    /// The client's filename (sanitized here).
    pub filename: String,
    /// The client's claimed media type, compared with the sniffed one.
    pub declared_type: Option<String>,
    /// The bytes.
    pub bytes: Bytes,
    /// Alt text.
    pub alt: Option<String>,
}

/// The error of a storage failure: clear about what failed, with the cause in the log only.
pub fn storage_failed(err: StorageError) -> AppError {
    match err {
        StorageError::InvalidKey => {
            AppError::bad_input("key", "not a valid media key").because(Reason::InvalidKey)
        }
        StorageError::NotFound => AppError::not_found("stored object"),
        StorageError::Unavailable(cause) => AppError {
            message: "the media storage is unreachable or refused the request; nothing was saved"
                .into(),
            ..AppError::internal(cause)
        },
    }
}

pub(super) fn clean_alt(alt: Option<String>) -> AppResult<Option<String>> {
    let Some(alt) = alt else { return Ok(None) };
    let alt = alt.trim();
    if alt.chars().count() > MAX_ALT_CHARS {
        return Err(AppError::bad_input(
            "alt",
            format!("alt text is limited to {MAX_ALT_CHARS} characters"),
        )
        .because(Reason::TooLong)
        .with("max", MAX_ALT_CHARS));
    }
    if alt.chars().any(char::is_control) {
        return Err(
            AppError::bad_input("alt", "alt text must not contain control characters")
                .because(Reason::ControlCharacters),
        );
    }
    Ok((!alt.is_empty()).then(|| alt.to_owned()))
}

pub(super) fn new_key(site_id: Uuid, id: Uuid, filename: &str) -> String {
    format!("{site_id}/{id}/{}", key_segment(filename))
}

/// What decoding an image upload adds to its row: the displayed size (EXIF orientation
/// applied) and the placeholders. An image that cannot be decoded (corrupt, over the pixel
/// limit, AVIF) is still stored as a file, with the size its header declares and no
/// placeholders; its variants are refused with the reason when asked for.
pub(super) struct ImageFacts {
    width: Option<i32>,
    height: Option<i32>,
    blurhash: Option<String>,
    dominant_color: Option<String>,
}

pub(super) async fn image_facts(
    images: &Images,
    found: &inspect::Inspected,
    bytes: &Bytes,
) -> ImageFacts {
    let header = ImageFacts {
        width: found.width,
        height: found.height,
        blurhash: None,
        dominant_color: None,
    };
    if !variant::decodable(&found.content_type) {
        return header;
    }
    match images.analyse(bytes.clone()).await {
        Ok(found) => ImageFacts {
            width: i32::try_from(found.width).ok(),
            height: i32::try_from(found.height).ok(),
            blurhash: found.placeholders.as_ref().map(|p| p.blurhash.clone()),
            dominant_color: found.placeholders.map(|p| p.dominant_color),
        },
        Err(err) => {
            tracing::info!(error = %err, "an uploaded image could not be decoded; stored without placeholders");
            header
        }
    }
}

/// Stores an uploaded file of a site and records it.
pub async fn upload_media(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &Storage,
    images: &Images,
    settings: &Settings,
    principal: &Principal,
    upload: NewUpload,
) -> AppResult<media::Model> {
    let site = site::find_site(db, "site", &upload.site).await?;
    let uploader = authz::require_content_writer(db, principal, site.id).await?;
    let filename = sanitize_filename(&upload.filename);
    let alt = clean_alt(upload.alt)?;
    let found = inspect(
        &upload.bytes,
        upload.declared_type.as_deref(),
        settings.media_max_bytes,
        &settings.media_allowed_types,
    )?;
    let id = Uuid::now_v7();
    let key = new_key(site.id, id, &filename);
    let size = i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX);
    let disposition = disposition::content_disposition(&found.content_type, &filename);
    let served = ServedAs {
        content_type: Some(&found.content_type),
        content_disposition: disposition.as_deref(),
    };
    let facts = image_facts(images, &found, &upload.bytes).await;
    storage
        .put(&key, upload.bytes, served)
        .await
        .map_err(storage_failed)?;
    let row = media::ActiveModel {
        id: Set(id),
        site_id: Set(site.id),
        uploader_id: Set(Some(uploader)),
        storage_key: Set(key.clone()),
        filename: Set(filename),
        content_type: Set(found.content_type),
        size_bytes: Set(size),
        sha256: Set(found.sha256),
        width: Set(facts.width),
        height: Set(facts.height),
        alt: Set(alt),
        created_at: Set(now()),
        public: Set(false),
        blurhash: Set(facts.blurhash),
        dominant_color: Set(facts.dominant_color),
    };
    record(db, storage, row, &key).await
}

/// Inserts the row of a stored object; when that fails the object goes too (now, or from the
/// outbox), so no orphan is left. A key recorded meanwhile (the same ticket confirmed twice at
/// once) is a conflict, and its object belongs to the row that won: it stays.
pub(super) async fn record(
    db: &(impl ConnectionTrait + TransactionTrait),
    storage: &Storage,
    row: media::ActiveModel,
    key: &str,
) -> AppResult<media::Model> {
    match row.insert(db).await {
        Ok(model) => Ok(model),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(pending::already_confirmed())
        }
        Err(err) => {
            discard(db, storage, key).await;
            Err(AppError::internal(err))
        }
    }
}

/// Removes an object that must not stay: at once, or else through the outbox.
pub(super) async fn discard(db: &impl ConnectionTrait, storage: &Storage, key: &str) {
    if let Err(err) = storage.delete(key).await {
        tracing::warn!(key, error = %err, "could not delete a refused object; queued for retry");
        let job = OutboxJob::MediaDelete {
            key: key.to_owned(),
        };
        if let Err(err) = outbox::enqueue(db, &job).await {
            err.log_if_internal();
        }
    }
}

/// The media row of a storage key.
pub async fn find_by_key(db: &impl ConnectionTrait, key: &str) -> AppResult<Option<media::Model>> {
    Ok(media::Entity::find()
        .filter(media::Column::StorageKey.eq(key))
        .one(db)
        .await?)
}

/// A media item by ID, for callers who may see its site's unpublished content.
pub async fn get_media(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> AppResult<media::Model> {
    let found = media::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("media"))?;
    if !authz::can_read_unpublished(db, principal, found.site_id).await? {
        return Err(AppError::not_found("media"));
    }
    Ok(found)
}

/// The media of a site, newest first, for its members.
pub async fn list_media(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<media::Model>> {
    if !authz::can_read_unpublished(db, principal, site_id).await? {
        return Err(
            AppError::forbidden("only the site's members may list its media")
                .because(Reason::MembersOnly),
        );
    }
    let base = media::Entity::find().filter(media::Column::SiteId.eq(site_id));
    let total = base.clone().count(db).await?;
    // IDs are UUIDv7, so their order is the upload order.
    let mut query = base.order_by_desc(media::Column::Id);
    if let Some(after) = &page.after {
        query = query.filter(media::Column::Id.lt(after.id));
    }
    let rows = query.limit(page.first + 1).all(db).await?;
    Ok(Page::from_rows(rows, page, total, |m| Cursor {
        order: LIST_ORDER.into(),
        value: None,
        id: m.id,
    }))
}

/// A media item by ID without a permission check: for relations of things the caller was
/// already allowed to see (an article's cover image).
pub async fn media_by_id(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<media::Model>> {
    Ok(media::Entity::find_by_id(id).one(db).await?)
}

/// Deletes a media item: the row, a `media.delete` and a `media.delete_variants` outbox row in
/// one transaction; the object and its variants go when the store confirms. Articles using it as cover lose their cover.
pub async fn delete_media(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<()> {
    let found = get_media(db, principal, id).await?;
    authz::require_content_writer(db, principal, found.site_id).await?;
    let txn = crate::services::begin_write(db).await?;
    // A concurrent delete got there first and queued the object's deletion.
    let deleted = media::Entity::delete_by_id(found.id).exec(&txn).await?;
    if deleted.rows_affected != 1 {
        return Err(AppError::not_found("media"));
    }
    let variants = OutboxJob::MediaDeleteVariants {
        prefix: variant::variants_prefix(&found),
    };
    outbox::enqueue(&txn, &variants).await?;
    let job = OutboxJob::MediaDelete {
        key: found.storage_key,
    };
    outbox::enqueue(&txn, &job).await?;
    txn.commit().await?;
    Ok(())
}

/// A URL that reads the media: stable when it is public ([`public`]), else signed for
/// `media_url_ttl_secs`. Files that are not shown inline are downloads (see [`disposition`]).
pub async fn media_url(
    db: &impl ConnectionTrait,
    storage: &Storage,
    settings: &Settings,
    media: &media::Model,
) -> AppResult<String> {
    if is_public(db, media).await? {
        return storage
            .stable_url(&media.storage_key)
            .map_err(storage_failed);
    }
    let disposition = disposition::content_disposition(&media.content_type, &media.filename);
    storage
        .download_url(
            &media.storage_key,
            Duration::from_secs(settings.media_url_ttl_secs),
            disposition.as_deref(),
        )
        .await
        .map_err(storage_failed)
}

/// Sets (or, with `None`, removes) the cover image of an article. The media must belong to the
/// article's site.
pub async fn set_article_cover_image(
    db: &impl ConnectionTrait,
    principal: &Principal,
    article_id: Uuid,
    media_id: Option<Uuid>,
) -> AppResult<article::Model> {
    let found = article::Entity::find_by_id(article_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("article").at("articleId"))?;
    authz::require_content_writer(db, principal, found.site_id).await?;
    if let Some(media_id) = media_id {
        let cover = media_by_id(db, media_id)
            .await?
            .filter(|m| m.site_id == found.site_id)
            .ok_or_else(|| {
                AppError::bad_input("mediaId", "no media with this ID on the article's site")
                    .because(Reason::MediaNotOnSite)
            })?;
        if !cover.content_type.starts_with("image/") {
            return Err(
                AppError::bad_input("mediaId", "a cover image must be an image")
                    .because(Reason::NotAnImage),
            );
        }
    }
    article::Entity::update_many()
        .col_expr(article::Column::CoverMediaId, Expr::value(media_id))
        .col_expr(article::Column::UpdatedAt, Expr::value(now()))
        .filter(article::Column::Id.eq(article_id))
        .exec(db)
        .await?;
    article::Entity::find_by_id(article_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("article"))
}
