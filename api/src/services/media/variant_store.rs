//! Reading a variant from the store, or making it there first: once per instance at a time
//! (see [`Images`]), and never left behind for media deleted meanwhile.
use super::images::{Images, WorkError};
use super::variant::{Spec, too_many_pixels, variant_key};
use super::{media_by_id, storage_failed};
use crate::error::{AppError, AppResult, Reason};
use crate::imaging::ImageError;
use crate::storage::{ServedAs, Storage, StorageError};
use bytes::Bytes;
use entities::media;
use sea_orm::ConnectionTrait;

/// The error of image work that failed, with its reason.
pub fn work_failed(err: WorkError) -> AppError {
    match err {
        WorkError::Image(ImageError::TooManyPixels { width, height, max }) => {
            too_many_pixels(width, height, max)
        }
        WorkError::Image(ImageError::Corrupt(_) | ImageError::Unsupported(_)) => {
            AppError::bad_input("file", "the image could not be decoded: it is corrupt, truncated or of an unsupported kind")
                .because(Reason::ImageUnreadable)
        }
        WorkError::Image(ImageError::TooMuchMemory) | WorkError::TimedOut => AppError::bad_input(
            "file",
            "the image needs more memory or time to resize than this server allows",
        )
        .because(Reason::ImageTooCostly),
        WorkError::Image(ImageError::Encode(cause)) | WorkError::Worker(cause) => {
            AppError::internal(anyhow::anyhow!(cause))
        }
    }
}

/// The bytes of a variant: read from the store, or made (once per instance at a time, see
/// [`Images`]) and stored there first.
pub async fn fetch_or_make(
    db: &impl ConnectionTrait,
    storage: &Storage,
    images: &Images,
    item: &media::Model,
    spec: &Spec,
) -> AppResult<Bytes> {
    let key = variant_key(item, spec);
    match storage.get(&key).await {
        Ok(bytes) => return Ok(bytes),
        Err(StorageError::NotFound) => {}
        Err(err) => return Err(storage_failed(err)),
    }
    let flight = images.flight(&key);
    let _made_here = flight.lock().await;
    // Whoever held the lock before may have made it.
    match storage.get(&key).await {
        Ok(bytes) => return Ok(bytes),
        Err(StorageError::NotFound) => {}
        Err(err) => return Err(storage_failed(err)),
    }
    let original = storage
        .get(&item.storage_key)
        .await
        .map_err(storage_failed)?;
    let bytes = Bytes::from(images.make(original, spec.job).await.map_err(work_failed)?);
    let served = ServedAs {
        content_type: Some(spec.job.format.content_type()),
        content_disposition: None,
    };
    storage
        .put(&key, bytes.clone(), served)
        .await
        .map_err(storage_failed)?;
    // Deleted while it was being made: its variants' sweep may have run already.
    if media_by_id(db, item.id).await?.is_none() {
        if let Err(err) = storage.delete(&key).await {
            tracing::warn!(key, error = %err, "could not delete a variant of deleted media");
        }
        return Err(AppError::not_found("media"));
    }
    Ok(bytes)
}
