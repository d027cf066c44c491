//! The outbox worker: claims due rows, hands each to the handler of its kind, and marks it done
//! only when the handler confirms; failures are retried with backoff.
use crate::services::outbox as store;
use entities::outbox as row;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// Something that performs one kind (or several kinds) of outbox work.
#[async_trait::async_trait]
pub trait OutboxHandler: Send + Sync {
    /// The kinds this handler performs.
    fn kinds(&self) -> Vec<&'static str>;
    /// Performs one row's work. `Ok` only when the other system confirmed it.
    async fn handle(&self, row: &row::Model) -> anyhow::Result<()>;
}

/// Runs the handlers over the outbox until told to stop.
pub struct OutboxWorker {
    db: sea_orm::DatabaseConnection,
    handlers: HashMap<&'static str, Arc<dyn OutboxHandler>>,
    wake: Arc<Notify>,
    poll: Duration,
    cache: Option<Arc<crate::cache::ResponseCache>>,
}

impl OutboxWorker {
    /// A worker over `db`; `wake` is notified after local writes so work starts at once.
    pub fn new(db: sea_orm::DatabaseConnection, wake: Arc<Notify>, poll: Duration) -> Self {
        Self {
            db,
            handlers: HashMap::new(),
            wake,
            poll,
            cache: None,
        }
    }

    /// Empties `cache` after work is done: what readers see (the search index, deal states,
    /// publications) may have changed.
    pub fn invalidating(mut self, cache: Arc<crate::cache::ResponseCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Registers a handler for its kinds.
    pub fn with(mut self, handler: Arc<dyn OutboxHandler>) -> Self {
        for kind in handler.kinds() {
            self.handlers.insert(kind, handler.clone());
        }
        self
    }

    /// Claims and runs one batch; returns how many rows it handled.
    pub async fn run_once(&self) -> usize {
        let kinds: Vec<&str> = self.handlers.keys().copied().collect();
        let rows = match store::claim(&self.db, &kinds, 20, chrono::Duration::seconds(60)).await {
            Ok(rows) => rows,
            Err(err) => {
                err.log_if_internal();
                return 0;
            }
        };
        for row in &rows {
            let Some(handler) = self.handlers.get(row.kind.as_str()) else {
                continue;
            };
            let outcome = handler.handle(row).await;
            let saved = match outcome {
                Ok(()) => store::complete(&self.db, row.id).await,
                Err(err) => {
                    tracing::warn!(id = row.id, kind = %row.kind, attempts = row.attempts, error = %err, "outbox work failed; will retry");
                    store::retry_later(&self.db, row, &err.to_string()).await
                }
            };
            if let Err(err) = saved {
                err.log_if_internal();
            }
        }
        rows.len()
    }

    /// Loops until `stop` turns true; finishes the batch in hand before returning.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                break;
            }
            let handled = self.run_once().await;
            if handled > 0 {
                if let Some(cache) = &self.cache {
                    cache.invalidate();
                }
                continue;
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.poll) => {}
                _ = stop.changed() => {}
            }
        }
    }
}
