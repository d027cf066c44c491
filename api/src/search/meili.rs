//! The Meilisearch engine, through `meilisearch-sdk`. Every write waits for its task and counts
//! only when the task succeeded, so the outbox retries anything Meilisearch did not confirm.
use super::text::{MARK_END, MARK_START};
use super::{SearchDoc, SearchHit, SearchRequest, SearchResults};
use anyhow::bail;
use meilisearch_sdk::client::Client;
use meilisearch_sdk::search::Selectors;
use meilisearch_sdk::settings::Settings as IndexSettings;
use meilisearch_sdk::task_info::TaskInfo;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use uuid::Uuid;

mod related;

/// How long a write waits for Meilisearch to finish its task.
const TASK_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one request may take (the SDK's HTTP client has no timeout of its own).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// `request`, failed when it takes longer than [`REQUEST_TIMEOUT`].
async fn timed<T>(
    request: impl std::future::Future<Output = Result<T, meilisearch_sdk::errors::Error>>,
) -> anyhow::Result<T> {
    match tokio::time::timeout(REQUEST_TIMEOUT, request).await {
        Ok(result) => Ok(result?),
        Err(_) => bail!("meilisearch did not answer within {REQUEST_TIMEOUT:?}"),
    }
}
/// Candidates looked at per related-article query.
const RELATED_POOL: usize = 50;

/// The fields of an indexed article Wharf reads back.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    id: Uuid,
    #[serde(default)]
    title: String,
    #[serde(default)]
    excerpt: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    published_at: i64,
}

/// One Meilisearch index, `{prefix}_articles`. Cloning shares the client.
#[derive(Clone)]
pub struct MeiliIndex {
    client: Arc<Client>,
    uid: String,
    settings_applied: Arc<AtomicBool>,
}

