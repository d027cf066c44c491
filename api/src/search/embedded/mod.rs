//! The embedded engine: a tantivy index in a folder, with jieba word segmentation, Meilisearch's
//! typo budget, tag facets, snippets and related articles.
use super::product::{ProductDoc, ProductResults, ProductSearchRequest};
use super::text::{self, WordTokenizer};
use super::{SearchDoc, SearchRequest, SearchResults};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tantivy::query::{ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use uuid::Uuid;

mod facets;
mod layout;
mod products;
mod query;
mod related;
mod segmentation;

use layout::{Fields, to_document};

const TOKENIZER: &str = "wharf_words";
/// Memory for the writer: two threads of 20 MB.
const WRITER_BUDGET: usize = 40_000_000;

/// A tantivy index in one folder. Cloning shares it.
#[derive(Clone)]
pub struct EmbeddedIndex {
    inner: Arc<Inner>,
    /// Searches run at once: one per core. A search is CPU-bound, so more at once only adds
    /// blocking threads, each with its own allocator arena and buffers (resident memory), and
    /// no throughput; the rest wait their turn.
    searches: Arc<tokio::sync::Semaphore>,
}

struct Inner {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    /// Opened on first write and kept; dropped after a failure so the next write reopens it.
    writer: Mutex<Option<IndexWriter>>,
    /// Whether the last write went through (reported by `/readyz`).
    last_write_ok: AtomicBool,
    /// Commits made since the index was opened.
    commits: AtomicU64,
    /// Whether the documents were indexed with another word segmentation and need a rebuild.
    stale: AtomicBool,
    f: Fields,
    /// The products' index, in `products/` inside this folder.
    products: products::ProductIndex,
}

impl EmbeddedIndex {
    /// Opens the index in `dir`, creating the folder and the index when absent.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating search folder {}", dir.display()))?;
        let existed = dir.join("meta.json").is_file();
        let (index, f, replaced) = layout::open(dir)?;
        index.tokenizers().register(TOKENIZER, WordTokenizer);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        if replaced {
            // Replaced by an empty index: a rebuild refills it, even after a restart.
            segmentation::mark_pending(dir)?;
        }
        let stale = segmentation::is_stale(dir, reader.searcher().num_docs())?;
        // After the articles' index: replacing it empties the whole folder. An index of a
        // version before products were searchable gains an empty product index, which the
        // rebuild fills with the products published meanwhile.
        let products_dir = dir.join("products");
        let products_new = existed && !products_dir.exists();
        let products = products::ProductIndex::open(&products_dir, products_new)?;
        Ok(Self {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                index,
                reader,
                writer: Mutex::new(None),
                last_write_ok: AtomicBool::new(true),
                commits: AtomicU64::new(0),
                stale: AtomicBool::new(stale),
                f,
                products,
            }),
            searches: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
        })
    }

    /// Like [`Self::blocking`], for reads: waits for one of the per-core search slots first.
    async fn reading<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Inner) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let _slot = self.searches.acquire().await?;
        self.blocking(work).await
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Inner) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || work(&inner)).await?
    }

    /// Adds or replaces documents and commits.
    pub async fn upsert(&self, docs: Vec<SearchDoc>) -> anyhow::Result<()> {
        self.apply(docs, Vec::new()).await
    }

    /// Removes documents and commits.
    pub async fn delete(&self, ids: Vec<Uuid>) -> anyhow::Result<()> {
        self.apply(Vec::new(), ids).await
    }

    /// Adds or replaces `docs` and removes `ids`, in one commit.
    pub async fn apply(&self, docs: Vec<SearchDoc>, ids: Vec<Uuid>) -> anyhow::Result<()> {
        self.blocking(move |inner| {
            inner.write(|writer, f| {
                for id in &ids {
                    writer.delete_term(Term::from_field_text(f.id, &id.to_string()));
                }
                for doc in &docs {
                    writer.delete_term(Term::from_field_text(f.id, &doc.id.to_string()));
                    writer.add_document(to_document(f, doc))?;
                }
                Ok(())
            })
        })
        .await
    }

    /// Removes every document and commits.
    pub async fn clear(&self) -> anyhow::Result<()> {
        self.blocking(|inner| {
            inner.write(|writer, _| {
                writer.delete_all_documents()?;
                Ok(())
            })
        })
        .await
    }

    /// Adds or replaces product `docs` and removes the products `ids`, in one commit.
    pub async fn apply_products(
        &self,
        docs: Vec<ProductDoc>,
        ids: Vec<Uuid>,
    ) -> anyhow::Result<()> {
        self.blocking(move |inner| {
            let result = inner.products.apply(&docs, &ids);
            inner.committed(&result);
            result
        })
        .await
    }

    /// Removes every product and commits.
    pub async fn clear_products(&self) -> anyhow::Result<()> {
        self.blocking(|inner| {
            let result = inner.products.clear();
            inner.committed(&result);
            result
        })
        .await
    }

    /// Runs a product search.
    pub async fn search_products(
        &self,
        request: &ProductSearchRequest,
    ) -> anyhow::Result<ProductResults> {
        let request = request.clone();
        self.reading(move |inner| inner.products.search(&request))
            .await
    }

    /// Runs a search.
    pub async fn search(&self, request: &SearchRequest) -> anyhow::Result<SearchResults> {
        let request = request.clone();
        self.reading(move |inner| inner.search(&request)).await
    }

    /// Related articles of `doc`.
    pub async fn related(&self, doc: &SearchDoc, limit: usize) -> anyhow::Result<Vec<Uuid>> {
        let doc = doc.clone();
        self.reading(move |inner| inner.related(&doc, limit)).await
    }

    /// Whether the documents were indexed with an older word segmentation: searches would miss
    /// words until the index is rebuilt (`wharf reindex`, or the rebuild the server starts).
    pub fn needs_rebuild(&self) -> bool {
        self.inner.stale.load(Ordering::Acquire) || self.inner.products.is_stale()
    }

    /// Records that every document was just indexed with the current word segmentation.
    pub fn mark_rebuilt(&self) -> anyhow::Result<()> {
        segmentation::mark_current(&self.inner.dir)?;
        self.inner.products.mark_current()?;
        self.inner.stale.store(false, Ordering::Release);
        Ok(())
    }

    /// Commits made through this handle since it was opened (each write is one).
    pub fn commits(&self) -> u64 {
        self.inner.commits.load(Ordering::Relaxed)
    }

    /// Whether the index is there and the last write to it went through.
    pub fn healthy(&self) -> bool {
        self.inner.dir.join("meta.json").is_file()
            && self.inner.last_write_ok.load(Ordering::Acquire)
    }
}

