//! A real browser for the Studio's tests: Debian's Chromium, driven over WebDriver by
//! `chromedriver` (both from the `chromium` and `chromium-driver` packages), headless.
//!
//! When either program is missing the test is skipped with a loud line; with `browser` in
//! `WHARF_TEST_REQUIRE` (as CI sets it) that is a failure instead. One browser runs at a time
//! (a process-wide permit), since a browser is heavy on a 2-core machine.
//!
//! Besides driving pages, a [`Browser`] watches what a person would not see: every request the
//! page made (Chromium's performance log), so a test can prove that nothing left the server,
//! and the console (errors, Content-Security-Policy violations). Host names other than
//! `127.0.0.1` do not even resolve in this browser, as if the network cable were pulled.
use crate::app::{TestApp, loud, required};
use anyhow::{Context, Result, anyhow, bail};
use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Once;
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

static SKIP: Once = Once::new();
static ONE_AT_A_TIME: Semaphore = Semaphore::const_new(1);

/// How long to wait for something to show up on a page.
pub const WAIT: Duration = Duration::from_secs(20);

/// The language the browser asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// `en-US`.
    English,
    /// `zh-CN`.
    Chinese,
}

/// A headless Chromium session with its own chromedriver and profile.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    driver: std::process::Child,
    driver_url: String,
    session: String,
    /// The server the browser talks to (`http://127.0.0.1:PORT`).
    pub base: String,
    _profile: tempfile::TempDir,
    _permit: SemaphorePermit<'static>,
}

fn find_program(candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(PathBuf::from).find(|p| p.is_file())
}

