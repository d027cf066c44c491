//! Typed settings: defaults, then an optional TOML file, then environment variables, layered
//! by figment (`sources.rs` has the two providers).
//!
//! The file is `$WHARF_CONFIG` when set, else `./wharf.toml` when it exists. Every environment
//! variable is `WHARF_` plus the field name in upper case (`WHARF_PORT`), except that the
//! conventional `DATABASE_URL`, `MEILI_URL`, `MEILI_API_KEY` and `MEILI_MASTER_KEY` are read as
//! well. Settings are validated once, at start.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Whether Wharf runs for development or in production; production turns on stricter checks.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Local work: GraphiQL, introspection and `/metrics` open, secrets may be generated.
    Development,
    /// A deployment: secrets must be configured; GraphiQL, introspection and field suggestions
    /// are off, `/metrics` needs its token.
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

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// A plain connection upgraded with STARTTLS (port 587); a server that cannot is refused.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No TLS: only to a server on this machine (port 25).
    None,
}

impl SmtpTls {
    /// The usual port of the mode.
    pub fn default_port(self) -> u16 {
        match self {
            Self::Starttls => 587,
            Self::Tls => 465,
            Self::None => 25,
        }
    }
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
    /// Secret, as it may carry a password.
    pub database_url: Option<SecretString>,
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
    /// Longest one article body may take to render (markdown → sanitized HTML, off the request
    /// workers), in milliseconds; past it the read answers `TIMEOUT` instead of holding a thread.
    pub render_budget_ms: u64,
    /// Open WebSocket connections allowed from one client address (0: unlimited).
    pub ws_max_connections_per_ip: u32,
    /// Running subscriptions allowed on one WebSocket connection (0: unlimited).
    pub ws_max_subscriptions_per_connection: u32,
    /// Running subscriptions allowed from one client address over all its connections
    /// (0: unlimited).
    pub ws_max_subscriptions_per_ip: u32,
    /// How long a new WebSocket may stay without `connection_init`, in milliseconds; then it
    /// is closed with 4408.
    pub ws_init_timeout_ms: u64,
    /// How often an open WebSocket's credentials are checked again, in seconds (a revoked token
    /// or a signed-out user's socket is closed with 4403 within this time; an access token's
    /// socket is closed when the token expires, whatever this is).
    pub ws_recheck_secs: u64,
    /// Deepest GraphQL selection accepted.
    pub graphql_max_depth: usize,
    /// Highest GraphQL complexity accepted (lists count `first` times their fields).
    pub graphql_max_complexity: usize,
    /// Largest `first` on a list; larger values are refused.
    pub max_page_size: u64,
    /// Whether the GraphQL schema may be introspected (GraphiQL needs it). Unset: on in
    /// development, off in production.
    pub graphql_introspection: Option<bool>,
    /// Whether `GET /graphql` without a query leads to the API explorer (`/studio/explorer`).
    /// Unset: on in development, off in production.
    pub graphiql: Option<bool>,
    /// Development only: serve Wharf Studio's files from this folder (`api/studio`) instead of
    /// the copy built into the binary, to edit them without rebuilding. Ignored in production.
    pub studio_dir: Option<String>,
    /// Bearer token that `/metrics` requires (`Authorization: Bearer …`), at least 16 bytes.
    /// Unset: `/metrics` is open in development and answers 404 in production.
    pub metrics_token: Option<SecretString>,
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
    /// Most URLs in one page of `/sitemap.xml` (1 to 50,000, the sitemaps.org limit); a site
    /// with more gets a sitemap index listing its pages.
    pub sitemap_page_size: u64,
    /// Networks (IPs or CIDRs) webhook deliveries may reach although they are private or
    /// loopback; cloud metadata addresses stay refused. Env: comma-separated.
    #[serde(deserialize_with = "sources::list")]
    pub webhook_allow_hosts: Vec<String>,
    /// Origins whose pages may call the API from a browser (`https://shop.example.com`), or `*`
    /// for any; empty: no CORS headers (pages must reach `/graphql` on their own origin).
    /// Credentials are bearer tokens, never cookies, so a page of an allowed origin can do only
    /// what its own tokens allow. Env: comma-separated.
    #[serde(deserialize_with = "sources::list")]
    pub cors_allowed_origins: Vec<String>,
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
    #[serde(deserialize_with = "sources::list")]
    pub media_allowed_types: Vec<String>,
    /// Lifetime of signed media download URLs, in seconds.
    pub media_url_ttl_secs: u64,
    /// Lifetime of signed upload URLs (`createUploadUrl`), in seconds.
    pub media_upload_ttl_secs: u64,
    /// Age (from `createUploadUrl`) at which a direct upload is swept: its `incoming/` object
    /// and its record are deleted, confirmed or not (a confirmed file keeps its final copy). Must
    /// exceed `media_upload_ttl_secs`, so only uploads whose link has expired are swept.
    pub media_upload_abandon_after_secs: u64,
    /// How often each instance looks for uploads to sweep, in milliseconds.
    pub media_upload_sweep_poll_ms: u64,
    /// Widths of image variants, in pixels (`Media.url(width:)` snaps to the nearest; an
    /// image narrower than one is never enlarged). Comma-separated in the environment.
    #[serde(deserialize_with = "sources::number_list")]
    pub media_variant_widths: Vec<u32>,
    /// Formats of image variants besides the original's own: `webp`, `avif`, `jpeg`, `png`.
    #[serde(deserialize_with = "sources::list")]
    pub media_variant_formats: Vec<String>,
    /// Quality of lossy JPEG and WebP variants, 1-100.
    pub media_variant_quality: u8,
    /// Quality of AVIF variants, 1-100 (AVIF looks as good as JPEG at a lower figure).
    pub media_variant_avif_quality: u8,
    /// Speed of the AVIF encoder, 1 (smallest files, slowest) to 10 (fastest).
    pub media_variant_avif_speed: u8,
    /// Most pixels (width × height) of an image Wharf decodes; larger images get no variants
    /// and no placeholders (a decompression bomb is refused from its header, before decoding).
    pub media_image_max_pixels: u64,
    /// Most memory one image decode may allocate, in bytes.
    pub media_image_max_decode_bytes: u64,
    /// Images decoded at once by this instance (uploads' placeholders and variants).
    pub media_image_concurrency: usize,
    /// Memory the images decoded at once by this instance may hold together, in bytes (each
    /// decode weighed from its header before it starts; one larger than this runs alone).
    pub media_image_memory_bytes: u64,
    /// Longest time a request waits for one variant to be made, in milliseconds.
    pub media_variant_timeout_ms: u64,
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
    #[serde(deserialize_with = "sources::list")]
    pub checker_allow_hosts: Vec<String>,
    /// Static name resolutions for the checker, `host=ip:port` (like curl `--resolve`); the
    /// addresses are vetted like DNS answers. Env: comma-separated.
    #[serde(deserialize_with = "sources::list")]
    pub checker_resolve: Vec<String>,
    /// Meilisearch server URL (`MEILI_URL`); when set, search goes there instead of the
    /// embedded index under `data_dir/search`.
    pub meili_url: Option<String>,
    /// Meilisearch API key (`MEILI_API_KEY` or `MEILI_MASTER_KEY`); never logged.
    pub meili_api_key: Option<SecretString>,
    /// Least age of an inquiry form token, in seconds: a submission sooner after fetching the
    /// form than a person can type is stored as spam (`token_too_young`).
    pub inquiry_token_min_age_secs: u64,
    /// Greatest age of an inquiry form token, in seconds (`token_too_old` past it).
    pub inquiry_token_max_age_secs: u64,
    /// Most links (`http://`, `https://`, `www.`) an inquiry's name, company and message may
    /// hold together before it is stored as spam (`too_many_links`).
    pub inquiry_max_links: u32,
    /// Inquiries per hour from one IP address to one site before more are stored as spam
    /// (`rate_limit_ip`); 0: no limit.
    pub inquiry_ip_per_hour: u32,
    /// Inquiries per hour from one email to one site before more are stored as spam
    /// (`rate_limit_email`); 0: no limit.
    pub inquiry_email_per_hour: u32,
    /// Window in which the same email sending the same message again is a duplicate, stored as
    /// spam (`duplicate`), in seconds; 0: no duplicate check.
    pub inquiry_duplicate_window_secs: u64,
    /// Days after their last change at which closed and spam inquiries are erased by the
    /// retention purge; 0 keeps them forever.
    pub inquiry_retention_days: u32,
    /// How often the inquiry retention purge runs, in milliseconds: once per period over all
    /// instances, by the one that claims the run.
    pub inquiry_purge_poll_ms: u64,
    /// SMTP server that e-mails each new inquiry to the members of its site
    /// (`smtp.example.com`); empty: no e-mail.
    pub smtp_host: Option<String>,
    /// Its port; empty: 587 with `starttls`, 465 with `tls`, 25 with `none`.
    pub smtp_port: Option<u16>,
    /// How the SMTP connection is secured: `starttls` (a plain connection upgraded to TLS; a
    /// server that cannot is refused), `tls` (TLS from the start) or `none` (only to a server on
    /// this machine, such as a local relay).
    pub smtp_tls: SmtpTls,
    /// SMTP user name, with `smtp_password`; both empty: no authentication.
    pub smtp_username: Option<String>,
    /// SMTP password; never logged.
    pub smtp_password: Option<SecretString>,
    /// The sender of the e-mails (`Wharf <inquiries@example.com>`); required with `smtp_host`.
    pub smtp_from: Option<String>,
    /// How long one SMTP conversation may take, in seconds.
    pub smtp_timeout_secs: u64,
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
            render_budget_ms: 2_000,
            ws_max_connections_per_ip: 32,
            ws_max_subscriptions_per_connection: 32,
            ws_max_subscriptions_per_ip: 256,
            ws_init_timeout_ms: 10_000,
            ws_recheck_secs: 30,
            graphql_max_depth: 12,
            graphql_max_complexity: 20_000,
            max_page_size: 100,
            graphql_introspection: None,
            graphiql: None,
            studio_dir: None,
            metrics_token: None,
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
            sitemap_page_size: 50_000,
            webhook_allow_hosts: Vec::new(),
            cors_allowed_origins: Vec::new(),
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
            media_upload_abandon_after_secs: 24 * 3600,
            media_upload_sweep_poll_ms: 60_000,
            media_variant_widths: vec![320, 640, 960, 1280, 1920],
            media_variant_formats: ["webp", "avif", "jpeg", "png"]
                .iter()
                .map(|f| (*f).to_owned())
                .collect(),
            media_variant_quality: 80,
            media_variant_avif_quality: 60,
            media_variant_avif_speed: 8,
            media_image_max_pixels: 40_000_000,
            media_image_max_decode_bytes: 512 * 1024 * 1024,
            media_image_concurrency: 2,
            media_image_memory_bytes: 96 * 1024 * 1024,
            media_variant_timeout_ms: 30_000,
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
            inquiry_token_min_age_secs: 3,
            inquiry_token_max_age_secs: 24 * 3600,
            inquiry_max_links: 2,
            inquiry_ip_per_hour: 10,
            inquiry_email_per_hour: 5,
            inquiry_duplicate_window_secs: 600,
            inquiry_retention_days: 0,
            inquiry_purge_poll_ms: 3_600_000,
            smtp_host: None,
            smtp_port: None,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: None,
            smtp_password: None,
            smtp_from: None,
            smtp_timeout_secs: 10,
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
    /// The defaults are `Settings::default()`, through `#[serde(default)]`.
    pub fn load_from(file: Option<&Path>, env: &[(String, String)]) -> anyhow::Result<Self> {
        let default_file = Path::new("wharf.toml");
        let file = file.or_else(|| default_file.exists().then_some(default_file));
        let mut layers = figment::Figment::new();
        if let Some(path) = file {
            layers = layers.merge(sources::TomlFile::read(path)?);
        }
        // Lossy: text from the environment is read as the number or boolean the field asks for.
        let mut settings: Self = (layers.merge(sources::EnvVars::new(env)))
            .extract_lossy()
            .map_err(sources::explain)?;
        for media_type in &mut settings.media_allowed_types {
            media_type.make_ascii_lowercase();
        }
        for format in &mut settings.media_variant_formats {
            format.make_ascii_lowercase();
        }
        settings.media_variant_widths.sort_unstable();
        settings.media_variant_widths.dedup();
        settings.meili_index_prefix = settings.meili_index_prefix.trim().to_owned();
        settings.validate()?;
        Ok(settings)
    }

    /// Whether introspection is on: as configured, else only in development.
    pub fn introspection(&self) -> bool {
        self.graphql_introspection
            .unwrap_or(self.environment == Environment::Development)
    }

    /// Whether GraphiQL is served: as configured, else only in development.
    pub fn graphiql_enabled(&self) -> bool {
        self.graphiql
            .unwrap_or(self.environment == Environment::Development)
    }

    /// The database URL in use: the configured one, or the SQLite file under `data_dir`.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose_secret().to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("wharf.db").display()
            ),
        }
    }
}

mod sources;
#[cfg(test)]
mod sources_tests;
#[cfg(test)]
mod tests;
mod validate;
