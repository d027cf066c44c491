//! Rebuilding the index from the database (`wharf reindex`, `reindexSearch`, restores, and the
//! rebuild at start): every published article, then every published product, streamed in
//! batches with a few engine writes in flight.
use super::product::reindex_products;
use super::search_docs;
use crate::search::SearchEngine;
use entities::article::{self, ArticleStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// Index writes of `wharf reindex` in flight at once: the next batch is read from the database
/// while the engine indexes the previous ones (Meilisearch also merges queued batches).
pub(super) const REINDEX_IN_FLIGHT: usize = 4;

/// How many documents a rebuild put into the index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reindexed {
    /// Published articles.
    pub articles: u64,
    /// Published products.
    pub products: u64,
}

/// Rebuilds the index from the database (see [`reindex_all`]); returns how many articles were
/// indexed.
pub async fn reindex(
    db: &impl ConnectionTrait,
    engine: &SearchEngine,
    batch: u64,
) -> anyhow::Result<u64> {
    Ok(reindex_all(db, engine, batch).await?.articles)
}

/// Rebuilds the index from the database: clears it, then streams every published article and
/// every published product into it in batches of `batch` (one engine write each, a few in
/// flight). Returns how many of each were indexed.
pub async fn reindex_all(
    db: &impl ConnectionTrait,
    engine: &SearchEngine,
    batch: u64,
) -> anyhow::Result<Reindexed> {
    engine.apply_settings().await?;
    engine.clear().await?;
    engine.clear_products().await?;
    let mut after: Option<Uuid> = None;
    let mut total = 0;
    let mut in_flight = std::collections::VecDeque::new();
    loop {
        let mut query = article::Entity::find()
            .filter(article::Column::Status.eq(ArticleStatus::Published))
            .order_by_asc(article::Column::Id)
            .limit(batch);
        if let Some(after) = after {
            query = query.filter(article::Column::Id.gt(after));
        }
        let page = query.all(db).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        let docs = search_docs(db, &page)
            .await
            .map_err(|e| anyhow::anyhow!("loading tags: {}", e.message))?;
        total += docs.len() as u64;
        if in_flight.len() == REINDEX_IN_FLIGHT
            && let Some(oldest) = in_flight.pop_front()
        {
            finish(oldest).await?;
        }
        let engine = engine.clone();
        in_flight.push_back(tokio::spawn(async move { engine.upsert(docs).await }));
        tracing::info!(indexed = total, "reindexing");
    }
    while let Some(oldest) = in_flight.pop_front() {
        finish(oldest).await?;
    }
    let products = reindex_products(db, engine, batch).await?;
    engine.mark_rebuilt()?;
    Ok(Reindexed {
        articles: total,
        products,
    })
}

pub(crate) async fn finish(
    write: tokio::task::JoinHandle<anyhow::Result<()>>,
) -> anyhow::Result<()> {
    write.await?
}
