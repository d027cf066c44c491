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
    /// Whether the GraphQL schema may be introspected (GraphiQL needs it). Unset: on in
    /// development, off in production.
    pub graphql_introspection: Option<bool>,
    /// Most aliased fields in one GraphQL document.
    pub graphql_max_aliases: usize,
    /// Anonymous requests per minute from one IP (0: unlimited).
    pub rate_limit_anonymous_per_minute: u32,
    /// Requests per minute with one API token (0: unlimited).
    pub rate_limit_token_per_minute: u32,
    /// Login and register attempts per minute from one IP (0: unlimited).
    pub rate_limit_sign_in_ip_per_minute: u32,
    /// Login and register attempts per minute for one account email (0: unlimited).
    pub rate_limit_sign_in_account_per_minute: u32,
    /// Take the client IP from `X-Forwarded-For`/`Forwarded` (only behind a trusted proxy).
    pub trust_proxy_headers: bool,
    /// How long anonymous read responses are cached in memory and by HTTP caches
    /// (`Cache-Control: max-age`), in milliseconds; 0 turns caching off. Changes made through
    /// another instance show after at most this long.
    pub response_cache_ttl_ms: u64,
    /// `text` or `json` log lines.
    pub log_format: LogFormat,
    /// HTTP worker threads; 0 means one per CPU core.
    pub workers: usize,
    /// How often the outbox worker looks for work written by other instances, in milliseconds.
    pub outbox_poll_ms: u64,
    /// How often the scheduler looks for articles due to be published, in milliseconds.
    pub scheduler_poll_ms: u64,
    /// Networks (IPs or CIDRs) webhook deliveries may reach although they are private or
    /// loopback; cloud metadata addresses stay refused. Env: comma-separated.
    pub webhook_allow_hosts: Vec<String>,
    /// This server's URL as clients reach it (`https://cms.example.com`); the base of the upload
    /// and download links Wharf signs for local media. Empty: `http://HOST:PORT`.
    pub public_url: Option<String>,
    /// S3 bucket for media. Set it to store media in S3 (or an S3-compatible store); empty keeps
    /// media on local disk under `data_dir/media`.
    pub s3_bucket: Option<String>,
    /// S3 endpoint URL for S3-compatible stores (`http://127.0.0.1:9000`); empty: AWS.
    pub s3_endpoint: Option<String>,
    /// S3 region.
    pub s3_region: String,
    /// S3 access key ID; empty: taken from the usual AWS environment or instance credentials.
    pub s3_access_key_id: Option<String>,
    /// S3 secret access key; never logged.
    pub s3_secret_access_key: Option<SecretString>,
    /// Path-style addressing (`endpoint/bucket/key`), which most S3-compatible stores need.
    pub s3_path_style: bool,
    /// Public base URL (a CDN or public bucket) under which media keys are readable; when set,
    /// `Media.url` is this base plus the key and never expires. Empty: signed, expiring URLs.
    pub media_public_base_url: Option<String>,
    /// Largest media file accepted, in bytes.
    pub media_max_bytes: usize,
    /// Largest `multipart/form-data` request on `/graphql` (operations plus files), in bytes.
    pub max_multipart_bytes: usize,
    /// Media types accepted, as sniffed from the bytes (comma-separated in the environment).
    pub media_allowed_types: Vec<String>,
    /// Lifetime of signed media download URLs, in seconds.
    pub media_url_ttl_secs: u64,
    /// Lifetime of signed upload URLs (`createUploadUrl`), in seconds.
    pub media_upload_ttl_secs: u64,
    /// Total time the link checker gives one fetch (redirects included), in milliseconds.
    pub checker_timeout_ms: u64,
    /// Largest page body the link checker reads, in bytes; a larger page fails the check.
    pub checker_max_body_bytes: usize,
    /// Most redirects the link checker follows.
    pub checker_max_redirects: usize,
    /// The `User-Agent` of the link checker and site verification.
    pub checker_user_agent: String,
    /// How often live and broken deals are re-checked, in seconds.
    pub checker_recheck_interval_secs: u64,
    /// Random extra delay added to each re-check (0 to this many seconds), spreading the load.
    pub checker_recheck_jitter_secs: u64,
    /// Consecutive failed checks after which a live deal turns broken.
    pub checker_failures_before_broken: u32,
    /// How often the watcher looks for due deals, in milliseconds.
    pub checker_poll_ms: u64,
    /// Least time between two checks of one deal asked through `checkLinkDeal`, in seconds, so
    /// that the API cannot be used to hammer a partner's site. 0 turns the limit off.
    pub checker_manual_cooldown_secs: u64,
    /// Deals the watcher checks at once (different hosts; one request at a time per host).
    pub checker_concurrency: usize,
    /// Networks (IPs or CIDRs) the checker may reach although they are private or loopback.
    /// Cloud metadata addresses stay refused. Env: comma-separated.
    pub checker_allow_hosts: Vec<String>,
    /// Static name resolutions for the checker, `host=ip:port` (like curl `--resolve`); the
    /// addresses are vetted like DNS answers. Env: comma-separated.
    pub checker_resolve: Vec<String>,
    /// Meilisearch server URL (`MEILI_URL`); when set, search goes there instead of the
    /// embedded index under `data_dir/search`.
    pub meili_url: Option<String>,
    /// Meilisearch API key (`MEILI_API_KEY` or `MEILI_MASTER_KEY`); never logged.
    pub meili_api_key: Option<SecretString>,
    /// Prefix of Wharf's Meilisearch index names (`{prefix}_articles`), so instances or tests
    /// can share a server.
    pub meili_index_prefix: String,
}

