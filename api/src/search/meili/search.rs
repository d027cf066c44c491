//! Searching Meilisearch: every word must match (`matchingStrategy: all`); when no article has
//! them all, one federated search over the space-separated parts of the query gives the articles
//! matching any part (see [`crate::search::query_parts`]), as the embedded engine does.
use super::MeiliHttp;
use super::{MeiliIndex, Stored, filter, timed};
use crate::search::snippet::{CROP_MARKER, CROP_WORDS};
use crate::search::text::{self, MARK_END, MARK_START};
use crate::search::{SearchHit, SearchRequest, SearchResults};
use meilisearch_sdk::search::{
    FederationOptions, MatchingStrategies, MergeFacets, SearchQuery, SearchResult, Selectors,
};
use std::collections::HashMap;

/// Most parts a fallback search sends (Meilisearch reads ten words of a query).
const MAX_PARTS: usize = 10;

fn formatted(hit: &SearchResult<Stored>, field: &str) -> Option<String> {
    hit.formatted_result
        .as_ref()
        .and_then(|f| f.get(field))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// What every query of a search asks for besides its words: the filter, the fields, the
/// highlights and the snippet.
fn configure<'a>(query: &mut SearchQuery<'a, MeiliHttp>, r: &SearchRequest, filter: &'a str) {
    query
        .with_filter(filter)
        .with_matching_strategy(MatchingStrategies::ALL)
        .with_attributes_to_retrieve(Selectors::Some(&[
            "id",
            "title",
            "excerpt",
            "tags",
            "publishedAt",
        ]));
    let highlighted: &[&str] = match (r.skip_highlights, r.skip_snippets) {
        (false, false) => &["title", "excerpt", "body"],
        (false, true) => &["title", "excerpt"],
        (true, false) => &["body"],
        (true, true) => &[],
    };
    if !highlighted.is_empty() {
        // Meilisearch does not escape the text around its tags: marking with characters no
        // indexed text holds (see `text::without_marks`) lets `text::to_html` escape
        // everything, then turn the marks into `<em>`.
        query
            .with_attributes_to_highlight(Selectors::Some(highlighted))
            .with_highlight_pre_tag(MARK_START)
            .with_highlight_post_tag(MARK_END);
    }
    if !r.skip_snippets {
        query
            .with_attributes_to_crop(Selectors::Some(&[("body", Some(CROP_WORDS))]))
            .with_crop_marker(CROP_MARKER);
    }
}

fn to_hit(hit: &SearchResult<Stored>, r: &SearchRequest) -> SearchHit {
    let marked = |field: &str, plain: &String| {
        if r.skip_highlights {
            plain.clone()
        } else {
            formatted(hit, field).unwrap_or_else(|| plain.clone())
        }
    };
    SearchHit {
        id: hit.result.id,
        title: marked("title", &hit.result.title),
        excerpt: marked("excerpt", &hit.result.excerpt),
        snippet: if r.skip_snippets {
            String::new()
        } else {
            formatted(hit, "body").unwrap_or_default()
        },
    }
}

fn tag_counts(distribution: Option<HashMap<String, HashMap<String, usize>>>) -> Vec<(String, u64)> {
    let mut counts: Vec<(String, u64)> = distribution
        .and_then(|mut d| d.remove("tags"))
        .unwrap_or_default()
        .into_iter()
        .map(|(tag, n)| (tag, n as u64))
        .collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

impl MeiliIndex {
    /// Runs a search.
    pub async fn search(&self, r: &SearchRequest) -> anyhow::Result<SearchResults> {
        let filter = filter(r.site, r.locale.as_deref(), &r.tags);
        let index = self.client.index(&self.uid);
        let mut query = index.search();
        configure(&mut query, r, &filter);
        query
            .with_query(&r.text)
            .with_offset(r.offset)
            .with_limit(r.limit)
            .with_facets(Selectors::Some(&["tags"]));
        if r.text.trim().is_empty() {
            query.with_sort(&["publishedAt:desc"]);
        }
        let found = timed(query.execute::<Stored>()).await?;
        let total = found.estimated_total_hits.or(found.total_hits).unwrap_or(0) as u64;
        let parts: Vec<&str> = r
            .text
            .split_whitespace()
            .filter(|part| !text::words(part).is_empty())
            .take(MAX_PARTS)
            .collect();
        if total == 0 && parts.len() > 1 {
            return self.any_part(r, &filter, &parts).await;
        }
        Ok(SearchResults {
            hits: found.hits.iter().map(|hit| to_hit(hit, r)).collect(),
            tag_counts: tag_counts(found.facet_distribution),
            estimated_total: total,
        })
    }

    /// The articles matching any of `parts`, each part with all its words.
    async fn any_part(
        &self,
        r: &SearchRequest,
        filter: &str,
        parts: &[&str],
    ) -> anyhow::Result<SearchResults> {
        let index = self.client.index(&self.uid);
        let mut multi = self.client.multi_search();
        for part in parts {
            let mut query = index.search();
            configure(&mut query, r, filter);
            query.with_query(part);
            multi.with_search_query(query);
        }
        let federated = multi.with_federation(FederationOptions {
            offset: Some(r.offset),
            limit: Some(r.limit),
            facets_by_index: Some(HashMap::from([(self.uid.clone(), vec!["tags".to_owned()])])),
            merge_facets: Some(MergeFacets::default()),
            ..FederationOptions::default()
        });
        let found = timed(federated.execute::<Stored>()).await?;
        Ok(SearchResults {
            hits: found.hits.iter().map(|hit| to_hit(hit, r)).collect(),
            tag_counts: tag_counts(found.facet_distribution),
            estimated_total: found.estimated_total_hits as u64,
        })
    }
}
