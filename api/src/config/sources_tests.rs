//! Tests of where settings come from: the defaults, the file, the environment over the file,
//! README.md's settings table against the code, errors that name their source, and secrets.
use super::*;
use figment::error::Kind;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

/// The rows of README.md's settings table: the variable names of a row, and its default.
fn readme_rows() -> Vec<(Vec<&'static str>, &'static str)> {
    let readme = include_str!("../../../README.md");
    let section = readme.split("\n## Settings\n").nth(1).unwrap_or_default();
    let section = section.split("\n## ").next().unwrap_or_default();
    section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let names = cells[1].split('`').skip(1).step_by(2).collect();
            (names, cells[2])
        })
        .collect()
}

fn debug(settings: &Settings) -> String {
    format!("{settings:?}")
}

#[test]
fn every_readme_variable_is_recognized_and_its_plain_default_is_the_default() {
    let rows = readme_rows();
    assert!(rows.len() > 60, "no settings table in README.md");
    let defaults = debug(&Settings::default());
    let mut drift = Vec::new();
    for (names, default) in rows {
        // A default written as one plain value (`8080`, `true`, `us-east-1`) must be the default;
        // a placeholder (`$WHARF_DATA_DIR/…`, `<version>`, `HOST:PORT`) is not plain.
        let plain = (default.strip_prefix('`').and_then(|d| d.strip_suffix('`')))
            .filter(|d| !d.contains(['`', '$', '<', '…']) && !d.contains(char::is_uppercase));
        for name in names {
            let value = plain.unwrap_or("x");
            match Settings::load_from(None, &env(&[(name, value)])) {
                Ok(loaded) if plain.is_some() && debug(&loaded) != defaults => drift.push(format!(
                    "{name}={value}, the README's default, is not the default"
                )),
                Err(e) if plain.is_some() || e.to_string().starts_with("unknown setting") => {
                    drift.push(format!("{name}={value}: {e}"))
                }
                _ => {}
            }
        }
    }
    assert!(
        drift.is_empty(),
        "README.md and the code differ:\n{}",
        drift.join("\n")
    );
}

#[test]
fn every_setting_is_in_the_readme() {
    let unknown = sources::EnvVars::new(&env(&[("WHARF_NOT_A_SETTING", "1")]));
    let fields = match figment::Figment::from(unknown).extract::<Settings>() {
        Err(e) => match e.kind {
            Kind::UnknownField(_, fields) => fields,
            other => panic!("expected an unknown field, got {other}"),
        },
        Ok(_) => panic!("WHARF_NOT_A_SETTING was accepted"),
    };
    assert!(fields.len() > 60);
    let documented: Vec<&str> = readme_rows().into_iter().flat_map(|r| r.0).collect();
    let missing: Vec<String> = (fields.iter())
        .map(|field| format!("WHARF_{}", field.to_ascii_uppercase()))
        .filter(|name| !documented.contains(&name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "missing from README.md's settings table: {missing:?}"
    );
}

#[test]
fn defaults_apply_when_nothing_is_set() -> anyhow::Result<()> {
    let s = Settings::load_from(None, &[])?;
    assert_eq!(debug(&s), debug(&Settings::default()));
    assert_eq!((s.host.as_str(), s.port), ("127.0.0.1", 8080));
    Ok(())
}

fn settings_file(text: &str) -> anyhow::Result<(tempfile::TempDir, PathBuf)> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("wharf.toml");
    std::fs::write(&path, text)?;
    Ok((dir, path))
}

const FILE: &str = r#"
port = 9001
allow_registration = false
s3_bucket = "media"
media_allowed_types = ["Image/PNG", " application/pdf "]
checker_allow_hosts = ["127.0.0.1"]
"#;

#[test]
fn the_file_sets_settings_by_their_lower_case_names() -> anyhow::Result<()> {
    let (_dir, path) = settings_file(FILE)?;
    let s = Settings::load_from(Some(&path), &[])?;
    assert_eq!(s.port, 9001);
    assert!(!s.allow_registration);
    assert_eq!(s.s3_bucket.as_deref(), Some("media"));
    assert_eq!(s.media_allowed_types, ["image/png", "application/pdf"]);
    assert_eq!(s.checker_allow_hosts, ["127.0.0.1"]);
    assert_eq!(
        s.host, "127.0.0.1",
        "what the file leaves out keeps its default"
    );
    Ok(())
}

#[test]
fn the_environment_overrides_the_file() -> anyhow::Result<()> {
    let (_dir, path) = settings_file(FILE)?;
    let s = Settings::load_from(
        Some(&path),
        &env(&[
            ("WHARF_PORT", "9002"),
            ("WHARF_S3_BUCKET", " "),
            ("WHARF_CHECKER_ALLOW_HOSTS", ""),
        ]),
    )?;
    assert_eq!(s.port, 9002);
    assert_eq!(
        s.s3_bucket, None,
        "a blank variable unsets the file's value"
    );
    assert!(s.checker_allow_hosts.is_empty());
    assert!(
        !s.allow_registration,
        "what the environment leaves out comes from the file"
    );
    Ok(())
}

