//! Tests of settings loading and validation.
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
fn cors_origins_are_origins_as_browsers_send_them() -> anyhow::Result<()> {
    let s = Settings::load_from(
        None,
        &env(&[(
            "WHARF_CORS_ALLOWED_ORIGINS",
            "https://shop.example.com, http://localhost:3000",
        )]),
    )?;
    assert_eq!(
        s.cors_allowed_origins,
        ["https://shop.example.com", "http://localhost:3000"]
    );
    let any = Settings::load_from(None, &env(&[("WHARF_CORS_ALLOWED_ORIGINS", "*")]))?;
    assert_eq!(any.cors_allowed_origins, ["*"]);
    for bad in [
        "shop.example.com",
        "https://shop.example.com/",
        "https://shop.example.com/path",
        "https://Shop.Example.com",
        "ftp://shop.example.com",
        "https://shop.example.com:443",
        "https://*.example.com",
        "null",
    ] {
        assert!(
            Settings::load_from(None, &env(&[("WHARF_CORS_ALLOWED_ORIGINS", bad)])).is_err(),
            "{bad} was accepted"
        );
    }
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
    // Uploads may only be swept once their link has expired.
    assert!(
        Settings::load_from(
            None,
            &env(&[
                ("WHARF_MEDIA_UPLOAD_TTL_SECS", "900"),
                ("WHARF_MEDIA_UPLOAD_ABANDON_AFTER_SECS", "600")
            ])
        )
        .is_err()
    );
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

#[test]
fn graphiql_and_metrics_settings_follow_the_environment() -> anyhow::Result<()> {
    let secret = ("WHARF_JWT_SECRET", "0123456789abcdef0123456789abcdef");
    let dev = Settings::load_from(None, &[])?;
    assert!(dev.graphiql_enabled());
    assert!(dev.metrics_token.is_none());
    let prod = Settings::load_from(None, &env(&[("WHARF_ENVIRONMENT", "production"), secret]))?;
    assert!(!prod.graphiql_enabled());
    let on = Settings::load_from(
        None,
        &env(&[
            ("WHARF_ENVIRONMENT", "production"),
            secret,
            ("WHARF_GRAPHIQL", "true"),
            ("WHARF_METRICS_TOKEN", "scrape-me-please-0123"),
        ]),
    )?;
    assert!(on.graphiql_enabled());
    assert!(on.metrics_token.is_some());
    assert!(Settings::load_from(None, &env(&[("WHARF_METRICS_TOKEN", "short")])).is_err());
    assert!(Settings::load_from(None, &env(&[("WHARF_GRAPHIQL", "maybe")])).is_err());
    Ok(())
}

#[test]
fn smtp_settings_are_checked_at_start() -> anyhow::Result<()> {
    let load = |pairs: &[(&str, &str)]| Settings::load_from(None, &env(pairs));
    let host = ("WHARF_SMTP_HOST", "smtp.example.com");
    let from = ("WHARF_SMTP_FROM", "Wharf <inquiries@example.com>");
    let s = load(&[
        host,
        from,
        ("WHARF_SMTP_USERNAME", "wharf"),
        ("WHARF_SMTP_PASSWORD", "pw"),
    ])?;
    assert_eq!((s.smtp_tls, s.smtp_port), (SmtpTls::Starttls, None));
    assert_eq!(s.smtp_tls.default_port(), 587);
    // The password is a secret: the settings' debug form never shows it.
    assert!(!format!("{s:?}").contains("\"pw\""));
    let s = load(&[
        host,
        from,
        ("WHARF_SMTP_TLS", "tls"),
        ("WHARF_SMTP_PORT", "2465"),
    ])?;
    assert_eq!((s.smtp_tls, s.smtp_port), (SmtpTls::Tls, Some(2465)));
    load(&[
        ("WHARF_SMTP_HOST", "127.0.0.1"),
        from,
        ("WHARF_SMTP_TLS", "none"),
    ])?;
    load(&[("WHARF_SMTP_HOST", "::1"), from, ("WHARF_SMTP_TLS", "none")])?;
    for bad in [
        vec![host],
        vec![host, ("WHARF_SMTP_FROM", "not an address")],
        vec![host, from, ("WHARF_SMTP_USERNAME", "wharf")],
        vec![host, from, ("WHARF_SMTP_TLS", "none")],
        vec![host, from, ("WHARF_SMTP_TLS", "ssl")],
        vec![host, from, ("WHARF_SMTP_TIMEOUT_SECS", "0")],
        vec![("WHARF_SMTP_HOST", "smtp://smtp.example.com:587"), from],
    ] {
        assert!(load(&bad).is_err(), "{bad:?} was accepted");
    }
    Ok(())
}
