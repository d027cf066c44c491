//! The anonymous response caches of several instances on one PostgreSQL, kept in step through
//! PostgreSQL's `LISTEN`/`NOTIFY`: whatever empties this instance's cache (a mutation it served,
//! outbox work it finished) also tells the other instances, and each empties its own when told.
//! A change made through one instance then shows on all of them within milliseconds, where the
//! TTL alone would bound it at `WHARF_RESPONSE_CACHE_TTL_MS`.
//!
//! - [`Invalidation`]: what the pipeline and the outbox worker call after a change. It empties
//!   this instance's cache at once and marks a notification due.
//! - [`publish`]: the job that sends due notifications (`pg_notify`) on the jobs' pool; a burst
//!   of changes becomes one notification, and a failed send is retried until it goes through.
//! - [`listen`]: the job that holds one connection of its own `LISTEN`ing on [`CHANNEL`] and
//!   empties the cache on every notification, its own instance's included (a second emptying is
//!   harmless). While that connection is down, notifications are missed: the cache is emptied
//!   when it drops, every [`CLEAR_WHILE_DISCONNECTED`] until it is back, and once more after
//!   `LISTEN` succeeds, so no instance serves an entry older than that while it is deaf.
//!
//! The notification is sent after the change has committed, not inside its transaction: writes
//! commit in some twenty service functions, several without a transaction of their own, and the
//! point where the local cache is emptied is the one place that sees them all. Every instance
//! thus drops its entries exactly when the writing instance drops its own. The costs: a mutation
//! that failed also notifies (one needless emptying), and an instance that dies between a
//! commit and its notification leaves the others' entries to the TTL.
//!
//! SQLite has none of this: it has no notifications between processes, and the embedded stack
//! runs as one instance per data folder (its search index is its own). Two processes on one
//! SQLite file see each other's changes after at most the TTL.
use crate::cache::ResponseCache;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// The PostgreSQL channel of cache invalidations.
pub const CHANNEL: &str = "wharf_cache";
/// The payload that empties every cache. Any other payload does too: the cache has no finer
/// key, and a newer instance may send finer ones (a site ID) to older ones during a rollout.
pub const ALL: &str = "all";
/// How often the cache is emptied while the listening connection is down.
pub const CLEAR_WHILE_DISCONNECTED: Duration = Duration::from_millis(100);
/// First wait before connecting again (or sending again); doubled after each failure.
const FIRST_RETRY: Duration = Duration::from_millis(100);
/// Longest wait between two attempts.
const MAX_RETRY: Duration = Duration::from_secs(5);
/// How long opening the listening connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The `application_name` of an instance's listening connection (`pg_stat_activity` shows it),
/// told apart by the port the instance serves on.
pub fn application_name(port: u16) -> String {
    format!("wharf cache sync :{port}")
}

/// Notifications due to the other instances.
#[derive(Default)]
pub struct Outgoing {
    due: AtomicBool,
    wake: Notify,
}

impl Outgoing {
    fn mark(&self) {
        self.due.store(true, Ordering::Release);
        self.wake.notify_one();
    }

    fn take(&self) -> bool {
        self.due.swap(false, Ordering::AcqRel)
    }
}

/// Empties the response caches after a change: this instance's at once, the other instances'
/// through PostgreSQL. Cheap to clone.
#[derive(Clone)]
pub struct Invalidation {
    cache: Arc<ResponseCache>,
    /// `None` on SQLite.
    outgoing: Option<Arc<Outgoing>>,
}

impl Invalidation {
    /// For `cache` on a database of `backend`: other instances are told on PostgreSQL only.
    pub fn new(cache: Arc<ResponseCache>, backend: DbBackend) -> Self {
        let outgoing = (backend == DbBackend::Postgres).then(|| Arc::new(Outgoing::default()));
        Self { cache, outgoing }
    }

    /// Content changed: empty this instance's cache, and have [`publish`] tell the others.
    pub fn content_changed(&self) {
        self.cache.invalidate();
        if let Some(outgoing) = &self.outgoing {
            outgoing.mark();
        }
    }

    /// What [`publish`] sends from, on PostgreSQL.
    pub fn outgoing(&self) -> Option<Arc<Outgoing>> {
        self.outgoing.clone()
    }
}

/// Sends the notifications `outgoing` marks due, on `db`, until `stop` turns true; one still
/// due then is sent once more. Start it on the runtime that opened `db`.
pub async fn publish(
    db: DatabaseConnection,
    outgoing: Arc<Outgoing>,
    mut stop: watch::Receiver<bool>,
) {
    let mut retry = FIRST_RETRY;
    while !*stop.borrow() {
        if outgoing.take() {
            match notify(&db).await {
                Ok(()) => retry = FIRST_RETRY,
                Err(err) => {
                    outgoing.mark();
                    tracing::warn!(error = %err, retry_ms = retry.as_millis(), "could not tell the other instances to empty their response caches; trying again");
                    tokio::select! {
                        _ = tokio::time::sleep(retry) => {}
                        _ = stop.changed() => {}
                    }
                    retry = (retry * 2).min(MAX_RETRY);
                }
            }
            continue;
        }
        tokio::select! {
            _ = outgoing.wake.notified() => {}
            _ = stop.changed() => {}
        }
    }
    if outgoing.take()
        && let Err(err) = notify(&db).await
    {
        tracing::warn!(error = %err, "could not tell the other instances to empty their response caches before stopping; their entries expire with the TTL");
    }
}

