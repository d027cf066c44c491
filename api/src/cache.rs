//! An in-memory cache of anonymous read responses, and the store of persisted queries.
//!
//! Responses live at most `ttl` and are dropped at once when this instance changes content (any
//! mutation it serves, or a scheduled publication). Changes made through another instance empty
//! it too on PostgreSQL, within milliseconds (`cache_sync.rs`); on SQLite they show here after
//! at most `ttl` — the bound stated in the README. The responses are held in a `moka` cache:
//! concurrent (a read takes no lock that workers share), bounded in entries with
//! least-recently-used eviction, expiring by age, and emptied in one step.
use sha2::{Digest, Sha256};
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A cached response.
#[derive(Clone)]
pub struct Cached {
    /// The JSON body.
    pub body: bytes::Bytes,
    /// Its strong validator.
    pub etag: String,
}

/// The longest TTL the cache takes (moka's own limit is 1,000 years).
const MAX_TTL: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// The cache.
pub struct ResponseCache {
    /// `None` when the TTL is zero (the cache is off).
    entries: Option<moka::sync::Cache<[u8; 32], Cached>>,
    /// Bumped by every [`ResponseCache::invalidate`]: a response computed from data read before
    /// a change is not stored after it (see [`ResponseCache::put`]).
    generation: AtomicU64,
    /// Site IDs by the ID or domain a client named them with, for reads that need only the ID
    /// (a search): emptied with the responses, kept even when the response cache is off.
    site_ids: moka::sync::Cache<String, uuid::Uuid>,
}

/// Most site keys remembered ([`ResponseCache::site_id`]).
const SITE_IDS: u64 = 10_000;
/// Longest a site key is remembered without a change emptying it: the bound on a stale key
/// between processes on one SQLite file, which have no notifications.
const SITE_ID_TTL: Duration = Duration::from_secs(60);

