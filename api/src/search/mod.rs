//! Full-text and related-article search behind one contract with exactly two engines: an
//! embedded tantivy index under `data_dir/search` (the default) and Meilisearch (production).
//!
//! Only published articles and products are ever put into an index (products in one of their
//! own, see [`product`]). Both engines mark matches with
//! [`text::MARK_START`]/[`text::MARK_END`], which [`text::to_html`] turns into `<em>` tags.
pub mod embedded;
pub mod han;
pub mod meili;
pub mod product;
pub(crate) mod related;
pub mod snippet;
pub mod text;
pub mod typo;

use crate::config::Settings;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One published article as an index holds it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SearchDoc {
    /// The article's ID.
    pub id: Uuid,
    /// Its site's ID.
    pub site: Uuid,
    /// Locale tag.
    pub locale: String,
    /// Title.
    pub title: String,
    /// Explicit excerpt, or a plain-text prefix of the body.
    pub excerpt: String,
    /// Body text.
    pub body: String,
    /// Tag slugs.
    pub tags: Vec<String>,
    /// Always `published` (kept so that the index can be filtered on it).
    pub status: String,
    /// Publication time, in seconds since the epoch.
    pub published_at: i64,
}

impl SearchDoc {
    /// The publication time as a date.
    pub fn published(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(self.published_at, 0)
    }
}

/// What to search for.
#[derive(Clone, Debug, Default)]
pub struct SearchRequest {
    /// The words typed; empty lists everything that matches the filters, newest first.
    pub text: String,
    /// Only this site.
    pub site: Option<Uuid>,
    /// Only this locale.
    pub locale: Option<String>,
    /// Only articles carrying all of these tag slugs.
    pub tags: Vec<String>,
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Leave the hits' titles and excerpts unmarked (the client did not ask for highlights):
    /// marking them means segmenting their text again.
    pub skip_highlights: bool,
    /// Leave the hits' snippets empty (the client did not ask for them).
    pub skip_snippets: bool,
}

/// One ranked hit.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    /// The article's ID.
    pub id: Uuid,
    /// The title with matches marked.
    pub title: String,
    /// The excerpt with matches marked.
    pub excerpt: String,
    /// The passage of the body around the best match (about 30 words or 60 Chinese
    /// characters), matches marked, [`snippet::CROP_MARKER`] where the body was cut; empty when
    /// the request skipped snippets.
    pub snippet: String,
}

/// A page of hits with facet counts.
#[derive(Clone, Debug, Default)]
pub struct SearchResults {
    /// Hits, best first.
    pub hits: Vec<SearchHit>,
    /// How many articles carry each tag among all matches.
    pub tag_counts: Vec<(String, u64)>,
    /// How many articles match in all (an estimate on Meilisearch).
    pub estimated_total: u64,
}

/// The state of an engine, as `/readyz` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// Answering.
    Ok,
    /// Not answering.
    Unavailable,
}

/// The search engine in use.
#[derive(Clone)]
pub enum SearchEngine {
    /// tantivy under `data_dir/search`.
    Embedded(embedded::EmbeddedIndex),
    /// A Meilisearch server.
    Meili(meili::MeiliIndex),
}

