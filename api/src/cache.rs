//! An in-memory cache of anonymous read responses.
//!
//! Entries live at most `ttl` and are dropped at once when this instance changes content (any
//! mutation it serves, or a scheduled publication). Changes made through another instance show
//! here after at most `ttl` — the bound stated in the README.
use sha2::{Digest, Sha256};
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A cached response.
#[derive(Clone)]
pub struct Cached {
    /// The JSON body.
    pub body: bytes::Bytes,
    /// Its strong validator.
    pub etag: String,
}

struct Entry {
    value: Cached,
    at: Instant,
    generation: u64,
}

/// The cache.
pub struct ResponseCache {
    entries: Mutex<lru::LruCache<[u8; 32], Entry>>,
    generation: AtomicU64,
    ttl: Duration,
}

impl ResponseCache {
    /// A cache of `capacity` responses kept `ttl` (zero disables it).
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        let cap = NonZeroUsize::new(capacity.max(1)).unwrap_or(NonZeroUsize::MIN);
        Self {
            entries: Mutex::new(lru::LruCache::new(cap)),
            generation: AtomicU64::new(0),
            ttl,
        }
    }

    /// The key of a read: operation text (or persisted-query hash), variables, operation name.
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
        if self.ttl.is_zero() {
            return None;
        }
        let generation = self.generation.load(Ordering::Acquire);
        let mut entries = self.entries.lock().ok()?;
        match entries.get(key) {
            Some(e) if e.generation == generation && e.at.elapsed() < self.ttl => {
                Some(e.value.clone())
            }
            Some(_) => {
                entries.pop(key);
                None
            }
            None => None,
        }
    }

    /// Stores a response; returns it with its ETag.
    pub fn put(&self, key: [u8; 32], body: bytes::Bytes) -> Cached {
        let value = Cached {
            etag: etag_of(&body),
            body,
        };
        if !self.ttl.is_zero()
            && let Ok(mut entries) = self.entries.lock()
        {
            let generation = self.generation.load(Ordering::Acquire);
            entries.put(
                key,
                Entry {
                    value: value.clone(),
                    at: Instant::now(),
                    generation,
                },
            );
        }
        value
    }

    /// Forgets everything (content changed).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
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
        let stored = cache.put(k, bytes::Bytes::from_static(b"{\"data\":1}"));
        assert_eq!(cache.get(&k).map(|c| c.etag), Some(stored.etag));
        cache.invalidate();
        assert!(cache.get(&k).is_none());
        assert_ne!(
            ResponseCache::key(&["ab", "c"]),
            ResponseCache::key(&["a", "bc"])
        );
        let off = ResponseCache::new(10, Duration::ZERO);
        off.put(k, bytes::Bytes::new());
        assert!(off.get(&k).is_none());
    }
}
