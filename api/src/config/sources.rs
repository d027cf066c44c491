//! Where settings come from, as figment providers: the optional TOML file and the environment.
//! Every value keeps its origin, so an error names the variable (`WHARF_PORT`) or the file and
//! its key, never the value of a secret.
use figment::error::{Actual, Kind};
use figment::providers::Serialized;
use figment::value::{Dict, Empty, Map, Tag, Value};
use figment::{Error, Metadata, Profile, Provider, Source};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Variables read although they are not `WHARF_*`: name, setting, rank. When two variables name
/// one setting the higher rank wins, and every `WHARF_*` name has rank 2.
const CONVENTIONAL: &[(&str, &str, u8)] = &[
    ("DATABASE_URL", "database_url", 1),
    ("MEILI_URL", "meili_url", 1),
    ("MEILI_API_KEY", "meili_api_key", 1),
    ("MEILI_MASTER_KEY", "meili_api_key", 0),
];

/// Settings whose values an error must not show.
const SECRETS: &[&str] = &[
    "database_url",
    "jwt_secret",
    "metrics_token",
    "s3_secret_access_key",
    "meili_api_key",
    "smtp_password",
];

/// The environment layer: `WHARF_` plus a setting's name in upper case, and the conventional
/// names above. `WHARF_CONFIG`, `WHARF_ADMIN_PASSWORD` and `WHARF_TEST_*` are read elsewhere;
/// any other `WHARF_*` name reaches the settings and is refused there as unknown.
pub(super) struct EnvVars {
    /// Setting → (the variable that set it, its value).
    vars: BTreeMap<String, (String, String)>,
}

impl EnvVars {
    pub(super) fn new(env: &[(String, String)]) -> Self {
        let mut ranked: Vec<(u8, String, &String, &String)> = env
            .iter()
            .filter_map(|(name, value)| {
                let (key, rank) = if let Some(&(_, key, rank)) =
                    CONVENTIONAL.iter().find(|(known, ..)| known == name)
                {
                    (key.to_owned(), rank)
                } else if let Some(rest) = name.strip_prefix("WHARF_")
                    && !matches!(name.as_str(), "WHARF_CONFIG" | "WHARF_ADMIN_PASSWORD")
                    && !name.starts_with("WHARF_TEST_")
                {
                    // Names are upper case: another spelling stays whole, to be refused by name.
                    match rest.bytes().any(|b| b.is_ascii_lowercase()) {
                        true => (name.clone(), 2),
                        false => (rest.to_ascii_lowercase(), 2),
                    }
                } else {
                    return None;
                };
                Some((rank, key, name, value))
            })
            .collect();
        ranked.sort_by_key(|(rank, ..)| *rank);
        let vars = ranked
            .into_iter()
            .map(|(_, key, name, value)| (key, (name.clone(), value.clone())))
            .collect();
        Self { vars }
    }
}

impl Provider for EnvVars {
    fn metadata(&self) -> Metadata {
        let names: BTreeMap<String, String> = (self.vars.iter())
            .map(|(key, (name, _))| (key.clone(), name.clone()))
            .collect();
        Metadata::named("the environment").interpolater(move |_: &Profile, path: &[&str]| {
            (path.first().and_then(|key| names.get(*key)).cloned())
                .unwrap_or_else(|| path.join("."))
        })
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        let dict = (self.vars.iter())
            .map(|(key, (_, value))| {
                // Kept as text (numbers and booleans are read as the setting's type asks, so a
                // bucket named `2024` stays text); a blank variable unsets an optional setting.
                let value = match value.trim().is_empty() {
                    true => Value::Empty(Tag::Default, Empty::None),
                    false => Value::from(value.clone()),
                };
                (key.clone(), value)
            })
            .collect();
        Ok(Profile::Default.collect(dict))
    }
}

/// The file layer: a TOML table with the settings' names in lower case.
pub(super) struct TomlFile {
    path: PathBuf,
    table: toml::Table,
}

impl TomlFile {
    pub(super) fn read(path: &Path) -> anyhow::Result<Self> {
        use anyhow::Context;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading settings file {}", path.display()))?;
        // The message and line only: toml's own report quotes the line, which may hold a secret.
        let table = toml::from_str(&text).map_err(|e| {
            let before = e
                .span()
                .and_then(|at| text.get(..at.start))
                .unwrap_or_default();
            let line = before.matches('\n').count() + 1;
            let message = e.message().trim();
            anyhow::anyhow!(
                "parsing settings file {}, line {line}: {message}",
                path.display()
            )
        })?;
        Ok(Self {
            path: path.to_owned(),
            table,
        })
    }
}

impl Provider for TomlFile {
    fn metadata(&self) -> Metadata {
        Metadata::from("settings file", Source::File(self.path.clone()))
            .interpolater(|_: &Profile, path: &[&str]| path.join("."))
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        Serialized::defaults(&self.table).data()
    }
}

/// One line for a settings error: the variable, or the file and key, then what was expected.
pub(super) fn explain(error: Error) -> anyhow::Error {
    let key = match &error.metadata {
        Some(md) => md.interpolate(
            error.profile.as_ref().unwrap_or(&Profile::Default),
            &error.path,
        ),
        None => error.path.join("."),
    };
    let place = match error.metadata.as_ref().and_then(|md| md.source.as_ref()) {
        Some(Source::File(path)) => format!(" in {}", path.display()),
        _ => String::new(),
    };
    let secret = (error.path.first()).is_some_and(|key| SECRETS.contains(&key.as_str()));
    match &error.kind {
        Kind::UnknownField(..) => {
            anyhow::anyhow!("unknown setting {key}{place}; see the settings table in README.md")
        }
        Kind::UnknownVariant(found, variants) => {
            let variants = variants.join(" or ");
            anyhow::anyhow!("{key}{place} must be {variants}, not {found:?}")
        }
        Kind::InvalidType(Actual::Option, _) => {
            anyhow::anyhow!("{key}{place} is blank: give it a value, or leave it out")
        }
        Kind::InvalidType(_, expected) | Kind::InvalidValue(_, expected) if secret => {
            anyhow::anyhow!("{key}{place} is not valid: expected {expected}")
        }
        kind => anyhow::anyhow!("{key}{place} is not valid: {kind}"),
    }
}

/// A list of whole numbers: an array in the file (numbers or text), comma-separated text in
/// the environment.
pub(super) fn number_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(
        untagged,
        expecting = "a list of whole numbers, or comma-separated text"
    )]
    enum Either {
        Items(Vec<u32>),
        Texts(Vec<String>),
        Text(String),
    }
    let texts: Vec<String> = match Option::<Either>::deserialize(d)? {
        None => return Ok(Vec::new()),
        Some(Either::Items(items)) => return Ok(items),
        Some(Either::Texts(items)) => items,
        Some(Either::Text(text)) => text.split(',').map(str::to_owned).collect(),
    };
    texts
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<u32>()
                .map_err(|_| serde::de::Error::custom(format!("{t:?} is not a whole number")))
        })
        .collect()
}

/// A list setting: an array in the file, comma-separated text in the environment; items are
/// trimmed and blank ones dropped, and a blank variable is the empty list.
pub(super) fn list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged, expecting = "a list, or comma-separated text")]
    enum List {
        Items(Vec<String>),
        Text(String),
    }
    let items = match Option::<List>::deserialize(d)? {
        None => Vec::new(),
        Some(List::Items(items)) => items,
        Some(List::Text(text)) => text.split(',').map(str::to_owned).collect(),
    };
    Ok(items
        .into_iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect())
}
