//! The state every request shares, built once at start.
use crate::auth::AuthConfig;
use crate::config::Settings;
use crate::linkcheck::Checker;
use crate::search::SearchEngine;
use crate::storage::Storage;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use tokio::sync::Notify;

/// Cloneable handles to everything a request needs.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The search engine (embedded or Meilisearch).
    pub search: SearchEngine,
    /// Validated settings.
    pub settings: Arc<Settings>,
    /// Token issuing and verification.
    pub auth: AuthConfig,
    /// Wakes the local outbox worker after a write, so work does not wait for the next poll.
    pub outbox_wake: Arc<Notify>,
    /// Anonymous read responses of this instance.
    pub response_cache: Arc<crate::cache::ResponseCache>,
    /// Empties the response caches after a change: this instance's and, on PostgreSQL, the
    /// other instances'.
    pub invalidation: crate::cache_sync::Invalidation,
    /// Automatic persisted queries registered with this instance.
    pub persisted: Arc<crate::cache::PersistedQueries>,
    /// Rate limits of this instance.
    pub limits: Arc<crate::ratelimit::RateLimits>,
    /// WebSocket connections and subscriptions held per client address on this instance.
    pub sockets: Arc<crate::sockets::SocketLimits>,
    /// Statements run since start (requests and background jobs).
    pub queries: Arc<AtomicU64>,
    /// Statements run for requests since start (the background jobs' pool not counted).
    pub request_queries: Arc<AtomicU64>,
    /// Site events for live subscribers of this instance.
    pub live_events: tokio::sync::broadcast::Sender<crate::services::webhook::SiteEvent>,
    /// Media storage (local disk or S3).
    pub storage: Storage,
    /// Image decoding and variant making of this instance (its gate and single flights).
    pub images: Arc<crate::services::media::Images>,
    /// Inquiry form tokens and IP hashes, keyed by the server secret.
    pub inquiry_keys: crate::services::inquiry::FormKeys,
    /// The backlink checker (site verification and link checks), with its SSRF guard.
    pub checker: Arc<Checker>,
}