fn error(file: Option<&Path>, pairs: &[(&str, &str)]) -> String {
    match Settings::load_from(file, &env(pairs)) {
        Ok(_) => panic!("{pairs:?} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_bad_value_names_its_variable_or_its_file_and_key() -> anyhow::Result<()> {
    let message = error(None, &[("WHARF_PORT", "abc")]);
    assert!(message.starts_with("WHARF_PORT is not valid:"), "{message}");
    assert!(message.contains("expected u16"), "{message}");
    let message = error(None, &[("WHARF_ENVIRONMENT", "prod")]);
    assert_eq!(
        message,
        "WHARF_ENVIRONMENT must be development or production, not \"prod\""
    );
    let message = error(None, &[("DATABASE_URL", " "), ("WHARF_HOST", "")]);
    assert!(message.starts_with("WHARF_HOST is blank"), "{message}");
    let (_dir, path) = settings_file("port = \"abc\"\n")?;
    let message = error(Some(&path), &[]);
    let place = format!("port in {} is not valid:", path.display());
    assert!(message.starts_with(&place), "{message}");
    assert!(message.contains("expected u16"), "{message}");
    Ok(())
}

#[test]
fn unknown_variables_and_file_keys_are_refused_by_name() -> anyhow::Result<()> {
    let message = error(None, &[("WHARF_PORTT", "1")]);
    assert_eq!(
        message,
        "unknown setting WHARF_PORTT; see the settings table in README.md"
    );
    let message = error(None, &[("WHARF_port", "1")]);
    assert!(
        message.starts_with("unknown setting WHARF_port;"),
        "{message}"
    );
    let (_dir, path) = settings_file("portt = 1\n")?;
    let message = error(Some(&path), &[]);
    let expected = format!("unknown setting portt in {};", path.display());
    assert!(message.starts_with(&expected), "{message}");
    // Read elsewhere, or not Wharf's.
    Settings::load_from(
        None,
        &env(&[
            ("WHARF_CONFIG", "elsewhere.toml"),
            ("WHARF_ADMIN_PASSWORD", "x"),
            ("WHARF_TEST_DATABASE_URL", "x"),
            ("wharf_port", "x"),
            ("PATH", "/bin"),
        ]),
    )?;
    Ok(())
}

#[test]
fn wharf_names_win_over_the_conventional_ones() -> anyhow::Result<()> {
    let pg = "postgres://h/wharf";
    for pairs in [
        [
            ("WHARF_DATABASE_URL", pg),
            ("DATABASE_URL", "postgres://h/other"),
        ],
        [
            ("DATABASE_URL", "postgres://h/other"),
            ("WHARF_DATABASE_URL", pg),
        ],
    ] {
        assert_eq!(
            Settings::load_from(None, &env(&pairs))?.effective_database_url(),
            pg
        );
    }
    let key = |pairs: &[(&str, &str)]| -> anyhow::Result<String> {
        let s = Settings::load_from(None, &env(pairs))?;
        Ok(s.meili_api_key
            .map(|k| k.expose_secret().to_owned())
            .unwrap_or_default())
    };
    assert_eq!(key(&[("MEILI_MASTER_KEY", "m")])?, "m");
    assert_eq!(
        key(&[("MEILI_API_KEY", "a"), ("MEILI_MASTER_KEY", "m")])?,
        "a"
    );
    assert_eq!(
        key(&[("WHARF_MEILI_API_KEY", "w"), ("MEILI_API_KEY", "a")])?,
        "w"
    );
    let s = Settings::load_from(None, &env(&[("MEILI_URL", "http://127.0.0.1:7700")]))?;
    assert_eq!(s.meili_url.as_deref(), Some("http://127.0.0.1:7700"));
    Ok(())
}

#[test]
fn a_numeric_looking_value_of_a_text_setting_stays_text() -> anyhow::Result<()> {
    let s = Settings::load_from(
        None,
        &env(&[
            ("WHARF_S3_BUCKET", "2024"),
            ("WHARF_S3_ACCESS_KEY_ID", "0123"),
            ("WHARF_S3_SECRET_ACCESS_KEY", "4567"),
            ("WHARF_METRICS_TOKEN", "1234567890123456"),
            ("WHARF_AUTO_MIGRATE", "false"),
        ]),
    )?;
    assert_eq!(s.s3_bucket.as_deref(), Some("2024"));
    assert_eq!(s.s3_access_key_id.as_deref(), Some("0123"));
    assert!(!s.auto_migrate);
    Ok(())
}

#[test]
fn secrets_never_show_in_debug_output_or_errors() -> anyhow::Result<()> {
    let s = Settings::load_from(
        None,
        &env(&[
            (
                "WHARF_DATABASE_URL",
                "postgres://wharf:pg-password-1@db/wharf",
            ),
            ("WHARF_JWT_SECRET", "jwt-secret-0123456789abcdef012345"),
            ("WHARF_METRICS_TOKEN", "metrics-token-0123456789"),
            ("WHARF_S3_ACCESS_KEY_ID", "AKIAEXAMPLE"),
            ("WHARF_S3_SECRET_ACCESS_KEY", "s3-secret-key-0123"),
            ("MEILI_MASTER_KEY", "meili-key-0123"),
        ]),
    )?;
    let shown = debug(&s);
    for secret in [
        "pg-password",
        "jwt-secret",
        "metrics-token",
        "s3-secret",
        "meili-key",
    ] {
        assert!(!shown.contains(secret), "{secret} shows in {shown}");
    }
    let (_dir, path) = settings_file("jwt_secret = 987654321\n")?;
    let message = error(Some(&path), &[]);
    assert!(message.starts_with("jwt_secret in"), "{message}");
    assert!(!message.contains("987654321"), "{message}");
    let (_dir, path) = settings_file("port = 1\njwt_secret = unquoted-secret\n")?;
    let message = error(Some(&path), &[]);
    assert!(message.contains("line 2"), "{message}");
    assert!(!message.contains("unquoted-secret"), "{message}");
    Ok(())
}
