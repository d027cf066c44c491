//! The end-to-end harness: a real Wharf server on a random port with a fresh database, spoken
//! to over HTTP as a frontend would.
//!
//! Every test runs on each stack: SQLite (always) and PostgreSQL (when
//! `WHARF_TEST_DATABASE_URL` points to a server; each test gets a fresh database there). A stack
//! that cannot run is skipped with a loud line on stderr; listing it in `WHARF_TEST_REQUIRE`
//! (comma-separated: `postgres`) turns that skip into a failure, which is what CI does.

use anyhow::{Context, Result, bail};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::Once;
use wharf::config::{Environment, LogFormat};
use wharf::{Application, Settings};

pub mod search;

/// Which stack a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stack {
    /// SQLite file in a temporary folder.
    Sqlite,
    /// A fresh database on the PostgreSQL server of `WHARF_TEST_DATABASE_URL`.
    Postgres,
}

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
    _data: tempfile::TempDir,
}

/// Signed-in credentials.
pub struct Auth {
    /// JWT access token.
    pub token: String,
    /// Refresh token.
    pub refresh: String,
    /// The user's ID.
    pub user_id: String,
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

/// Starts Wharf on `stack`, or `None` when the stack is not configured (skipped loudly).
pub async fn spawn_app(stack: Stack) -> Result<Option<TestApp>> {
    spawn_app_with(stack, |_| {}).await
}

/// Like [`spawn_app`], with settings changed by `configure` before the server is built.
pub async fn spawn_app_with(
    stack: Stack,
    configure: impl FnOnce(&mut Settings),
) -> Result<Option<TestApp>> {
    let data = tempfile::tempdir()?;
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
    let mut settings = Settings {
        environment: Environment::Development,
        host: "127.0.0.1".into(),
        port: 0,
        data_dir: data.path().to_path_buf(),
        database_url,
        database_max_connections: 5,
        jwt_secret: Some(
            "test-secret-that-is-long-enough-0123456789"
                .to_owned()
                .into(),
        ),
        workers: 1,
        log_format: LogFormat::Text,
        ..Settings::default()
    };
    configure(&mut settings);
    let app = Application::build(settings).await?;
    let address = format!("http://127.0.0.1:{}", app.port());
    let db = app.state().db.clone();
    tokio::spawn(app.run_until_stopped());
    Ok(Some(TestApp {
        address,
        client: reqwest::Client::new(),
        stack,
        db,
        _data: data,
    }))
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
    /// The server's data folder (its SQLite file and embedded search index live there).
    pub fn data_dir(&self) -> &std::path::Path {
        self._data.path()
    }

    /// POSTs a GraphQL operation, optionally with a bearer token; returns the JSON body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Result<Value> {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        Ok(req.send().await?.json().await?)
    }

    /// An anonymous GraphQL call.
    pub async fn graphql(&self, query: &str, variables: Value) -> Result<Value> {
        self.gql(None, query, variables).await
    }

    /// A GraphQL call with a bearer token.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Result<Value> {
        self.gql(Some(token), query, variables).await
    }

    /// POSTs raw bytes to `/graphql`; returns the status and the JSON body.
    pub async fn post_raw(&self, content_type: &str, body: Vec<u8>) -> Result<(u16, Value)> {
        let resp = self
            .client
            .post(format!("{}/graphql", self.address))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await?;
        let status = resp.status().as_u16();
        Ok((status, resp.json().await?))
    }

    /// Registers an account and returns its credentials.
    pub async fn signup(&self, email: &str) -> Result<Auth> {
        let body = self
            .graphql(
                "mutation($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id } } }",
                json!({ "input": { "email": email, "password": "correct horse battery", "displayName": email } }),
            )
            .await?;
        let data = ok(&body)?;
        Ok(Auth {
            token: str_at(data, "/register/accessToken")?,
            refresh: str_at(data, "/register/refreshToken")?,
            user_id: str_at(data, "/register/user/id")?,
        })
    }

    /// Creates a site with these locales (the first is the default); returns its ID.
    pub async fn create_site(&self, token: &str, domain: &str, locales: &[&str]) -> Result<String> {
        let body = self
            .graphql_as(
                token,
                "mutation($input: CreateSiteInput!) { createSite(input: $input) { id } }",
                json!({ "input": { "name": domain, "domain": domain, "defaultLocale": locales.first().copied().unwrap_or("en"), "locales": locales } }),
            )
            .await?;
        str_at(ok(&body)?, "/createSite/id")
    }

    /// Creates an article from `input` (siteId and title at least); returns the article JSON.
    pub async fn create_article(&self, token: &str, input: Value) -> Result<Value> {
        let body = self
            .graphql_as(
                token,
                "mutation($input: CreateArticleInput!) { createArticle(input: $input) { id slug title status locale tags { slug name } } }",
                json!({ "input": input }),
            )
            .await?;
        Ok(ok(&body)?["createArticle"].clone())
    }

    /// Publishes an article.
    pub async fn publish(&self, token: &str, id: &str) -> Result<Value> {
        let body = self
            .graphql_as(
                token,
                "mutation($id: ID!) { publishArticle(id: $id) { id status publishedAt } }",
                json!({ "id": id }),
            )
            .await?;
        Ok(ok(&body)?["publishArticle"].clone())
    }
}

/// The `data` of a response that must have no errors.
pub fn ok(body: &Value) -> Result<&Value> {
    if let Some(errors) = body.get("errors") {
        bail!("unexpected GraphQL errors: {errors}");
    }
    body.get("data")
        .with_context(|| format!("no data in {body}"))
}

/// The `extensions.code` of the first error (fails when there is none).
pub fn error_code(body: &Value) -> Result<String> {
    str_at(body, "/errors/0/extensions/code")
        .with_context(|| format!("expected an error in {body}"))
}

/// The `extensions.field` of the first error.
pub fn error_field(body: &Value) -> Option<String> {
    body.pointer("/errors/0/extensions/field")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The string at a JSON pointer.
pub fn str_at(value: &Value, pointer: &str) -> Result<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .with_context(|| format!("no string at {pointer} in {value}"))
}

/// Declares an end-to-end test that runs once per stack: `e2e!(name)` for `async fn name(app:
/// TestApp) -> anyhow::Result<()>`.
#[macro_export]
macro_rules! e2e {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() -> anyhow::Result<()> {
                match $crate::spawn_app($crate::Stack::Sqlite).await? {
                    Some(app) => super::$name(app).await,
                    None => Ok(()),
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() -> anyhow::Result<()> {
                match $crate::spawn_app($crate::Stack::Postgres).await? {
                    Some(app) => super::$name(app).await,
                    None => Ok(()),
                }
            }
        }
    )+};
}
