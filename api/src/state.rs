//! The state every request shares, built once at start.
use crate::auth::AuthConfig;
use crate::config::Settings;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Cloneable handles to everything a request needs.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Validated settings.
    pub settings: Arc<Settings>,
    /// Token issuing and verification.
    pub auth: AuthConfig,
}
