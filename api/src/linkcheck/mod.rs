//! The backlink checker: fetches a placement page safely and reports whether the partner's
//! link is on it and counts for search engines.
//!
//! Fetching: a total timeout, a body limit (on the decoded bytes: gzip, deflate and brotli are
//! asked for and undone by [`body`]), redirects followed one at a time (each hop vetted by the
//! SSRF guard, [`crate::net::guard`]) up to a limit, its own user agent. One request at a time per host;
//! robots.txt cached per origin. Reading: [`html`] decodes the charset and parses the page.
mod body;
pub mod directives;
mod fetch;
pub mod html;
pub mod robots;

use crate::net::guard::Guard;
use robots::Robots;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use url::Url;

/// How long a fetched robots.txt is trusted.
const ROBOTS_TTL: Duration = Duration::from_secs(3600);
/// Past this many hosts, idle per-host locks and stale robots.txt entries are dropped.
const MAX_TRACKED_HOSTS: usize = 10_000;
/// The crawler whose robots.txt group decides whether a page may be indexed. The checker fetches
/// under its own `User-Agent`, but the question is whether Google may crawl the page.
const INDEXING_AGENT: &str = "googlebot";

/// How the checker fetches.
#[derive(Clone, Debug)]
pub struct CheckerConfig {
    /// Total time for one fetch, redirects included.
    pub timeout: Duration,
    /// Largest body read; a larger page fails the check.
    pub max_body_bytes: usize,
    /// Most redirects followed.
    pub max_redirects: usize,
    /// The `User-Agent` header.
    pub user_agent: String,
}

/// Why a fetch failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchError {
    /// The SSRF guard refused an address (first hop or a redirect).
    Refused(String),
    /// More redirects than allowed.
    TooManyRedirects(usize),
    /// The body is larger than allowed, received or decoded.
    TooLarge(usize),
    /// A `Content-Encoding` the checker does not undo (the header's text).
    UnsupportedEncoding(String),
    /// The body is not valid for its `Content-Encoding`: the coding and why.
    Undecodable(&'static str, String),
    /// The fetch took longer than allowed.
    Timeout,
    /// A URL that is not http(s), or a bad `Location`.
    BadUrl(String),
    /// Connection, TLS or protocol failure.
    Network(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(why) => write!(f, "{why}"),
            Self::TooManyRedirects(n) => write!(f, "more than {n} redirects"),
            Self::TooLarge(n) => write!(f, "page larger than {n} bytes"),
            Self::UnsupportedEncoding(coding) => {
                write!(f, "unsupported Content-Encoding: {coding}")
            }
            Self::Undecodable(coding, why) => {
                write!(f, "the {coding} body could not be decoded: {why}")
            }
            Self::Timeout => write!(f, "timed out"),
            Self::BadUrl(why) => write!(f, "bad URL: {why}"),
            Self::Network(why) => write!(f, "network error: {why}"),
        }
    }
}

/// A fetched response, after redirects.
#[derive(Debug)]
pub struct Fetched {
    /// The final status.
    pub status: u16,
    /// The final URL.
    pub url: Url,
    /// Every URL requested, in order, starting with the first.
    pub chain: Vec<String>,
    /// `Content-Type` of the final response.
    pub content_type: Option<String>,
    /// `X-Robots-Tag` values of the final response.
    pub x_robots: Vec<String>,
    /// The body, decoded (at most `max_body_bytes`).
    pub body: Vec<u8>,
}

/// The outcome of checking one placement.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkReport {
    /// The page checked.
    pub page_url: String,
    /// Final HTTP status, when a response came.
    pub http_status: Option<u16>,
    /// The link counts: found, followed, on a 2xx page that may be indexed and crawled.
    pub live: bool,
    /// A link to the partner's domain is on the page.
    pub link_found: bool,
    /// `follow`, or the `nofollow`/`sponsored`/`ugc` values of the best link found.
    pub rel: Option<String>,
    /// Its anchor text, whitespace collapsed.
    pub anchor_text: Option<String>,
    /// Meta robots or `X-Robots-Tag`, for every crawler or Googlebot, says noindex (or
    /// `none`, or an `unavailable_after` date that has passed).
    pub noindex: bool,
    /// Meta robots or `X-Robots-Tag`, for every crawler or Googlebot, says nofollow (or `none`).
    pub nofollow_page: bool,
    /// robots.txt disallows the page.
    pub robots_blocked: bool,
    /// URLs requested, in order.
    pub redirect_chain: Vec<String>,
    /// Why the check failed, when it did.
    pub error: Option<String>,
}

/// The checker, shared by requests and the watcher.
pub struct Checker {
    client: reqwest::Client,
    guard: Arc<Guard>,
    config: CheckerConfig,
    robots: Mutex<HashMap<String, (Instant, Arc<Robots>)>>,
    hosts: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Checker {
    /// Builds the HTTP client around the guard's resolver.
    pub fn new(config: CheckerConfig, guard: Guard) -> anyhow::Result<Self> {
        let guard = Arc::new(guard);
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT_ENCODING,
            reqwest::header::HeaderValue::from_static(body::ACCEPT_ENCODING),
        );
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(guard.resolver())
            .no_proxy()
            .user_agent(config.user_agent.clone())
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()?;
        Ok(Self {
            client,
            guard,
            config,
            robots: Mutex::new(HashMap::new()),
            hosts: Mutex::new(HashMap::new()),
        })
    }

