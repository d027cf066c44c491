//! The commands: `wharf backup DEST`, `wharf restore SRC`, `wharf transfer --to-… `.
use super::{MANIFEST, Manifest, RestoreReport, backup, restore, verify};
use crate::config::Settings;
use crate::search::SearchEngine;
use crate::serve_lock::ServeLock;
use crate::storage::Storage;
use anyhow::{Context, Result, bail};
use secrecy::SecretString;
use std::path::{Path, PathBuf};

/// The media store of `settings`, for copying objects (no links are signed here).
fn open_storage(settings: &Settings) -> Result<Storage> {
    let base = settings.public_url.as_deref().unwrap_or("http://localhost");
    Storage::open(settings, base, b"backups and transfers sign no links")
}

/// `wharf backup DEST`.
pub async fn backup_command(settings: &Settings, dest: &Path) -> Result<Manifest> {
    let db = crate::db::connect(settings).await?;
    let storage = open_storage(settings)?;
    backup(&db, &storage, dest).await
}

/// `wharf restore SRC`: restores, then rebuilds the search index; returns what it did and how
/// many articles were indexed.
pub async fn restore_command(settings: &Settings, src: &Path) -> Result<(RestoreReport, u64)> {
    // Checked before anything is touched.
    verify(src)?;
    let engine = SearchEngine::from_settings(settings)?;
    // The embedded index has one writer, and a server writing meanwhile would be overwritten.
    let _lock = match engine {
        SearchEngine::Embedded(_) => Some(ServeLock::for_command(&settings.data_dir)?),
        _ => None,
    };
    let db = crate::db::connect(settings).await?;
    let storage = open_storage(settings)?;
    let report = restore(src, &db, &storage).await?;
    let indexed = crate::services::search::reindex(&db, &engine, 500)
        .await
        .context("rebuilding the search index")?;
    Ok((report, indexed))
}

/// Where `wharf transfer` moves the running configuration to. Unset parts stay as they are.
#[derive(Default, Clone)]
pub struct TransferTo {
    /// The new database's URL.
    pub database: Option<String>,
    /// A data folder for the new stack (its embedded index and local media when those stay).
    pub data_dir: Option<PathBuf>,
    /// S3 bucket for media.
    pub s3_bucket: Option<String>,
    /// S3 access key (the current one when absent).
    pub s3_access_key_id: Option<String>,
    /// S3 secret key (the current one when absent).
    pub s3_secret_access_key: Option<SecretString>,
    /// S3 endpoint (S3-compatible stores).
    pub s3_endpoint: Option<String>,
    /// S3 region.
    pub s3_region: Option<String>,
    /// Path-style S3 URLs.
    pub s3_path_style: bool,
    /// Meilisearch URL.
    pub meili_url: Option<String>,
    /// Meilisearch API key.
    pub meili_api_key: Option<SecretString>,
    /// The backup folder the data goes through; an existing one is resumed from.
    pub via: Option<PathBuf>,
}

impl TransferTo {
    /// The target's settings: the current ones with the given parts replaced.
    pub fn settings(&self, current: &Settings) -> Result<Settings> {
        let mut to = current.clone();
        if let Some(url) = &self.database {
            to.database_url = Some(SecretString::from(url.clone()));
        }
        if let Some(dir) = &self.data_dir {
            to.data_dir = dir.clone();
            if self.database.is_none() && current.database_url.is_none() {
                bail!(
                    "--to-data-dir without --to-database would leave the data in the old folder's SQLite file"
                );
            }
        }
        if let Some(bucket) = &self.s3_bucket {
            to.s3_bucket = Some(bucket.clone());
            to.s3_endpoint = self.s3_endpoint.clone();
            if let Some(region) = &self.s3_region {
                to.s3_region = region.clone();
            }
            to.s3_path_style = self.s3_path_style;
            if let Some(key) = &self.s3_access_key_id {
                to.s3_access_key_id = Some(key.clone());
            }
            if let Some(secret) = &self.s3_secret_access_key {
                to.s3_secret_access_key = Some(secret.clone());
            }
        }
        if let Some(url) = &self.meili_url {
            to.meili_url = Some(url.clone());
            to.meili_api_key = self.meili_api_key.clone();
        }
        let same_db = to.effective_database_url() == current.effective_database_url();
        let same_media = to.s3_bucket == current.s3_bucket
            && to.s3_endpoint == current.s3_endpoint
            && (to.s3_bucket.is_some() || to.data_dir == current.data_dir);
        if same_db && same_media && to.meili_url == current.meili_url {
            bail!(
                "nothing to transfer: give at least one of --to-database, --to-s3-bucket, --to-meili-url"
            );
        }
        if same_db {
            bail!(
                "the target database is the current one: a transfer fills a new, empty database (--to-database)"
            );
        }
        Ok(to)
    }
}

/// What `wharf transfer` did.
pub struct TransferReport {
    /// The backup the data went through.
    pub via: PathBuf,
    /// Whether it was made now (or resumed from).
    pub made_now: bool,
    /// The backup's manifest.
    pub manifest: Manifest,
    /// The restore's report.
    pub restored: RestoreReport,
    /// Articles indexed on the target.
    pub indexed: u64,
}

/// `wharf transfer`: a backup of the running configuration restored into the target (see
/// [`TransferTo`]); run again with the same `--via` after an interruption, it resumes.
pub async fn transfer_command(current: &Settings, to: &TransferTo) -> Result<TransferReport> {
    let target = to.settings(current)?;
    let via = match &to.via {
        Some(via) => via.clone(),
        None => current.data_dir.join(format!(
            "transfer-{}",
            crate::services::now().format("%Y%m%dT%H%M%S")
        )),
    };
    let made_now = !via.join(MANIFEST).exists();
    let manifest = if made_now {
        backup_command(current, &via).await?
    } else {
        verify(&via)?
    };
    let (restored, indexed) = restore_command(&target, &via).await?;
    Ok(TransferReport {
        via,
        made_now,
        manifest,
        restored,
        indexed,
    })
}
