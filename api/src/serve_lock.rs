//! Tells command-line tools that a server runs on a data folder with the embedded search index.
//!
//! Only one process may write an embedded (tantivy) index: the server opens its writer at its
//! first index write and keeps it, and `wharf reindex` in another process would fail with
//! tantivy's "LockBusy", or, before the server's first write, rebuild the index behind the
//! server's back (whose searches would not see it). The server holds an OS lock on
//! `{data_dir}/search.lock` for as long as it runs (released by the OS even when the process
//! dies), and the command checks it first and says what to do instead.
use anyhow::Context;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// The lock held by a running server; released when dropped.
#[derive(Debug)]
pub struct ServeLock {
    _file: File,
}

/// What to say when the embedded index is in use by a running server.
pub const IN_USE: &str = "the embedded search index is in use by a running Wharf server on this data folder. Rebuild it through the server instead, as a global admin: `mutation { reindexSearch }` (POST it to /graphql with your access token), or stop the server and run `wharf reindex` again";

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("search.lock")
}

fn open(data_dir: &Path) -> anyhow::Result<File> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data folder {}", data_dir.display()))?;
    let path = path(data_dir);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))
}

impl ServeLock {
    /// Takes the lock for a server. `None` when another process holds it (a second server on
    /// the same folder, or a `wharf reindex` running): the server still starts, and its index
    /// writes wait in the outbox until the other process lets the index go.
    pub fn acquire(data_dir: &Path) -> anyhow::Result<Option<Self>> {
        let file = open(data_dir)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Self { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(err)) => {
                Err(err).with_context(|| format!("locking {}", path(data_dir).display()))
            }
        }
    }

    /// For a command that writes the embedded index: holds the lock while it runs, or refuses
    /// with [`IN_USE`] when a server holds it.
    pub fn for_command(data_dir: &Path) -> anyhow::Result<Self> {
        Self::acquire(data_dir)?.ok_or_else(|| anyhow::anyhow!(IN_USE))
    }
}
