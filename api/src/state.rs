//! The state every request shares, built once at start.
use crate::auth::AuthConfig;
use crate::config::Settings;
use crate::search::SearchEngine;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
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
}
