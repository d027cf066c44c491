//! Searching the embedded product index, by the articles' rule: every word of the query must
//! match; when no product has them all, the products matching any space-separated part (see
//! [`crate::search::query_parts`]).
use super::ProductIndex;
use crate::search::embedded::{facets, stored_str, term_filter};
use crate::search::product::{ProductHit, ProductResults, ProductSearchRequest, sort_counts};
use crate::search::text::{self, typo_budget};
use crate::search::typo::{TypoAutomaton, TypoQuery};
use crate::search::{query_parts, snippet};
use tantivy::collector::TopDocs;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Order, TantivyDocument, Term};
use uuid::Uuid;

type Clauses = Vec<(Occur, Box<dyn Query>)>;

impl ProductIndex {
    /// One query word across the searchable fields: exact matches score most, then matches
    /// under the typo rule (and, for the last word, prefixes).
    fn word_query(&self, word: &str, is_last: bool) -> Box<dyn Query> {
        let f = &self.f;
        let budget = typo_budget(word);
        let mut any: Clauses = Vec::new();
        let automaton = (budget > 0 || is_last)
            .then(|| std::sync::Arc::new(TypoAutomaton::new(word, budget, is_last)));
        // A model number one character off is another product: exact, or by its start.
        let model_prefix = is_last.then(|| std::sync::Arc::new(TypoAutomaton::new(word, 0, true)));
        for (field, boost) in [
            (f.name, 3.0),
            (f.model, 3.0),
            (f.category_text, 2.0),
            (f.certification_text, 2.0),
            (f.summary, 1.5),
            (f.specs, 1.2),
            (f.body, 1.0),
        ] {
            let exact = TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            );
            any.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(exact), boost)),
            ));
            let automaton = if field == f.model {
                &model_prefix
            } else {
                &automaton
            };
            if let Some(automaton) = automaton {
                let typo = TypoQuery::with(field, automaton.clone());
                any.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(typo), boost * 0.3)),
                ));
            }
        }
        Box::new(BooleanQuery::new(any))
    }

    fn all_of(&self, words: &[String]) -> Clauses {
        words
            .iter()
            .enumerate()
            .map(|(i, w)| (Occur::Must, self.word_query(w, i + 1 == words.len())))
            .collect()
    }

    /// The filters of a request: published, site, locale, any of the categories, every
    /// certification.
    fn scope(&self, r: &ProductSearchRequest) -> Clauses {
        let f = &self.f;
        let mut clauses = vec![term_filter(f.status, "published")];
        if let Some(site) = r.site {
            clauses.push(term_filter(f.site, &site.to_string()));
        }
        if let Some(locale) = &r.locale {
            clauses.push(term_filter(f.locale, locale));
        }
        if !r.categories.is_empty() {
            let any: Clauses = r
                .categories
                .iter()
                .map(|id| {
                    let q = TermQuery::new(
                        Term::from_field_text(f.categories, id),
                        IndexRecordOption::Basic,
                    );
                    (Occur::Should, Box::new(q) as Box<dyn Query>)
                })
                .collect();
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0)),
            ));
        }
        for key in &r.certifications {
            clauses.push(term_filter(f.certifications, key));
        }
        clauses
    }

    /// The total and the category and certification counts of `query`.
    fn counted(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
    ) -> anyhow::Result<(u64, facets::Counts, facets::Counts)> {
        let fields = [self.f.category_facet, self.f.certification_facet];
        let (total, mut counts) = facets::count_and_facets(searcher, query, &fields)?;
        let mut certifications = counts.pop().unwrap_or_default();
        let mut categories = counts.pop().unwrap_or_default();
        sort_counts(&mut categories);
        sort_counts(&mut certifications);
        Ok((total, categories, certifications))
    }

    /// Runs a product search.
    pub(in crate::search::embedded) fn search(
        &self,
        r: &ProductSearchRequest,
    ) -> anyhow::Result<ProductResults> {
        let searcher = self.reader.searcher();
        let parts = query_parts(&r.text, 10);
        let mut words: Vec<String> = Vec::new();
        for w in parts.iter().flatten() {
            if !words.contains(w) {
                words.push(w.clone());
            }
        }
        let mut clauses = self.scope(r);
        clauses.extend(self.all_of(&words));
        if words.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let mut query = BooleanQuery::new(clauses);
        let (mut total, mut categories, mut certifications) = self.counted(&searcher, &query)?;
        if total == 0 && parts.len() > 1 {
            let any: Clauses = parts
                .iter()
                .map(|part| {
                    (
                        Occur::Should,
                        Box::new(BooleanQuery::new(self.all_of(part))) as Box<dyn Query>,
                    )
                })
                .collect();
            let mut clauses = self.scope(r);
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            query = BooleanQuery::new(clauses);
            (total, categories, certifications) = self.counted(&searcher, &query)?;
        }
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
        let mut hits = Vec::new();
        for address in addresses.into_iter().take(r.limit) {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Ok(id) = Uuid::parse_str(&stored_str(&doc, self.f.id)) else {
                continue;
            };
            let (name, summary) = (
                stored_str(&doc, self.f.name),
                stored_str(&doc, self.f.summary),
            );
            let snippet = if r.skip_snippets {
                String::new()
            } else {
                snippet::snippet(&stored_str(&doc, self.f.body), &words)
            };
            let (name, summary) = if r.skip_highlights {
                (name, summary)
            } else {
                (
                    text::highlight(&name, &words),
                    text::highlight(&summary, &words),
                )
            };
            hits.push(ProductHit {
                id,
                name,
                summary,
                snippet,
            });
        }
        Ok(ProductResults {
            hits,
            category_counts: categories,
            certification_counts: certifications,
            estimated_total: total,
        })
    }
}
