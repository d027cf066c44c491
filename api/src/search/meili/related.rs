//! Related articles on Meilisearch: one multi-search request asks, within the article's site and
//! locale, how many articles there are, and for each key word and tag of the article's profile
//! how many articles hold it and which (with where the word matched); [`related::rank`] ranks
//! them as on the embedded engine. `/similar` is not used: it needs an embedder.
use super::{MeiliIndex, Stored, filter, quote, timed};
use crate::search::SearchDoc;
use crate::search::related::{self, Evidence, POOL, Place};
use anyhow::{Context, bail};
use meilisearch_sdk::search::{MatchingStrategies, SearchResult, SearchResults, Selectors};
use std::collections::HashMap;
use uuid::Uuid;

/// The best place a hit matched in, from the attributes of its match positions.
fn place(hit: &SearchResult<Stored>) -> Place {
    let matched = hit.matches_position.as_ref();
    let has = |field: &str| matched.is_some_and(|m| m.contains_key(field));
    if has("title") {
        Place::Title
    } else if has("tags") {
        Place::Tags
    } else {
        Place::Body
    }
}

fn total(found: &SearchResults<Stored>) -> u64 {
    found.estimated_total_hits.or(found.total_hits).unwrap_or(0) as u64
}

impl MeiliIndex {
    /// Related articles of `doc`.
    pub async fn related(&self, doc: &SearchDoc, limit: usize) -> anyhow::Result<Vec<Uuid>> {
        let profile = related::profile(doc);
        let scope = filter(Some(doc.site), Some(&doc.locale), &[]);
        let index = self.client.index(&self.uid);
        // A trailing space: the word is not read as a prefix (`ai` must not match `air`).
        let words: Vec<String> = profile.terms.iter().map(|(w, _)| format!("{w} ")).collect();
        let tag_filters: Vec<String> = profile
            .tags
            .iter()
            .map(|t| format!("{scope} AND tags = {}", quote(t)))
            .collect();
        let mut multi = self.client.multi_search();
        let mut everything = index.search();
        everything.with_query("").with_filter(&scope).with_limit(0);
        multi.with_search_query(everything);
        for word in &words {
            let mut query = index.search();
            query
                .with_query(word)
                .with_filter(&scope)
                .with_matching_strategy(MatchingStrategies::ALL)
                .with_limit(POOL)
                .with_show_matches_position(true)
                .with_attributes_to_retrieve(Selectors::Some(&["id", "publishedAt"]));
            multi.with_search_query(query);
        }
        for tag_filter in &tag_filters {
            let mut query = index.search();
            query
                .with_query("")
                .with_filter(tag_filter)
                .with_limit(POOL)
                .with_attributes_to_retrieve(Selectors::Some(&["id", "publishedAt"]));
            multi.with_search_query(query);
        }
        let results = timed(multi.execute::<Stored>()).await?.results;
        if results.len() != 1 + words.len() + tag_filters.len() {
            bail!(
                "meilisearch answered {} of the related-article queries",
                results.len()
            );
        }
        let mut results = results.into_iter();
        let mut next = || {
            results
                .next()
                .context("a related-article query went unanswered")
        };
        let all = total(&next()?);
        let mut published: HashMap<Uuid, i64> = HashMap::new();
        let mut terms = Vec::with_capacity(words.len());
        for _ in &words {
            let found = next()?;
            let holders = found
                .hits
                .iter()
                .map(|hit| {
                    published.insert(hit.result.id, hit.result.published_at);
                    (hit.result.id, place(hit))
                })
                .collect();
            terms.push((total(&found), holders));
        }
        let mut tags = Vec::with_capacity(tag_filters.len());
        for _ in &tag_filters {
            let found = next()?;
            let carriers = found
                .hits
                .iter()
                .map(|hit| {
                    published.insert(hit.result.id, hit.result.published_at);
                    hit.result.id
                })
                .collect();
            tags.push((total(&found), carriers));
        }
        let evidence = Evidence {
            total: all,
            terms,
            tags,
        };
        let when = |id: Uuid| published.get(&id).copied().unwrap_or(0);
        Ok(related::rank(
            &profile,
            &evidence,
            Some(doc.id),
            when,
            limit,
        ))
    }
}
