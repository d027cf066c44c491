//! Starting test servers: the stack and the media store, their settings, a second instance on
//! the same database, restarts, and the loud skip of a stack that cannot run.
use crate::s3;
use anyhow::{Context, Result, bail};
use sea_orm::{ConnectionTrait, Database};
use std::io::Write;
use std::sync::Once;
use wharf::config::{Environment, LogFormat};
use wharf::{Application, Settings};

/// Which stack a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stack {
    /// SQLite file in a temporary folder.
    Sqlite,
    /// A fresh database on the PostgreSQL server of `WHARF_TEST_DATABASE_URL`.
    Postgres,
}

/// Where a test's media go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaStore {
    /// Local disk under the data folder (the embedded default).
    Local,
    /// The in-process S3 server, with the right credentials.
    S3,
    /// The in-process S3 server, but Wharf is configured with a wrong secret.
    S3WrongSecret,
    /// An S3 endpoint on a closed port.
    S3Unreachable,
}

impl MediaStore {
    /// Whether this is one of the S3 variants.
    pub fn is_s3(self) -> bool {
        self != Self::Local
    }
}

/// The JWT secret of test servers (media links are signed with a key derived from it).
pub const TEST_JWT_SECRET: &str = "test-secret-that-is-long-enough-0123456789";

/// Largest media file test servers accept (small, so oversize tests stay cheap).
pub const TEST_MEDIA_MAX_BYTES: usize = 256 * 1024;

/// A running server and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// HTTP client.
    pub client: reqwest::Client,
    /// The stack in use.
    pub stack: Stack,
    /// The server's own database handle, for assertions on what was stored.
    pub db: sea_orm::DatabaseConnection,
    /// Statements the server has run for requests, background jobs not counted (see
    /// `queries_during`).
    pub queries: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The media store in use.
    pub store: MediaStore,
    /// The folder where stored objects end up as files (local media folder or S3 bucket).
    pub media_dir: std::path::PathBuf,
    /// The S3 server, for the S3 stores.
    pub s3: Option<s3::S3Server>,
    /// The database URL the server uses (the SQLite file or the fresh PostgreSQL database), for
    /// a second server on the same database ([`TestApp::spawn_second`]).
    pub database_url: String,
    /// Stops the server from the test (see [`TestApp::server`]).
    pub stop: wharf::StopHandle,
    /// The task running `run_until_stopped`: it ends once a stop was requested, requests in
    /// flight finished and the background jobs stopped. Dropping it leaves the server running.
    pub server: tokio::task::JoinHandle<std::io::Result<()>>,
    _reserved_port: Option<tokio::net::TcpSocket>,
    _data: tempfile::TempDir,
}

/// Whether `WHARF_TEST_REQUIRE` lists `stack` (a skip of it is then a failure).
pub fn required(stack: &str) -> bool {
    std::env::var("WHARF_TEST_REQUIRE")
        .map(|v| v.split(',').any(|s| s.trim() == stack))
        .unwrap_or(false)
}

