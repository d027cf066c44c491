//! `/metrics` as a scraper reads it: the page parses as Prometheus's text exposition format, and
//! its series keep the names, types and label names that dashboards and alerts are written
//! against (a rename or a new label breaks them silently).
use anyhow::{Context, Result, bail, ensure};
use prometheus_parse::{LineInfo, Scrape, Value};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use wharf_tests::{TestApp, e2e};

e2e!(the_metrics_page_keeps_its_series_names_labels_and_types);

/// Every family on the page: name, type, label names (`le` aside). Recorded from the page as it
/// was before the recording moved to the `metrics` crate; the test proves the move kept them.
const FAMILIES: [(&str, &str, &[&str]); 9] = [
    ("wharf_db_pool_connections", "gauge", &["state"]),
    ("wharf_db_statements_total", "counter", &[]),
    (
        "wharf_graphql_operation_seconds",
        "histogram",
        &["operation"],
    ),
    (
        "wharf_graphql_operations_total",
        "counter",
        &["operation", "outcome"],
    ),
    ("wharf_http_responses_total", "counter", &["class"]),
    ("wharf_link_checks_total", "counter", &["outcome"]),
    ("wharf_media_variants_made_total", "counter", &[]),
    ("wharf_outbox_lag_seconds", "gauge", &[]),
    ("wharf_outbox_pending", "gauge", &[]),
];

/// The latency histogram's upper bounds, in seconds.
const BOUNDS: [f64; 12] = [
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    f64::INFINITY,
];

