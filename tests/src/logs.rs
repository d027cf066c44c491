//! What the servers under test log, as an operator would read it: `wharf::telemetry`'s own
//! subscriber (JSON lines) installed for the whole test process, writing to memory while at least
//! one [`Logs`] capture is alive and nowhere otherwise.
//!
//! The subscriber is process-wide (actix's workers and the jobs run on threads of their own), so
//! a capture also holds the lines of tests running beside it: look for strings only your test
//! uses. The filter is `debug` for every library and `trace` for Wharf, wider than a server's
//! default (`info`), so that what an operator may turn on for a bug hunt is covered too.
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

/// The capture filter (`RUST_LOG` syntax).
pub const FILTER: &str = "debug,wharf=trace";

static INSTALL: Once = Once::new();
static INSTALLED: Mutex<Option<bool>> = Mutex::new(None);
static CAPTURES: AtomicUsize = AtomicUsize::new(0);
static LINES: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// Where the subscriber writes: memory while a capture is alive.
struct Memory;

impl io::Write for Memory {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if CAPTURES.load(Ordering::SeqCst) > 0 {
            LINES
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Memory {
    type Writer = Memory;

    fn make_writer(&'a self) -> Self::Writer {
        Memory
    }
}

/// A capture of the log lines written from its start until it is dropped.
pub struct Logs {
    from: usize,
}

impl Logs {
    /// Starts capturing; fails when another subscriber was installed first (nothing would be
    /// captured, and a test looking for what is absent would pass for the wrong reason).
    pub fn capture() -> anyhow::Result<Self> {
        INSTALL.call_once(|| {
            let installed = wharf::telemetry::subscriber(
                wharf::config::LogFormat::Json,
                EnvFilter::new(FILTER),
                false,
                Memory,
            )
            .try_init()
            .is_ok();
            *INSTALLED.lock().unwrap_or_else(|p| p.into_inner()) = Some(installed);
        });
        anyhow::ensure!(
            *INSTALLED.lock().unwrap_or_else(|p| p.into_inner()) == Some(true),
            "another tracing subscriber is installed in this process: logs cannot be captured"
        );
        let lines = LINES.lock().unwrap_or_else(|p| p.into_inner());
        CAPTURES.fetch_add(1, Ordering::SeqCst);
        Ok(Self { from: lines.len() })
    }

    /// Everything logged since the capture started (by any test of the process).
    pub fn text(&self) -> String {
        let lines = LINES.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(lines.get(self.from..).unwrap_or_default()).into_owned()
    }
}

impl Drop for Logs {
    fn drop(&mut self) {
        // The last capture empties the buffer: nothing is kept for tests that do not look.
        let mut lines = LINES.lock().unwrap_or_else(|p| p.into_inner());
        if CAPTURES.fetch_sub(1, Ordering::SeqCst) == 1 {
            lines.clear();
        }
    }
}
