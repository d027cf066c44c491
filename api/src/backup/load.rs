//! `wharf restore`: check the backup, then fill an empty database and media store from it.
use super::dump::applied_level;
use super::{FORMAT, Fingerprint, MANIFEST, Manifest, file_digest, known_migrations, tables};
use crate::services::media::disposition::content_disposition;
use crate::storage::{ServedAs, Storage, valid_key};
use anyhow::{Context, Result, anyhow, bail};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use sha2::{Digest, Sha256};
use std::io::BufRead;
use std::path::Path;

/// Tables of the server's own scheduling state, not data: a server started on the target
/// before the restore (its first run writes them) does not make the database "hold other
/// rows"; the backup's rows replace them.
const RUNTIME_STATE: &[&str] = &["job_claims"];

/// What a restore did.
#[derive(Debug, Default)]
pub struct RestoreReport {
    /// Tables filled now.
    pub tables_loaded: usize,
    /// Tables that already held the backup's rows (an earlier, interrupted run).
    pub tables_skipped: usize,
    /// Rows inserted now.
    pub rows: u64,
    /// Objects stored now.
    pub objects_stored: usize,
    /// Objects already in the store.
    pub objects_skipped: usize,
    /// Every table read back equal to the backup (byte for byte in the backup's encoding).
    pub verified: bool,
}

/// Reads and checks the backup in `src`: a format and migration level this binary knows, and
/// every file present with the size and SHA-256 the manifest gives.
pub fn verify(src: &Path) -> Result<Manifest> {
    let path = src.join(MANIFEST);
    let text = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a Wharf backup manifest", path.display()))?;
    if manifest.format > FORMAT {
        bail!(
            "the backup is in format {} of Wharf {}; this Wharf ({}) reads format {FORMAT} and older",
            manifest.format,
            manifest.wharf_version,
            env!("CARGO_PKG_VERSION")
        );
    }
    if !known_migrations().contains(&manifest.migration) {
        bail!(
            "the backup's data is at migration {} of Wharf {}, which this Wharf ({}) does not know: restore it with that version or newer",
            manifest.migration,
            manifest.wharf_version,
            env!("CARGO_PKG_VERSION")
        );
    }
    let files = manifest
        .tables
        .iter()
        .map(|t| (&t.file, t.bytes, &t.sha256))
        .chain(
            manifest
                .objects
                .iter()
                .map(|o| (&o.file, o.bytes, &o.sha256)),
        );
    for (file, bytes, sha256) in files {
        if file.split('/').any(|part| part == ".." || part.is_empty()) || file.starts_with('/') {
            bail!("the manifest names a file outside the backup: {file}");
        }
        let (size, digest) = file_digest(&src.join(file))?;
        if size != bytes || &digest != sha256 {
            bail!("{file} does not match the manifest (size or SHA-256): the backup is damaged");
        }
    }
    for object in &manifest.objects {
        if !valid_key(&object.key) {
            bail!("the manifest names an invalid object key {:?}", object.key);
        }
    }
    Ok(manifest)
}

/// Restores the backup in `src` into `db` and `storage` (see the module's documentation).
pub async fn restore(
    src: &Path,
    db: &DatabaseConnection,
    storage: &Storage,
) -> Result<RestoreReport> {
    let manifest = verify(src)?;
    let known = known_migrations();
    let backup_level = known
        .iter()
        .position(|m| *m == manifest.migration)
        .ok_or_else(|| anyhow!("unknown migration {}", manifest.migration))?;
    let applied = match applied_level(db).await? {
        None => 0,
        Some(level) => {
            known.iter().position(|m| *m == level).ok_or_else(|| {
                anyhow!("the database is at migration {level}, which this Wharf does not know")
            })? + 1
        }
    };
    let mut report = RestoreReport::default();
    if applied > backup_level + 1 {
        // Already past the backup's level: only a complete earlier restore of it is accepted.
        for table in &manifest.tables {
            if tables::count_table(&table.name, db).await? != table.rows {
                bail!(
                    "the database is migrated past the backup's level ({}) and does not hold it: restore into an empty database",
                    manifest.migration
                );
            }
            report.tables_skipped += 1;
        }
    } else {
        let steps = backup_level + 1 - applied;
        if steps > 0 {
            Migrator::up(db, Some(u32::try_from(steps)?))
                .await
                .context("bringing the database to the backup's migration level")?;
        }
        let mut counts = Vec::new();
        for table in &manifest.tables {
            let n = tables::count_table(&table.name, db).await?;
            if n != 0 && n != table.rows && !RUNTIME_STATE.contains(&table.name.as_str()) {
                bail!(
                    "table {} holds {n} rows, the backup {}: restore into an empty database (a restore run again skips only tables it completed)",
                    table.name,
                    table.rows
                );
            }
            counts.push(n);
        }
        for (table, existing) in manifest.tables.iter().zip(counts) {
            if existing == table.rows {
                if table.rows > 0 {
                    report.tables_skipped += 1;
                }
                continue;
            }
            let file = std::fs::File::open(src.join(&table.file))?;
            let lines = std::io::BufReader::new(file).lines();
            let txn = crate::services::begin_write(db).await?;
            if existing > 0 {
                // Only a table of runtime state gets here with rows (checked above).
                tables::clear_table(&table.name, &txn).await?;
            }
            let n = tables::load_table(&table.name, &txn, &table.columns, lines)
                .await
                .with_context(|| format!("restoring {}", table.name))?;
            txn.commit().await?;
            report.tables_loaded += 1;
            report.rows += n;
        }
        if db.get_database_backend() == DbBackend::Postgres {
            // The outbox's IDs come from a sequence; the restored rows brought their own.
            db.execute_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT setval(pg_get_serial_sequence('outbox', 'id'), COALESCE((SELECT MAX(id) FROM outbox), 0) + 1, false)",
            ))
            .await?;
        }
        Migrator::up(db, None)
            .await
            .context("migrating the restored data to this version")?;
    }
    // Read back as a backup would write it, each table must give the backup's own file (when
    // no later migration has changed the data meanwhile).
    if backup_level + 1 == known.len() {
        for table in &manifest.tables {
            let mut fingerprint = Fingerprint::default();
            tables::dump_table(&table.name, db, &mut fingerprint).await?;
            if fingerprint.finish() != (table.bytes, table.sha256.clone()) {
                bail!(
                    "table {} differs from the backup after the restore",
                    table.name
                );
            }
        }
        report.verified = true;
    }
    for object in &manifest.objects {
        if storage
            .head(&object.key)
            .await
            .with_context(|| format!("looking for {} in the store", object.key))?
            .is_some_and(|info| info.size == object.bytes)
        {
            report.objects_skipped += 1;
            continue;
        }
        let bytes = std::fs::read(src.join(&object.file))?;
        let disposition = content_disposition(&object.content_type, &object.filename);
        let served = ServedAs {
            content_type: Some(&object.content_type),
            content_disposition: disposition.as_deref(),
        };
        storage
            .put(&object.key, bytes.into(), served)
            .await
            .with_context(|| format!("storing {}", object.key))?;
        report.objects_stored += 1;
    }
    for object in &manifest.objects {
        let stored = storage
            .get(&object.key)
            .await
            .with_context(|| format!("reading {} back from the store", object.key))?;
        if hex::encode(Sha256::digest(&stored)) != object.sha256 {
            bail!("the stored object {} differs from the backup's", object.key);
        }
    }
    Ok(report)
}