impl Browser {
    /// Starts a browser for `app` at desktop size in `lang`, or `None` when Chromium or
    /// chromedriver is not installed (skipped loudly; a failure when `browser` is required).
    pub async fn start(app: &TestApp, lang: Lang) -> Result<Option<Self>> {
        let chromium = std::env::var_os("WHARF_TEST_CHROMIUM")
            .map(PathBuf::from)
            .or_else(|| find_program(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]));
        let driver = std::env::var_os("WHARF_TEST_CHROMEDRIVER")
            .map(PathBuf::from)
            .or_else(|| find_program(&["/usr/bin/chromedriver"]));
        let (Some(chromium), Some(driver)) = (chromium, driver) else {
            if required("browser") {
                bail!(
                    "WHARF_TEST_REQUIRE lists browser but chromium or chromedriver is missing \
                     (apt-get install chromium chromium-driver)"
                );
            }
            SKIP.call_once(|| {
                loud(
                    "\n!!!!!!!! SKIPPED: the Studio's browser tests (install Debian's chromium and \
                     chromium-driver to run them) !!!!!!!!\n",
                )
            });
            return Ok(None);
        };
        let permit = ONE_AT_A_TIME.acquire().await?;
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0")?;
            l.local_addr()?.port()
        };
        let mut driver = std::process::Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", driver.display()))?;
        let driver_url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let mut ready = false;
        for _ in 0..100 {
            if let Ok(r) = http.get(format!("{driver_url}/status")).send().await
                && r.status().is_success()
            {
                ready = true;
                break;
            }
            if let Ok(Some(status)) = driver.try_wait() {
                bail!("chromedriver exited at start: {status}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if !ready {
            bail!("chromedriver did not answer on {driver_url}");
        }
        let profile = tempfile::tempdir()?;
        let accept = match lang {
            Lang::English => "en-US,en",
            Lang::Chinese => "zh-CN,zh",
        };
        let lang_arg = match lang {
            Lang::English => "--lang=en-US",
            Lang::Chinese => "--lang=zh-CN",
        };
        let args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            "--no-default-browser-check".to_owned(),
            "--window-size=1280,900".to_owned(),
            lang_arg.to_owned(),
            // Nothing but the test's own servers resolves: a request elsewhere fails at once
            // (and still shows up in the performance log, where the tests look for it).
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"
                .to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium.display().to_string(),
                "args": args,
                "prefs": { "intl.accept_languages": accept },
            }),
        );
        caps.insert(
            "goog:loggingPrefs".into(),
            json!({ "browser": "ALL", "performance": "ALL" }),
        );
        // Either provider would do (the driver is on loopback, over plain HTTP); one must be set.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let client = ClientBuilder::rustls()?
            .capabilities(caps)
            .connect(&driver_url)
            .await
            .context("opening a WebDriver session")?;
        let session = client
            .session_id()
            .await?
            .ok_or_else(|| anyhow!("no WebDriver session id"))?;
        Ok(Some(Self {
            client,
            driver,
            driver_url,
            session,
            base: app.address.clone(),
            _profile: profile,
            _permit: permit,
        }))
    }

    /// Opens `path` (`/studio/...`) on the server.
    pub async fn open(&self, path: &str) -> Result<()> {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    /// The browser window's size (headless: the page's viewport).
    pub async fn resize(&self, width: u32, height: u32) -> Result<()> {
        self.client.set_window_size(width, height).await?;
        Ok(())
    }

    /// Waits for the element at `css` and returns it.
    pub async fn wait(&self, css: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for `{css}` on {}", self.url_or_unknown()))
    }

    /// Waits until `css` matches an element whose text contains `text`.
    pub async fn wait_text(&self, css: &str, text: &str) -> Result<Element> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            for el in self.client.find_all(Locator::Css(css)).await? {
                if el.text().await.is_ok_and(|t| t.contains(text)) {
                    return Ok(el);
                }
            }
            if tokio::time::Instant::now() > deadline {
                let body = self.body_text().await.unwrap_or_default();
                bail!("no `{css}` containing {text:?}; the page shows:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The button or link whose visible text contains `text`, once it is there.
    pub async fn control(&self, text: &str) -> Result<Element> {
        self.wait_text("button, a", text).await
    }

    /// Clicks the button or link showing `text`.
    pub async fn click_text(&self, text: &str) -> Result<()> {
        self.control(text).await?.click().await?;
        Ok(())
    }

    /// The form control labelled `label` (through its `<label for>`).
    pub async fn field(&self, label: &str) -> Result<Element> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            for l in self.client.find_all(Locator::Css("label")).await? {
                if l.text().await.is_ok_and(|t| t.trim() == label)
                    && let Some(id) = l.attr("for").await?
                {
                    return Ok(self.client.find(Locator::Id(&id)).await?);
                }
            }
            if tokio::time::Instant::now() > deadline {
                bail!("no field labelled {label:?} on {}", self.url_or_unknown());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Replaces the value of the field labelled `label` with `text`, as typing would.
    pub async fn fill(&self, label: &str, text: &str) -> Result<()> {
        let el = self.field(label).await?;
        el.clear().await?;
        el.send_keys(text).await?;
        Ok(())
    }

    /// Runs `script` in the page (WebDriver's execute: a function body; `arguments` holds
    /// `args`).
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client.execute(script, args).await?)
    }

    /// The page's visible text.
    pub async fn body_text(&self) -> Result<String> {
        Ok(self.client.find(Locator::Css("body")).await?.text().await?)
    }

    fn url_or_unknown(&self) -> String {
        self.base.clone()
    }

    /// Signs in through the login page and waits for the Studio's frame.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<()> {
        self.open("/studio/login").await?;
        self.wait("form input[type=email]")
            .await?
            .send_keys(email)
            .await?;
        self.wait("form input[type=password]")
            .await?
            .send_keys(password)
            .await?;
        self.wait("form button[type=submit]").await?.click().await?;
        self.wait("#sign-out").await?;
        Ok(())
    }

    /// Saves a PNG of the viewport as `NAME.png` in `WHARF_STUDIO_SCREENSHOTS` (the docs'
    /// folder when `scripts/studio-screenshots` runs the tests) or else
    /// `$TMPDIR/wharf-studio-screenshots`, and returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let dir = std::env::var_os("WHARF_STUDIO_SCREENSHOTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("wharf-studio-screenshots"));
        std::fs::create_dir_all(&dir)?;
        // The top of the page, as a person arriving sees it; let fonts, images and the progress
        // bar settle.
        self.client
            .execute(
                "window.scrollTo(0, 0); document.activeElement?.blur?.()",
                vec![],
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Like `screenshot`, with the element at `css` scrolled to the top of the viewport
    /// instead of the page's top: a part further down, as a person scrolling there sees it.
    pub async fn screenshot_of(&self, name: &str, css: &str) -> Result<PathBuf> {
        let dir = std::env::var_os("WHARF_STUDIO_SCREENSHOTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("wharf-studio-screenshots"));
        std::fs::create_dir_all(&dir)?;
        self.client
            .execute(
                "document.querySelector(arguments[0])?.scrollIntoView({ block: 'start' }); document.activeElement?.blur?.()",
                vec![json!(css)],
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    async fn log(&self, kind: &str) -> Result<Vec<Value>> {
        let resp: Value = reqwest::Client::new()
            .post(format!(
                "{}/session/{}/se/log",
                self.driver_url, self.session
            ))
            .json(&json!({ "type": kind }))
            .send()
            .await?
            .json()
            .await?;
        Ok(resp["value"].as_array().cloned().unwrap_or_default())
    }

    /// Every URL the pages requested since the last call (documents, scripts, styles, images,
    /// fetches, WebSockets), from Chromium's performance log.
    pub async fn requested_urls(&self) -> Result<Vec<String>> {
        let mut urls = Vec::new();
        for entry in self.log("performance").await? {
            let Some(message) = entry["message"].as_str() else {
                continue;
            };
            let Ok(event) = serde_json::from_str::<Value>(message) else {
                continue;
            };
            let method = event["message"]["method"].as_str().unwrap_or_default();
            let params = &event["message"]["params"];
            match method {
                "Network.requestWillBeSent" => {
                    if let Some(url) = params["request"]["url"].as_str() {
                        urls.push(url.to_owned());
                    }
                }
                "Network.webSocketCreated" => {
                    if let Some(url) = params["url"].as_str() {
                        urls.push(url.to_owned());
                    }
                }
                _ => {}
            }
        }
        Ok(urls)
    }

    /// Requested network URLs (HTTP and WebSocket) that went anywhere but this server.
    pub async fn foreign_requests(&self) -> Result<Vec<String>> {
        let own = url::Url::parse(&self.base)?;
        let own_port = own.port_or_known_default();
        Ok(self
            .requested_urls()
            .await?
            .into_iter()
            .filter(|u| {
                // The browser's own pages (its new-tab page before the first navigation) are
                // not the Studio's requests; `data:` and `blob:` never leave the page.
                let scheme = u.split(':').next().unwrap_or_default();
                if !matches!(scheme, "http" | "https" | "ws" | "wss") {
                    return false;
                }
                match url::Url::parse(u) {
                    Ok(parsed) => {
                        parsed.host_str() != own.host_str()
                            || parsed.port_or_known_default() != own_port
                    }
                    Err(_) => true,
                }
            })
            .collect())
    }

    /// Console messages at error level since the last call: script errors, failed loads and
    /// Content-Security-Policy violations.
    pub async fn console_errors(&self) -> Result<Vec<String>> {
        Ok(self
            .log("browser")
            .await?
            .into_iter()
            .filter(|e| e["level"] == "SEVERE")
            .filter_map(|e| e["message"].as_str().map(str::to_owned))
            .collect())
    }

    /// Fails when the page logged an error or asked any host but the server, since the last
    /// check.
    pub async fn assert_clean(&self) -> Result<()> {
        let errors = self.console_errors().await?;
        if !errors.is_empty() {
            bail!("the browser console shows errors: {errors:#?}");
        }
        let foreign = self.foreign_requests().await?;
        if !foreign.is_empty() {
            bail!("the page requested other hosts: {foreign:#?}");
        }
        Ok(())
    }

    /// Ends the session (closing Chromium) and then the driver.
    pub async fn close(self) -> Result<()> {
        let _ = self.client.clone().close().await;
        Ok(())
    }
}

impl Drop for Browser {
    /// Stops chromedriver, which takes its Chromium along, also when a test fails midway.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
