//! A Meilisearch server run by the test itself, from the real binary (`MEILI_BIN`, else
//! `../shared/bin/meilisearch` beside the repository), on its own loopback port and database
//! folder, so a test may stop and restart it. Without the binary the test is skipped with a
//! loud line; `WHARF_TEST_REQUIRE=meilisearch` turns that skip into a failure.
use crate::{loud, required};
use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::{Duration, Instant};

/// The master key of test-run servers.
pub const MASTER_KEY: &str = "wharf-test-master-key-0123456789";

static SKIP: Once = Once::new();

/// The Meilisearch binary, or `None` when there is none (skipped loudly; a failure when
/// `WHARF_TEST_REQUIRE` lists `meilisearch`).
pub fn meili_bin() -> Result<Option<PathBuf>> {
    let path = match std::env::var("MEILI_BIN").ok().filter(|v| !v.is_empty()) {
        Some(path) => PathBuf::from(path),
        // tests/ → the repository → its parent, where `shared/` sits.
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/bin/meilisearch"),
    };
    if path.is_file() {
        return Ok(Some(path));
    }
    if required("meilisearch") {
        bail!(
            "WHARF_TEST_REQUIRE lists meilisearch but there is no Meilisearch binary at {} (set MEILI_BIN)",
            path.display()
        );
    }
    SKIP.call_once(|| {
        loud(&format!("\n!!!!!!!! SKIPPED: the tests that start their own Meilisearch (no binary at {}; set MEILI_BIN) !!!!!!!!\n", path.display()));
    });
    Ok(None)
}

/// A running (or stopped) Meilisearch process; killed when dropped.
pub struct MeiliServer {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl MeiliServer {
    /// Starts a server on a free loopback port with a fresh database folder, or `None` when
    /// there is no binary (see [`meili_bin`]).
    pub async fn start() -> Result<Option<Self>> {
        let Some(bin) = meili_bin()? else {
            return Ok(None);
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut server = Self {
            bin,
            dir: tempfile::tempdir()?,
            port,
            child: None,
        };
        server.restart().await?;
        Ok(Some(server))
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Kills the process (as a crash would) and waits for it to exit.
    pub fn stop(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }

    /// Starts the process again on the same port and database folder; returns once it answers
    /// its health check.
    pub async fn restart(&mut self) -> Result<()> {
        self.stop()?;
        let log = std::fs::File::create(self.dir.path().join("meilisearch.log"))?;
        let child = Command::new(&self.bin)
            .arg("--db-path")
            .arg(self.dir.path().join("db"))
            .arg("--http-addr")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--master-key")
            .arg(MASTER_KEY)
            .arg("--no-analytics")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", self.bin.display()))?;
        self.child = Some(child);
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let health = client
                .get(format!("{}/health", self.url()))
                .timeout(Duration::from_secs(1))
                .send()
                .await;
            if matches!(health, Ok(ref r) if r.status().is_success()) {
                return Ok(());
            }
            if let Some(child) = self.child.as_mut()
                && let Some(status) = child.try_wait()?
            {
                let log = std::fs::read_to_string(self.dir.path().join("meilisearch.log"))
                    .unwrap_or_default();
                bail!("meilisearch exited with {status}: {log}");
            }
            if Instant::now() > deadline {
                bail!("meilisearch did not answer /health within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for MeiliServer {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}
