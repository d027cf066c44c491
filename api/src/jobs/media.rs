//! Deleting stored objects from the outbox: a Media row is deleted together with a
//! `media.delete` row in one transaction, and this handler removes the object, retried until the
//! store confirms.
use crate::jobs::outbox::OutboxHandler;
use crate::services::outbox::kinds;
use crate::storage::Storage;
use anyhow::Context;
use entities::outbox as row;

/// Performs `media.delete` work.
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

    async fn handle(&self, row: &row::Model) -> anyhow::Result<()> {
        let key = row
            .payload
            .get("key")
            .and_then(serde_json::Value::as_str)
            .context("media.delete payload has no key")?;
        self.storage
            .delete(key)
            .await
            .with_context(|| format!("deleting media object {key}"))
    }
}
