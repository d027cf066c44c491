//! The outbox handler that keeps the search index in step with the database.
use crate::jobs::outbox::OutboxHandler;
use crate::search::SearchEngine;
use crate::services::outbox::kinds;
use crate::services::search::sync_article;
use anyhow::Context;
use entities::outbox as row;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// Applies `search.upsert` and `search.delete` rows. Both reload the article and index what is
/// published at that moment, so rows may run in any order and more than once.
pub struct SearchIndexer {
    db: DatabaseConnection,
    engine: SearchEngine,
}

impl SearchIndexer {
    /// A handler writing to `engine`.
    pub fn new(db: DatabaseConnection, engine: SearchEngine) -> Self {
        Self { db, engine }
    }
}

#[async_trait::async_trait]
impl OutboxHandler for SearchIndexer {
    fn kinds(&self) -> Vec<&'static str> {
        vec![kinds::SEARCH_UPSERT, kinds::SEARCH_DELETE]
    }

    async fn handle(&self, row: &row::Model) -> anyhow::Result<()> {
        let id = row
            .payload
            .get("article_id")
            .and_then(|v| v.as_str())
            .and_then(|v| Uuid::parse_str(v).ok())
            .context("the payload has no article_id")?;
        sync_article(&self.db, &self.engine, id).await
    }
}
