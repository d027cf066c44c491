//! Turning an article's markdown into what readers get: sanitized HTML with heading anchors, a
//! table of contents, a plain-text excerpt, and word and reading-time counts. Pure functions:
//! no database, no I/O, so they are cheap to test and to benchmark.

mod anchors;
mod balance;
mod digest;
mod entities;
mod excerpt;
mod markdown;
mod random;
mod safe_events;
mod sanitize;
mod words;

pub use digest::{Digest, derived_excerpt, revision as digest_revision};
pub use excerpt::{MAX_EXCERPT_UNITS, derive_excerpt};
pub use markdown::{MAX_NESTING, Rendered, TocEntry, TooSlow, render, render_until};
pub use random::random_markdown;
pub use words::{TextStats, text_stats};

use crate::error::{AppError, ErrorCode, Reason};
use std::num::NonZeroUsize;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Rendered articles by (ID, version): a version changes on every edit, so an entry never goes
/// stale, and a page of articles is rendered once, not once per request.
/// The cache's type: (article ID, version) → rendering.
type RenderCache = Mutex<lru::LruCache<(Uuid, i32), Arc<Rendered>>>;

static CACHE: LazyLock<RenderCache> = LazyLock::new(|| {
    Mutex::new(lru::LruCache::new(
        NonZeroUsize::new(1024).unwrap_or(NonZeroUsize::MIN),
    ))
});

fn cached(id: Uuid, version: i32) -> Option<Arc<Rendered>> {
    CACHE.lock().ok()?.get(&(id, version)).cloned()
}

fn remember(id: Uuid, version: i32, rendered: Rendered) -> Arc<Rendered> {
    let rendered = Arc::new(rendered);
    if let Ok(mut cache) = CACHE.lock() {
        cache.put((id, version), rendered.clone());
    }
    rendered
}

/// Renders an article's body on the calling thread, from the cache when this version was
/// rendered before. For background work (indexing); requests use [`render_off_thread`].
pub fn render_cached(id: Uuid, version: i32, markdown: &str) -> Arc<Rendered> {
    cached(id, version).unwrap_or_else(|| remember(id, version, render(markdown)))
}

/// Renders at most one body per core at a time, so a burst of large uncached bodies queues
/// here instead of filling the blocking pool.
static RENDERERS: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

/// The error of a render past its budget.
fn too_slow(budget: Duration) -> AppError {
    AppError::new(
        ErrorCode::Timeout,
        format!(
            "the article body took longer than {} ms to render; retry later",
            budget.as_millis()
        ),
    )
    .because(Reason::RenderTimeout)
    .with("ms", u64::try_from(budget.as_millis()).unwrap_or(u64::MAX))
}

/// Renders an article's body for a request: from the cache, or on a blocking thread (never on
/// the async workers that answer other requests), within `budget` including the wait for a
/// turn. Past the budget the caller gets `TIMEOUT` and the render stops at its next check.
pub async fn render_off_thread(
    id: Uuid,
    version: i32,
    markdown: &str,
    budget: Duration,
) -> Result<Arc<Rendered>, AppError> {
    if let Some(hit) = cached(id, version) {
        return Ok(hit);
    }
    let deadline = Instant::now() + budget;
    // Concurrent readers of one uncached version (the fields `html` and `toc` of one request,
    // or many readers of a new article) wait for one render instead of each making their own.
    let key = (id, version);
    let flight = IN_FLIGHT
        .lock()
        .map_err(|_| AppError::internal(anyhow::anyhow!("render in-flight map poisoned")))?
        .entry(key)
        .or_default()
        .clone();
    let _alone = tokio::time::timeout_at(deadline.into(), flight.lock())
        .await
        .map_err(|_| too_slow(budget))?;
    let result = render_alone(id, version, markdown, deadline).await;
    if let Ok(mut map) = IN_FLIGHT.lock() {
        map.remove(&key);
    }
    result.map_err(|slow| match slow {
        Some(TooSlow) => too_slow(budget),
        None => AppError::internal(anyhow::anyhow!("rendering failed")),
    })
}

/// Renders markdown that is no stored version (an editor's preview) exactly as
/// [`render_off_thread`] renders an article: the same renderer, on a blocking thread, in turn
/// with the other renders, within `budget`; nothing is cached.
pub async fn render_uncached(markdown: &str, budget: Duration) -> Result<Rendered, AppError> {
    let deadline = Instant::now() + budget;
    render_in_turn(markdown, deadline)
        .await
        .map_err(|slow| match slow {
            Some(TooSlow) => too_slow(budget),
            None => AppError::internal(anyhow::anyhow!("rendering failed")),
        })
}

/// Renders one version whose render this task alone is making (or finds it made meanwhile).
/// `Err(Some(TooSlow))` past the deadline, `Err(None)` when the render task itself failed.
async fn render_alone(
    id: Uuid,
    version: i32,
    markdown: &str,
    deadline: Instant,
) -> Result<Arc<Rendered>, Option<TooSlow>> {
    if let Some(hit) = cached(id, version) {
        return Ok(hit);
    }
    match render_in_turn(markdown, deadline).await {
        Ok(rendered) => Ok(remember(id, version, rendered)),
        Err(Some(TooSlow)) => {
            tracing::warn!(article = %id, version, "rendering stopped at its time budget");
            Err(Some(TooSlow))
        }
        Err(None) => Err(None),
    }
}

/// Renders on the blocking pool once a turn among [`RENDERERS`] is free, until `deadline`.
async fn render_in_turn(markdown: &str, deadline: Instant) -> Result<Rendered, Option<TooSlow>> {
    let _turn = tokio::time::timeout_at(deadline.into(), RENDERERS.acquire())
        .await
        .map_err(|_| Some(TooSlow))?
        .map_err(|_| None)?;
    let markdown = markdown.to_owned();
    tokio::task::spawn_blocking(move || render_until(&markdown, Some(deadline)))
        .await
        .map_err(|_| None)?
        .map_err(Some)
}

/// The versions being rendered now, each with the lock its readers queue on.
type InFlight = Mutex<std::collections::HashMap<(Uuid, i32), Arc<tokio::sync::Mutex<()>>>>;

static IN_FLIGHT: LazyLock<InFlight> = LazyLock::new(Default::default);
