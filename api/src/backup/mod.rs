//! Backups of a whole Wharf (`wharf backup`, `wharf restore`) and moving it to another stack
//! (`wharf transfer`).
//!
//! A backup is a folder in a format of Wharf's own, the same from SQLite and from PostgreSQL:
//! - `manifest.json`: the format, Wharf's version, the migration level of the data, when and
//!   from which database it was made, and for every table its columns, row count, file and
//!   SHA-256, and for every stored object its key, size and SHA-256;
//! - `tables/NAME.jsonl`: the rows of each table, one JSON array per line ([`value`]);
//! - `media/KEY`: the stored objects of media and uploads, byte for byte.
//!
//! The tables are read in one read-only transaction (PostgreSQL: `REPEATABLE READ`; SQLite: one
//! read transaction on its WAL), so the snapshot is consistent while the server keeps serving.
//! Objects are copied after the snapshot: they are never changed once stored, only deleted
//! (through the outbox) after their row; one whose row was deleted meanwhile is left out and
//! named in the manifest's `objects_gone`.
//!
//! A restore checks the manifest first (format, version and migration level not newer than this
//! binary's; every file's size and SHA-256), then brings an empty database to the backup's
//! migration level, inserts every table (one transaction per table, parents first), migrates
//! on to this version's level, and puts the objects. Interrupted, it is run again: a table that
//! already holds exactly the backup's rows and an object already stored with the backup's size
//! are skipped; a table holding anything else is refused.
mod commands;
mod dump;
mod load;
pub mod tables;
pub mod value;

pub use commands::{TransferReport, TransferTo, backup_command, restore_command, transfer_command};
pub use dump::backup;
pub use load::{RestoreReport, restore, verify};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// The version of the folder layout and row encoding; a restore refuses a newer one.
pub const FORMAT: u32 = 1;
/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";

/// What a backup holds.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`] of the Wharf that wrote it.
    pub format: u32,
    /// The version of the Wharf that wrote it.
    pub wharf_version: String,
    /// The last migration applied to the data (its name).
    pub migration: String,
    /// When the snapshot was taken.
    pub created_at: DateTime<Utc>,
    /// `sqlite` or `postgres`.
    pub source: String,
    /// Every table, in restore order.
    pub tables: Vec<TableEntry>,
    /// Every stored object.
    pub objects: Vec<ObjectEntry>,
    /// Objects whose rows were deleted after the snapshot, before they were copied.
    #[serde(default)]
    pub objects_gone: Vec<String>,
}

/// One table in a backup.
#[derive(Debug, Serialize, Deserialize)]
pub struct TableEntry {
    /// The table.
    pub name: String,
    /// Its columns, in the order each row lists its values.
    pub columns: Vec<String>,
    /// Rows.
    pub rows: u64,
    /// The file, relative to the backup folder.
    pub file: String,
    /// The file's size.
    pub bytes: u64,
    /// The file's SHA-256, hex.
    pub sha256: String,
}

/// One stored object in a backup.
#[derive(Debug, Serialize, Deserialize)]
pub struct ObjectEntry {
    /// Its key in the media store.
    pub key: String,
    /// The file, relative to the backup folder.
    pub file: String,
    /// Size.
    pub bytes: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// The `Content-Type` it is served with.
    pub content_type: String,
    /// The file name it is downloaded as.
    pub filename: String,
}

/// Size and SHA-256 (hex) of a file.
pub fn file_digest(path: &Path) -> Result<(u64, String)> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((total, hex::encode(hasher.finalize())))
}

/// A writer that keeps only the size and SHA-256 of what it is given: a table dumped into it
/// gives the figures its backup file has when the rows are the same.
#[derive(Default)]
pub struct Fingerprint {
    hasher: Sha256,
    bytes: u64,
}

impl Fingerprint {
    /// Size and SHA-256 (hex) so far.
    pub fn finish(self) -> (u64, String) {
        (self.bytes, hex::encode(self.hasher.finalize()))
    }
}

impl std::io::Write for Fingerprint {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.hasher.update(buf);
        self.bytes += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The names of the migrations this binary knows, in order.
pub fn known_migrations() -> Vec<String> {
    use migration::MigratorTrait;
    migration::Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}