impl ResponseCache {
    /// A cache of `capacity` responses kept `ttl` (zero disables it).
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        let entries = (!ttl.is_zero()).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(u64::try_from(capacity.max(1)).unwrap_or(u64::MAX))
                .eviction_policy(moka::policy::EvictionPolicy::lru())
                .time_to_live(ttl.min(MAX_TTL))
                .build()
        });
        Self {
            entries,
            generation: AtomicU64::new(0),
            site_ids: moka::sync::Cache::builder()
                .max_capacity(SITE_IDS)
                .time_to_live(SITE_ID_TTL)
                .build(),
        }
    }

    /// The site ID remembered for `key` (an ID or a domain as a client gave it).
    pub fn site_id(&self, key: &str) -> Option<uuid::Uuid> {
        self.site_ids.get(key)
    }

    /// Remembers that `key` names site `id`, as read after [`ResponseCache::generation`]
    /// returned `seen` (not remembered when content changed meanwhile).
    pub fn remember_site_id(&self, key: &str, id: uuid::Uuid, seen: u64) {
        if self.generation() == seen {
            self.site_ids.insert(key.to_owned(), id);
            if self.generation() != seen {
                self.site_ids.invalidate(key);
            }
        }
    }

    /// Taken when a read misses, before it reads anything; handed back to [`ResponseCache::put`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The key of a read: operation text, variables, operation name.
    pub fn key(parts: &[&str]) -> [u8; 32] {
        let mut h = Sha256::new();
        for p in parts {
            h.update((p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
        }
        h.finalize().into()
    }

    /// The fresh entry for `key`.
    pub fn get(&self, key: &[u8; 32]) -> Option<Cached> {
        self.entries.as_ref()?.get(key)
    }

    /// Stores a response computed from what was read after [`ResponseCache::generation`]
    /// returned `seen`; returns it with its ETag. When content changed meanwhile, the response
    /// may hold what was there before the change, so it is answered but not stored.
    pub fn put(&self, key: [u8; 32], body: bytes::Bytes, seen: u64) -> Cached {
        let value = Cached {
            etag: etag_of(&body),
            body,
        };
        if let Some(entries) = &self.entries
            && self.generation() == seen
        {
            entries.insert(key, value.clone());
            // A change between the check and the insert: its `invalidate_all` may have run
            // before the insert and so not cover it.
            if self.generation() != seen {
                entries.invalidate(&key);
            }
        }
        value
    }

    /// Forgets everything (content changed): entries stored before this call are never
    /// answered again.
    pub fn invalidate(&self) {
        // First, so that a `put` racing with this call sees the change.
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Some(entries) = &self.entries {
            entries.invalidate_all();
        }
        self.site_ids.invalidate_all();
    }
}

/// Automatic persisted queries (Apollo's protocol, version 1): query texts by the hex SHA-256 of
/// their text, most recently used kept. Resolved before a document is parsed, so a request sent
/// by hash is parsed, checked, cached and measured like one sent with its text.
pub struct PersistedQueries {
    queries: Mutex<lru::LruCache<String, std::sync::Arc<str>>>,
}

/// Why a persisted-query request cannot run.
#[derive(Debug, PartialEq, Eq)]
pub enum PersistedError {
    /// The hash is unknown here: send it once more with the query (Apollo's signal).
    NotFound,
    /// The extension is not `{"version": 1, "sha256Hash": "<hex>"}`.
    Malformed(String),
    /// The query's SHA-256 is not the hash sent with it.
    HashMismatch,
}

impl PersistedQueries {
    /// A store of at most `capacity` queries.
    pub fn new(capacity: usize) -> Self {
        let cap = NonZeroUsize::new(capacity.max(1)).unwrap_or(NonZeroUsize::MIN);
        Self {
            queries: Mutex::new(lru::LruCache::new(cap)),
        }
    }

    /// Applies the `persistedQuery` extension of a request, when it has one: a request without
    /// a query gets the stored text of its hash; one with a query registers it under its hash.
    /// The extension is removed either way.
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), PersistedError> {
        let Some(ext) = request.extensions.0.remove("persistedQuery") else {
            return Ok(());
        };
        let ext = ext
            .into_json()
            .map_err(|e| PersistedError::Malformed(e.to_string()))?;
        if ext.get("version").and_then(serde_json::Value::as_i64) != Some(1) {
            return Err(PersistedError::Malformed(
                "only version 1 of persisted queries is supported".into(),
            ));
        }
        let hash = ext
            .get("sha256Hash")
            .and_then(serde_json::Value::as_str)
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| {
                PersistedError::Malformed("sha256Hash must be 64 hexadecimal digits".into())
            })?
            .to_ascii_lowercase();
        let mut queries = self.queries.lock().unwrap_or_else(|p| p.into_inner());
        if request.query.is_empty() {
            let query = queries.get(&hash).ok_or(PersistedError::NotFound)?;
            request.query = query.to_string();
        } else {
            if hex::encode(Sha256::digest(request.query.as_bytes())) != hash {
                return Err(PersistedError::HashMismatch);
            }
            queries.put(hash, request.query.as_str().into());
        }
        Ok(())
    }
}

