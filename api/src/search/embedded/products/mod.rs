//! The embedded product index: a tantivy index of its own in `search/products`, with the
//! articles' word segmentation, typo budget and matching rule, and category and certification
//! facets.
use super::{TOKENIZER, commit, segmentation};
use crate::search::product::ProductDoc;
use crate::search::text::WordTokenizer;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};
use uuid::Uuid;

mod layout;
mod query;

use layout::{Fields, to_document};

/// The product index, beside the articles' (inside their folder, as `products/`).
pub(super) struct ProductIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    /// Whether the documents were indexed with another word segmentation or layout.
    stale: AtomicBool,
    f: Fields,
}

impl ProductIndex {
    /// Opens the index in `dir`, creating the folder and the index when absent; `pending`:
    /// it must be rebuilt from the database before it is current, even while empty.
    pub(super) fn open(dir: &Path, pending: bool) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating search folder {}", dir.display()))?;
        let (schema, f) = layout::schema();
        let (index, replaced) = super::layout::open_with(dir, schema)?;
        index.tokenizers().register(TOKENIZER, WordTokenizer);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        if replaced || pending {
            segmentation::mark_pending(dir)?;
        }
        let stale = segmentation::is_stale(dir, reader.searcher().num_docs())?;
        Ok(Self {
            dir: dir.to_path_buf(),
            index,
            reader,
            writer: Mutex::new(None),
            stale: AtomicBool::new(stale),
            f,
        })
    }

    /// Adds or replaces `docs` and removes `ids`, in one commit.
    pub(super) fn apply(&self, docs: &[ProductDoc], ids: &[Uuid]) -> anyhow::Result<()> {
        let f = &self.f;
        commit(&self.index, &self.reader, &self.writer, |writer| {
            for id in ids {
                writer.delete_term(Term::from_field_text(f.id, &id.to_string()));
            }
            for doc in docs {
                writer.delete_term(Term::from_field_text(f.id, &doc.id.to_string()));
                writer.add_document(to_document(f, doc))?;
            }
            Ok(())
        })
    }

    /// Removes every document, in one commit.
    pub(super) fn clear(&self) -> anyhow::Result<()> {
        commit(&self.index, &self.reader, &self.writer, |writer| {
            writer.delete_all_documents()?;
            Ok(())
        })
    }

    /// Whether the documents need a rebuild (older segmentation or layout).
    pub(super) fn is_stale(&self) -> bool {
        self.stale.load(Ordering::Acquire)
    }

    /// Records that every document was just indexed with the current segmentation.
    pub(super) fn mark_current(&self) -> anyhow::Result<()> {
        segmentation::mark_current(&self.dir)?;
        self.stale.store(false, Ordering::Release);
        Ok(())
    }
}
