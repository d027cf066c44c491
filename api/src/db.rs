//! Connecting to the database (SQLite or PostgreSQL) and applying migrations.
use crate::config::Settings;
use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectOptions, Database, DatabaseConnection, DbBackend};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use uuid::Uuid;

/// How long opening a database connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// `column IN (ids)`, written as each database plans it best. On PostgreSQL one array parameter
/// (`column = ANY($1)`): the statement's text is the same for any number of IDs, so PostgreSQL
/// settles on one generic plan for it (an index probe per ID) instead of planning every bind, as
/// it did for a 20-value `IN` list (0.2 ms a request, and a sequential scan of the links). On
/// SQLite an `IN` list (SQLite has no arrays).
pub fn id_in<C: ColumnTrait>(backend: DbBackend, column: C, ids: &[Uuid]) -> Expr {
    match backend {
        DbBackend::Postgres if !ids.is_empty() => column.eq_any(ids.iter().copied()),
        _ => column.is_in(ids.iter().copied()),
    }
}

/// Opens the pool. SQLite gets WAL, foreign keys and a busy timeout; its folder is created.
pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    connect_sized(settings, settings.database_max_connections).await
}

/// Opens a pool of at most `max_connections`, like [`connect`].
pub async fn connect_sized(
    settings: &Settings,
    max_connections: u32,
) -> anyhow::Result<DatabaseConnection> {
    let url = settings.effective_database_url();
    if url.starts_with("sqlite:") && settings.database_url.is_none() {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating data folder {}", settings.data_dir.display()))?;
    }
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(max_connections)
        .min_connections(1)
        .connect_timeout(CONNECT_TIMEOUT)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.pragma("journal_mode", "WAL")
                .pragma("synchronous", "NORMAL")
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        probe_postgres(&url).await?;
        if plaintext_on_loopback(&url) {
            options.map_sqlx_postgres_opts(|opts| {
                opts.ssl_mode(sea_orm::sqlx::postgres::PgSslMode::Disable)
            });
        }
    }
    let db = Database::connect(options)
        .await
        .with_context(|| format!("connecting to the database ({})", redact(&url)))?;
    Ok(db)
}

/// Whether to talk to PostgreSQL without TLS: the server is on this machine (a loopback address,
/// `localhost` or a Unix socket) and neither the URL nor `PGSSLMODE` asks for a mode. TLS there
/// protects nothing that leaves the machine, and it cost every statement's bytes an encryption
/// and a decryption on both sides (the default, `prefer`, uses it whenever the server offers it,
/// as Debian's does). Any other host keeps `prefer` or what the URL says.
pub(crate) fn plaintext_on_loopback(url: &str) -> bool {
    if url.to_ascii_lowercase().contains("sslmode=") || std::env::var_os("PGSSLMODE").is_some() {
        return false;
    }
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    let socket = parsed
        .query_pairs()
        .any(|(k, v)| k == "host" && v.starts_with('/'));
    // `postgres:` is not a special scheme to the URL parser: its host is opaque text.
    match parsed.host() {
        None => true,
        Some(url::Host::Domain(d)) => {
            socket
                || d.eq_ignore_ascii_case("localhost")
                || d.trim_matches(['[', ']'])
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
    }
}

/// Opens one connection and closes it again, so that a server that is down, refuses the
/// credentials or lacks the database is reported at once with its own error ("Connection
/// refused"), where the pool would retry until its acquire timeout and say only "pool timed out".
async fn probe_postgres(url: &str) -> anyhow::Result<()> {
    use sea_orm::sqlx::{Connection, PgConnection};
    let context = || format!("connecting to the database ({})", redact(url));
    match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect(url)).await {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Ok(())
        }
        Ok(Err(err)) => Err(anyhow::Error::new(err)).with_context(context),
        Err(_) => Err(anyhow::anyhow!(
            "no answer within {} s",
            CONNECT_TIMEOUT.as_secs()
        ))
        .with_context(context),
    }
}

/// Adds every statement `db` runs to each of `counters` (for metrics, and for tests that prove
/// a page costs a fixed number of queries).
pub fn count_into(db: &mut DatabaseConnection, counters: &[Arc<AtomicU64>]) {
    let counters = counters.to_vec();
    db.set_metric_callback(move |_| {
        for c in &counters {
            c.fetch_add(1, Ordering::Relaxed);
        }
    });
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

#[cfg(test)]
mod tests {
    use super::plaintext_on_loopback;
    use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

    #[test]
    fn loopback_postgres_goes_without_tls_unless_asked() {
        for (url, plain) in [
            ("postgres://u@127.0.0.1:5432/db", true),
            ("postgres://u@localhost/db", true),
            ("postgres://u@[::1]:5432/db", true),
            ("postgres://u@db.internal:5432/db", false),
            ("postgres://u@10.0.0.5/db", false),
            ("postgres://u@127.0.0.1/db?sslmode=require", false),
            ("postgres://u@localhost/db?SSLMODE=verify-full", false),
            ("postgres:///db?host=/var/run/postgresql", true),
        ] {
            assert_eq!(plaintext_on_loopback(url), plain, "{url}");
        }
    }

    /// See `.cargo/config.toml`: without the guarantee, every statement with a `LIMIT` is
    /// compiled again on each execution.
    #[tokio::test]
    async fn sqlite_is_built_with_a_stable_query_planner() -> anyhow::Result<()> {
        let db = Database::connect("sqlite::memory:").await?;
        let rows = db
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA compile_options",
            ))
            .await?;
        let options: Vec<String> = rows
            .iter()
            .filter_map(|r| r.try_get_by_index::<String>(0).ok())
            .collect();
        assert!(
            options.iter().any(|o| o == "ENABLE_QPSG"),
            "SQLite compile options: {options:?}"
        );
        Ok(())
    }
}
