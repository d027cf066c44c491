//! A webhook receiver for tests: a real HTTP server on 127.0.0.1 that records what it gets and
//! can be told to fail, as a receiver that is down would.
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Hit {
    /// Lowercase header names and values.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: String,
}

impl Hit {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The running receiver.
#[derive(Clone)]
pub struct Receiver {
    /// `http://127.0.0.1:PORT/hook`.
    pub url: String,
    /// What it got (successful answers only).
    pub hits: Arc<Mutex<Vec<Hit>>>,
    /// While true it answers 503 and records nothing.
    pub down: Arc<AtomicBool>,
}

impl Receiver {
    /// Starts a receiver.
    pub fn start() -> anyhow::Result<Self> {
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let down = Arc::new(AtomicBool::new(false));
        let (h, d) = (hits.clone(), down.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let server = HttpServer::new(move || {
            let (h, d) = (h.clone(), d.clone());
            App::new().route(
                "/hook",
                web::post().to(move |req: HttpRequest, body: String| {
                    let (h, d) = (h.clone(), d.clone());
                    async move {
                        if d.load(Ordering::SeqCst) {
                            return HttpResponse::ServiceUnavailable().finish();
                        }
                        let headers = req
                            .headers()
                            .iter()
                            .map(|(k, v)| {
                                (
                                    k.as_str().to_owned(),
                                    v.to_str().unwrap_or_default().to_owned(),
                                )
                            })
                            .collect();
                        if let Ok(mut hits) = h.lock() {
                            hits.push(Hit { headers, body });
                        }
                        HttpResponse::Ok().finish()
                    }
                }),
            )
        })
        .workers(1)
        .listen(listener)?
        .run();
        tokio::spawn(server);
        Ok(Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            hits,
            down,
        })
    }

    /// The hits so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().map(|h| h.clone()).unwrap_or_default()
    }

    /// Waits (up to `secs`) until `n` hits arrived.
    pub async fn wait_for(&self, n: usize, secs: u64) -> anyhow::Result<Vec<Hit>> {
        for _ in 0..secs * 20 {
            let hits = self.hits();
            if hits.len() >= n {
                return Ok(hits);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        anyhow::bail!(
            "expected {n} webhook hits within {secs} s, got {}",
            self.hits().len()
        )
    }
}
