//! Searching the embedded index: every word of the query must match; when no article has them
//! all, the articles matching any space-separated part of the query (see
//! [`crate::search::query_parts`]).
use super::{Inner, facets, stored_str, term_filter};
use crate::search::text::{self, typo_budget};
use crate::search::typo::{TypoAutomaton, TypoQuery};
use crate::search::{SearchHit, SearchRequest, SearchResults, query_parts, snippet};
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Order, TantivyDocument, Term};
use uuid::Uuid;

/// The total and the tag counts of `query`.
fn tags_counted(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    tag_facet: tantivy::schema::Field,
) -> anyhow::Result<(u64, Vec<(String, u64)>)> {
    let (total, mut counts) = facets::count_and_facets(searcher, query, &[tag_facet])?;
    Ok((total, counts.pop().unwrap_or_default()))
}

impl Inner {
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

    /// All of `words` (the last one also as a prefix, as Meilisearch reads the last word).
    fn all_of(&self, words: &[String]) -> Vec<(Occur, Box<dyn Query>)> {
        words
            .iter()
            .enumerate()
            .map(|(i, w)| (Occur::Must, self.word_query(w, i + 1 == words.len())))
            .collect()
    }

    pub(super) fn search(&self, r: &SearchRequest) -> anyhow::Result<SearchResults> {
        let searcher = self.reader.searcher();
        let parts = query_parts(&r.text, 10);
        let mut words: Vec<String> = Vec::new();
        for w in parts.iter().flatten() {
            if !words.contains(w) {
                words.push(w.clone());
            }
        }
        let scope = || {
            let mut clauses = self.filters(r.site, r.locale.as_deref());
            for tag in &r.tags {
                clauses.push(term_filter(self.f.tags, tag));
            }
            clauses
        };
        let mut clauses = scope();
        clauses.extend(self.all_of(&words));
        if words.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let mut query = BooleanQuery::new(clauses);
        // The total and the tag counts come from a pass that does not score (see
        // `count_and_facets`); only the page is scored.
        let (mut total, mut tag_counts) = tags_counted(&searcher, &query, self.f.tag_facet)?;
        if total == 0 && parts.len() > 1 {
            // No article has every word: those matching any part, more parts first.
            let any: Vec<(Occur, Box<dyn Query>)> = parts
                .iter()
                .map(|part| {
                    (
                        Occur::Should,
                        Box::new(BooleanQuery::new(self.all_of(part))) as Box<dyn Query>,
                    )
                })
                .collect();
            let mut clauses = scope();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            query = BooleanQuery::new(clauses);
            (total, tag_counts) = tags_counted(&searcher, &query, self.f.tag_facet)?;
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
            let (title, excerpt) = (
                stored_str(&doc, self.f.title),
                stored_str(&doc, self.f.excerpt),
            );
            let snippet = if r.skip_snippets {
                String::new()
            } else {
                snippet::snippet(&stored_str(&doc, self.f.body), &words)
            };
            let (title, excerpt) = if r.skip_highlights {
                (title, excerpt)
            } else {
                (
                    text::highlight(&title, &words),
                    text::highlight(&excerpt, &words),
                )
            };
            hits.push(SearchHit {
                id,
                title,
                excerpt,
                snippet,
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
