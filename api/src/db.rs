//! Connecting to the database (SQLite or PostgreSQL) and applying migrations.
use crate::config::Settings;
use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::time::Duration;

/// Opens the pool. SQLite gets WAL, foreign keys and a busy timeout; its folder is created.
pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let url = settings.effective_database_url();
    if url.starts_with("sqlite:") && settings.database_url.is_none() {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating data folder {}", settings.data_dir.display()))?;
    }
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(settings.database_max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.pragma("journal_mode", "WAL")
                .pragma("synchronous", "NORMAL")
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    let db = Database::connect(options)
        .await
        .with_context(|| format!("connecting to the database ({})", redact(&url)))?;
    Ok(db)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("applying migrations")
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}
