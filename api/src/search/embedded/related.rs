//! Related articles on the embedded engine: within the article's site and locale, how many
//! articles hold each key word and tag of its profile and which (the best [`POOL`] by field),
//! ranked by [`related::rank`] as on Meilisearch.
use super::{Inner, stored_str};
use crate::search::SearchDoc;
use crate::search::related::{self, Evidence, POOL, Place};
use std::collections::HashMap;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, TantivyDocument, Term};
use uuid::Uuid;

/// The best place of each of the top [`POOL`] holders of a word, by field.
type Holders = Vec<(DocAddress, Place)>;

impl Inner {
    /// Related articles of `doc`, ranked by [`related::rank`] over what this index holds in
    /// `doc`'s site and locale.
    pub(super) fn related(&self, doc: &SearchDoc, limit: usize) -> anyhow::Result<Vec<Uuid>> {
        let searcher = self.reader.searcher();
        let f = &self.f;
        let profile = related::profile(doc);
        let in_scope = |q: Box<dyn Query>| {
            let mut clauses = self.filters(Some(doc.site), Some(&doc.locale));
            clauses.push((Occur::Must, q));
            BooleanQuery::new(clauses)
        };
        let term = |field, word: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            ))
        };
        let total = searcher.search(&in_scope(Box::new(AllQuery)), &Count)? as u64;
        let mut terms: Vec<(u64, Holders)> = Vec::with_capacity(profile.terms.len());
        for (word, _) in &profile.terms {
            let fields = [
                (f.title, Place::Title),
                (f.tag_text, Place::Tags),
                (f.excerpt, Place::Body),
                (f.body, Place::Body),
            ];
            let any = BooleanQuery::new(
                fields
                    .iter()
                    .map(|(field, _)| (Occur::Should, term(*field, word)))
                    .collect(),
            );
            let df = searcher.search(&in_scope(Box::new(any)), &Count)? as u64;
            let mut best: HashMap<DocAddress, Place> = HashMap::new();
            if df > 0 {
                for (field, place) in fields {
                    let top = TopDocs::with_limit(POOL).order_by_score();
                    for (_, address) in searcher.search(&in_scope(term(field, word)), &top)? {
                        let entry = best.entry(address).or_insert(place);
                        *entry = (*entry).max(place);
                    }
                }
            }
            let mut holders: Holders = best.into_iter().collect();
            holders.sort();
            terms.push((df, holders));
        }
        let mut tags = Vec::with_capacity(profile.tags.len());
        for tag in &profile.tags {
            let carrying = in_scope(Box::new(TermQuery::new(
                Term::from_field_text(f.tags, tag),
                IndexRecordOption::Basic,
            )));
            let (df, top) = searcher.search(
                &carrying,
                &(Count, TopDocs::with_limit(POOL).order_by_score()),
            )?;
            tags.push((df as u64, top.into_iter().map(|(_, a)| a).collect()));
        }
        let itself = searcher
            .search(
                &TermQuery::new(
                    Term::from_field_text(f.id, &doc.id.to_string()),
                    IndexRecordOption::Basic,
                ),
                &TopDocs::with_limit(1).order_by_score(),
            )?
            .first()
            .map(|(_, a)| *a);
        let published = |address: DocAddress| {
            searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .i64("published_at")
                .ok()
                .and_then(|column| column.first(address.doc_id))
                .unwrap_or(0)
        };
        let evidence = Evidence { total, terms, tags };
        related::rank(&profile, &evidence, itself, published, limit)
            .into_iter()
            .map(|address| {
                let stored: TantivyDocument = searcher.doc(address)?;
                Ok(Uuid::parse_str(&stored_str(&stored, f.id))?)
            })
            .collect()
    }
}
