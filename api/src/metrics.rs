//! Prometheus metrics at `/metrics`: GraphQL operations (count by outcome, latency histogram),
//! HTTP responses by status class, the database pool, statements run, outbox backlog and lag,
//! and link-check outcomes.
//!
//! Recorded through the `metrics` facade into metrics-exporter-prometheus's recorder, installed
//! once per process, which writes the page (text format 0.0.4). Recording takes no lock that
//! workers share: counters are atomics, latencies go into a lock-free bucket that the exporter
//! folds into the histogram when it renders (and every few seconds, so nothing piles up between
//! scrapes), and each thread keeps the handles of the operation names it has met.
use metrics::{Counter, Histogram, counter, describe_counter, describe_gauge, describe_histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::{OnceLock, PoisonError, RwLock};
use std::time::Duration;

const OPERATIONS: &str = "wharf_graphql_operations_total";
const OPERATION_SECONDS: &str = "wharf_graphql_operation_seconds";
const HTTP: &str = "wharf_http_responses_total";
const CHECKS: &str = "wharf_link_checks_total";
const STATEMENTS: &str = "wharf_db_statements_total";
const POOL: &str = "wharf_db_pool_connections";
const OUTBOX_PENDING: &str = "wharf_outbox_pending";
const OUTBOX_LAG: &str = "wharf_outbox_lag_seconds";
const VARIANTS_MADE: &str = "wharf_media_variants_made_total";

/// Latency buckets in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];
/// Distinct operation names tracked; later ones are counted as `other` (names are chosen by
/// clients, so their number must be bounded).
const MAX_OPERATIONS: usize = 200;
/// Status classes by the status's first digit (statuses are 100–999).
const CLASSES: [&str; 10] = [
    "0xx", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx", "7xx", "8xx", "9xx",
];
/// Link-check outcomes, all on the page from the start.
const CHECK_OUTCOMES: [&str; 3] = ["live", "not_live", "error"];
/// How often latencies recorded since the last scrape are folded into the histograms.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The process's recorder and the handles every thread shares.
struct Recorder {
    handle: PrometheusHandle,
    /// By status class; a class is on the page once it has been answered.
    http: [OnceLock<Counter>; 10],
    checks: [Counter; 3],
    /// Operation names given a series so far, at most [`MAX_OPERATIONS`]. Read only when a
    /// thread meets a name it has no handles for.
    operations: RwLock<HashSet<String>>,
}

/// One operation name's series.
struct Operation {
    ok: Counter,
    error: Counter,
    seconds: Histogram,
}

thread_local! {
    /// This thread's handles by operation name (admitted names only, so at most
    /// [`MAX_OPERATIONS`] + 1 with `other`).
    static OPERATION_HANDLES: RefCell<HashMap<String, Operation>> = RefCell::default();
}

static RECORDER: OnceLock<Option<Recorder>> = OnceLock::new();

/// The installed recorder; `None` when another one holds the `metrics` facade.
fn recorder() -> Option<&'static Recorder> {
    RECORDER.get_or_init(install).as_ref()
}

fn install() -> Option<Recorder> {
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(OPERATION_SECONDS.into()), &BUCKETS)
        .inspect_err(|err| tracing::error!(%err, "metrics: bad histogram buckets"))
        .ok()?
        .build_recorder();
    let handle = recorder.handle();
    if let Err(err) = metrics::set_global_recorder(recorder) {
        tracing::error!(%err, "metrics: another recorder is installed; /metrics stays empty");
        return None;
    }
    describe_counter!(OPERATIONS, "GraphQL operations by name and outcome.");
    describe_histogram!(OPERATION_SECONDS, "GraphQL operation latency.");
    describe_counter!(HTTP, "HTTP responses by status class.");
    describe_counter!(CHECKS, "Link checks by outcome.");
    let upkeep = handle.clone();
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                upkeep.run_upkeep();
            }
        });
    if let Err(err) = spawned {
        tracing::warn!(%err, "metrics: no upkeep thread; latencies are folded in at each scrape only");
    }
    Some(Recorder {
        handle,
        http: Default::default(),
        checks: CHECK_OUTCOMES.map(|outcome| counter!(CHECKS, "outcome" => outcome)),
        operations: RwLock::default(),
    })
}

impl Recorder {
    /// Whether `name` has (or now gets) series of its own.
    fn admit(&self, name: &str) -> bool {
        {
            let names = self
                .operations
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if names.contains(name) {
                return true;
            }
            if names.len() >= MAX_OPERATIONS {
                return false;
            }
        }
        let mut names = self
            .operations
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if names.len() >= MAX_OPERATIONS && !names.contains(name) {
            return false;
        }
        names.insert(name.to_owned());
        true
    }
}

