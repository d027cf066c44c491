//! Deleting stored objects from the outbox: a Media row is deleted together with a
//! `media.delete` row in one transaction, and this handler removes the object, retried until the
//! store confirms; a `media.delete_variants` row beside it removes the item's image variants.
use crate::jobs::outbox::{Claimed, OutboxHandler, not_mine};
use crate::services::outbox::{OutboxJob, kinds};
use crate::storage::Storage;
use anyhow::Context;

/// Performs [`OutboxJob::MediaDelete`] and [`OutboxJob::MediaDeleteVariants`] jobs.
pub struct MediaDeleteHandler {
    storage: Storage,
}

impl MediaDeleteHandler {
    /// A handler deleting from `storage`.
    pub fn new(storage: Storage) -> Self {
        Self { storage }
    }
}

#[async_trait::async_trait]
impl OutboxHandler for MediaDeleteHandler {
    fn kinds(&self) -> Vec<&'static str> {
        vec![kinds::MEDIA_DELETE, kinds::MEDIA_DELETE_VARIANTS]
    }

    async fn handle(&self, job: &Claimed) -> anyhow::Result<()> {
        match &job.job {
            OutboxJob::MediaDelete { key } => self
                .storage
                .delete(key)
                .await
                .with_context(|| format!("deleting media object {key}")),
            OutboxJob::MediaDeleteVariants { prefix } => self
                .storage
                .delete_prefix(prefix)
                .await
                .map(|_| ())
                .with_context(|| format!("deleting the image variants under {prefix}")),
            other => Err(not_mine("the media deleter", other)),
        }
    }
}
