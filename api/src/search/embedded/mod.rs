//! The embedded engine: a tantivy index in a folder, with jieba word segmentation, Meilisearch's
//! typo budget, tag facets and a more-like-this query for related articles.
use super::text::{self, WordTokenizer, typo_budget};
use super::typo::{TypoAutomaton, TypoQuery};
use super::{SearchDoc, SearchHit, SearchRequest, SearchResults, query_words};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
};
use uuid::Uuid;

mod facets;
mod related;
mod segmentation;

const TOKENIZER: &str = "wharf_words";
/// Memory for the writer: two threads of 20 MB.
const WRITER_BUDGET: usize = 40_000_000;
/// Candidates looked at per related-article query.
const RELATED_POOL: usize = 50;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    site: Field,
    locale: Field,
    status: Field,
    tags: Field,
    tag_facet: Field,
    tag_text: Field,
    title: Field,
    excerpt: Field,
    body: Field,
    published_at: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let stored_text = TextOptions::default()
        .set_indexing_options(words.clone())
        .set_stored();
    let text_only = TextOptions::default().set_indexing_options(words);
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        site: b.add_text_field("site", STRING),
        locale: b.add_text_field("locale", STRING),
        status: b.add_text_field("status", STRING),
        tags: b.add_text_field("tags", STRING | STORED),
        tag_facet: b.add_facet_field("tag_facet", FacetOptions::default()),
        tag_text: b.add_text_field("tag_text", text_only.clone()),
        title: b.add_text_field("title", stored_text.clone()),
        excerpt: b.add_text_field("excerpt", stored_text),
        body: b.add_text_field("body", text_only),
        published_at: b.add_i64_field("published_at", INDEXED | FAST | STORED),
    };
    (b.build(), fields)
}

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
}

impl EmbeddedIndex {
    /// Opens the index in `dir`, creating the folder and the index when absent.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating search folder {}", dir.display()))?;
        let (schema, f) = schema();
        let directory = tantivy::directory::MmapDirectory::open(dir)
            .with_context(|| format!("opening search index {}", dir.display()))?;
        let index = Index::open_or_create(directory, schema)
            .with_context(|| format!("opening search index {}", dir.display()))?;
        index.tokenizers().register(TOKENIZER, WordTokenizer);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let stale = segmentation::is_stale(dir, reader.searcher().num_docs())?;
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
        self.inner.stale.load(Ordering::Acquire)
    }

    /// Records that every document was just indexed with the current word segmentation.
    pub fn mark_rebuilt(&self) -> anyhow::Result<()> {
        segmentation::mark_current(&self.inner.dir)?;
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

fn to_document(f: &Fields, doc: &SearchDoc) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.id, doc.id.to_string());
    d.add_text(f.site, doc.site.to_string());
    d.add_text(f.locale, &doc.locale);
    d.add_text(f.status, &doc.status);
    for tag in &doc.tags {
        d.add_text(f.tags, tag);
        d.add_facet(
            f.tag_facet,
            tantivy::schema::Facet::from_path([tag.as_str()]),
        );
        d.add_text(f.tag_text, tag.replace('-', " "));
    }
    d.add_text(f.title, &doc.title);
    d.add_text(f.excerpt, &doc.excerpt);
    d.add_text(f.body, &doc.body);
    d.add_i64(f.published_at, doc.published_at);
    d
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

impl Inner {
    /// Runs `change` with the writer, commits, and makes the change visible to searches.
    fn write(
        &self,
        change: impl FnOnce(&mut IndexWriter, &Fields) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut slot = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let result = (|| {
            if slot.is_none() {
                *slot = Some(
                    self.index
                        .writer(WRITER_BUDGET)
                        .context("opening the search index writer")?,
                );
            }
            let writer = slot.as_mut().context("no index writer")?;
            change(writer, &self.f)?;
            writer.commit().context("committing the search index")?;
            self.commits.fetch_add(1, Ordering::Relaxed);
            self.reader.reload()?;
            Ok(())
        })();
        if result.is_err()
            && let Some(mut writer) = slot.take()
        {
            let _ = writer.rollback();
        }
        self.last_write_ok.store(result.is_ok(), Ordering::Release);
        result
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

    /// One query word across the searchable fields: exact matches score most, then matches
    /// under Meilisearch's typo rule (and, for the last word, prefixes).
    fn word_query(&self, word: &str, is_last: bool) -> Box<dyn Query> {
        let f = &self.f;
        let budget = typo_budget(word);
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let automaton = (budget > 0 || is_last)
            .then(|| std::sync::Arc::new(TypoAutomaton::new(word, budget, is_last)));
        for (field, boost) in [
            (f.title, 3.0),
            (f.tag_text, 2.0),
            (f.excerpt, 1.5),
            (f.body, 1.0),
        ] {
            let term = Term::from_field_text(field, word);
            let exact = TermQuery::new(term, IndexRecordOption::WithFreqs);
            any.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(exact), boost)),
            ));
            if let Some(automaton) = &automaton {
                let typo = TypoQuery::with(field, automaton.clone());
                any.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(typo), boost * 0.3)),
                ));
            }
        }
        Box::new(BooleanQuery::new(any))
    }

    fn search(&self, r: &SearchRequest) -> anyhow::Result<SearchResults> {
        let searcher = self.reader.searcher();
        let words = query_words(&r.text, 10);
        let mut clauses = self.filters(r.site, r.locale.as_deref());
        for tag in &r.tags {
            clauses.push(term_filter(self.f.tags, tag));
        }
        for (i, word) in words.iter().enumerate() {
            clauses.push((Occur::Must, self.word_query(word, i + 1 == words.len())));
        }
        if words.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let query = BooleanQuery::new(clauses);
        // Only the page is scored; the total and the tag counts come from a second pass that
        // does not score (see `count_and_facets`).
        let top = TopDocs::with_limit(r.limit.max(1)).and_offset(r.offset);
        let addresses: Vec<DocAddress> = if words.is_empty() {
            let collector = top.order_by_fast_field::<i64>("published_at", Order::Desc);
            searcher
                .search(&query, &collector)?
                .into_iter()
                .map(|(_, a)| a)
                .collect()
        } else {
            searcher
                .search(&query, &top.order_by_score())?
                .into_iter()
                .map(|(_, a)| a)
                .collect()
        };
        let (total, mut tag_counts) =
            facets::count_and_facets(&searcher, &query, self.f.tag_facet)?;
        let mut hits = Vec::new();
        for address in addresses.into_iter().take(r.limit) {
            let doc: TantivyDocument = searcher.doc(address)?;
            let id = stored_str(&doc, self.f.id);
            let Ok(id) = Uuid::parse_str(&id) else {
                continue;
            };
            let (title, excerpt) = (
                stored_str(&doc, self.f.title),
                stored_str(&doc, self.f.excerpt),
            );
            hits.push(if r.skip_highlights {
                SearchHit { id, title, excerpt }
            } else {
                SearchHit {
                    id,
                    title: text::highlight(&title, &words),
                    excerpt: text::highlight(&excerpt, &words),
                }
            });
        }
        tag_counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(SearchResults {
            hits,
            tag_counts,
            estimated_total: total,
        })
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
