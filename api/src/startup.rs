//! Building the application from settings; the same path serves `wharf serve` and the tests.
use crate::auth::AuthConfig;
use crate::auth::jwt::JwtKeys;
use crate::config::{Environment, Settings};
use crate::jobs::media::MediaDeleteHandler;
use crate::jobs::outbox::OutboxWorker;
use crate::jobs::search::SearchIndexer;
use crate::jobs::watcher::Watcher;
use crate::jobs::webhooks::{Deliverer, EventFanOut};
use crate::linkcheck::{Checker, CheckerConfig};
use crate::net::guard::Guard;
use crate::search::SearchEngine;
use crate::state::AppState;
use crate::storage::Storage;
use crate::{db, graphql, http};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use secrecy::ExposeSecret;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// A built, not yet running, server and its background jobs.
pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    state: AppState,
    worker: OutboxWorker,
    /// The state the background jobs run with: the shared state with the jobs' own pool.
    jobs_state: AppState,
    /// Held while serving with the embedded index, so `wharf reindex` refuses to run beside.
    serve_lock: Option<crate::serve_lock::ServeLock>,
}

impl Application {
    /// Connects to the database, applies migrations, and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let mut db = db::connect(&settings).await?;
        // Every statement (metrics), and the requests' alone (tests count a request's cost
        // without the background jobs' polls).
        let queries = Arc::new(AtomicU64::new(0));
        let request_queries = Arc::new(AtomicU64::new(0));
        db::count_into(&mut db, &[queries.clone(), request_queries.clone()]);
        if settings.auto_migrate {
            db::migrate(&db).await?;
        }
        // The background jobs get a pool of their own. Connections of the requests' pool are
        // opened on actix's worker runtimes and die with them when the server stops; the jobs
        // finish their work in hand after that, on the main runtime, where this pool's
        // connections live.
        let mut jobs_db =
            db::connect_sized(&settings, settings.database_max_connections.clamp(1, 4)).await?;
        db::count_into(&mut jobs_db, std::slice::from_ref(&queries));
        let secret = jwt_secret(&settings)?;
        let auth = AuthConfig {
            jwt: JwtKeys::new(&secret, settings.access_token_ttl_secs)?,
            refresh_ttl_secs: i64::try_from(settings.refresh_token_ttl_secs)
                .unwrap_or(i64::MAX / 2),
            allow_registration: settings.allow_registration,
        };
        let listener = TcpListener::bind((settings.host.as_str(), settings.port))
            .with_context(|| format!("binding {}:{}", settings.host, settings.port))?;
        let port = listener.local_addr()?.port();
        let self_base = settings
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}:{port}", settings.host));
        if settings.public_url.is_none()
            && settings.s3_bucket.is_none()
            && settings.environment == Environment::Production
        {
            tracing::warn!(
                base = %self_base,
                "WHARF_PUBLIC_URL is not set: links to local media point at {self_base}"
            );
        }
        let storage = Storage::open(&settings, &self_base, &secret)?;
        let search = SearchEngine::from_settings(&settings)?;
        let serve_lock = if matches!(search, SearchEngine::Embedded(_)) {
            let lock = crate::serve_lock::ServeLock::acquire(&settings.data_dir)?;
            if lock.is_none() {
                tracing::warn!(data_dir = %settings.data_dir.display(), "another process (a `wharf reindex`, or a second server) uses the embedded search index of this data folder; index writes wait in the outbox until it lets go");
            }
            lock
        } else {
            None
        };
        // Applied at start; when the engine is down, the first index write applies them.
        if let Err(err) = search.apply_settings().await {
            tracing::warn!(engine = search.name(), error = %err, "search index settings not applied yet; writes are kept in the outbox until the engine answers");
        }
        let outbox_wake = Arc::new(Notify::new());
        let response_cache = Arc::new(crate::cache::ResponseCache::new(
            4096,
            Duration::from_millis(settings.response_cache_ttl_ms),
        ));
        let invalidation =
            crate::cache_sync::Invalidation::new(response_cache.clone(), db.get_database_backend());
        let (live_events, _) = tokio::sync::broadcast::channel(256);
        let worker = OutboxWorker::new(
            jobs_db.clone(),
            outbox_wake.clone(),
            Duration::from_millis(settings.outbox_poll_ms),
        )
        .invalidating(invalidation.clone())
        .with(Arc::new(EventFanOut {
            db: jobs_db.clone(),
            live: live_events.clone(),
        }))
        .with(Arc::new(Deliverer::new(
            jobs_db.clone(),
            &settings.webhook_allow_hosts,
        )?))
        .with(Arc::new(MediaDeleteHandler::new(storage.clone())))
        .with(Arc::new(crate::jobs::mail::InquiryMailer::new(
            jobs_db.clone(),
            crate::mail::Mailer::from_settings(&settings)?,
            self_base.clone(),
        )))
        .with(Arc::new(SearchIndexer::new(
            jobs_db.clone(),
            search.clone(),
        )));
        if settings.environment == Environment::Production
            && !settings.checker_allow_hosts.is_empty()
        {
            tracing::warn!(allow = ?settings.checker_allow_hosts, "the link checker may reach these private networks (WHARF_CHECKER_ALLOW_HOSTS)");
        }
        let checker = Arc::new(checker_from_settings(&settings)?);
        let limits = Arc::new(crate::ratelimit::RateLimits::from_settings(&settings));
        let sockets = Arc::new(crate::sockets::SocketLimits::from_settings(&settings));
        let images = Arc::new(crate::services::media::Images::new(&settings));
        let state = AppState {
            db,
            search,
            settings: Arc::new(settings),
            auth,
            outbox_wake,
            limits,
            sockets,
            response_cache,
            invalidation,
            persisted: Arc::new(crate::cache::PersistedQueries::new(4096)),
            queries,
            request_queries,
            live_events,
            images,
            storage,
            inquiry_keys: crate::services::inquiry::FormKeys::new(&secret),
            checker,
        };
        let jobs_state = AppState {
            db: jobs_db,
            ..state.clone()
        };
        let schema = graphql::build_schema(state.clone());
        let app_state = web::Data::new(state.clone());
        let schema = web::Data::new(schema);
        let workers = state.settings.workers;
        let settings = state.settings.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(crate::http::cors(&settings))
                .wrap_fn(crate::http::request_id)
                .app_data(app_state.clone())
                .app_data(schema.clone())
                .configure(http::routes)
        })
        .listen(listener)?
        .shutdown_timeout(30);
        if workers > 0 {
            server = server.workers(workers);
        }
        Ok(Self {
            port,
            server: server.run(),
            state,
            worker,
            jobs_state,
            serve_lock,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests use its database handle).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A handle that stops this application from inside the process, as SIGTERM (graceful) or
    /// SIGINT (not graceful) do for `wharf serve`.
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(self.server.handle())
    }

    /// Serves until the process is told to stop (SIGTERM, SIGINT) or a [`StopHandle`] is used:
    /// in-flight requests finish first, then the background jobs finish the work in hand and stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // Released when serving ends.
        let _serve_lock = self.serve_lock;
        let (stop, stopped) = watch::channel(false);
        let worker = tokio::spawn(self.worker.run(stopped.clone()));
        let scheduler = tokio::spawn(crate::jobs::scheduler::run(
            self.jobs_state.db.clone(),
            Duration::from_millis(self.state.settings.scheduler_poll_ms),
            self.state.outbox_wake.clone(),
            stopped.clone(),
        ));
        let sweeper = tokio::spawn(crate::jobs::uploads::run(
            self.jobs_state.db.clone(),
            Duration::from_secs(self.state.settings.media_upload_abandon_after_secs),
            Duration::from_millis(self.state.settings.media_upload_sweep_poll_ms),
            self.state.outbox_wake.clone(),
            stopped.clone(),
        ));
        let purge = tokio::spawn(crate::jobs::inquiries::run(
            self.jobs_state.db.clone(),
            instance_name(self.port),
            crate::jobs::inquiries::Retention {
                days: self.state.settings.inquiry_retention_days,
                token_max_age: Duration::from_secs(self.state.settings.inquiry_token_max_age_secs),
                every: Duration::from_millis(self.state.settings.inquiry_purge_poll_ms),
            },
            stopped.clone(),
        ));
        let watcher = Watcher::new(self.jobs_state.clone());
        let watching = tokio::spawn(watcher.run(stopped.clone()));
        let cache_sync = CacheSync::start(&self.state, &self.jobs_state, self.port, stopped);
        let rebuild = self
            .jobs_state
            .search
            .needs_rebuild()
            .then(|| tokio::spawn(rebuild_search_index(self.jobs_state.clone())));
        let digests = tokio::spawn(fill_article_digests(self.jobs_state.clone()));
        let served = self.server.await;
        let _ = stop.send(true);
        // Rows it did not reach are filled at the next start; reads render them meanwhile.
        digests.abort();
        // An unfinished rebuild starts again at the next start (the index stays marked stale).
        if let Some(rebuild) = rebuild {
            rebuild.abort();
        }
        let jobs = async {
            let _ = worker.await;
            let _ = scheduler.await;
            let _ = sweeper.await;
            let _ = purge.await;
            let _ = watching.await;
            // Last, so that what the other jobs' final work made due is still sent.
            if let Some(cache_sync) = cache_sync {
                cache_sync.stop().await;
            }
        };
        if tokio::time::timeout(Duration::from_secs(30), jobs)
            .await
            .is_err()
        {
            tracing::warn!("background jobs did not stop within 30 s");
        }
        served
    }
}

