//! Related articles on the embedded engine: a more-like-this query over the text and a query
//! for shared tags, merged by [`super::super::rank_related`].
use super::{Inner, RELATED_POOL, stored_str};
use crate::search::{Candidate, SearchDoc};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};
use uuid::Uuid;

impl Inner {
    pub(super) fn related(&self, doc: &SearchDoc, limit: usize) -> anyhow::Result<Vec<Uuid>> {
        let searcher = self.reader.searcher();
        let f = &self.f;
        let own_id = || {
            let q = TermQuery::new(
                Term::from_field_text(f.id, &doc.id.to_string()),
                IndexRecordOption::Basic,
            );
            (Occur::MustNot, Box::new(q) as Box<dyn Query>)
        };
        let mut candidates = Vec::new();

        let similar = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(1)
            .with_min_term_frequency(1)
            .with_max_query_terms(25)
            .with_document_fields(vec![
                (f.title, vec![OwnedValue::Str(doc.title.clone())]),
                (f.excerpt, vec![OwnedValue::Str(doc.excerpt.clone())]),
                (f.body, vec![OwnedValue::Str(doc.body.clone())]),
            ]);
        let mut clauses = self.filters(Some(doc.site), Some(&doc.locale));
        clauses.push(own_id());
        clauses.push((Occur::Must, Box::new(similar)));
        let found = self.collect(&searcher, BooleanQuery::new(clauses))?;
        let best = found.iter().map(|(s, _)| *s).fold(0.0_f32, f32::max);
        for (score, address) in found {
            let text_score = if best > 0.0 { score / best } else { 0.0 };
            candidates.push(self.candidate(&searcher, address, f64::from(text_score))?);
        }

        if !doc.tags.is_empty() {
            let shared: Vec<(Occur, Box<dyn Query>)> = doc
                .tags
                .iter()
                .map(|t| {
                    let q =
                        TermQuery::new(Term::from_field_text(f.tags, t), IndexRecordOption::Basic);
                    (Occur::Should, Box::new(q) as Box<dyn Query>)
                })
                .collect();
            let mut clauses = self.filters(Some(doc.site), Some(&doc.locale));
            clauses.push(own_id());
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(shared))));
            for (_, address) in self.collect(&searcher, BooleanQuery::new(clauses))? {
                candidates.push(self.candidate(&searcher, address, 0.0)?);
            }
        }
        Ok(crate::search::rank_related(doc, candidates, limit))
    }

    fn collect(
        &self,
        searcher: &Searcher,
        query: BooleanQuery,
    ) -> anyhow::Result<Vec<(f32, DocAddress)>> {
        Ok(searcher.search(&query, &TopDocs::with_limit(RELATED_POOL).order_by_score())?)
    }

    fn candidate(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        text_score: f64,
    ) -> anyhow::Result<Candidate> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let id = Uuid::parse_str(&stored_str(&doc, self.f.id))?;
        Ok(Candidate {
            id,
            tags: doc
                .get_all(self.f.tags)
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            text_score,
            published_at: doc
                .get_first(self.f.published_at)
                .and_then(|v| v.as_i64())
                .unwrap_or(0),
        })
    }
}