    /// Fetches a page as text (charset decoded), for site verification.
    /// Returns the final status, the final URL and the text.
    pub async fn fetch_text(&self, url: &Url) -> Result<(u16, Url, String), FetchError> {
        let _turn = self.host_turn(url).await;
        let fetched = self.fetch(url).await.map_err(|(e, _)| e)?;
        let (text, _) = html::decode(&fetched.body, fetched.content_type.as_deref());
        Ok((fetched.status, fetched.url, text))
    }

    /// Checks that `page_url` carries a followed link to `domain` on an indexable page.
    pub async fn check_link(&self, page_url: &str, domain: &str) -> LinkReport {
        let mut report = LinkReport {
            page_url: page_url.to_owned(),
            ..LinkReport::default()
        };
        let url = match Url::parse(page_url) {
            Ok(url) => url,
            Err(e) => {
                report.error = Some(FetchError::BadUrl(e.to_string()).to_string());
                return report;
            }
        };
        let _turn = self.host_turn(&url).await;
        let fetched = match self.fetch(&url).await {
            Ok(f) => f,
            Err((err, chain)) => {
                report.redirect_chain = chain;
                report.error = Some(err.to_string());
                return report;
            }
        };
        report.http_status = Some(fetched.status);
        report.redirect_chain = fetched.chain.clone();
        let (text, _) = html::decode(&fetched.body, fetched.content_type.as_deref());
        let found = html::find_links(&text, &fetched.url, domain);
        // Meta tags and headers addressed to every crawler or to Googlebot, others left out.
        let mut robots = found.robots;
        for value in &fetched.x_robots {
            robots.add_header(value);
        }
        report.noindex = robots.noindex_at(chrono::Utc::now());
        report.nofollow_page = robots.nofollow;
        let counts = |l: &&html::FoundLink| l.is_followed() && !l.hidden;
        let best = found
            .links
            .iter()
            .find(counts)
            .or_else(|| found.links.iter().find(|l| !l.hidden))
            .or_else(|| found.links.first());
        if let Some(link) = best {
            report.link_found = true;
            report.rel = Some(link.rel.clone());
            report.anchor_text = Some(link.anchor_text.clone());
        }
        report.robots_blocked = !self
            .robots_for(&fetched.url)
            .await
            .allows(&path_of(&fetched.url));
        let ok_status = (200..300).contains(&fetched.status);
        if !ok_status {
            report.error = Some(format!("HTTP status {}", fetched.status));
        }
        if ok_status && best.is_some_and(|l| l.hidden) {
            report.error = Some("the link is hidden (hidden attribute or inline style)".into());
        }
        report.live = ok_status
            && best.is_some_and(|l| counts(&l))
            && !report.noindex
            && !report.nofollow_page
            && !report.robots_blocked;
        report
    }

    /// Checks a deal placement: like [`Checker::check_link`], and the page must stay on the
    /// placing site (`site`, its `www.` or a subdomain): a placement URL that redirects to a
    /// page elsewhere does not count, whatever links that page carries.
    pub async fn check_placement(&self, page_url: &str, site: &str, partner: &str) -> LinkReport {
        let mut report = self.check_link(page_url, partner).await;
        let landed = report
            .redirect_chain
            .last()
            .and_then(|u| Url::parse(u).ok())
            .and_then(|u| html::site_host(&u));
        if let Some(host) = landed
            && report.error.is_none()
            && host != site
            && !host.ends_with(&format!(".{site}"))
        {
            report.live = false;
            report.error = Some(format!("the page redirects off {site} to {host}"));
        }
        report
    }

    /// The robots.txt rules for `url`'s origin, cached.
    async fn robots_for(&self, url: &Url) -> Arc<Robots> {
        let origin = url.origin().ascii_serialization();
        if let Ok(cache) = self.robots.lock()
            && let Some((at, robots)) = cache.get(&origin)
            && at.elapsed() < ROBOTS_TTL
        {
            return robots.clone();
        }
        let robots = match url.join("/robots.txt") {
            Ok(robots_url) => match self.fetch(&robots_url).await {
                // The bytes as fetched: robots.txt is UTF-8 (RFC 9309), whatever the header says.
                Ok(f) if (200..300).contains(&f.status) => Robots::parse(&f.body, INDEXING_AGENT),
                // Missing or unreadable: nothing is disallowed.
                _ => Robots::allow_all(),
            },
            Err(_) => Robots::allow_all(),
        };
        let robots = Arc::new(robots);
        if let Ok(mut cache) = self.robots.lock() {
            if cache.len() >= MAX_TRACKED_HOSTS {
                cache.retain(|_, (at, _)| at.elapsed() < ROBOTS_TTL);
            }
            cache.insert(origin, (Instant::now(), robots.clone()));
        }
        robots
    }

    /// Waits for this host's turn: one request at a time per host.
    async fn host_turn(&self, url: &Url) -> tokio::sync::OwnedMutexGuard<()> {
        let key = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let lock = match self.hosts.lock() {
            Ok(mut hosts) => {
                if hosts.len() >= MAX_TRACKED_HOSTS {
                    // Forget the hosts nobody is waiting for.
                    hosts.retain(|_, lock| Arc::strong_count(lock) > 1);
                }
                hosts.entry(key).or_default().clone()
            }
            Err(_) => Arc::new(tokio::sync::Mutex::new(())),
        };
        lock.lock_owned().await
    }
}

fn path_of(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}
