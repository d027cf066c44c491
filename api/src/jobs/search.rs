//! The outbox handler that keeps the search index in step with the database.
use crate::jobs::outbox::{Claimed, OutboxHandler, not_mine};
use crate::search::SearchEngine;
use crate::services::outbox::{OutboxJob, kinds};
use crate::services::search::product::sync_products;
use crate::services::search::{sync_article, sync_articles};
use sea_orm::DatabaseConnection;
use std::collections::HashSet;
use uuid::Uuid;

/// Rows applied together: one Meilisearch task (or one tantivy commit) for all of them.
pub const BATCH: u64 = 500;
/// A row that failed this many attempts in a batch is tried on its own from then on, so one
/// document the engine refuses cannot hold back the others for ever.
const ALONE_AFTER_ATTEMPTS: i32 = 3;

/// Applies [`OutboxJob::SearchUpsert`] and [`OutboxJob::SearchDelete`] jobs (articles) and
/// [`OutboxJob::SearchProduct`] jobs. Each reloads its article or product and indexes what is
/// published at that moment, so rows may run in any order and more than once; a batch needs
/// one write to the engine per index however many rows (and repeats of one document) it holds.
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

/// What a search row brings in step with the index.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Article(Uuid),
    Product(Uuid),
}

fn target(job: &OutboxJob) -> anyhow::Result<Target> {
    match job {
        OutboxJob::SearchUpsert { article_id } | OutboxJob::SearchDelete { article_id } => {
            Ok(Target::Article(*article_id))
        }
        OutboxJob::SearchProduct { product_id } => Ok(Target::Product(*product_id)),
        other => Err(not_mine("the search indexer", other)),
    }
}

#[async_trait::async_trait]
impl OutboxHandler for SearchIndexer {
    fn kinds(&self) -> Vec<&'static str> {
        vec![
            kinds::SEARCH_UPSERT,
            kinds::SEARCH_DELETE,
            kinds::SEARCH_PRODUCT,
        ]
    }

    async fn handle(&self, job: &Claimed) -> anyhow::Result<()> {
        match target(&job.job)? {
            Target::Article(id) => sync_article(&self.db, &self.engine, id).await,
            Target::Product(id) => sync_products(&self.db, &self.engine, &[id]).await,
        }
    }

    fn batch_size(&self) -> u64 {
        self.batch
    }

    async fn handle_batch(&self, jobs: &[Claimed]) -> Vec<anyhow::Result<()>> {
        let mut articles = Vec::new();
        let mut products = Vec::new();
        let mut seen = HashSet::new();
        for job in jobs {
            if let Ok(t) = target(&job.job)
                && job.attempts <= ALONE_AFTER_ATTEMPTS
                && seen.insert(t)
            {
                match t {
                    Target::Article(id) => articles.push(id),
                    Target::Product(id) => products.push(id),
                }
            }
        }
        let (articles, products) = tokio::join!(
            sync_articles(&self.db, &self.engine, &articles),
            sync_products(&self.db, &self.engine, &products),
        );
        let articles = articles.map_err(|e| format!("{e:#}"));
        let products = products.map_err(|e| format!("{e:#}"));
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            let outcome = match target(&job.job) {
                Ok(t) if seen.contains(&t) && job.attempts <= ALONE_AFTER_ATTEMPTS => {
                    let together = match t {
                        Target::Article(_) => &articles,
                        Target::Product(_) => &products,
                    };
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
