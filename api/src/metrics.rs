//! Prometheus metrics at `/metrics`: GraphQL operations (count by outcome, latency histogram),
//! HTTP responses by status class, the database pool, statements run, outbox backlog and lag,
//! and link-check outcomes.
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{LazyLock, Mutex};

/// Latency buckets in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];
/// Distinct operation names tracked; later ones are counted as `other` (names are chosen by
/// clients, so their number must be bounded).
const MAX_OPERATIONS: usize = 200;

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Registry {
    operations: HashMap<String, (u64, u64, Histogram)>,
    http: HashMap<u16, u64>,
    checks: HashMap<&'static str, u64>,
}

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Mutex::default);

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
    let Ok(mut r) = REGISTRY.lock() else { return };
    let mut key = label(name.unwrap_or_default());
    if !r.operations.contains_key(&key) && r.operations.len() >= MAX_OPERATIONS {
        key = "other".into();
    }
    let entry = r.operations.entry(key).or_default();
    if ok {
        entry.0 += 1;
    } else {
        entry.1 += 1;
    }
    let h = &mut entry.2;
    for (i, b) in BUCKETS.iter().enumerate() {
        if seconds <= *b {
            h.counts[i] += 1;
        }
    }
    h.sum += seconds;
    h.count += 1;
}

/// Records an HTTP response status.
pub fn observe_http(status: u16) {
    if let Ok(mut r) = REGISTRY.lock() {
        *r.http.entry(status / 100).or_default() += 1;
    }
}

/// Records a link check's outcome: `live`, `not_live` or `error`.
pub fn observe_check(outcome: &'static str) {
    if let Ok(mut r) = REGISTRY.lock() {
        *r.checks.entry(outcome).or_default() += 1;
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
}

/// The Prometheus text exposition.
pub fn render(g: &Gauges) -> String {
    let mut out = String::new();
    let Ok(r) = REGISTRY.lock() else { return out };
    let _ = writeln!(
        out,
        "# HELP wharf_graphql_operations_total GraphQL operations by name and outcome.\n# TYPE wharf_graphql_operations_total counter"
    );
    let mut names: Vec<&String> = r.operations.keys().collect();
    names.sort();
    for name in &names {
        let (ok, err, _) = &r.operations[*name];
        let _ = writeln!(
            out,
            "wharf_graphql_operations_total{{operation=\"{name}\",outcome=\"ok\"}} {ok}"
        );
        let _ = writeln!(
            out,
            "wharf_graphql_operations_total{{operation=\"{name}\",outcome=\"error\"}} {err}"
        );
    }
    let _ = writeln!(
        out,
        "# HELP wharf_graphql_operation_seconds GraphQL operation latency.\n# TYPE wharf_graphql_operation_seconds histogram"
    );
    for name in &names {
        let h = &r.operations[*name].2;
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "wharf_graphql_operation_seconds_bucket{{operation=\"{name}\",le=\"{b}\"}} {}",
                h.counts[i]
            );
        }
        let _ = writeln!(
            out,
            "wharf_graphql_operation_seconds_bucket{{operation=\"{name}\",le=\"+Inf\"}} {}",
            h.count
        );
        let _ = writeln!(
            out,
            "wharf_graphql_operation_seconds_sum{{operation=\"{name}\"}} {}",
            h.sum
        );
        let _ = writeln!(
            out,
            "wharf_graphql_operation_seconds_count{{operation=\"{name}\"}} {}",
            h.count
        );
    }
    let _ = writeln!(
        out,
        "# HELP wharf_http_responses_total HTTP responses by status class.\n# TYPE wharf_http_responses_total counter"
    );
    let mut classes: Vec<_> = r.http.iter().collect();
    classes.sort();
    for (class, n) in classes {
        let _ = writeln!(out, "wharf_http_responses_total{{class=\"{class}xx\"}} {n}");
    }
    let _ = writeln!(
        out,
        "# HELP wharf_link_checks_total Link checks by outcome.\n# TYPE wharf_link_checks_total counter"
    );
    for outcome in ["live", "not_live", "error"] {
        let _ = writeln!(
            out,
            "wharf_link_checks_total{{outcome=\"{outcome}\"}} {}",
            r.checks.get(outcome).copied().unwrap_or(0)
        );
    }
    let _ = writeln!(
        out,
        "# HELP wharf_db_statements_total SQL statements run.\n# TYPE wharf_db_statements_total counter\nwharf_db_statements_total {}",
        g.statements
    );
    if let Some((size, idle)) = g.pool {
        let _ = writeln!(
            out,
            "# HELP wharf_db_pool_connections Database pool connections.\n# TYPE wharf_db_pool_connections gauge"
        );
        let _ = writeln!(
            out,
            "wharf_db_pool_connections{{state=\"open\"}} {size}\nwharf_db_pool_connections{{state=\"idle\"}} {idle}"
        );
    }
    if let Some((pending, lag)) = g.outbox {
        let _ = writeln!(
            out,
            "# HELP wharf_outbox_pending Outbox rows not yet done.\n# TYPE wharf_outbox_pending gauge\nwharf_outbox_pending {pending}"
        );
        let _ = writeln!(
            out,
            "# HELP wharf_outbox_lag_seconds Age of the oldest outbox row not yet done.\n# TYPE wharf_outbox_lag_seconds gauge\nwharf_outbox_lag_seconds {lag}"
        );
    }
    out
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
}