/// The two jobs that keep the response caches of instances on one PostgreSQL in step.
struct CacheSync {
    listening: tokio::task::JoinHandle<()>,
    publishing: tokio::task::JoinHandle<()>,
    stop_publishing: watch::Sender<bool>,
}

impl CacheSync {
    /// Starts listening for the other instances' changes and publishing this one's (on the
    /// jobs' pool), on PostgreSQL (see `cache_sync`); `None` on SQLite.
    fn start(
        state: &AppState,
        jobs_state: &AppState,
        port: u16,
        stopped: watch::Receiver<bool>,
    ) -> Option<Self> {
        let outgoing = state.invalidation.outgoing()?;
        let listening = tokio::spawn(crate::cache_sync::listen(
            state.settings.effective_database_url(),
            crate::cache_sync::application_name(port),
            state.response_cache.clone(),
            stopped,
        ));
        let (stop_publishing, publishing_stopped) = watch::channel(false);
        let publishing = tokio::spawn(crate::cache_sync::publish(
            jobs_state.db.clone(),
            outgoing,
            publishing_stopped,
        ));
        Some(Self {
            listening,
            publishing,
            stop_publishing,
        })
    }

    /// Stops publishing once what is due was sent; waits for the listener, stopped with the
    /// other jobs.
    async fn stop(self) {
        let _ = self.stop_publishing.send(true);
        let _ = self.publishing.await;
        let _ = self.listening.await;
    }
}