/// Quotes a value for a Meilisearch filter expression.
fn quote(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

fn filter(site: Option<Uuid>, locale: Option<&str>, tags: &[String]) -> String {
    let mut parts = vec!["status = \"published\"".to_owned()];
    if let Some(site) = site {
        parts.push(format!("site = {}", quote(&site.to_string())));
    }
    if let Some(locale) = locale {
        parts.push(format!("locale = {}", quote(locale)));
    }
    for tag in tags {
        parts.push(format!("tags = {}", quote(tag)));
    }
    parts.join(" AND ")
}

fn formatted(hit: &meilisearch_sdk::search::SearchResult<Stored>, field: &str) -> Option<String> {
    hit.formatted_result
        .as_ref()
        .and_then(|f| f.get(field))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

impl MeiliIndex {
    /// A client for the server at `url`; the index is `{prefix}_articles`.
    pub fn new(url: &str, api_key: Option<&SecretString>, prefix: &str) -> anyhow::Result<Self> {
        let client = Client::new(url, api_key.map(|k| k.expose_secret().to_owned()))?;
        Ok(Self {
            client: Arc::new(client),
            uid: format!("{prefix}_articles"),
            settings_applied: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The index's name.
    pub fn uid(&self) -> &str {
        &self.uid
    }

    async fn confirm(&self, task: TaskInfo) -> anyhow::Result<()> {
        let waiting = task.wait_for_completion(
            &self.client,
            Some(Duration::from_millis(50)),
            Some(TASK_TIMEOUT),
        );
        let Ok(task) = tokio::time::timeout(TASK_TIMEOUT + REQUEST_TIMEOUT, waiting).await else {
            bail!("meilisearch did not finish the task within {TASK_TIMEOUT:?}");
        };
        let task = task?;
        if task.is_success() {
            return Ok(());
        }
        if task.is_failure() {
            bail!("meilisearch task failed: {}", task.unwrap_failure());
        }
        bail!("meilisearch task did not finish")
    }

    /// Creates the index when absent and applies its settings; remembered once it succeeded.
    pub async fn apply_settings(&self) -> anyhow::Result<()> {
        if self.settings_applied.load(Ordering::Acquire) {
            return Ok(());
        }
        // Fails harmlessly (index_already_exists) when it is there already.
        let created = timed(self.client.create_index(&self.uid, Some("id"))).await?;
        let _ = self.confirm(created).await;
        let settings = IndexSettings::new()
            .with_searchable_attributes(["title", "excerpt", "body", "tags"])
            .with_filterable_attributes(["site", "locale", "tags", "status"])
            .with_sortable_attributes(["publishedAt"]);
        let index = self.client.index(&self.uid);
        let task = timed(index.set_settings(&settings)).await?;
        self.confirm(task).await?;
        self.settings_applied.store(true, Ordering::Release);
        Ok(())
    }

    /// Adds or replaces documents.
    pub async fn upsert(&self, docs: Vec<SearchDoc>) -> anyhow::Result<()> {
        self.apply_settings().await?;
        let index = self.client.index(&self.uid);
        let task = timed(index.add_or_replace(&docs, Some("id"))).await?;
        self.confirm(task).await
    }

    /// Removes documents.
    pub async fn delete(&self, ids: Vec<Uuid>) -> anyhow::Result<()> {
        self.apply_settings().await?;
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let index = self.client.index(&self.uid);
        let task = timed(index.delete_documents(&ids)).await?;
        self.confirm(task).await
    }

    /// Removes every document.
    pub async fn clear(&self) -> anyhow::Result<()> {
        self.apply_settings().await?;
        let index = self.client.index(&self.uid);
        let task = timed(index.delete_all_documents()).await?;
        self.confirm(task).await
    }

    /// Deletes the whole index (tests clean up with it).
    pub async fn delete_index(&self) -> anyhow::Result<()> {
        let task = timed(self.client.delete_index(&self.uid)).await?;
        self.confirm(task).await
    }

    /// Runs a search.
    pub async fn search(&self, r: &SearchRequest) -> anyhow::Result<SearchResults> {
        let filter = filter(r.site, r.locale.as_deref(), &r.tags);
        let index = self.client.index(&self.uid);
        let mut query = index.search();
        query
            .with_query(&r.text)
            .with_offset(r.offset)
            .with_limit(r.limit)
            .with_filter(&filter)
            .with_facets(Selectors::Some(&["tags"]))
            .with_attributes_to_retrieve(Selectors::Some(&[
                "id",
                "title",
                "excerpt",
                "tags",
                "publishedAt",
            ]));
        if !r.skip_highlights {
            query
                .with_attributes_to_highlight(Selectors::Some(&["title", "excerpt"]))
                .with_highlight_pre_tag(MARK_START)
                .with_highlight_post_tag(MARK_END);
        }
        if r.text.trim().is_empty() {
            query.with_sort(&["publishedAt:desc"]);
        }
        let found = timed(query.execute::<Stored>()).await?;
        let hits = found
            .hits
            .iter()
            .map(|hit| SearchHit {
                id: hit.result.id,
                title: formatted(hit, "title").unwrap_or_else(|| hit.result.title.clone()),
                excerpt: formatted(hit, "excerpt").unwrap_or_else(|| hit.result.excerpt.clone()),
            })
            .collect();
        let mut tag_counts: Vec<(String, u64)> = found
            .facet_distribution
            .and_then(|mut d| d.remove("tags"))
            .unwrap_or_default()
            .into_iter()
            .map(|(tag, n)| (tag, n as u64))
            .collect();
        tag_counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(SearchResults {
            hits,
            tag_counts,
            estimated_total: found.estimated_total_hits.or(found.total_hits).unwrap_or(0) as u64,
        })
    }

    /// Whether the server answers its health check within two seconds.
    pub async fn healthy(&self) -> bool {
        matches!(
            tokio::time::timeout(Duration::from_secs(2), self.client.health()).await,
            Ok(Ok(_))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_quote_their_values() {
        assert_eq!(
            filter(None, Some("zh-CN"), &["a\"b".to_owned()]),
            "status = \"published\" AND locale = \"zh-CN\" AND tags = \"a\\\"b\""
        );
    }
}
