//! The outbox handler that keeps the search index in step with the database.
use crate::jobs::outbox::{Claimed, OutboxHandler, not_mine};
use crate::search::SearchEngine;
use crate::services::outbox::{OutboxJob, kinds};
use crate::services::search::{sync_article, sync_articles};
use sea_orm::DatabaseConnection;
use std::collections::HashSet;
use uuid::Uuid;

/// Rows applied together: one Meilisearch task (or one tantivy commit) for all of them.
pub const BATCH: u64 = 500;
/// A row that failed this many attempts in a batch is tried on its own from then on, so one
/// document the engine refuses cannot hold back the others for ever.
const ALONE_AFTER_ATTEMPTS: i32 = 3;

/// Applies [`OutboxJob::SearchUpsert`] and [`OutboxJob::SearchDelete`] jobs. Both reload the article and index what is
/// published at that moment, so rows may run in any order and more than once; a batch needs
/// one write to the engine however many rows (and repeats of one article) it holds.
pub struct SearchIndexer {
    db: DatabaseConnection,
    engine: SearchEngine,
    batch: u64,
}

impl SearchIndexer {
    /// A handler writing to `engine`, [`BATCH`] rows at a time.
    pub fn new(db: DatabaseConnection, engine: SearchEngine) -> Self {
        Self {
            db,
            engine,
            batch: BATCH,
        }
    }

    /// The same, `batch` rows at a time.
    pub fn with_batch(mut self, batch: u64) -> Self {
        self.batch = batch.max(1);
        self
    }
}

fn article_id(job: &OutboxJob) -> anyhow::Result<Uuid> {
    match job {
        OutboxJob::SearchUpsert { article_id } | OutboxJob::SearchDelete { article_id } => {
            Ok(*article_id)
        }
        other => Err(not_mine("the search indexer", other)),
    }
}

#[async_trait::async_trait]
impl OutboxHandler for SearchIndexer {
    fn kinds(&self) -> Vec<&'static str> {
        vec![kinds::SEARCH_UPSERT, kinds::SEARCH_DELETE]
    }

    async fn handle(&self, job: &Claimed) -> anyhow::Result<()> {
        sync_article(&self.db, &self.engine, article_id(&job.job)?).await
    }

    fn batch_size(&self) -> u64 {
        self.batch
    }

    async fn handle_batch(&self, jobs: &[Claimed]) -> Vec<anyhow::Result<()>> {
        let mut ids = Vec::new();
        let mut seen = HashSet::new();
        for job in jobs {
            if let Ok(id) = article_id(&job.job)
                && job.attempts <= ALONE_AFTER_ATTEMPTS
                && seen.insert(id)
            {
                ids.push(id);
            }
        }
        let together = sync_articles(&self.db, &self.engine, &ids)
            .await
            .map_err(|e| format!("{e:#}"));
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            let outcome = match article_id(&job.job) {
                Ok(id) if seen.contains(&id) && job.attempts <= ALONE_AFTER_ATTEMPTS => {
                    together.clone().map_err(anyhow::Error::msg)
                }
                // Retried too often in batches (or not search work): on its own.
                _ => self.handle(job).await,
            };
            out.push(outcome);
        }
        out
    }
}