/// How this instance signs the background work it claims (`job_claims.claimed_by`): host,
/// process and port, for people reading the row; claims never depend on it.
fn instance_name(port: u16) -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown host".to_owned());
    let name = format!("{host} pid {} port {port}", std::process::id());
    name.chars().take(255).collect()
}

/// Rebuilds an embedded index that was built with an older word segmentation. Searches keep
/// answering meanwhile (from the articles indexed so far); writes keep going through the outbox.
async fn rebuild_search_index(state: AppState) {
    tracing::warn!(
        "the search index was built with an older word segmentation or layout; rebuilding it from the database"
    );
    match crate::services::search::reindex_all(&state.db, &state.search, 500).await {
        Ok(count) => tracing::info!(
            articles = count.articles,
            products = count.products,
            "search index rebuilt"
        ),
        Err(err) => {
            tracing::error!(error = %err, "rebuilding the search index failed; run `wharf reindex`")
        }
    }
}

/// Makes the article digests that are missing (rows from before digests, or imported straight
/// into the database) or stale (made by an older renderer). Lists render those rows meanwhile.
async fn fill_article_digests(state: AppState) {
    let budget = Duration::from_millis(state.settings.render_budget_ms);
    match crate::services::article::digest::backfill(&state.db, budget).await {
        Ok(0) => {}
        Ok(count) => tracing::info!(articles = count, "article digests made"),
        Err(err) => {
            tracing::error!(error = %err, "making article digests failed; retried at the next start")
        }
    }
}

/// Stops a running [`Application`]; cheap to clone. Process signals keep working beside it.
#[derive(Clone)]
pub struct StopHandle(actix_web::dev::ServerHandle);

impl StopHandle {
    /// Asks the server to stop, at once: it accepts no new connection from then on. When
    /// `graceful`, requests in flight finish first (30 s at most), otherwise they are dropped.
    /// The returned future resolves when the HTTP server has stopped; `run_until_stopped` then
    /// stops the background jobs and returns.
    pub fn stop(&self, graceful: bool) -> impl Future<Output = ()> + Send + 'static {
        self.0.stop(graceful)
    }
}

/// The access-token key: configured, or (in development) generated once and kept in the data
/// folder so that sessions survive restarts.
fn jwt_secret(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = &settings.jwt_secret {
        return Ok(secret.expose_secret().as_bytes().to_vec());
    }
    if settings.environment == Environment::Production {
        anyhow::bail!("WHARF_JWT_SECRET is required in production");
    }
    let path = settings.data_dir.join("jwt_secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating data folder {}", settings.data_dir.display()))?;
    let secret = crate::auth::secrets::random_token(48);
    write_private(&path, &secret)?;
    tracing::info!(path = %path.display(), "generated a JWT secret for development");
    Ok(secret.into_bytes())
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

/// The backlink checker the settings describe.
fn checker_from_settings(settings: &Settings) -> anyhow::Result<Checker> {
    let guard = Guard::new(&settings.checker_allow_hosts, &settings.checker_resolve)?;
    Checker::new(
        CheckerConfig {
            timeout: Duration::from_millis(settings.checker_timeout_ms),
            max_body_bytes: settings.checker_max_body_bytes,
            max_redirects: settings.checker_max_redirects,
            user_agent: settings.checker_user_agent.clone(),
        },
        guard,
    )
}
