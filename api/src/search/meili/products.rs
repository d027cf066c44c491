//! Products on Meilisearch: the index `{prefix}_products`, its writes, and product search by
//! the articles' rule (every word, then any part as one federated search), with category and
//! certification facets.
use super::{MeiliHttp, MeiliIndex, quote, timed};
use crate::search::product::{
    ProductDoc, ProductHit, ProductResults, ProductSearchRequest, sort_counts,
};
use crate::search::snippet::{CROP_MARKER, CROP_WORDS};
use crate::search::text::{self, MARK_END, MARK_START};
use meilisearch_sdk::search::{
    FederationOptions, MatchingStrategies, MergeFacets, SearchQuery, SearchResult, Selectors,
};
use meilisearch_sdk::settings::{Settings as IndexSettings, TypoToleranceSettings};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use uuid::Uuid;

/// The facets a product search counts.
const FACETS: [&str; 2] = ["categories", "certifications"];
/// Most parts a fallback search sends (Meilisearch reads ten words of a query).
const MAX_PARTS: usize = 10;

/// The fields of an indexed product Wharf reads back.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    id: Uuid,
    #[serde(default)]
    name: String,
    #[serde(default)]
    summary: String,
}

/// The filter of a request: published, site, locale, any of the categories, every
/// certification.
fn filter(r: &ProductSearchRequest) -> String {
    let mut parts = vec!["status = \"published\"".to_owned()];
    if let Some(site) = r.site {
        parts.push(format!("site = {}", quote(&site.to_string())));
    }
    if let Some(locale) = &r.locale {
        parts.push(format!("locale = {}", quote(locale)));
    }
    if !r.categories.is_empty() {
        let any: Vec<String> = r.categories.iter().map(|c| quote(c)).collect();
        parts.push(format!("categories IN [{}]", any.join(", ")));
    }
    for key in &r.certifications {
        parts.push(format!("certifications = {}", quote(key)));
    }
    parts.join(" AND ")
}

