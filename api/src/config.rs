//! Typed settings: defaults, then an optional TOML file, then environment variables.
//!
//! The file is `$WHARF_CONFIG` when set, else `./wharf.toml` when it exists. Every environment
//! variable is `WHARF_` plus the field name in upper case (`WHARF_PORT`), except that the
//! conventional `DATABASE_URL` is read as well. Settings are validated once, at start.

use anyhow::{Context, bail};
use secrecy::SecretString;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Whether Wharf runs for development or in production; production turns on stricter checks.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Local work: GraphiQL and introspection on, secrets may be generated.
    Development,
    /// A deployment: secrets must be configured.
    Production,
}

/// Log line format.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object a line.
    Json,
}

/// All of Wharf's settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `development` or `production`.
    pub environment: Environment,
    /// Address to listen on.
    pub host: String,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// Folder for the embedded database, search index, media and generated secret.
    pub data_dir: PathBuf,
    /// Database URL: `sqlite://PATH?mode=rwc` or `postgres://...`. Empty: SQLite under `data_dir`.
    pub database_url: Option<String>,
    /// Largest number of pooled database connections.
    pub database_max_connections: u32,
    /// Apply pending migrations when the server starts.
    pub auto_migrate: bool,
    /// HS256 key for access tokens. Empty in development: generated once and kept in `data_dir`.
    pub jwt_secret: Option<SecretString>,
    /// Lifetime of an access token, in seconds.
    pub access_token_ttl_secs: u64,
    /// Lifetime of a refresh token, in seconds.
    pub refresh_token_ttl_secs: u64,
    /// Whether anyone may call `register`.
    pub allow_registration: bool,
    /// Largest HTTP request body accepted on `/graphql`, in bytes.
    pub max_request_bytes: usize,
    /// Largest article body (markdown), in bytes.
    pub max_article_body_bytes: usize,
    /// Deepest GraphQL selection accepted.
    pub graphql_max_depth: usize,
    /// Highest GraphQL complexity accepted (lists count `first` times their fields).
    pub graphql_max_complexity: usize,
    /// Largest `first` on a list; larger values are refused.
    pub max_page_size: u64,
    /// Whether the GraphQL schema may be introspected (GraphiQL needs it).
    pub graphql_introspection: bool,
    /// `text` or `json` log lines.
    pub log_format: LogFormat,
    /// HTTP worker threads; 0 means one per CPU core.
    pub workers: usize,
    /// How often the outbox worker looks for work written by other instances, in milliseconds.
    pub outbox_poll_ms: u64,
    /// Meilisearch server URL (`MEILI_URL`); when set, search goes there instead of the
    /// embedded index under `data_dir/search`.
    pub meili_url: Option<String>,
    /// Meilisearch API key (`MEILI_API_KEY` or `MEILI_MASTER_KEY`); never logged.
    pub meili_api_key: Option<SecretString>,
    /// Prefix of Wharf's Meilisearch index names (`{prefix}_articles`), so instances or tests
    /// can share a server.
    pub meili_index_prefix: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            environment: Environment::Development,
            host: "127.0.0.1".into(),
            port: 8080,
            data_dir: PathBuf::from("./data"),
            database_url: None,
            database_max_connections: 10,
            auto_migrate: true,
            jwt_secret: None,
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            allow_registration: true,
            max_request_bytes: 4 * 1024 * 1024,
            max_article_body_bytes: 1024 * 1024,
            graphql_max_depth: 12,
            graphql_max_complexity: 20_000,
            max_page_size: 100,
            graphql_introspection: true,
            log_format: LogFormat::Text,
            workers: 0,
            outbox_poll_ms: 1000,
            meili_url: None,
            meili_api_key: None,
            meili_index_prefix: "wharf".into(),
        }
    }
}

impl Settings {
    /// Loads settings from the defaults, the optional file and the process environment.
    pub fn load() -> anyhow::Result<Self> {
        let file = std::env::var_os("WHARF_CONFIG").map(PathBuf::from);
        let env: Vec<(String, String)> = std::env::vars().collect();
        Self::load_from(file.as_deref(), &env)
    }