async fn operation(app: &TestApp, name: &str, query: &str) -> Result<()> {
    app.client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": query, "operationName": name }))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

async fn the_metrics_page_keeps_its_series_names_labels_and_types(app: TestApp) -> Result<()> {
    operation(&app, "ShapeOk", "query ShapeOk { viewer { id } }").await?;
    operation(&app, "ShapeBroken", "query ShapeBroken { noSuchField }").await?;
    // The second of two equal anonymous reads is answered from the response cache.
    for _ in 0..2 {
        operation(
            &app,
            "ShapeRead",
            "query ShapeRead { sites { totalCount } }",
        )
        .await?;
    }
    let page = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await?;
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(
        page.headers()["content-type"],
        "text/plain; version=0.0.4",
        "Prometheus picks its parser by this header"
    );
    let text = page.text().await?;
    let families = families_of(&text).with_context(|| format!("the page:\n{text}"))?;
    let shapes: BTreeSet<(String, String, Vec<String>)> = families
        .iter()
        .map(|(name, f)| (name.clone(), f.kind.clone(), f.labels.clone()))
        .collect();
    let expected: BTreeSet<(String, String, Vec<String>)> = FAMILIES
        .iter()
        .map(|(name, kind, labels)| {
            let labels = labels.iter().map(|l| (*l).to_owned()).collect();
            ((*name).to_owned(), (*kind).to_owned(), labels)
        })
        .collect();
    assert_eq!(shapes, expected, "the page:\n{text}");

    let scrape = Scrape::parse(text.lines().map(|l| Ok(l.to_owned())))?;
    let value = |metric: &str, labels: &[(&str, &str)]| {
        scrape
            .samples
            .iter()
            .find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .map(|s| s.value.clone())
    };
    let count = |metric: &str, labels: &[(&str, &str)]| match value(metric, labels) {
        Some(Value::Counter(n) | Value::Gauge(n) | Value::Untyped(n)) => n,
        _ => -1.0,
    };
    let ops = "wharf_graphql_operations_total";
    assert!(count(ops, &[("operation", "ShapeOk"), ("outcome", "ok")]) >= 1.0);
    assert!(count(ops, &[("operation", "ShapeBroken"), ("outcome", "error")]) >= 1.0);
    assert!(count(ops, &[("operation", "cached"), ("outcome", "ok")]) >= 1.0);
    assert!(count("wharf_http_responses_total", &[("class", "2xx")]) >= 4.0);
    for outcome in ["live", "not_live", "error"] {
        assert!(count("wharf_link_checks_total", &[("outcome", outcome)]) >= 0.0);
    }
    for state in ["open", "idle"] {
        assert!(count("wharf_db_pool_connections", &[("state", state)]) >= 0.0);
    }
    let histogram = "wharf_graphql_operation_seconds";
    let Some(Value::Histogram(buckets)) = value(histogram, &[("operation", "ShapeOk")]) else {
        bail!("no latency histogram for ShapeOk:\n{text}");
    };
    let bounds: Vec<f64> = buckets.iter().map(|b| b.less_than).collect();
    assert_eq!(bounds, BOUNDS);
    ensure!(
        buckets.windows(2).all(|w| w[0].count <= w[1].count),
        "bucket counts are cumulative"
    );
    let total = count(&format!("{histogram}_count"), &[("operation", "ShapeOk")]);
    assert_eq!(buckets.last().map(|b| b.count), Some(total));
    assert!(total >= 1.0);
    ensure!(count(&format!("{histogram}_sum"), &[("operation", "ShapeOk")]) >= 0.0);
    Ok(())
}

/// A family as the page declares it.
struct Family {
    kind: String,
    /// Label names of its samples, sorted, `le` aside.
    labels: Vec<String>,
    samples: usize,
    help: bool,
}

/// The families of a page in the text exposition format (version 0.0.4), read strictly:
/// prometheus-parse reads each sample line, and this adds what it lets pass, so a malformed page
/// fails here as it would fail a Prometheus scrape: every line is a `# HELP`, a `# TYPE`, a
/// comment or a sample; a sample follows its family's `# TYPE`, has a numeric value and quoted
/// label values, and every sample of a family has the same label names.
fn families_of(text: &str) -> Result<BTreeMap<String, Family>> {
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let at = || format!("line {}: {line:?}", n + 1);
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => continue,
            ["#", "TYPE", name, kind] => {
                ensure!(
                    ["counter", "gauge", "histogram", "summary", "untyped"].contains(kind),
                    "unknown type, {}",
                    at()
                );
                let fresh = Family {
                    kind: (*kind).to_owned(),
                    labels: Vec::new(),
                    samples: 0,
                    help: families.get(*name).is_some_and(|f| f.help),
                };
                if let Some(old) = families.insert((*name).to_owned(), fresh) {
                    ensure!(old.kind.is_empty(), "a second TYPE, {}", at());
                }
                continue;
            }
            ["#", "HELP", name, _, ..] => {
                families
                    .entry((*name).to_owned())
                    .or_insert(Family {
                        kind: String::new(),
                        labels: Vec::new(),
                        samples: 0,
                        help: false,
                    })
                    .help = true;
                continue;
            }
            ["#", "HELP" | "TYPE", ..] => bail!("a malformed descriptor, {}", at()),
            _ if line.starts_with('#') => continue,
            _ => {}
        }
        let LineInfo::Sample {
            metric_name,
            labels,
            value,
            timestamp,
        } = LineInfo::parse(line)
        else {
            bail!("not a sample, {}", at());
        };
        ensure!(timestamp.is_none(), "no timestamps are written, {}", at());
        ensure!(
            value.parse::<f64>().is_ok() || ["+Inf", "-Inf", "NaN"].contains(&value),
            "not a number, {}",
            at()
        );
        let family = [metric_name]
            .into_iter()
            .chain(
                ["_bucket", "_sum", "_count"]
                    .iter()
                    .filter_map(|s| metric_name.strip_suffix(s)),
            )
            .find(|name| families.get(*name).is_some_and(|f| !f.kind.is_empty()))
            .with_context(|| format!("a sample before its TYPE, {}", at()))?
            .to_owned();
        let mut names = Vec::new();
        for pair in labels.map(|l| l.split(',').collect()).unwrap_or(Vec::new()) {
            let (name, quoted) = pair
                .split_once('=')
                .with_context(|| format!("a label without a value, {}", at()))?;
            ensure!(
                quoted.len() >= 2 && quoted.starts_with('"') && quoted.ends_with('"'),
                "an unquoted label value, {}",
                at()
            );
            ensure!(
                name.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "a bad label name, {}",
                at()
            );
            if name != "le" {
                names.push(name.to_owned());
            }
        }
        names.sort();
        if let Some(f) = families.get_mut(&family) {
            ensure!(
                f.samples == 0 || f.labels == names,
                "other label names than the family's first sample, {}",
                at()
            );
            f.labels = names;
            f.samples += 1;
        }
    }
    for (name, family) in &families {
        ensure!(!family.kind.is_empty(), "{name} has no TYPE");
        ensure!(family.help, "{name} has no HELP");
    }
    Ok(families)
}
