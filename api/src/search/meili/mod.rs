//! The Meilisearch engine, through `meilisearch-sdk`. Every write waits for its task and counts
//! only when the task succeeded, so the outbox retries anything Meilisearch did not confirm.
use super::SearchDoc;
use anyhow::bail;
use meilisearch_sdk::client::Client;

mod http;
mod products;
mod related;
mod search;
pub use http::MeiliHttp;
use meilisearch_sdk::settings::Settings as IndexSettings;
use meilisearch_sdk::task_info::TaskInfo;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use uuid::Uuid;

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
    published_at: i64,
}

/// The Meilisearch indexes of one Wharf, `{prefix}_articles` and `{prefix}_products`.
/// Cloning shares the client.
#[derive(Clone)]
pub struct MeiliIndex {
    client: Arc<Client<MeiliHttp>>,
    uid: String,
    settings_applied: Arc<AtomicBool>,
    /// The products' index.
    products_uid: String,
    products_settings_applied: Arc<AtomicBool>,
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

impl MeiliIndex {
    /// A client for the server at `url`; the indexes are `{prefix}_articles` and
    /// `{prefix}_products`.
    pub fn new(url: &str, api_key: Option<&SecretString>, prefix: &str) -> anyhow::Result<Self> {
        let key = api_key.map(|k| k.expose_secret().to_owned());
        let http = MeiliHttp::new(key.as_deref())?;
        let client = Client::new_with_client(url, key, http);
        Ok(Self {
            client: Arc::new(client),
            uid: format!("{prefix}_articles"),
            settings_applied: Arc::new(AtomicBool::new(false)),
            products_uid: format!("{prefix}_products"),
            products_settings_applied: Arc::new(AtomicBool::new(false)),
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

    /// Deletes both indexes (tests clean up with it); the products' may never have been made.
    pub async fn delete_index(&self) -> anyhow::Result<()> {
        let products = timed(self.client.delete_index(&self.products_uid)).await?;
        // Fails (index_not_found) when nothing made it: nothing to delete then.
        let _ = self.confirm(products).await;
        let task = timed(self.client.delete_index(&self.uid)).await?;
        self.confirm(task).await
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