/// Writes straight to stderr, past the test harness's capture, so a skip is seen.
pub fn loud(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

static PG_SKIP: Once = Once::new();
static S3_SKIP: Once = Once::new();

/// Starts Wharf on `stack` with media on local disk, or `None` when the stack is not
/// configured (skipped loudly).
pub async fn spawn_app(stack: Stack) -> Result<Option<TestApp>> {
    spawn_app_with(stack, MediaStore::Local).await
}

/// Starts Wharf on `stack` with media in `store`, or `None` when the stack or the store cannot
/// run (skipped loudly; a failure when listed in `WHARF_TEST_REQUIRE`).
pub async fn spawn_app_with(stack: Stack, store: MediaStore) -> Result<Option<TestApp>> {
    spawn_app_tweaked(stack, store, |_| {}).await
}

/// Like [`spawn_app_with`], with `tweak` applied to the settings last.
pub async fn spawn_app_tweaked(
    stack: Stack,
    store: MediaStore,
    tweak: impl FnOnce(&mut Settings),
) -> Result<Option<TestApp>> {
    let data = tempfile::tempdir()?;
    let s3 = if store.is_s3() {
        match s3::S3Server::start().await {
            Ok(server) => Some(server),
            Err(err) if required("s3") => {
                bail!("WHARF_TEST_REQUIRE lists s3 but the in-process S3 server failed: {err:#}")
            }
            Err(err) => {
                S3_SKIP.call_once(|| {
                    loud(&format!("\n!!!!!!!! SKIPPED: the S3 media store (the in-process S3 server failed: {err:#}) !!!!!!!!\n"));
                });
                return Ok(None);
            }
        }
    } else {
        None
    };
    let database_url = match stack {
        Stack::Sqlite => None,
        Stack::Postgres => match std::env::var("WHARF_TEST_DATABASE_URL")
            .ok()
            .filter(|v| !v.is_empty())
        {
            Some(admin_url) => Some(fresh_postgres_database(&admin_url).await?),
            None => {
                if required("postgres") {
                    bail!(
                        "WHARF_TEST_REQUIRE lists postgres but WHARF_TEST_DATABASE_URL is not set"
                    );
                }
                PG_SKIP.call_once(|| {
                    loud("\n!!!!!!!! SKIPPED: the PostgreSQL stack (set WHARF_TEST_DATABASE_URL=postgres://... to run it) !!!!!!!!\n");
                });
                return Ok(None);
            }
        },
    };
    let mut settings = test_settings(data.path(), database_url);
    let mut reserved = None;
    let media_dir = match (&s3, store) {
        (Some(server), _) => {
            use_s3(&mut settings, server);
            if store == MediaStore::S3WrongSecret {
                settings.s3_secret_access_key = Some("not-the-secret-of-the-server".into());
            }
            if store == MediaStore::S3Unreachable {
                let (port, socket) = s3::closed_port()?;
                settings.s3_endpoint = Some(format!("http://127.0.0.1:{port}"));
                reserved = Some(socket);
            }
            server.bucket_dir()
        }
        _ => data.path().join("media"),
    };
    tweak(&mut settings);
    let started = start(settings, data).await?;
    Ok(Some(TestApp {
        stack,
        store,
        media_dir,
        s3,
        _reserved_port: reserved,
        ..started
    }))
}

/// A fresh, empty stack that a server's data can be moved to (`wharf restore`, `wharf
/// transfer`): its settings, and what it needs kept alive until [`Target::start`].
pub struct Target {
    /// The settings of a server on it.
    pub settings: Settings,
    /// Its stack.
    pub stack: Stack,
    /// Its media store (`Local` or `S3`).
    pub store: MediaStore,
    /// Its S3 server, for `S3`.
    pub s3: Option<s3::S3Server>,
    data: tempfile::TempDir,
}

/// An empty `stack` (a SQLite file in a new folder, or a new PostgreSQL database) with media
/// in `store` (`Local` or a new in-process S3 server); `None` when it cannot run (skipped
/// loudly, as [`spawn_app`] does).
pub async fn fresh_target(stack: Stack, store: MediaStore) -> Result<Option<Target>> {
    let data = tempfile::tempdir()?;
    let database_url = match stack {
        Stack::Sqlite => format!("sqlite://{}/wharf.db?mode=rwc", data.path().display()),
        Stack::Postgres => match std::env::var("WHARF_TEST_DATABASE_URL")
            .ok()
            .filter(|v| !v.is_empty())
        {
            Some(admin_url) => fresh_postgres_database(&admin_url).await?,
            None if required("postgres") => {
                bail!("WHARF_TEST_REQUIRE lists postgres but WHARF_TEST_DATABASE_URL is not set")
            }
            None => {
                PG_SKIP.call_once(|| {
                    loud("\n!!!!!!!! SKIPPED: the PostgreSQL stack (set WHARF_TEST_DATABASE_URL=postgres://... to run it) !!!!!!!!\n");
                });
                return Ok(None);
            }
        },
    };
    let mut settings = test_settings(data.path(), Some(database_url));
    let s3 = match store {
        MediaStore::Local => None,
        MediaStore::S3 => {
            let server = s3::S3Server::start().await?;
            use_s3(&mut settings, &server);
            Some(server)
        }
        other => bail!("a target's media store is Local or S3, not {other:?}"),
    };
    Ok(Some(Target {
        settings,
        stack,
        store,
        s3,
        data,
    }))
}

impl Target {
    /// Starts a server on the target.
    pub async fn start(self) -> Result<TestApp> {
        let media_dir = match &self.s3 {
            Some(server) => server.bucket_dir(),
            None => self.data.path().join("media"),
        };
        let started = start(self.settings, self.data).await?;
        Ok(TestApp {
            stack: self.stack,
            store: self.store,
            media_dir,
            s3: self.s3,
            ..started
        })
    }
}

/// Points `settings` at the test S3 server, with the right credentials.
fn use_s3(settings: &mut Settings, server: &s3::S3Server) {
    settings.s3_bucket = Some(s3::BUCKET.into());
    settings.s3_endpoint = Some(server.endpoint.clone());
    settings.s3_path_style = true;
    settings.s3_access_key_id = Some(s3::ACCESS_KEY.into());
    settings.s3_secret_access_key = Some(s3::SECRET_KEY.to_owned().into());
}

/// The settings of a test server with its data in `data_dir`.
fn test_settings(data_dir: &std::path::Path, database_url: Option<String>) -> Settings {
    Settings {
        environment: Environment::Development,
        host: "127.0.0.1".into(),
        port: 0,
        data_dir: data_dir.to_path_buf(),
        database_url: database_url.map(Into::into),
        database_max_connections: 5,
        jwt_secret: Some(TEST_JWT_SECRET.to_owned().into()),
        workers: 1,
        outbox_poll_ms: 100,
        scheduler_poll_ms: 100,
        // The tests' webhook receivers listen on loopback.
        webhook_allow_hosts: vec!["127.0.0.1/32".into()],
        log_format: LogFormat::Text,
        media_max_bytes: TEST_MEDIA_MAX_BYTES,
        ..Settings::default()
    }
}

/// Builds and runs a server whose data folder is `data`, with local media on SQLite; the
/// caller corrects the stack and the store.
async fn start(settings: Settings, data: tempfile::TempDir) -> Result<TestApp> {
    let database_url = settings.effective_database_url();
    let media_dir = settings.data_dir.join("media");
    let app = Application::build(settings).await?;
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.state().db.clone();
    let queries = app.state().request_queries.clone();
    let stop = app.stop_handle();
    let server = tokio::spawn(app.run_until_stopped());
    Ok(TestApp {
        address,
        client: reqwest::Client::new(),
        stack: Stack::Sqlite,
        db,
        queries,
        store: MediaStore::Local,
        media_dir,
        s3: None,
        database_url,
        stop,
        server,
        _reserved_port: None,
        _data: data,
    })
}

async fn fresh_postgres_database(admin_url: &str) -> Result<String> {
    let name = format!("wharf_t_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(admin_url)
        .await
        .context("connecting to WHARF_TEST_DATABASE_URL")?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await?;
    admin.close().await?;
    Ok(url_with_path(admin_url, &name))
}

fn url_with_path(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{database}?{q}"),
        None => format!("{root}/{database}"),
    }
}

impl TestApp {
    /// Starts a second server on this one's database, as another instance behind a load
    /// balancer would run: the same JWT secret, migrations left to the first, and its own data
    /// folder (embedded search index, local media).
    pub async fn spawn_second(&self) -> Result<TestApp> {
        self.spawn_second_tweaked(|_| {}).await
    }

    /// Like [`TestApp::spawn_second`], with `tweak` applied to the second server's settings last.
    pub async fn spawn_second_tweaked(&self, tweak: impl FnOnce(&mut Settings)) -> Result<TestApp> {
        let data = tempfile::tempdir()?;
        let mut settings = test_settings(data.path(), Some(self.database_url.clone()));
        settings.auto_migrate = false;
        tweak(&mut settings);
        let started = start(settings, data).await?;
        Ok(TestApp {
            stack: self.stack,
            ..started
        })
    }

    /// Starts a second server on this one's database and media store (the same S3 bucket, or
    /// the same local media folder, as instances sharing a volume would), with `tweak` applied
    /// to its settings last.
    pub async fn spawn_second_sharing_media(
        &self,
        tweak: impl FnOnce(&mut Settings),
    ) -> Result<TestApp> {
        let data = tempfile::tempdir()?;
        let mut settings = test_settings(data.path(), Some(self.database_url.clone()));
        settings.auto_migrate = false;
        match (&self.s3, self.store) {
            (Some(server), MediaStore::S3) => use_s3(&mut settings, server),
            (None, MediaStore::Local) => {
                #[cfg(unix)]
                std::os::unix::fs::symlink(&self.media_dir, data.path().join("media"))?;
                #[cfg(not(unix))]
                bail!("sharing a local media folder needs symlinks (unix)");
            }
            (_, store) => bail!("a second server cannot share the media store {store:?}"),
        }
        tweak(&mut settings);
        let started = start(settings, data).await?;
        Ok(TestApp {
            stack: self.stack,
            store: self.store,
            media_dir: self.media_dir.clone(),
            ..started
        })
    }

    /// Stops this server (in-flight requests finish) and starts a new one on the same data
    /// folder and database, as restarting the process would.
    pub async fn restart(self) -> Result<TestApp> {
        self.stop.stop(true).await;
        self.server
            .await
            .context("the server task panicked")?
            .context("the server failed")?;
        let settings = test_settings(self._data.path(), Some(self.database_url.clone()));
        let started = start(settings, self._data).await?;
        Ok(TestApp {
            stack: self.stack,
            ..started
        })
    }

    /// A new connection to this server's database. After a stop, use it rather than `db`: on
    /// PostgreSQL the server's pool may hold connections opened on the server's worker threads,
    /// whose runtimes are gone, and those fail.
    pub async fn connect_db(&self) -> Result<sea_orm::DatabaseConnection> {
        Database::connect(self.database_url.as_str())
            .await
            .context("connecting to the test database")
    }

    /// The settings this server runs with, for commands run beside it (`wharf backup`).
    pub fn settings(&self) -> Settings {
        let mut settings = test_settings(self.data_dir(), Some(self.database_url.clone()));
        if let (Some(server), MediaStore::S3) = (&self.s3, self.store) {
            use_s3(&mut settings, server);
        }
        settings
    }

    /// The server's data folder (its SQLite file and embedded search index live there).
    pub fn data_dir(&self) -> &std::path::Path {
        self._data.path()
    }
}