fn term_filter(field: Field, value: &str) -> (Occur, Box<dyn Query>) {
    let q = TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    );
    (
        Occur::Must,
        Box::new(ConstScoreQuery::new(Box::new(q), 0.0)),
    )
}

/// Runs `change` with the writer in `slot` (opened when absent), commits, and makes the change
/// visible to `reader`'s searches. After a failure the writer is rolled back and dropped, so
/// the next write reopens it.
fn commit(
    index: &Index,
    reader: &IndexReader,
    slot: &Mutex<Option<IndexWriter>>,
    change: impl FnOnce(&mut IndexWriter) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
    let result = (|| {
        if slot.is_none() {
            *slot = Some(
                index
                    .writer(WRITER_BUDGET)
                    .context("opening the search index writer")?,
            );
        }
        let writer = slot.as_mut().context("no index writer")?;
        change(writer)?;
        writer.commit().context("committing the search index")?;
        reader.reload()?;
        Ok(())
    })();
    if result.is_err()
        && let Some(mut writer) = slot.take()
    {
        let _ = writer.rollback();
    }
    result
}

impl Inner {
    /// Runs `change` with the writer, commits, and makes the change visible to searches.
    fn write(
        &self,
        change: impl FnOnce(&mut IndexWriter, &Fields) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let result = commit(&self.index, &self.reader, &self.writer, |w| {
            change(w, &self.f)
        });
        self.committed(&result);
        result
    }

    /// Counts a commit and remembers for `/readyz` whether the last write went through.
    fn committed(&self, result: &anyhow::Result<()>) {
        if result.is_ok() {
            self.commits.fetch_add(1, Ordering::Relaxed);
        }
        self.last_write_ok.store(result.is_ok(), Ordering::Release);
    }

    fn filters(&self, site: Option<Uuid>, locale: Option<&str>) -> Vec<(Occur, Box<dyn Query>)> {
        let mut clauses = vec![term_filter(self.f.status, "published")];
        if let Some(site) = site {
            clauses.push(term_filter(self.f.site, &site.to_string()));
        }
        if let Some(locale) = locale {
            clauses.push(term_filter(self.f.locale, locale));
        }
        clauses
    }
}

fn stored_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests;
