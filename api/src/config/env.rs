//! Reading settings from `WHARF_*` environment variables (and the conventional `DATABASE_URL`
//! and `MEILI_*`).
use super::{Environment, LogFormat, Settings};
use anyhow::bail;
use secrecy::SecretString;
use std::path::PathBuf;

impl Settings {
    pub(super) fn apply_env(&mut self, key: &str, value: &str) -> anyhow::Result<()> {
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
            "WHARF_GRAPHIQL" => self.graphiql = Some(parse(key, value)?),
            "WHARF_METRICS_TOKEN" => self.metrics_token = optional(value).map(SecretString::from),
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
            "WHARF_RENDER_BUDGET_MS" => self.render_budget_ms = parse(key, value)?,
            "WHARF_WS_MAX_CONNECTIONS_PER_IP" => {
                self.ws_max_connections_per_ip = parse(key, value)?
            }
            "WHARF_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION" => {
                self.ws_max_subscriptions_per_connection = parse(key, value)?
            }
            "WHARF_WS_MAX_SUBSCRIPTIONS_PER_IP" => {
                self.ws_max_subscriptions_per_ip = parse(key, value)?
            }
            "WHARF_WS_INIT_TIMEOUT_MS" => self.ws_init_timeout_ms = parse(key, value)?,
            "WHARF_WS_RECHECK_SECS" => self.ws_recheck_secs = parse(key, value)?,
            "WHARF_MEDIA_UPLOAD_ABANDON_AFTER_SECS" => {
                self.media_upload_abandon_after_secs = parse(key, value)?
            }
            "WHARF_MEDIA_UPLOAD_SWEEP_POLL_MS" => {
                self.media_upload_sweep_poll_ms = parse(key, value)?
            }
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
}