fn configure<'a>(
    query: &mut SearchQuery<'a, MeiliHttp>,
    r: &ProductSearchRequest,
    filter: &'a str,
) {
    query
        .with_filter(filter)
        .with_matching_strategy(MatchingStrategies::ALL)
        .with_attributes_to_retrieve(Selectors::Some(&["id", "name", "summary"]));
    let highlighted: &[&str] = match (r.skip_highlights, r.skip_snippets) {
        (false, false) => &["name", "summary", "body"],
        (false, true) => &["name", "summary"],
        (true, false) => &["body"],
        (true, true) => &[],
    };
    if !highlighted.is_empty() {
        // Marks no indexed text holds, escaped with the rest by `text::to_html`.
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

fn formatted(hit: &SearchResult<Stored>, field: &str) -> Option<String> {
    hit.formatted_result
        .as_ref()
        .and_then(|f| f.get(field))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

fn to_hit(hit: &SearchResult<Stored>, r: &ProductSearchRequest) -> ProductHit {
    let marked = |field: &str, plain: &String| {
        if r.skip_highlights {
            plain.clone()
        } else {
            formatted(hit, field).unwrap_or_else(|| plain.clone())
        }
    };
    ProductHit {
        id: hit.result.id,
        name: marked("name", &hit.result.name),
        summary: marked("summary", &hit.result.summary),
        snippet: if r.skip_snippets {
            String::new()
        } else {
            formatted(hit, "body").unwrap_or_default()
        },
    }
}

/// The counts of one facet, most frequent first.
fn counts(
    distribution: &mut HashMap<String, HashMap<String, usize>>,
    facet: &str,
) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = distribution
        .remove(facet)
        .unwrap_or_default()
        .into_iter()
        .map(|(value, n)| (value, n as u64))
        .collect();
    sort_counts(&mut out);
    out
}

fn results(
    hits: Vec<ProductHit>,
    distribution: Option<HashMap<String, HashMap<String, usize>>>,
    total: u64,
) -> ProductResults {
    let mut distribution = distribution.unwrap_or_default();
    ProductResults {
        hits,
        category_counts: counts(&mut distribution, "categories"),
        certification_counts: counts(&mut distribution, "certifications"),
        estimated_total: total,
    }
}

impl MeiliIndex {
    /// Creates the products' index when absent and applies its settings; remembered once it
    /// succeeded.
    pub async fn apply_product_settings(&self) -> anyhow::Result<()> {
        if self.products_settings_applied.load(Ordering::Acquire) {
            return Ok(());
        }
        // Fails harmlessly (index_already_exists) when it is there already.
        let created = timed(self.client.create_index(&self.products_uid, Some("id"))).await?;
        let _ = self.confirm(created).await;
        let settings = IndexSettings::new()
            .with_searchable_attributes([
                "name",
                "model",
                "modelKey",
                "categoryNames",
                "certificationNames",
                "summary",
                "specs",
                "body",
            ])
            .with_filterable_attributes([
                "site",
                "locale",
                "status",
                "categories",
                "certifications",
            ])
            .with_sortable_attributes(["publishedAt"])
            // A model number one character off is another product: exact or by its start.
            .with_typo_tolerance(TypoToleranceSettings {
                enabled: Some(true),
                disable_on_attributes: Some(vec!["model".to_owned(), "modelKey".to_owned()]),
                disable_on_words: None,
                min_word_size_for_typos: None,
                disable_on_numbers: None,
            });
        let index = self.client.index(&self.products_uid);
        let task = timed(index.set_settings(&settings)).await?;
        self.confirm(task).await?;
        self.products_settings_applied
            .store(true, Ordering::Release);
        Ok(())
    }

    /// Adds or replaces `docs` and removes `ids`: both tasks sent, then waited for together.
    pub async fn apply_products(
        &self,
        docs: Vec<ProductDoc>,
        ids: Vec<Uuid>,
    ) -> anyhow::Result<()> {
        self.apply_product_settings().await?;
        let index = self.client.index(&self.products_uid);
        let upsert = async {
            if docs.is_empty() {
                return Ok(());
            }
            let task = timed(index.add_or_replace(&docs, Some("id"))).await?;
            self.confirm(task).await
        };
        let delete = async {
            if ids.is_empty() {
                return Ok(());
            }
            let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
            let task = timed(index.delete_documents(&ids)).await?;
            self.confirm(task).await
        };
        tokio::try_join!(upsert, delete)?;
        Ok(())
    }

    /// Removes every product.
    pub async fn clear_products(&self) -> anyhow::Result<()> {
        self.apply_product_settings().await?;
        let index = self.client.index(&self.products_uid);
        let task = timed(index.delete_all_documents()).await?;
        self.confirm(task).await
    }

    /// Runs a product search.
    pub async fn search_products(
        &self,
        r: &ProductSearchRequest,
    ) -> anyhow::Result<ProductResults> {
        self.apply_product_settings().await?;
        let filter = filter(r);
        let index = self.client.index(&self.products_uid);
        let mut query = index.search();
        configure(&mut query, r, &filter);
        query
            .with_query(&r.text)
            .with_offset(r.offset)
            .with_limit(r.limit)
            .with_facets(Selectors::Some(&FACETS));
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
            return self.products_any_part(r, &filter, &parts).await;
        }
        let hits = found.hits.iter().map(|hit| to_hit(hit, r)).collect();
        Ok(results(hits, found.facet_distribution, total))
    }

    /// The products matching any of `parts`, each part with all its words.
    async fn products_any_part(
        &self,
        r: &ProductSearchRequest,
        filter: &str,
        parts: &[&str],
    ) -> anyhow::Result<ProductResults> {
        let index = self.client.index(&self.products_uid);
        let mut multi = self.client.multi_search();
        for part in parts {
            let mut query = index.search();
            configure(&mut query, r, filter);
            query.with_query(part);
            multi.with_search_query(query);
        }
        let facets: Vec<String> = FACETS.iter().map(|f| (*f).to_owned()).collect();
        let federated = multi.with_federation(FederationOptions {
            offset: Some(r.offset),
            limit: Some(r.limit),
            facets_by_index: Some(HashMap::from([(self.products_uid.clone(), facets)])),
            merge_facets: Some(MergeFacets::default()),
            ..FederationOptions::default()
        });
        let found = timed(federated.execute::<Stored>()).await?;
        let hits = found.hits.iter().map(|hit| to_hit(hit, r)).collect();
        Ok(results(
            hits,
            found.facet_distribution,
            found.estimated_total_hits as u64,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_takes_any_category_and_every_certification_quoted() {
        let r = ProductSearchRequest {
            locale: Some("zh-CN".into()),
            categories: vec!["a".into(), "b\"c".into()],
            certifications: vec!["ce".into(), "iso 9001".into()],
            ..ProductSearchRequest::default()
        };
        assert_eq!(
            filter(&r),
            "status = \"published\" AND locale = \"zh-CN\" AND categories IN [\"a\", \"b\\\"c\"] \
             AND certifications = \"ce\" AND certifications = \"iso 9001\""
        );
    }
}