    /// Loads settings from an optional file and the given environment (testable form of `load`).
    pub fn load_from(file: Option<&Path>, env: &[(String, String)]) -> anyhow::Result<Self> {
        let mut settings = match file {
            Some(path) => Self::from_file(path)?,
            None if Path::new("wharf.toml").exists() => Self::from_file(Path::new("wharf.toml"))?,
            None => Self::default(),
        };
        for (key, value) in env {
            settings.apply_env(key, value)?;
        }
        settings.validate()?;
        Ok(settings)
    }

    fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading settings file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing settings file {}", path.display()))
    }

    fn apply_env(&mut self, key: &str, value: &str) -> anyhow::Result<()> {
        fn parse<T: std::str::FromStr>(key: &str, value: &str) -> anyhow::Result<T>
        where
            T::Err: std::fmt::Display,
        {
            value
                .parse()
                .map_err(|e| anyhow::anyhow!("{key}={value:?} is not valid: {e}"))
        }
        let optional = |v: &str| (!v.trim().is_empty()).then(|| v.to_owned());
        match key {
            "DATABASE_URL" | "WHARF_DATABASE_URL" => self.database_url = optional(value),
            "WHARF_ENVIRONMENT" => {
                self.environment = match value {
                    "development" => Environment::Development,
                    "production" => Environment::Production,
                    _ => {
                        bail!("WHARF_ENVIRONMENT must be development or production, not {value:?}")
                    }
                }
            }
            "WHARF_HOST" => self.host = value.to_owned(),
            "WHARF_PORT" => self.port = parse(key, value)?,
            "WHARF_DATA_DIR" => self.data_dir = PathBuf::from(value),
            "WHARF_DATABASE_MAX_CONNECTIONS" => self.database_max_connections = parse(key, value)?,
            "WHARF_AUTO_MIGRATE" => self.auto_migrate = parse(key, value)?,
            "WHARF_JWT_SECRET" => self.jwt_secret = optional(value).map(SecretString::from),
            "WHARF_ACCESS_TOKEN_TTL_SECS" => self.access_token_ttl_secs = parse(key, value)?,
            "WHARF_REFRESH_TOKEN_TTL_SECS" => self.refresh_token_ttl_secs = parse(key, value)?,
            "WHARF_ALLOW_REGISTRATION" => self.allow_registration = parse(key, value)?,
            "WHARF_MAX_REQUEST_BYTES" => self.max_request_bytes = parse(key, value)?,
            "WHARF_MAX_ARTICLE_BODY_BYTES" => self.max_article_body_bytes = parse(key, value)?,
            "WHARF_GRAPHQL_MAX_DEPTH" => self.graphql_max_depth = parse(key, value)?,
            "WHARF_GRAPHQL_MAX_COMPLEXITY" => self.graphql_max_complexity = parse(key, value)?,
            "WHARF_MAX_PAGE_SIZE" => self.max_page_size = parse(key, value)?,
            "WHARF_GRAPHQL_INTROSPECTION" => self.graphql_introspection = parse(key, value)?,
            "WHARF_LOG_FORMAT" => {
                self.log_format = match value {
                    "text" => LogFormat::Text,
                    "json" => LogFormat::Json,
                    _ => bail!("WHARF_LOG_FORMAT must be text or json, not {value:?}"),
                }
            }
            "WHARF_WORKERS" => self.workers = parse(key, value)?,
            "WHARF_OUTBOX_POLL_MS" => self.outbox_poll_ms = parse(key, value)?,
            "MEILI_URL" | "WHARF_MEILI_URL" => self.meili_url = optional(value),
            "MEILI_API_KEY" | "MEILI_MASTER_KEY" | "WHARF_MEILI_API_KEY" => {
                self.meili_api_key = optional(value).map(SecretString::from)
            }
            "WHARF_MEILI_INDEX_PREFIX" => self.meili_index_prefix = value.trim().to_owned(),
            "WHARF_CONFIG" | "WHARF_ADMIN_PASSWORD" => {}
            other if other.starts_with("WHARF_") && !other.starts_with("WHARF_TEST_") => {
                bail!("unknown setting {other}; see the settings table in README.md")
            }
            _ => {}
        }
        Ok(())
    }

    fn validate(&self) -> anyhow::Result<()> {
        use secrecy::ExposeSecret;
        if self.max_page_size == 0 || self.max_page_size > 1000 {
            bail!("max_page_size must be between 1 and 1000");
        }
        if self.max_article_body_bytes >= self.max_request_bytes {
            bail!("max_article_body_bytes must be smaller than max_request_bytes");
        }
        if self.access_token_ttl_secs == 0 || self.refresh_token_ttl_secs == 0 {
            bail!("token lifetimes must be positive");
        }
        if let Some(secret) = &self.jwt_secret
            && secret.expose_secret().len() < 32
        {
            bail!("jwt_secret must be at least 32 bytes");
        }
        if self.environment == Environment::Production && self.jwt_secret.is_none() {
            bail!("WHARF_JWT_SECRET is required in production (all instances must share it)");
        }
        if let Some(url) = &self.database_url
            && !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
        {
            bail!("DATABASE_URL must start with sqlite: or postgres://");
        }
        if let Some(url) = &self.meili_url {
            let parsed = url::Url::parse(url)
                .map_err(|e| anyhow::anyhow!("MEILI_URL {url:?} is not a valid URL: {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                bail!("MEILI_URL must be an http:// or https:// URL");
            }
        }
        if self.meili_index_prefix.is_empty()
            || !self
                .meili_index_prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            bail!("meili_index_prefix must be non-empty ASCII letters, digits, `_` or `-`");
        }
        Ok(())
    }

    /// The database URL in use: the configured one, or the SQLite file under `data_dir`.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("wharf.db").display()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn environment_overrides_defaults() -> anyhow::Result<()> {
        let s = Settings::load_from(
            None,
            &env(&[("WHARF_PORT", "9000"), ("DATABASE_URL", "postgres://x/y")]),
        )?;
        assert_eq!(s.port, 9000);
        assert_eq!(s.effective_database_url(), "postgres://x/y");
        Ok(())
    }

    #[test]
    fn unknown_and_invalid_settings_are_refused() {
        assert!(Settings::load_from(None, &env(&[("WHARF_PORTT", "1")])).is_err());
        assert!(Settings::load_from(None, &env(&[("WHARF_PORT", "x")])).is_err());
        assert!(Settings::load_from(None, &env(&[("WHARF_ENVIRONMENT", "production")])).is_err());
        assert!(Settings::load_from(None, &env(&[("WHARF_JWT_SECRET", "short")])).is_err());
        assert!(Settings::load_from(None, &env(&[("MEILI_URL", "localhost:7700")])).is_err());
        assert!(Settings::load_from(None, &env(&[("WHARF_MEILI_INDEX_PREFIX", "a b")])).is_err());
    }

    #[test]
    fn meilisearch_is_configured_by_its_conventional_variables() -> anyhow::Result<()> {
        let s = Settings::load_from(
            None,
            &env(&[
                ("MEILI_URL", "http://127.0.0.1:7700"),
                ("MEILI_MASTER_KEY", "key"),
                ("WHARF_MEILI_INDEX_PREFIX", "site1"),
            ]),
        )?;
        assert_eq!(s.meili_url.as_deref(), Some("http://127.0.0.1:7700"));
        assert!(s.meili_api_key.is_some());
        assert_eq!(s.meili_index_prefix, "site1");
        assert!(
            !format!("{s:?}").contains("\"key\""),
            "the key is never printed"
        );
        Ok(())
    }

    #[test]
    fn default_database_is_sqlite_under_the_data_dir() -> anyhow::Result<()> {
        let s = Settings::load_from(None, &[])?;
        assert!(
            s.effective_database_url()
                .starts_with("sqlite://./data/wharf.db")
        );
        Ok(())
    }
}