impl SearchEngine {
    /// The engine the settings choose: Meilisearch when `meili_url` is set, else embedded.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match &settings.meili_url {
            Some(url) => Ok(Self::Meili(meili::MeiliIndex::new(
                url,
                settings.meili_api_key.as_ref(),
                &settings.meili_index_prefix,
            )?)),
            None => Ok(Self::Embedded(embedded::EmbeddedIndex::open(
                &settings.data_dir.join("search"),
            )?)),
        }
    }

    /// The engine's name, for logs and `/readyz`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Embedded(_) => "embedded",
            Self::Meili(_) => "meilisearch",
        }
    }

    /// Applies the index settings (searchable, filterable and sortable attributes).
    pub async fn apply_settings(&self) -> anyhow::Result<()> {
        match self {
            Self::Embedded(_) => Ok(()),
            Self::Meili(m) => {
                m.apply_settings().await?;
                m.apply_product_settings().await
            }
        }
    }

    /// Adds or replaces documents; returns once the engine confirmed.
    pub async fn upsert(&self, docs: Vec<SearchDoc>) -> anyhow::Result<()> {
        if docs.is_empty() {
            return Ok(());
        }
        match self {
            Self::Embedded(e) => e.upsert(docs).await,
            Self::Meili(m) => m.upsert(docs).await,
        }
    }

    /// Removes documents (absent ones are ignored); returns once the engine confirmed.
    pub async fn delete(&self, ids: Vec<Uuid>) -> anyhow::Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        match self {
            Self::Embedded(e) => e.delete(ids).await,
            Self::Meili(m) => m.delete(ids).await,
        }
    }

    /// Adds or replaces `docs` and removes `ids` (absent ones are ignored) as one write: one
    /// commit on the embedded engine; on Meilisearch both tasks are sent, then waited for
    /// together. Returns once the engine confirmed both.
    pub async fn apply(&self, docs: Vec<SearchDoc>, ids: Vec<Uuid>) -> anyhow::Result<()> {
        match self {
            Self::Embedded(e) if !(docs.is_empty() && ids.is_empty()) => e.apply(docs, ids).await,
            Self::Embedded(_) => Ok(()),
            Self::Meili(_) => {
                tokio::try_join!(self.upsert(docs), self.delete(ids))?;
                Ok(())
            }
        }
    }

    /// Removes every document.
    pub async fn clear(&self) -> anyhow::Result<()> {
        match self {
            Self::Embedded(e) => e.clear().await,
            Self::Meili(m) => m.clear().await,
        }
    }

    /// Adds or replaces product `docs` and removes the products `ids` (absent ones are
    /// ignored) as one write, as [`Self::apply`] does for articles.
    pub async fn apply_products(
        &self,
        docs: Vec<product::ProductDoc>,
        ids: Vec<Uuid>,
    ) -> anyhow::Result<()> {
        if docs.is_empty() && ids.is_empty() {
            return Ok(());
        }
        match self {
            Self::Embedded(e) => e.apply_products(docs, ids).await,
            Self::Meili(m) => m.apply_products(docs, ids).await,
        }
    }

    /// Removes every product.
    pub async fn clear_products(&self) -> anyhow::Result<()> {
        match self {
            Self::Embedded(e) => e.clear_products().await,
            Self::Meili(m) => m.clear_products().await,
        }
    }

    /// Ranked product hits, category and certification counts, and the total.
    pub async fn search_products(
        &self,
        request: &product::ProductSearchRequest,
    ) -> anyhow::Result<product::ProductResults> {
        match self {
            Self::Embedded(e) => e.search_products(request).await,
            Self::Meili(m) => m.search_products(request).await,
        }
    }

    /// Ranked hits, tag counts and the total.
    pub async fn search(&self, request: &SearchRequest) -> anyhow::Result<SearchResults> {
        match self {
            Self::Embedded(e) => e.search(request).await,
            Self::Meili(m) => m.search(request).await,
        }
    }

    /// Other articles of `doc`'s site and locale, ranked by the words and tags they share
    /// with it, each weighted by its rarity (see [`related`]); never `doc` itself. `doc` need
    /// not be indexed.
    pub async fn related(&self, doc: &SearchDoc, limit: usize) -> anyhow::Result<Vec<Uuid>> {
        match self {
            Self::Embedded(e) => e.related(doc, limit).await,
            Self::Meili(m) => m.related(doc, limit).await,
        }
    }

    /// Whether the index was built with an older word segmentation and must be rebuilt
    /// (embedded engine only; Meilisearch segments words itself).
    pub fn needs_rebuild(&self) -> bool {
        match self {
            Self::Embedded(e) => e.needs_rebuild(),
            Self::Meili(_) => false,
        }
    }

    /// Records that a rebuild from the database completed.
    pub fn mark_rebuilt(&self) -> anyhow::Result<()> {
        match self {
            Self::Embedded(e) => e.mark_rebuilt(),
            Self::Meili(_) => Ok(()),
        }
    }

    /// Whether the engine answers.
    pub async fn health(&self) -> Health {
        let ok = match self {
            Self::Embedded(e) => e.healthy(),
            Self::Meili(m) => m.healthy().await,
        };
        if ok { Health::Ok } else { Health::Unavailable }
    }
}

/// The words of `text` by space-separated part, each word once and at most `max` in all:
/// every word must match; when no article has them all, a search falls back to the articles
/// matching every word of any one part. A part without spaces (a Chinese phrase) stays whole.
pub(crate) fn query_parts(text: &str, max: usize) -> Vec<Vec<String>> {
    let mut seen: Vec<String> = Vec::new();
    let mut parts = Vec::new();
    for chunk in text.split_whitespace() {
        let mut part = Vec::new();
        for w in text::words(chunk) {
            if seen.len() == max {
                break;
            }
            if !seen.contains(&w.text) {
                seen.push(w.text.clone());
                part.push(w.text);
            }
        }
        if !part.is_empty() {
            parts.push(part);
        }
    }
    parts
}
