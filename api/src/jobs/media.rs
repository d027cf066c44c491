//! Deleting stored objects from the outbox: a Media row is deleted together with a
//! `media.delete` row in one transaction, and this handler removes the object, retried until the
//! store confirms.
use crate::jobs::outbox::{Claimed, OutboxHandler, not_mine};
use crate::services::outbox::{OutboxJob, kinds};
use crate::storage::Storage;
use anyhow::Context;

/// Performs [`OutboxJob::MediaDelete`] jobs.
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
        vec![kinds::MEDIA_DELETE]
    }

    async fn handle(&self, job: &Claimed) -> anyhow::Result<()> {
        let OutboxJob::MediaDelete { key } = &job.job else {
            return Err(not_mine("the media deleter", &job.job));
        };
        self.storage
            .delete(key)
            .await
            .with_context(|| format!("deleting media object {key}"))
    }
}
