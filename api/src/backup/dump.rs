//! `wharf backup`: a consistent snapshot of the tables, then the objects.
use super::{FORMAT, MANIFEST, Manifest, ObjectEntry, TableEntry, file_digest, tables};
use crate::storage::{Storage, StorageError, valid_key};
use anyhow::{Context, Result, anyhow, bail};
use entities::{media, media_upload};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, IsolationLevel,
    QuerySelect, Statement, TransactionTrait,
};
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes a backup of `db` and `storage` into `dest`, a folder that must not exist yet or be
/// empty; returns its manifest.
pub async fn backup(db: &DatabaseConnection, storage: &Storage, dest: &Path) -> Result<Manifest> {
    if dest.exists() && std::fs::read_dir(dest)?.next().is_some() {
        bail!(
            "{} is not empty: a backup goes into a new folder",
            dest.display()
        );
    }
    std::fs::create_dir_all(dest.join("tables"))
        .with_context(|| format!("creating {}", dest.display()))?;
    let backend = db.get_database_backend();
    // One snapshot for every table.
    let txn = match backend {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    };
    let migration = applied_level(&txn)
        .await?
        .ok_or_else(|| anyhow!("the database has no Wharf tables (run `wharf migrate` first)"))?;
    let created_at = crate::services::now();
    let mut entries = Vec::new();
    for table in tables::all() {
        let file = format!("tables/{}.jsonl", table.name);
        let path = dest.join(&file);
        let mut out = BufWriter::new(
            std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?,
        );
        let rows = tables::dump_table(table.name, &txn, &mut out)
            .await
            .with_context(|| format!("reading {}", table.name))?;
        out.flush()?;
        drop(out);
        let (bytes, sha256) = file_digest(&path)?;
        entries.push(TableEntry {
            name: table.name.to_owned(),
            columns: (table.columns)(),
            rows,
            file,
            bytes,
            sha256,
        });
    }
    let mut stored: Vec<(String, String, String)> = media::Entity::find()
        .select_only()
        .columns([
            media::Column::StorageKey,
            media::Column::ContentType,
            media::Column::Filename,
        ])
        .into_tuple()
        .all(&txn)
        .await?;
    let uploads: Vec<(String, String, String)> = media_upload::Entity::find()
        .select_only()
        .columns([
            media_upload::Column::StorageKey,
            media_upload::Column::ContentType,
            media_upload::Column::Filename,
        ])
        .into_tuple()
        .all(&txn)
        .await?;
    let upload_keys: std::collections::HashSet<String> =
        uploads.iter().map(|(k, _, _)| k.clone()).collect();
    stored.extend(uploads);
    txn.commit().await?;

    let mut objects = Vec::new();
    let mut objects_gone = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (key, content_type, filename) in stored {
        if !seen.insert(key.clone()) {
            continue;
        }
        if !valid_key(&key) {
            bail!("a stored object has the key {key:?}, which is not a valid key");
        }
        let bytes = match storage.get(&key).await {
            Ok(bytes) => bytes,
            Err(StorageError::NotFound) => {
                // An upload not sent yet has no object; a media row deleted since the snapshot
                // has lost its object to the outbox. Anything else is a store missing data.
                if upload_keys.contains(&key) || !still_stored(db, &key).await? {
                    objects_gone.push(key);
                    continue;
                }
                bail!("the media object {key} is missing from the store");
            }
            Err(err) => return Err(anyhow!("reading media object {key}: {err}")),
        };
        let file = format!("media/{key}");
        let path = dest.join(&file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
        let (size, sha256) = file_digest(&path)?;
        objects.push(ObjectEntry {
            key,
            file,
            bytes: size,
            sha256,
            content_type,
            filename,
        });
    }
    let manifest = Manifest {
        format: FORMAT,
        wharf_version: env!("CARGO_PKG_VERSION").to_owned(),
        migration,
        created_at,
        source: match backend {
            DbBackend::Postgres => "postgres",
            _ => "sqlite",
        }
        .to_owned(),
        tables: entries,
        objects,
        objects_gone,
    };
    std::fs::write(dest.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    Ok(manifest)
}

/// Whether a media row still names `key`.
async fn still_stored(db: &DatabaseConnection, key: &str) -> Result<bool> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    Ok(media::Entity::find()
        .filter(media::Column::StorageKey.eq(key))
        .count(db)
        .await?
        > 0)
}

/// The last migration applied to `db`, `None` when it has none.
pub(super) async fn applied_level(db: &impl ConnectionTrait) -> Result<Option<String>> {
    let backend = db.get_database_backend();
    let exists = match backend {
        DbBackend::Postgres => "SELECT to_regclass('seaql_migrations') IS NOT NULL AS present",
        _ => {
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations') AS present"
        }
    };
    let present = db
        .query_one_raw(Statement::from_string(backend, exists))
        .await?
        .map(|row| row.try_get::<bool>("", "present"))
        .transpose()?
        .unwrap_or(false);
    if !present {
        return Ok(None);
    }
    let last = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations ORDER BY version DESC LIMIT 1",
        ))
        .await?;
    Ok(last
        .map(|row| row.try_get::<String>("", "version"))
        .transpose()?)
}
