//! Related articles on Meilisearch.
//!
//! One multi-search request: the size of the article's site and locale, one query per word of
//! the article's title and excerpt, and one for articles sharing a tag. A candidate's text
//! similarity is the sum, over the words it contains, of the word's inverse document frequency
//! (from that word's hit count) times Meilisearch's ranking score for it, so rare words weigh
//! more and words in every article nearly nothing; candidates are then merged by
//! [`crate::search::rank_related`] as on the embedded engine.
//!
//! A single query of all the words cannot do this: Meilisearch's matching strategies only ever
//! drop words down to the last (or rarest) one, so an article sharing several words but not
//! that one is never found.
use super::{MeiliIndex, RELATED_POOL, Stored, filter, quote, timed};
use crate::search::{Candidate, SearchDoc, query_words};
use meilisearch_sdk::search::{SearchQuery, Selectors};
use std::collections::HashMap;
use uuid::Uuid;

/// Words of the title and excerpt looked up (each is one query of the request).
const RELATED_WORDS: usize = 12;

/// BM25's inverse document frequency of a word found in `n` of `total` articles.
fn idf(n: usize, total: usize) -> f64 {
    let (n, total) = (n as f64, total.max(n) as f64);
    (1.0 + (total - n + 0.5) / (n + 0.5)).ln()
}

impl MeiliIndex {
    /// Other articles of `doc`'s site and locale, by shared tags, then text similarity.
    pub async fn related(&self, doc: &SearchDoc, limit: usize) -> anyhow::Result<Vec<Uuid>> {
        let index = self.client.index(&self.uid);
        let scope = filter(Some(doc.site), Some(&doc.locale), &[]);
        let fields = Selectors::Some(&["id", "tags", "publishedAt"][..]);
        // A trailing space: the word is matched whole, not as a prefix of longer words.
        let words: Vec<String> =
            query_words(&format!("{} {}", doc.title, doc.excerpt), RELATED_WORDS)
                .into_iter()
                .map(|w| format!("{w} "))
                .collect();
        let shared = (!doc.tags.is_empty()).then(|| {
            let tags: Vec<String> = doc.tags.iter().map(|t| quote(t)).collect();
            format!("{scope} AND tags IN [{}]", tags.join(", "))
        });

        let mut queries: Vec<SearchQuery<'_, _>> = Vec::with_capacity(words.len() + 2);
        let mut size = SearchQuery::new(&index);
        size.with_query("").with_filter(&scope).with_limit(0);
        queries.push(size);
        for word in &words {
            let mut q = SearchQuery::new(&index);
            q.with_query(word)
                .with_filter(&scope)
                .with_limit(RELATED_POOL)
                .with_show_ranking_score(true)
                .with_attributes_to_retrieve(fields.clone());
            queries.push(q);
        }
        if let Some(shared) = &shared {
            let mut q = SearchQuery::new(&index);
            q.with_query("")
                .with_filter(shared)
                .with_limit(RELATED_POOL)
                .with_attributes_to_retrieve(fields.clone());
            queries.push(q);
        }
        let mut multi = self.client.multi_search();
        for q in queries {
            multi.with_search_query(q);
        }
        let mut results = timed(multi.execute::<Stored>()).await?.results.into_iter();

        let count = |r: &meilisearch_sdk::search::SearchResults<Stored>| {
            r.estimated_total_hits.or(r.total_hits).unwrap_or(0)
        };
        let total = results.next().map(|r| count(&r)).unwrap_or(0);
        let mut text: HashMap<Uuid, (f64, Stored)> = HashMap::new();
        for found in results.by_ref().take(words.len()) {
            let weight = idf(count(&found), total);
            for hit in found.hits {
                let score = weight * hit.ranking_score.unwrap_or(1.0);
                let entry = text.entry(hit.result.id).or_insert((0.0, hit.result));
                entry.0 += score;
            }
        }
        let best = text.values().map(|(s, _)| *s).fold(0.0_f64, f64::max);
        let mut candidates: Vec<Candidate> = text
            .into_values()
            .map(|(score, stored)| Candidate {
                id: stored.id,
                tags: stored.tags,
                text_score: if best > 0.0 { score / best } else { 0.0 },
                published_at: stored.published_at,
            })
            .collect();
        if shared.is_some()
            && let Some(found) = results.next()
        {
            candidates.extend(found.hits.into_iter().map(|hit| Candidate {
                id: hit.result.id,
                tags: hit.result.tags,
                text_score: 0.0,
                published_at: hit.result.published_at,
            }));
        }
        Ok(crate::search::rank_related(doc, candidates, limit))
    }
}

#[cfg(test)]
mod tests {
    use super::idf;

    #[test]
    fn rare_words_weigh_more_than_common_ones() {
        assert!(idf(1, 100) > idf(10, 100));
        assert!(idf(100, 100) < 0.01);
        // A count above the total (estimates) is clamped rather than negative.
        assert!(idf(120, 100) >= 0.0);
    }
}