impl Operation {
    fn new(name: &str) -> Self {
        let name = name.to_owned();
        Self {
            ok: counter!(OPERATIONS, "operation" => name.clone(), "outcome" => "ok"),
            error: counter!(OPERATIONS, "operation" => name.clone(), "outcome" => "error"),
            seconds: metrics::histogram!(OPERATION_SECONDS, "operation" => name),
        }
    }
}

/// A safe label value: letters, digits and `_`, at most 64 characters.
fn label(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect();
    if clean.is_empty() {
        "anonymous".into()
    } else {
        clean
    }
}

/// Records one GraphQL operation.
pub fn observe_operation(name: Option<&str>, ok: bool, seconds: f64) {
    let Some(recorder) = recorder() else { return };
    let name = label(name.unwrap_or_default());
    OPERATION_HANDLES.with_borrow_mut(|handles| {
        let key = if handles.contains_key(&name) || recorder.admit(&name) {
            name
        } else {
            "other".to_owned()
        };
        let op = handles
            .entry(key)
            .or_insert_with_key(|name| Operation::new(name));
        (if ok { &op.ok } else { &op.error }).increment(1);
        op.seconds.record(seconds);
    });
}

/// Records an HTTP response status.
pub fn observe_http(status: u16) {
    let Some(recorder) = recorder() else { return };
    let class = usize::from(status / 100);
    if let (Some(cell), Some(name)) = (recorder.http.get(class), CLASSES.get(class)) {
        cell.get_or_init(|| counter!(HTTP, "class" => *name))
            .increment(1);
    }
}

/// Records a link check's outcome: `live`, `not_live` or `error`.
pub fn observe_check(outcome: &'static str) {
    let Some(recorder) = recorder() else { return };
    if let Some((_, counter)) = CHECK_OUTCOMES
        .iter()
        .zip(&recorder.checks)
        .find(|(known, _)| **known == outcome)
    {
        counter.increment(1);
    }
}

/// Values read at scrape time.
pub struct Gauges {
    /// Connections in the pool, and how many are idle.
    pub pool: Option<(u32, usize)>,
    /// Statements run since start.
    pub statements: u64,
    /// Outbox rows not done, and the age of the oldest in seconds.
    pub outbox: Option<(u64, i64)>,
    /// Image variants this instance has made (not read from the store) since start.
    pub variants_made: u64,
}

/// The Prometheus text exposition: what was recorded, then the values read for this scrape
/// (through a recorder of their own, so a value that could not be read is absent, not stale).
pub fn render(g: &Gauges) -> String {
    let Some(recorder) = recorder() else {
        return String::new();
    };
    let mut page = recorder.handle.render();
    let now = PrometheusBuilder::new().build_recorder();
    metrics::with_local_recorder(&now, || {
        describe_counter!(STATEMENTS, "SQL statements run.");
        counter!(STATEMENTS).absolute(g.statements);
        describe_counter!(
            VARIANTS_MADE,
            "Image variants made (decoded, resized, encoded)."
        );
        counter!(VARIANTS_MADE).absolute(g.variants_made);
        if let Some((size, idle)) = g.pool {
            describe_gauge!(POOL, "Database pool connections.");
            metrics::gauge!(POOL, "state" => "open").set(size);
            metrics::gauge!(POOL, "state" => "idle").set(idle as f64);
        }
        if let Some((pending, lag)) = g.outbox {
            describe_gauge!(OUTBOX_PENDING, "Outbox rows not yet done.");
            metrics::gauge!(OUTBOX_PENDING).set(pending as f64);
            describe_gauge!(OUTBOX_LAG, "Age of the oldest outbox row not yet done.");
            metrics::gauge!(OUTBOX_LAG).set(lag as f64);
        }
    });
    page.push_str(&now.handle().render());
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_bounded_and_clean() {
        assert_eq!(label("GetArticles"), "GetArticles");
        assert_eq!(label("a\"}b{"), "ab");
        assert_eq!(label(""), "anonymous");
        assert_eq!(label(&"x".repeat(100)).len(), 64);
    }

    #[test]
    fn operation_names_past_the_bound_are_counted_as_other() {
        for i in 0..MAX_OPERATIONS + 50 {
            observe_operation(Some(&format!("Bounded{i}")), true, 0.002);
        }
        let page = render(&Gauges {
            pool: None,
            statements: 7,
            outbox: None,
            variants_made: 0,
        });
        let names: HashSet<&str> = page
            .lines()
            .filter(|l| l.starts_with("wharf_graphql_operations_total{"))
            .filter_map(|l| l.split('"').nth(1))
            .collect();
        assert!(names.len() <= MAX_OPERATIONS + 1, "{} names", names.len());
        assert!(names.contains("other"), "{page}");
        assert!(page.contains("wharf_db_statements_total 7"), "{page}");
        assert!(
            !page.contains("wharf_outbox_pending"),
            "read values only: {page}"
        );
    }
}