async fn notify(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), ALL.into()],
    ))
    .await
    .map(|_| ())
}

/// Listens on [`CHANNEL`] over a connection of its own to the PostgreSQL database at `url`,
/// named `application_name`, and empties `cache` on every notification, until `stop` turns true.
/// Connects again with backoff when the connection is lost, emptying the cache meanwhile.
pub async fn listen(
    url: String,
    application_name: String,
    cache: Arc<ResponseCache>,
    mut stop: watch::Receiver<bool>,
) {
    let mut retry = Duration::ZERO;
    // Whether a connection was had and lost: its return is logged as such.
    let mut lost = false;
    while !*stop.borrow() {
        let attempt = async {
            tokio::time::sleep(retry).await;
            connect(&url, &application_name).await
        };
        let connected = tokio::select! {
            connected = attempt => connected,
            () = keep_emptying(&cache) => continue,
            _ = stop.changed() => break,
        };
        let mut listener = match connected {
            Ok(listener) => listener,
            Err(err) => {
                retry = (retry * 2).clamp(FIRST_RETRY, MAX_RETRY);
                tracing::warn!(error = %err, retry_ms = retry.as_millis(), "cannot listen for other instances' changes; emptying the response cache every {} ms until listening", CLEAR_WHILE_DISCONNECTED.as_millis());
                continue;
            }
        };
        // Changes committed before `LISTEN` took effect were not heard.
        cache.invalidate();
        retry = Duration::ZERO;
        if lost {
            tracing::info!(
                channel = CHANNEL,
                "listening again for other instances' changes"
            );
        } else {
            tracing::debug!(channel = CHANNEL, "listening for other instances' changes");
        }
        let error = loop {
            tokio::select! {
                received = listener.try_recv() => match received {
                    Ok(Some(notification)) => {
                        tracing::trace!(payload = notification.payload(), "another instance changed content");
                        cache.invalidate();
                    }
                    Ok(None) => break "the connection was closed".to_owned(),
                    Err(err) => break err.to_string(),
                },
                _ = stop.changed() => return,
            }
        };
        drop(listener);
        cache.invalidate();
        lost = true;
        tracing::warn!(%error, "lost the connection that listens for other instances' changes; emptying the response cache every {} ms until listening again", CLEAR_WHILE_DISCONNECTED.as_millis());
    }
}

/// Empties `cache` every [`CLEAR_WHILE_DISCONNECTED`], from now on; never returns.
async fn keep_emptying(cache: &ResponseCache) {
    let mut every = tokio::time::interval(CLEAR_WHILE_DISCONNECTED);
    loop {
        every.tick().await;
        cache.invalidate();
    }
}

/// A listener on [`CHANNEL`] over a new connection of its own (a pool of one, which the
/// listener alone uses). A lost connection ends it: [`listen`] connects again itself, so that
/// the loss is seen and logged.
async fn connect(url: &str, application_name: &str) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut options = PgConnectOptions::from_str(url)?.application_name(application_name);
    if crate::db::plaintext_on_loopback(url) {
        options = options.ssl_mode(sea_orm::sqlx::postgres::PgSslMode::Disable);
    }
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .max_lifetime(None)
        .idle_timeout(None)
        .acquire_timeout(CONNECT_TIMEOUT)
        .connect_with(options)
        .await?;
    let mut listener = PgListener::connect_with(&pool).await?;
    listener.eager_reconnect(false);
    listener.ignore_pool_close_event(true);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cached(cache: &ResponseCache) -> bool {
        let key = ResponseCache::key(&["{ a }"]);
        cache.get(&key).is_some()
    }

    fn filled(cache: &ResponseCache) {
        cache.put(
            ResponseCache::key(&["{ a }"]),
            bytes::Bytes::from_static(b"{}"),
            cache.generation(),
        );
    }

    #[test]
    fn a_change_empties_the_local_cache_and_is_due_to_others_on_postgres_only() {
        for (backend, told) in [(DbBackend::Postgres, true), (DbBackend::Sqlite, false)] {
            let cache = Arc::new(ResponseCache::new(10, Duration::from_secs(60)));
            let invalidation = Invalidation::new(cache.clone(), backend);
            filled(&cache);
            assert!(cached(&cache));
            invalidation.content_changed();
            assert!(!cached(&cache), "{backend:?}");
            let outgoing = invalidation.outgoing();
            assert_eq!(outgoing.is_some(), told, "{backend:?}");
            if let Some(outgoing) = outgoing {
                assert!(outgoing.take(), "one notification due");
                assert!(!outgoing.take(), "and only one");
                invalidation.content_changed();
                invalidation.content_changed();
                assert!(outgoing.take(), "a burst is one notification");
                assert!(!outgoing.take());
            }
        }
    }

    #[test]
    fn listening_connections_are_named_by_port() {
        assert_eq!(application_name(8080), "wharf cache sync :8080");
        // PostgreSQL keeps at most 63 bytes of it.
        assert!(application_name(u16::MAX).len() < 64);
    }
}