/// A strong ETag from a body's SHA-256.
pub fn etag_of(body: &[u8]) -> String {
    format!("\"{}\"", hex::encode(&Sha256::digest(body)[..16]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_invalidate() {
        let cache = ResponseCache::new(10, Duration::from_secs(60));
        let k = ResponseCache::key(&["{ a }", "{}", ""]);
        assert!(cache.get(&k).is_none());
        let stored = cache.put(
            k,
            bytes::Bytes::from_static(b"{\"data\":1}"),
            cache.generation(),
        );
        assert_eq!(cache.get(&k).map(|c| c.etag), Some(stored.etag));
        cache.invalidate();
        assert!(cache.get(&k).is_none());
        cache.put(
            k,
            bytes::Bytes::from_static(b"{\"data\":2}"),
            cache.generation(),
        );
        assert!(cache.get(&k).is_some(), "stored after the change, kept");
        assert_ne!(
            ResponseCache::key(&["ab", "c"]),
            ResponseCache::key(&["a", "bc"])
        );
        let off = ResponseCache::new(10, Duration::ZERO);
        off.put(k, bytes::Bytes::new(), off.generation());
        assert!(off.get(&k).is_none());
        let short = ResponseCache::new(10, Duration::from_millis(50));
        short.put(k, bytes::Bytes::new(), short.generation());
        assert!(short.get(&k).is_some());
        std::thread::sleep(Duration::from_millis(80));
        assert!(short.get(&k).is_none(), "expired after its TTL");
        // A TTL past moka's limit is taken as the longest it allows, not a panic at start.
        ResponseCache::new(10, Duration::from_secs(u64::MAX));
    }

    #[test]
    fn a_response_read_before_a_change_is_not_stored_after_it() {
        let cache = ResponseCache::new(10, Duration::from_secs(60));
        let k = ResponseCache::key(&["{ a }"]);
        // A read misses, then a write commits and empties the cache while the read runs.
        let seen = cache.generation();
        cache.invalidate();
        let answered = cache.put(k, bytes::Bytes::from_static(b"{\"data\":\"old\"}"), seen);
        assert_eq!(&answered.body[..], b"{\"data\":\"old\"}", "still answered");
        assert!(cache.get(&k).is_none(), "but not kept for later readers");
        // A read that started after the change is kept.
        cache.put(k, bytes::Bytes::from_static(b"{}"), cache.generation());
        assert!(cache.get(&k).is_some());
    }

    #[test]
    fn site_ids_are_remembered_even_with_the_cache_off_and_forgotten_on_a_change() {
        let id = uuid::Uuid::now_v7();
        let cache = ResponseCache::new(10, Duration::ZERO);
        cache.remember_site_id("shop.example.com", id, cache.generation());
        assert_eq!(cache.site_id("shop.example.com"), Some(id));
        assert_eq!(cache.site_id("other.example.com"), None);
        cache.invalidate();
        assert_eq!(
            cache.site_id("shop.example.com"),
            None,
            "a change empties it"
        );
        // Read before a change (a domain moved to another site meanwhile): not remembered.
        let seen = cache.generation();
        cache.invalidate();
        cache.remember_site_id("shop.example.com", id, seen);
        assert_eq!(cache.site_id("shop.example.com"), None);
    }

    #[test]
    fn the_cache_keeps_at_most_its_capacity_dropping_the_least_recently_used() {
        let cache = ResponseCache::new(3, Duration::from_secs(60));
        let key = |i: u8| ResponseCache::key(&[&i.to_string()]);
        // moka applies reads and writes to its recency order in batches; settle each step so
        // the order is the one written here.
        let settle = || {
            if let Some(entries) = &cache.entries {
                entries.run_pending_tasks();
            }
        };
        for i in 0..3 {
            cache.put(key(i), bytes::Bytes::new(), cache.generation());
            settle();
        }
        assert!(
            cache.get(&key(0)).is_some(),
            "0 is now the most recently used"
        );
        settle();
        cache.put(key(3), bytes::Bytes::new(), cache.generation());
        settle();
        assert_eq!(cache.entries.as_ref().map(|e| e.entry_count()), Some(3));
        assert!(cache.get(&key(1)).is_none(), "the least recently used went");
        for i in [0, 2, 3] {
            assert!(cache.get(&key(i)).is_some(), "{i} stays");
        }
    }

    fn by_hash(query: &str, hash: &str) -> async_graphql::Request {
        let ext = serde_json::json!({ "version": 1, "sha256Hash": hash });
        let mut request = async_graphql::Request::new(query);
        request.extensions.0.insert(
            "persistedQuery".into(),
            async_graphql::Value::from_json(ext).unwrap_or_default(),
        );
        request
    }

    #[test]
    fn persisted_queries_register_then_resolve_by_hash() {
        let store = PersistedQueries::new(2);
        let query = "{ sites { totalCount } }";
        let hash = hex::encode(Sha256::digest(query.as_bytes()));
        let mut unknown = by_hash("", &hash);
        assert_eq!(store.resolve(&mut unknown), Err(PersistedError::NotFound));
        assert_eq!(
            store.resolve(&mut by_hash("{ other }", &hash)),
            Err(PersistedError::HashMismatch)
        );
        let mut register = by_hash(query, &hash.to_uppercase());
        assert_eq!(store.resolve(&mut register), Ok(()));
        assert!(register.extensions.get("persistedQuery").is_none());
        let mut known = by_hash("", &hash);
        assert_eq!(store.resolve(&mut known), Ok(()));
        assert_eq!(known.query, query);
        assert!(matches!(
            store.resolve(&mut by_hash("", "abc")),
            Err(PersistedError::Malformed(_))
        ));
        let mut plain = async_graphql::Request::new(query);
        assert_eq!(store.resolve(&mut plain), Ok(()));
    }
}
