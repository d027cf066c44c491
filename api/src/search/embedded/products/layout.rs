//! The fields of the embedded product index, and its documents.
use crate::search::embedded::TOKENIZER;
use crate::search::product::ProductDoc;
use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

/// The fields of an indexed product.
#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub id: Field,
    pub site: Field,
    pub locale: Field,
    pub status: Field,
    /// Category IDs, the ancestors' included (filters).
    pub categories: Field,
    pub category_facet: Field,
    /// Certification keys (filters).
    pub certifications: Field,
    pub certification_facet: Field,
    pub name: Field,
    /// The model number's words (`bv`, `200`) and its key (`bv200`).
    pub model: Field,
    pub summary: Field,
    /// Stored too, for the snippets.
    pub body: Field,
    pub specs: Field,
    pub category_text: Field,
    pub certification_text: Field,
    pub published_at: Field,
}

pub(super) fn schema() -> (Schema, Fields) {
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
        categories: b.add_text_field("categories", STRING),
        category_facet: b.add_facet_field("category_facet", FacetOptions::default()),
        certifications: b.add_text_field("certifications", STRING),
        certification_facet: b.add_facet_field("certification_facet", FacetOptions::default()),
        name: b.add_text_field("name", stored_text.clone()),
        model: b.add_text_field("model", text_only.clone()),
        summary: b.add_text_field("summary", stored_text.clone()),
        body: b.add_text_field("body", stored_text),
        specs: b.add_text_field("specs", text_only.clone()),
        category_text: b.add_text_field("category_text", text_only.clone()),
        certification_text: b.add_text_field("certification_text", text_only),
        published_at: b.add_i64_field("published_at", INDEXED | FAST | STORED),
    };
    (b.build(), fields)
}

/// The tantivy document of a product.
pub(super) fn to_document(f: &Fields, doc: &ProductDoc) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.id, doc.id.to_string());
    d.add_text(f.site, doc.site.to_string());
    d.add_text(f.locale, &doc.locale);
    d.add_text(f.status, &doc.status);
    for id in &doc.categories {
        d.add_text(f.categories, id);
        d.add_facet(f.category_facet, Facet::from_path([id.as_str()]));
    }
    for key in &doc.certifications {
        d.add_text(f.certifications, key);
        d.add_facet(f.certification_facet, Facet::from_path([key.as_str()]));
    }
    d.add_text(f.name, &doc.name);
    d.add_text(f.model, &doc.model);
    d.add_text(f.model, &doc.model_key);
    d.add_text(f.summary, &doc.summary);
    d.add_text(f.body, &doc.body);
    d.add_text(f.specs, &doc.specs);
    for name in &doc.category_names {
        d.add_text(f.category_text, name);
    }
    for name in &doc.certification_names {
        d.add_text(f.certification_text, name);
    }
    d.add_i64(f.published_at, doc.published_at);
    d
}
