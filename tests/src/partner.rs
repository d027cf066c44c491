//! A local HTTP server that plays the partner sites: it serves whatever page a test sets for a
//! host and path, with the status, headers, delay and bytes the test wants (compressed with
//! [`Page::encoded`]), and remembers the headers each request came with.
//!
//! Sites are told apart by the `Host` header, so many hostnames (`alpha.test`, `beta.test`)
//! can point at this one server through Wharf's `checker_resolve` setting.
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use anyhow::Result;
use std::collections::HashMap;
use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One response the server gives.
#[derive(Clone, Debug)]
pub struct Page {
    /// HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// Wait before answering.
    pub delay: Duration,
}

impl Page {
    /// A UTF-8 HTML page.
    pub fn html(body: &str) -> Self {
        Self::bytes("text/html; charset=utf-8", body.as_bytes().to_vec())
    }

    /// A body with this content type.
    pub fn bytes(content_type: &str, body: Vec<u8>) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
            body,
            delay: Duration::ZERO,
        }
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> Self {
        Self {
            status,
            headers: vec![("location".into(), location.into())],
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// With another status.
    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// With another header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Answered after `delay`.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// With the body compressed and labelled `Content-Encoding: {coding}`: `gzip` (or `x-gzip`), `deflate`
    /// (zlib-wrapped, as RFC 9110 says), `deflate-raw` (bare deflate, sent as `deflate` as some
    /// servers do) or `br`; any other name only labels the body.
    pub fn encoded(mut self, coding: &str) -> Self {
        self.body = compress(coding, &self.body);
        let label = if coding == "deflate-raw" {
            "deflate"
        } else {
            coding
        };
        self.header("content-encoding", label)
    }
}

/// `body` compressed with `coding` (see [`Page::encoded`]).
pub fn compress(coding: &str, body: &[u8]) -> Vec<u8> {
    use flate2::Compression;
    let level = Compression::best();
    let written = match coding {
        "gzip" | "x-gzip" => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), level);
            enc.write_all(body).and_then(|_| enc.finish())
        }
        "deflate" => {
            let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), level);
            enc.write_all(body).and_then(|_| enc.finish())
        }
        "deflate-raw" => {
            let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), level);
            enc.write_all(body).and_then(|_| enc.finish())
        }
        "br" => {
            // Quality 9 with a 4 MiB window, as web servers commonly send.
            let mut enc = brotli::CompressorWriter::new(Vec::new(), 4096, 9, 22);
            enc.write_all(body).map(|_| enc.into_inner())
        }
        _ => Ok(body.to_vec()),
    };
    // Writing into a Vec cannot fail.
    written.unwrap_or_default()
}

type Pages = Arc<Mutex<HashMap<String, Page>>>;

/// The running server.
#[derive(Clone)]
pub struct PartnerServer {
    /// Its port on 127.0.0.1.
    pub port: u16,
    pages: Pages,
    /// Every request: its page key and its headers.
    hits: Arc<Mutex<Vec<(String, actix_web::http::header::HeaderMap)>>>,
    /// Per site: requests in flight now, and the most ever in flight at once.
    in_flight: Arc<Mutex<HashMap<String, (usize, usize)>>>,
    /// A page served for any path of any host not set explicitly (benchmarks).
    fallback: Arc<Mutex<Option<Page>>>,
}

/// Pages are per site: `www.` and the apex serve the same pages, as most sites do.
fn key(host: &str, path: &str) -> String {
    let host = host
        .rsplit_once(':')
        .map_or(host, |(h, _)| h)
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    format!("{host}{path}")
}

async fn serve(req: HttpRequest, server: web::Data<PartnerServer>) -> HttpResponse {
    let host = req.connection_info().host().to_owned();
    let path = match req.uri().path_and_query() {
        Some(pq) => pq.as_str().to_owned(),
        None => "/".to_owned(),
    };
    let k = key(&host, &path);
    if let Ok(mut hits) = server.hits.lock() {
        hits.push((k.clone(), req.headers().clone()));
    }
    let page = server
        .pages
        .lock()
        .ok()
        .and_then(|p| p.get(&k).cloned())
        .or_else(|| server.fallback.lock().ok().and_then(|f| f.clone()));
    let Some(page) = page else {
        return HttpResponse::NotFound().body("not found");
    };
    let site = key(&host, "");
    if let Ok(mut flights) = server.in_flight.lock() {
        let entry = flights.entry(site.clone()).or_default();
        entry.0 += 1;
        entry.1 = entry.1.max(entry.0);
    }
    if !page.delay.is_zero() {
        tokio::time::sleep(page.delay).await;
    }
    if let Ok(mut flights) = server.in_flight.lock()
        && let Some(entry) = flights.get_mut(&site)
    {
        entry.0 = entry.0.saturating_sub(1);
    }
    let status = actix_web::http::StatusCode::from_u16(page.status)
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = HttpResponse::build(status);
    for (name, value) in &page.headers {
        resp.append_header((name.as_str(), value.as_str()));
    }
    resp.body(page.body)
}

impl PartnerServer {
    /// Starts the server on 127.0.0.1, on a free port.
    pub async fn start() -> Result<Self> {
        Self::start_with_workers(1).await
    }

    /// Starts the server with this many worker threads.
    pub async fn start_with_workers(workers: usize) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let server = Self {
            port,
            pages: Arc::default(),
            hits: Arc::default(),
            in_flight: Arc::default(),
            fallback: Arc::default(),
        };
        let data = web::Data::new(server.clone());
        let running = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(serve))
        })
        .workers(workers)
        .disable_signals()
        .listen(listener)?
        .run();
        tokio::spawn(running);
        Ok(server)
    }

    /// Serves `page` at `path` (with its query) of `host`.
    pub fn set(&self, host: &str, path: &str, page: Page) {
        if let Ok(mut pages) = self.pages.lock() {
            pages.insert(key(host, path), page);
        }
    }

    /// Stops serving `path` of `host` (it answers 404).
    pub fn remove(&self, host: &str, path: &str) {
        if let Ok(mut pages) = self.pages.lock() {
            pages.remove(&key(host, path));
        }
    }

    /// Serves `page` for every path not set explicitly.
    pub fn set_fallback(&self, page: Page) {
        if let Ok(mut fallback) = self.fallback.lock() {
            *fallback = Some(page);
        }
    }

    /// How many requests reached `path` of `host`.
    pub fn hits(&self, host: &str, path: &str) -> usize {
        let k = key(host, path);
        self.hits
            .lock()
            .map(|h| h.iter().filter(|(x, _)| *x == k).count())
            .unwrap_or(0)
    }

    /// The `name` header of the last request to `path` of `host`, if it had one.
    pub fn last_header(&self, host: &str, path: &str, name: &str) -> Option<String> {
        let k = key(host, path);
        let hits = self.hits.lock().ok()?;
        let (_, headers) = hits.iter().rev().find(|(x, _)| *x == k)?;
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// The most requests to `host` (www and apex alike) that were ever in flight at once.
    pub fn max_in_flight(&self, host: &str) -> usize {
        self.in_flight
            .lock()
            .ok()
            .and_then(|f| f.get(&key(host, "")).map(|e| e.1))
            .unwrap_or(0)
    }

    /// `checker_resolve` entries pointing `hosts` (and their `www.`) at this server.
    pub fn resolve_entries(&self, hosts: &[&str]) -> Vec<String> {
        hosts
            .iter()
            .flat_map(|h| [h.to_string(), format!("www.{h}")])
            .map(|h| format!("{h}=127.0.0.1:{}", self.port))
            .collect()
    }
}
