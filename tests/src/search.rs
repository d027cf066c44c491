//! The search conformance harness: one set of engine-level cases, run against the embedded
//! engine always and against Meilisearch when `MEILI_URL` points to a server (each run in its
//! own index, deleted afterwards). Without `MEILI_URL` the Meilisearch runs are skipped with a
//! loud line; `WHARF_TEST_REQUIRE=meilisearch` turns that skip into a failure.
use crate::{MediaStore, Stack, TestApp, loud, required, spawn_app_tweaked};
use anyhow::{Result, bail};
use secrecy::SecretString;
use std::sync::Once;
use wharf::search::meili::MeiliIndex;
use wharf::search::{SearchDoc, SearchEngine, SearchRequest, embedded::EmbeddedIndex};

/// Which engine a conformance case runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// tantivy in a temporary folder.
    Embedded,
    /// A fresh index on the Meilisearch server of `MEILI_URL`.
    Meilisearch,
}

/// An engine for one test, cleaned up by [`TestEngine::finish`].
pub struct TestEngine {
    /// The engine.
    pub engine: SearchEngine,
    meili: Option<MeiliIndex>,
    _dir: Option<tempfile::TempDir>,
}

static MEILI_SKIP: Once = Once::new();

/// A fresh, empty engine with its settings applied, or `None` when it is not configured.
pub async fn test_engine(kind: Engine) -> Result<Option<TestEngine>> {
    match kind {
        Engine::Embedded => {
            let dir = tempfile::tempdir()?;
            let engine = SearchEngine::Embedded(EmbeddedIndex::open(&dir.path().join("search"))?);
            engine.apply_settings().await?;
            Ok(Some(TestEngine {
                engine,
                meili: None,
                _dir: Some(dir),
            }))
        }
        Engine::Meilisearch => {
            let Some((url, key)) = meili_server()? else {
                return Ok(None);
            };
            let prefix = format!("wharf_test_{}", uuid::Uuid::new_v4().simple());
            let index = MeiliIndex::new(&url, key.as_ref(), &prefix)?;
            let engine = SearchEngine::Meili(index.clone());
            engine.apply_settings().await?;
            Ok(Some(TestEngine {
                engine,
                meili: Some(index),
                _dir: None,
            }))
        }
    }
}

/// The Meilisearch server of `MEILI_URL` and its key, or `None` when it is not set (skipped
/// with a loud line once; a failure when `WHARF_TEST_REQUIRE` lists `meilisearch`).
pub fn meili_server() -> Result<Option<(String, Option<SecretString>)>> {
    let url = std::env::var("MEILI_URL")
        .or_else(|_| std::env::var("WHARF_MEILI_URL"))
        .ok()
        .filter(|v| !v.is_empty());
    let Some(url) = url else {
        if required("meilisearch") {
            bail!("WHARF_TEST_REQUIRE lists meilisearch but MEILI_URL is not set");
        }
        MEILI_SKIP.call_once(|| {
            loud("\n!!!!!!!! SKIPPED: the search tests on Meilisearch (set MEILI_URL=http://... and MEILI_API_KEY to run them) !!!!!!!!\n");
        });
        return Ok(None);
    };
    let key = ["MEILI_API_KEY", "MEILI_MASTER_KEY", "WHARF_MEILI_API_KEY"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .map(SecretString::from);
    Ok(Some((url, key)))
}

/// Runs an end-to-end test on a server (SQLite) whose search engine is a fresh index on the
/// Meilisearch server of `MEILI_URL`, deleted afterwards; skipped like [`meili_server`].
pub async fn on_meilisearch<F, Fut>(test: F) -> Result<()>
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let Some((url, key)) = meili_server()? else {
        return Ok(());
    };
    let prefix = format!("wharf_e2e_{}", uuid::Uuid::new_v4().simple());
    let tweak = |s: &mut wharf::Settings| {
        s.meili_url = Some(url.clone());
        s.meili_api_key = key.clone();
        s.meili_index_prefix = prefix.clone();
    };
    let Some(app) = spawn_app_tweaked(Stack::Sqlite, MediaStore::Local, tweak).await? else {
        return Ok(());
    };
    let outcome = test(app).await;
    MeiliIndex::new(&url, key.as_ref(), &prefix)?
        .delete_index()
        .await?;
    outcome
}

impl TestEngine {
    /// Deletes the Meilisearch index (the embedded folder goes with the value).
    pub async fn finish(self) -> Result<()> {
        if let Some(index) = self.meili {
            index.delete_index().await?;
        }
        Ok(())
    }

    /// The IDs of the hits of a search for `text` with `configure` applied to the request.
    pub async fn ids(
        &self,
        text: &str,
        configure: impl FnOnce(&mut SearchRequest),
    ) -> Result<Vec<uuid::Uuid>> {
        let mut request = SearchRequest {
            text: text.to_owned(),
            limit: 20,
            ..SearchRequest::default()
        };
        configure(&mut request);
        Ok(self
            .engine
            .search(&request)
            .await?
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect())
    }
}

/// A published article document for the index.
pub fn doc(site: uuid::Uuid, locale: &str, title: &str, body: &str, tags: &[&str]) -> SearchDoc {
    SearchDoc {
        id: uuid::Uuid::new_v4(),
        site,
        locale: locale.to_owned(),
        title: title.to_owned(),
        excerpt: body.chars().take(120).collect(),
        body: body.to_owned(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        status: "published".to_owned(),
        published_at: chrono::Utc::now().timestamp(),
    }
}

/// Declares a conformance case that runs once per engine: `conformance!(name)` for
/// `async fn name(engine: &TestEngine) -> anyhow::Result<()>`.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            use $crate::search::{Engine, test_engine};

            async fn run(kind: Engine) -> anyhow::Result<()> {
                let Some(engine) = test_engine(kind).await? else { return Ok(()) };
                let outcome = super::$name(&engine).await;
                engine.finish().await?;
                outcome
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn embedded() -> anyhow::Result<()> {
                run(Engine::Embedded).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn meilisearch() -> anyhow::Result<()> {
                run(Engine::Meilisearch).await
            }
        }
    )+};
}

/// One article of the labelled evaluation set for related articles.
pub struct Labelled {
    /// The index document (all on one site).
    pub doc: SearchDoc,
    /// The topic: the ground truth of what is related.
    pub topic: String,
}

/// The labelled evaluation set of `tests/fixtures/related-eval.txt`, on one site.
pub fn related_eval_set(site: uuid::Uuid) -> Result<Vec<Labelled>> {
    let text = include_str!("../fixtures/related-eval.txt");
    let mut out: Vec<Labelled> = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(header) = line.strip_prefix("=== ") else {
            continue;
        };
        let fields: Vec<&str> = header.split('|').map(str::trim).collect();
        let [topic, locale, tags] = fields[..] else {
            bail!("bad header {line:?}");
        };
        let title = lines.next().unwrap_or_default().trim();
        let mut body = Vec::new();
        while let Some(next) = lines.peek() {
            if next.starts_with("=== ") {
                break;
            }
            body.push(next.trim());
            lines.next();
        }
        let body = body.join("\n").trim().to_owned();
        let tags: Vec<&str> = tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        let mut d = doc(site, locale, title, &body, &tags);
        d.published_at = 1_700_000_000 + out.len() as i64;
        out.push(Labelled {
            doc: d,
            topic: topic.to_owned(),
        });
    }
    Ok(out)
}
