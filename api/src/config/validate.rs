//! Checks of the settings, run once at start: a bad value stops Wharf with a message naming it.
use super::{Environment, Settings};
use anyhow::{Context, bail};

impl Settings {
    pub(super) fn validate(&self) -> anyhow::Result<()> {
        use secrecy::ExposeSecret;
        if self.max_page_size == 0 || self.max_page_size > 1000 {
            bail!("max_page_size must be between 1 and 1000");
        }
        if !(1..=50_000).contains(&self.sitemap_page_size) {
            bail!("sitemap_page_size must be from 1 to 50000 (the sitemaps.org limit)");
        }
        if self.render_budget_ms == 0 {
            bail!("render_budget_ms must be at least 1");
        }
        if self.ws_init_timeout_ms == 0 || self.ws_recheck_secs == 0 {
            bail!("ws_init_timeout_ms and ws_recheck_secs must be at least 1");
        }
        if self.max_article_body_bytes >= self.max_request_bytes {
            bail!("max_article_body_bytes must be smaller than max_request_bytes");
        }
        for origin in &self.cors_allowed_origins {
            check_origin(origin)?;
        }
        if self.inquiry_purge_poll_ms == 0 {
            bail!("inquiry_purge_poll_ms must be at least 1");
        }
        if self.inquiry_token_min_age_secs >= self.inquiry_token_max_age_secs {
            bail!("inquiry_token_min_age_secs must be below inquiry_token_max_age_secs");
        }
        if self.access_token_ttl_secs == 0 || self.refresh_token_ttl_secs == 0 {
            bail!("token lifetimes must be positive");
        }
        if let Some(secret) = &self.jwt_secret
            && secret.expose_secret().len() < 32
        {
            bail!("jwt_secret must be at least 32 bytes");
        }
        if let Some(token) = &self.metrics_token
            && token.expose_secret().len() < 16
        {
            bail!("metrics_token must be at least 16 bytes");
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
        crate::net::guard::Guard::new(&self.checker_allow_hosts, &self.checker_resolve)?;
        if let Some(url) = self.database_url.as_ref().map(ExposeSecret::expose_secret)
            && !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
        {
            bail!("DATABASE_URL must start with sqlite: or postgres://");
        }
        self.validate_media()?;
        self.validate_smtp()
    }

    /// SMTP: a sender that parses, credentials in pairs, and no clear text beyond this machine.
    fn validate_smtp(&self) -> anyhow::Result<()> {
        let Some(host) = self.smtp_host.as_deref() else {
            return Ok(());
        };
        let ip = host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok();
        if host.is_empty() || host.contains(['/', ' ']) || (host.contains(':') && !ip) {
            bail!("smtp_host must be a host name or an IP address, without a scheme or port");
        }
        let Some(from) = self.smtp_from.as_deref() else {
            bail!(
                "smtp_from is required with smtp_host (the sender, such as Wharf <inquiries@example.com>)"
            );
        };
        from.parse::<lettre::message::Mailbox>()
            .with_context(|| format!("smtp_from is not an e-mail address: {from:?}"))?;
        if self.smtp_username.is_some() != self.smtp_password.is_some() {
            bail!("set both smtp_username and smtp_password, or neither");
        }
        if self.smtp_tls == super::SmtpTls::None && !is_loopback(host) {
            bail!(
                "smtp_tls = none sends mail (and any password) in clear text: allowed only to a server on this machine (localhost, 127.0.0.1, ::1)"
            );
        }
        if self.smtp_timeout_secs == 0 {
            bail!("smtp_timeout_secs must be at least 1");
        }
        Ok(())
    }

    fn validate_images(&self) -> anyhow::Result<()> {
        if self.media_variant_widths.is_empty()
            || self
                .media_variant_widths
                .iter()
                .any(|w| !(16..=8192).contains(w))
        {
            bail!("media_variant_widths must list widths from 16 to 8192 pixels");
        }
        if self.media_variant_widths.len() > 16 {
            bail!("media_variant_widths may list at most 16 widths");
        }
        for format in &self.media_variant_formats {
            if !matches!(format.as_str(), "webp" | "avif" | "jpeg" | "png") {
                bail!("media_variant_formats: {format:?} is not one of webp, avif, jpeg, png");
            }
        }
        for (name, q) in [
            ("media_variant_quality", self.media_variant_quality),
            (
                "media_variant_avif_quality",
                self.media_variant_avif_quality,
            ),
        ] {
            if !(1..=100).contains(&q) {
                bail!("{name} must be from 1 to 100");
            }
        }
        if !(1..=10).contains(&self.media_variant_avif_speed) {
            bail!("media_variant_avif_speed must be from 1 to 10");
        }
        if self.media_image_max_pixels == 0
            || self.media_image_max_decode_bytes == 0
            || self.media_image_memory_bytes == 0
        {
            bail!(
                "media_image_max_pixels, media_image_max_decode_bytes and media_image_memory_bytes must be positive"
            );
        }
        if self.media_image_concurrency == 0 || self.media_variant_timeout_ms == 0 {
            bail!("media_image_concurrency and media_variant_timeout_ms must be positive");
        }
        Ok(())
    }

    pub(super) fn validate_media(&self) -> anyhow::Result<()> {
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
        if self.media_upload_abandon_after_secs <= self.media_upload_ttl_secs {
            bail!(
                "media_upload_abandon_after_secs must exceed media_upload_ttl_secs (an upload is swept only once its link has expired)"
            );
        }
        if self.media_upload_sweep_poll_ms == 0 {
            bail!("media_upload_sweep_poll_ms must be positive");
        }
        if self.s3_access_key_id.is_some() != self.s3_secret_access_key.is_some() {
            bail!("set both s3_access_key_id and s3_secret_access_key, or neither");
        }
        if self.media_allowed_types.is_empty() {
            bail!("media_allowed_types must list at least one type");
        }
        self.validate_images()?;
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
}

/// An entry of `cors_allowed_origins`: `*`, or an origin as browsers send it (`scheme://host`
/// or `scheme://host:port`, http or https, nothing after the host).
fn check_origin(origin: &str) -> anyhow::Result<()> {
    if origin == "*" {
        return Ok(());
    }
    let parsed = url::Url::parse(origin)
        .with_context(|| format!("cors_allowed_origins: {origin:?} is not an origin"))?;
    let serialized = parsed.origin().ascii_serialization();
    // A domain of letters, digits, dots and hyphens (the URL standard lets `*` through, which
    // would never match an Origin header: patterns are not supported), or an IP address.
    let plain_host = match parsed.host() {
        Some(url::Host::Domain(domain)) => domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-')),
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        None => false,
    };
    if !matches!(parsed.scheme(), "http" | "https") || !plain_host || serialized != origin {
        bail!(
            "cors_allowed_origins: {origin:?} is not an origin; write it as a browser sends it, \
             like {serialized:?} (http or https, lowercase, no path or trailing slash)"
        );
    }
    Ok(())
}

/// Whether `host` names this machine.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