/// Media types accepted by default: common web images and PDF. SVG is left out on purpose: it
/// can carry scripts.
pub const DEFAULT_MEDIA_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/avif",
    "application/pdf",
];

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
            graphql_introspection: None,
            graphql_max_aliases: 30,
            rate_limit_anonymous_per_minute: 600,
            rate_limit_token_per_minute: 1200,
            rate_limit_sign_in_ip_per_minute: 30,
            rate_limit_sign_in_account_per_minute: 10,
            trust_proxy_headers: false,
            response_cache_ttl_ms: 5000,
            log_format: LogFormat::Text,
            workers: 0,
            outbox_poll_ms: 1000,
            scheduler_poll_ms: 5000,
            webhook_allow_hosts: Vec::new(),
            public_url: None,
            s3_bucket: None,
            s3_endpoint: None,
            s3_region: "us-east-1".into(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_path_style: false,
            media_public_base_url: None,
            media_max_bytes: 20 * 1024 * 1024,
            max_multipart_bytes: 48 * 1024 * 1024,
            media_allowed_types: DEFAULT_MEDIA_TYPES
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
            media_url_ttl_secs: 3600,
            media_upload_ttl_secs: 900,
            checker_timeout_ms: 10_000,
            checker_max_body_bytes: 2 * 1024 * 1024,
            checker_max_redirects: 5,
            checker_user_agent: concat!(
                "WharfLinkChecker/",
                env!("CARGO_PKG_VERSION"),
                " (+https://github.com/wharf-cms/wharf)"
            )
            .into(),
            checker_recheck_interval_secs: 24 * 3600,
            checker_recheck_jitter_secs: 3600,
            checker_failures_before_broken: 3,
            checker_poll_ms: 5000,
            checker_manual_cooldown_secs: 10,
            checker_concurrency: 8,
            checker_allow_hosts: Vec::new(),
            checker_resolve: Vec::new(),
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
        let list = |v: &str| -> Vec<String> {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
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
            "WHARF_GRAPHQL_INTROSPECTION" => self.graphql_introspection = Some(parse(key, value)?),
            "WHARF_GRAPHQL_MAX_ALIASES" => self.graphql_max_aliases = parse(key, value)?,
            "WHARF_RATE_LIMIT_ANONYMOUS_PER_MINUTE" => {
                self.rate_limit_anonymous_per_minute = parse(key, value)?
            }
            "WHARF_RATE_LIMIT_TOKEN_PER_MINUTE" => {
                self.rate_limit_token_per_minute = parse(key, value)?
            }
            "WHARF_RATE_LIMIT_SIGN_IN_IP_PER_MINUTE" => {
                self.rate_limit_sign_in_ip_per_minute = parse(key, value)?
            }
            "WHARF_RATE_LIMIT_SIGN_IN_ACCOUNT_PER_MINUTE" => {
                self.rate_limit_sign_in_account_per_minute = parse(key, value)?
            }
            "WHARF_TRUST_PROXY_HEADERS" => self.trust_proxy_headers = parse(key, value)?,
            "WHARF_RESPONSE_CACHE_TTL_MS" => self.response_cache_ttl_ms = parse(key, value)?,
            "WHARF_LOG_FORMAT" => {
                self.log_format = match value {
                    "text" => LogFormat::Text,
                    "json" => LogFormat::Json,
                    _ => bail!("WHARF_LOG_FORMAT must be text or json, not {value:?}"),
                }
            }
            "WHARF_WORKERS" => self.workers = parse(key, value)?,
            "WHARF_OUTBOX_POLL_MS" => self.outbox_poll_ms = parse(key, value)?,
            "WHARF_SCHEDULER_POLL_MS" => self.scheduler_poll_ms = parse(key, value)?,
            "WHARF_WEBHOOK_ALLOW_HOSTS" => {
                self.webhook_allow_hosts = value
                    .split(',')
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
                    .collect()
            }
            "WHARF_PUBLIC_URL" => self.public_url = optional(value),
            "WHARF_S3_BUCKET" => self.s3_bucket = optional(value),
            "WHARF_S3_ENDPOINT" => self.s3_endpoint = optional(value),
            "WHARF_S3_REGION" => self.s3_region = value.to_owned(),
            "WHARF_S3_ACCESS_KEY_ID" => self.s3_access_key_id = optional(value),
            "WHARF_S3_SECRET_ACCESS_KEY" => {
                self.s3_secret_access_key = optional(value).map(SecretString::from)
            }
            "WHARF_S3_PATH_STYLE" => self.s3_path_style = parse(key, value)?,
            "WHARF_MEDIA_PUBLIC_BASE_URL" => self.media_public_base_url = optional(value),
            "WHARF_MEDIA_MAX_BYTES" => self.media_max_bytes = parse(key, value)?,
            "WHARF_MAX_MULTIPART_BYTES" => self.max_multipart_bytes = parse(key, value)?,
            "WHARF_MEDIA_ALLOWED_TYPES" => {
                self.media_allowed_types = value
                    .split(',')
                    .map(|t| t.trim().to_ascii_lowercase())
                    .filter(|t| !t.is_empty())
                    .collect()
            }
            "WHARF_MEDIA_URL_TTL_SECS" => self.media_url_ttl_secs = parse(key, value)?,
            "WHARF_MEDIA_UPLOAD_TTL_SECS" => self.media_upload_ttl_secs = parse(key, value)?,
            "WHARF_CHECKER_TIMEOUT_MS" => self.checker_timeout_ms = parse(key, value)?,
            "WHARF_CHECKER_MAX_BODY_BYTES" => self.checker_max_body_bytes = parse(key, value)?,
            "WHARF_CHECKER_MAX_REDIRECTS" => self.checker_max_redirects = parse(key, value)?,
            "WHARF_CHECKER_USER_AGENT" => self.checker_user_agent = value.to_owned(),
            "WHARF_CHECKER_RECHECK_INTERVAL_SECS" => {
                self.checker_recheck_interval_secs = parse(key, value)?
            }
            "WHARF_CHECKER_RECHECK_JITTER_SECS" => {
                self.checker_recheck_jitter_secs = parse(key, value)?
            }
            "WHARF_CHECKER_FAILURES_BEFORE_BROKEN" => {
                self.checker_failures_before_broken = parse(key, value)?
            }
            "WHARF_CHECKER_POLL_MS" => self.checker_poll_ms = parse(key, value)?,
            "WHARF_CHECKER_MANUAL_COOLDOWN_SECS" => {
                self.checker_manual_cooldown_secs = parse(key, value)?
            }
            "WHARF_CHECKER_CONCURRENCY" => self.checker_concurrency = parse(key, value)?,
            "WHARF_CHECKER_ALLOW_HOSTS" => self.checker_allow_hosts = list(value),
            "WHARF_CHECKER_RESOLVE" => self.checker_resolve = list(value),
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
        if self.checker_failures_before_broken == 0 || self.checker_concurrency == 0 {
            bail!("checker_failures_before_broken and checker_concurrency must be at least 1");
        }
        if self.checker_timeout_ms == 0 || self.checker_recheck_interval_secs == 0 {
            bail!("checker_timeout_ms and checker_recheck_interval_secs must be positive");
        }
        crate::linkcheck::guard::Guard::new(&self.checker_allow_hosts, &self.checker_resolve)?;
        if let Some(url) = &self.database_url
            && !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
        {
            bail!("DATABASE_URL must start with sqlite: or postgres://");
        }
        self.validate_media()
    }

    fn validate_media(&self) -> anyhow::Result<()> {
        for (name, url) in [
            ("public_url", &self.public_url),
            ("s3_endpoint", &self.s3_endpoint),
            ("media_public_base_url", &self.media_public_base_url),
        ] {
            if let Some(url) = url {
                let parsed = url::Url::parse(url)
                    .with_context(|| format!("{name} is not a valid URL: {url:?}"))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    bail!("{name} must be an http or https URL");
                }
            }
        }
        if self.media_max_bytes == 0 {
            bail!("media_max_bytes must be positive");
        }
        if self.max_multipart_bytes <= self.media_max_bytes {
            bail!("max_multipart_bytes must be larger than media_max_bytes");
        }
        if self.media_url_ttl_secs == 0 || self.media_upload_ttl_secs == 0 {
            bail!("media URL lifetimes must be positive");
        }
        // SigV4 presigned URLs cannot live longer than seven days.
        if self.s3_bucket.is_some()
            && (self.media_url_ttl_secs > 604_800 || self.media_upload_ttl_secs > 604_800)
        {
            bail!("with S3, media URL lifetimes must be at most 604800 seconds (7 days)");
        }
        if self.s3_access_key_id.is_some() != self.s3_secret_access_key.is_some() {
            bail!("set both s3_access_key_id and s3_secret_access_key, or neither");
        }
        if self.media_allowed_types.is_empty() {
            bail!("media_allowed_types must list at least one type");
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

    /// Whether introspection is on: as configured, else only in development.
    pub fn introspection(&self) -> bool {
        self.graphql_introspection
            .unwrap_or(self.environment == Environment::Development)
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
        let s = Settings::load_from(
            None,
            &env(&[("WHARF_CHECKER_ALLOW_HOSTS", "127.0.0.1, 10.0.0.0/8")]),
        )?;
        assert_eq!(s.checker_allow_hosts, ["127.0.0.1", "10.0.0.0/8"]);
        Ok(())
    }

    #[test]
    fn unknown_and_invalid_settings_are_refused() {
        assert!(Settings::load_from(None, &env(&[("WHARF_PORTT", "1")])).is_err());
        assert!(Settings::load_from(None, &env(&[("WHARF_PORT", "x")])).is_err());
        assert!(Settings::load_from(None, &env(&[("WHARF_ENVIRONMENT", "production")])).is_err());
        assert!(Settings::load_from(None, &env(&[("WHARF_JWT_SECRET", "short")])).is_err());
        assert!(
            Settings::load_from(None, &env(&[("WHARF_CHECKER_ALLOW_HOSTS", "not-an-ip")])).is_err()
        );
        assert!(Settings::load_from(None, &env(&[("MEILI_URL", "localhost:7700")])).is_err());
        assert!(Settings::load_from(None, &env(&[("WHARF_MEILI_INDEX_PREFIX", "a b")])).is_err());
    }

    #[test]
    fn media_settings_are_parsed_and_checked() -> anyhow::Result<()> {
        let s = Settings::load_from(
            None,
            &env(&[
                ("WHARF_S3_BUCKET", "media"),
                ("WHARF_S3_ENDPOINT", "http://127.0.0.1:9000"),
                ("WHARF_S3_PATH_STYLE", "true"),
                ("WHARF_MEDIA_ALLOWED_TYPES", "image/png, Application/PDF"),
            ]),
        )?;
        assert_eq!(s.s3_bucket.as_deref(), Some("media"));
        assert!(s.s3_path_style);
        assert_eq!(s.media_allowed_types, ["image/png", "application/pdf"]);
        assert!(Settings::load_from(None, &env(&[("WHARF_S3_ENDPOINT", "ftp://x")])).is_err());
        assert!(
            Settings::load_from(None, &env(&[("WHARF_S3_ACCESS_KEY_ID", "only-the-key")])).is_err()
        );
        assert!(Settings::load_from(None, &env(&[("WHARF_MEDIA_MAX_BYTES", "0")])).is_err());
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
