//! Turning an article's markdown into what readers get: sanitized HTML with heading anchors, a
//! table of contents, a plain-text excerpt, and word and reading-time counts. Pure functions:
//! no database, no I/O, so they are cheap to test and to benchmark.

mod anchors;
mod excerpt;
mod markdown;
mod sanitize;
mod words;

pub use excerpt::{MAX_EXCERPT_UNITS, derive_excerpt};
pub use markdown::{Rendered, TocEntry, render};
pub use words::{TextStats, text_stats};

use std::num::NonZeroUsize;
use std::sync::{Arc, LazyLock, Mutex};
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

/// Renders an article's body, from the cache when this version was rendered before.
pub fn render_cached(id: Uuid, version: i32, markdown: &str) -> Arc<Rendered> {
    if let Ok(mut cache) = CACHE.lock()
        && let Some(hit) = cache.get(&(id, version))
    {
        return hit.clone();
    }
    let rendered = Arc::new(render(markdown));
    if let Ok(mut cache) = CACHE.lock() {
        cache.put((id, version), rendered.clone());
    }
    rendered
}
