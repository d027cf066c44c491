//! Benchmark: 1,000 link checks against a local server that answers each page in 100 ms.
//!
//! The checker keeps one request at a time per host, so the pages are spread over `HOSTS`
//! hostnames (all resolved to the local server) and `CONCURRENCY` checks run at once.
//! Run: `cargo bench -p wharf-tests --bench linkcheck` (env `BENCH_HOSTS`, `BENCH_CONCURRENCY`,
//! `BENCH_CHECKS` change the shape).
use futures_util::StreamExt;
use std::time::{Duration, Instant};
use wharf::linkcheck::{Checker, CheckerConfig};
use wharf::net::guard::Guard;
use wharf_tests::{Page, PartnerServer};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let checks = env_or("BENCH_CHECKS", 1000);
    let hosts = env_or("BENCH_HOSTS", 50).max(1);
    let concurrency = env_or("BENCH_CONCURRENCY", 50).max(1);
    let server = PartnerServer::start_with_workers(2).await?;
    let page = format!(
        "<html><head><title>友情链接</title></head><body>{}<a href=\"https://www.partner.com/\">Partner 外贸</a></body></html>",
        "<p>filler paragraph of a partners page</p>".repeat(200)
    );
    server.set_fallback(Page::html(&page).delay(Duration::from_millis(100)));
    let names: Vec<String> = (0..hosts).map(|i| format!("h{i}.bench.test")).collect();
    for name in &names {
        server.set(
            name,
            "/robots.txt",
            Page::bytes("text/plain", b"User-agent: *\nAllow: /\n".to_vec()),
        );
    }
    let resolve: Vec<String> = names
        .iter()
        .map(|n| format!("{n}=127.0.0.1:{}", server.port))
        .collect();
    let checker = Checker::new(
        CheckerConfig {
            timeout: Duration::from_secs(10),
            max_body_bytes: 2 * 1024 * 1024,
            max_redirects: 5,
            user_agent: "WharfLinkChecker/bench".into(),
        },
        Guard::new(&["127.0.0.1".into()], &resolve)?,
    )?;
    let urls: Vec<String> = (0..checks)
        .map(|i| format!("http://{}/links/{i}", names[i % hosts]))
        .collect();
    let started = Instant::now();
    let results: Vec<(bool, Duration)> = futures_util::stream::iter(urls)
        .map(|url| {
            let checker = &checker;
            async move {
                let t = Instant::now();
                let report = checker.check_link(&url, "partner.com").await;
                (report.live, t.elapsed())
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let total = started.elapsed();
    let live = results.iter().filter(|(l, _)| *l).count();
    let mut lat: Vec<Duration> = results.iter().map(|(_, d)| *d).collect();
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or_default()
    };
    println!("link checks:       {checks} ({live} live)");
    println!("hosts:             {hosts} (one request at a time per host)");
    println!("concurrency:       {concurrency}");
    println!("server delay:      100 ms per page");
    println!("total time:        {:.2} s", total.as_secs_f64());
    println!(
        "throughput:        {:.1} checks/s",
        checks as f64 / total.as_secs_f64()
    );
    println!(
        "per check (incl. waiting for its host): p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        pct(0.5).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        pct(1.0).as_secs_f64() * 1000.0
    );
    println!(
        "lower bound:       {:.2} s (checks per host x 100 ms)",
        (checks as f64 / hosts as f64).ceil() * 0.1
    );
    anyhow::ensure!(live == checks, "every check must find the link");
    Ok(())
}
