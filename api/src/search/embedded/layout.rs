//! The layout of the embedded index (its fields) and opening it: an index written with an
//! older layout is replaced by an empty one, which the rebuild from the database refills.
use super::TOKENIZER;
use crate::search::SearchDoc;
use anyhow::Context;
use std::path::Path;
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::{Index, TantivyDocument, TantivyError};

/// The fields of an indexed article.
#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub id: Field,
    pub site: Field,
    pub locale: Field,
    pub status: Field,
    pub tags: Field,
    pub tag_facet: Field,
    pub tag_text: Field,
    pub title: Field,
    pub excerpt: Field,
    /// Stored too, for the snippets.
    pub body: Field,
    pub published_at: Field,
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
        tag_text: b.add_text_field("tag_text", text_only),
        title: b.add_text_field("title", stored_text.clone()),
        excerpt: b.add_text_field("excerpt", stored_text.clone()),
        body: b.add_text_field("body", stored_text),
        published_at: b.add_i64_field("published_at", INDEXED | FAST | STORED),
    };
    (b.build(), fields)
}

/// Opens the index in `dir` (created when absent). When the folder holds an index of another
/// layout, it is emptied and a new index made; the flag says so (the index needs a rebuild).
pub(super) fn open(dir: &Path) -> anyhow::Result<(Index, Fields, bool)> {
    let (schema, fields) = schema();
    let (index, replaced) = open_with(dir, schema)?;
    Ok((index, fields, replaced))
}

/// Opens the index of `schema` in `dir` (created when absent), replacing an index of another
/// layout by an empty one (the flag says so).
pub(super) fn open_with(dir: &Path, schema: Schema) -> anyhow::Result<(Index, bool)> {
    let opening = || -> anyhow::Result<Result<Index, TantivyError>> {
        let directory = tantivy::directory::MmapDirectory::open(dir)
            .with_context(|| format!("opening search index {}", dir.display()))?;
        Ok(Index::open_or_create(directory, schema.clone()))
    };
    match opening()? {
        Ok(index) => Ok((index, false)),
        Err(TantivyError::SchemaError(_)) => {
            tracing::warn!(
                folder = %dir.display(),
                "the search index has an older layout; starting a new one, rebuilt from the database"
            );
            std::fs::remove_dir_all(dir)
                .with_context(|| format!("removing the old search index {}", dir.display()))?;
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating search folder {}", dir.display()))?;
            let index =
                opening()?.with_context(|| format!("creating search index {}", dir.display()))?;
            Ok((index, true))
        }
        Err(e) => Err(e).with_context(|| format!("opening search index {}", dir.display())),
    }
}

/// The tantivy document of an article.
pub(super) fn to_document(f: &Fields, doc: &SearchDoc) -> TantivyDocument {
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
