//! Wharf Studio, the editor console: a single-page app in plain JavaScript (ES modules, no
//! build step) under `api/studio/`, compiled into the binary by `build.rs` and served here at
//! `/studio`. It speaks only to `/graphql`, like any other client; this module only hands out
//! its files, with a strict Content-Security-Policy that allows no other host than this server
//! and the media store.
//!
//! Paths: `/studio/assets/...` are the files (ETag, revalidated on every load so a new binary is
//! picked up at once); any other `/studio/...` path is a page of the app and gets `index.html`.
//! `/` redirects to `/studio/`. In development, `WHARF_STUDIO_DIR` serves the files from a
//! folder instead, so the Studio can be edited without rebuilding.
use crate::config::{Environment, Settings};
use crate::state::AppState;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use std::borrow::Cow;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/studio-assets.rs"));
}

/// Registers `/`, `/studio` and everything under it.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(root))
        .route("/studio", web::get().to(page))
        .route("/studio/assets/{path:.*}", web::get().to(asset))
        .route("/studio/{tail:.*}", web::get().to(page));
}

async fn root() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/studio/"))
        .finish()
}

/// One of the Studio's files: its bytes and ETag.
struct File {
    bytes: Cow<'static, [u8]>,
    etag: Cow<'static, str>,
}

/// The file at `path` (relative to `studio/`), from the development folder when one is set,
/// else from the binary. Paths with `..`, backslashes or hidden parts are never served.
fn lookup(settings: &Settings, path: &str) -> Option<File> {
    if path.is_empty()
        || path.contains('\\')
        || path
            .split('/')
            .any(|part| part.is_empty() || part.starts_with('.'))
    {
        return None;
    }
    if let Some(dir) = dev_dir(settings) {
        let bytes = std::fs::read(std::path::Path::new(dir).join(path)).ok()?;
        let etag = format!("\"dev-{:016x}\"", fnv(&bytes));
        return Some(File {
            bytes: Cow::Owned(bytes),
            etag: Cow::Owned(etag),
        });
    }
    embedded::FILES
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, bytes, etag)| File {
            bytes: Cow::Borrowed(bytes),
            etag: Cow::Borrowed(etag),
        })
}

/// The development folder (`WHARF_STUDIO_DIR`), honoured only outside production.
fn dev_dir(settings: &Settings) -> Option<&str> {
    if settings.environment == Environment::Production {
        return None;
    }
    settings.studio_dir.as_deref().filter(|d| !d.is_empty())
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

async fn asset(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let path = req.match_info().get("path").unwrap_or_default();
    match lookup(&state.settings, path) {
        Some(file) => respond(&req, &state.settings, path, file),
        None => not_found(&state.settings),
    }
}

async fn page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    match lookup(&state.settings, "index.html") {
        Some(file) => respond(&req, &state.settings, "index.html", file),
        None => not_found(&state.settings),
    }
}

fn not_found(settings: &Settings) -> HttpResponse {
    let mut resp = HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("not found");
    secure_headers(&mut resp, settings);
    resp
}

fn respond(req: &HttpRequest, settings: &Settings, path: &str, file: File) -> HttpResponse {
    let mut resp = if super::conditional::none_match(req, &file.etag) {
        HttpResponse::NotModified().finish()
    } else {
        HttpResponse::Ok()
            .content_type(content_type(path))
            .body(file.bytes.into_owned())
    };
    let headers = resp.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&file.etag) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    secure_headers(&mut resp, settings);
    resp
}

/// CSP and the other headers every Studio response carries.
fn secure_headers(resp: &mut HttpResponse, settings: &Settings) {
    let headers = resp.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(settings)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
}

/// No inline script or style, nothing from any host but this server, except media: images are
/// shown from, and direct uploads sent to, the media store when it is S3 or a public base URL.
pub fn content_security_policy(settings: &Settings) -> String {
    let media = media_origins(settings).join(" ");
    let media = if media.is_empty() {
        String::new()
    } else {
        format!(" {media}")
    };
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; \
         img-src 'self' data: blob:{media}; media-src 'self'{media}; \
         connect-src 'self'{media}; font-src 'self'; manifest-src 'self'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The origins media is read from or uploaded to, besides this server.
fn media_origins(settings: &Settings) -> Vec<String> {
    let mut origins = Vec::new();
    if let Some(base) = settings.media_public_base_url.as_deref() {
        origins.extend(origin(base));
    }
    if let Some(bucket) = settings.s3_bucket.as_deref() {
        match settings.s3_endpoint.as_deref() {
            Some(endpoint) => {
                if let Some(o) = origin(endpoint) {
                    if !settings.s3_path_style
                        && let Some((scheme, host)) = o.split_once("://")
                    {
                        origins.push(format!("{scheme}://{bucket}.{host}"));
                    }
                    origins.push(o);
                }
            }
            None => {
                let region = &settings.s3_region;
                origins.push(format!("https://{bucket}.s3.{region}.amazonaws.com"));
                origins.push(format!("https://s3.{region}.amazonaws.com"));
            }
        }
    }
    origins.sort();
    origins.dedup();
    origins
}

/// `scheme://host[:port]` of a URL; `None` for anything else (never let a setting inject a
/// directive).
fn origin(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let host = parsed.host_str()?;
    Some(match parsed.port() {
        Some(port) => format!("{}://{host}:{port}", parsed.scheme()),
        None => format!("{}://{host}", parsed.scheme()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_studio_file_is_embedded_with_a_known_type() {
        assert!(embedded::FILES.iter().any(|(p, _, _)| *p == "index.html"));
        for (path, bytes, etag) in embedded::FILES {
            assert_ne!(
                content_type(path),
                "application/octet-stream",
                "{path} has no content type"
            );
            assert!(!bytes.is_empty(), "{path} is empty");
            assert!(etag.starts_with('"'), "{path}: {etag}");
        }
    }

    /// An embedded file's text.
    fn embedded_text(p: &str) -> Option<String> {
        embedded::FILES
            .iter()
            .find(|(path, _, _)| *path == p)
            .map(|(_, bytes, _)| String::from_utf8_lossy(bytes).into_owned())
    }

    /// The keys of a message file (`"key": "text",` lines).
    fn keys(text: &str) -> std::collections::BTreeSet<String> {
        text.lines()
            .filter_map(|l| {
                l.trim()
                    .strip_prefix('"')?
                    .split_once("\":")
                    .map(|(k, _)| k.to_owned())
            })
            .collect()
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let file = embedded_text;
        let mut areas = 0;
        for (path, _, _) in embedded::FILES {
            let Some(area) = path.strip_prefix("messages/en/") else {
                continue;
            };
            areas += 1;
            let en = keys(&file(path).unwrap_or_default());
            let zh = keys(&file(&format!("messages/zh-CN/{area}")).unwrap_or_default());
            let only_en: Vec<_> = en.difference(&zh).collect();
            let only_zh: Vec<_> = zh.difference(&en).collect();
            assert!(only_en.is_empty(), "{area}: missing in zh-CN: {only_en:?}");
            assert!(only_zh.is_empty(), "{area}: missing in en: {only_zh:?}");
        }
        assert!(areas >= 6, "found {areas} message areas");
        assert!(keys(&file("messages/en/common.js").unwrap_or_default()).len() > 20);
    }

    /// Every key of one language's message files.
    fn catalog(lang: &str) -> std::collections::BTreeSet<String> {
        let prefix = format!("messages/{lang}/");
        embedded::FILES
            .iter()
            .filter(|(path, _, _)| path.starts_with(&prefix))
            .flat_map(|(path, _, _)| keys(&embedded_text(path).unwrap_or_default()))
            .collect()
    }

    #[test]
    fn every_error_reason_is_worded_in_both_languages() {
        use crate::error::Reason;
        let known: std::collections::BTreeSet<String> = Reason::ALL
            .iter()
            .map(|r| format!("reason.{}", r.as_str()))
            .collect();
        for lang in ["en", "zh-CN"] {
            let have = catalog(lang);
            let missing: Vec<_> = known.difference(&have).collect();
            assert!(
                missing.is_empty(),
                "messages/{lang}/errors.js lacks {missing:?}"
            );
            let stale: Vec<_> = have
                .iter()
                .filter(|k| k.starts_with("reason.") && !known.contains(*k))
                .collect();
            assert!(stale.is_empty(), "{lang}: no such reason: {stale:?}");
        }
    }

    /// The modules a file imports statically (`import … from "./x.js"`), as paths under
    /// `studio/` (`import("…")`, loaded on demand, is not followed).
    fn static_imports(path: &str, text: &str) -> Vec<String> {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        text.lines()
            .filter(|l| l.starts_with("import "))
            .filter_map(|l| {
                let spec = l.rsplit_once(" from \"")?.1.split('"').next()?;
                let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
                for part in spec.split('/') {
                    match part {
                        "." => {}
                        ".." => {
                            parts.pop();
                        }
                        p => parts.push(p),
                    }
                }
                Some(parts.join("/"))
            })
            .collect()
    }

    #[test]
    fn index_preloads_exactly_the_frames_module_graph() {
        let text = |p: &str| embedded_text(p).unwrap_or_else(|| panic!("{p} is not embedded"));
        let mut graph = std::collections::BTreeSet::new();
        let mut todo = vec!["app.js".to_owned()];
        while let Some(path) = todo.pop() {
            if graph.insert(path.clone()) {
                todo.extend(static_imports(&path, &text(&path)));
            }
        }
        assert!(graph.len() > 10, "{graph:?}");
        let preloaded: std::collections::BTreeSet<String> = text("index.html")
            .lines()
            .filter_map(|l| {
                l.strip_prefix("<link rel=\"modulepreload\" href=\"/studio/assets/")?
                    .strip_suffix("\">")
                    .map(str::to_owned)
            })
            .collect();
        assert_eq!(preloaded, graph);
    }

    /// The strings of `const NAME = [...]` in a Studio file.
    fn js_list(text: &str, name: &str) -> Vec<String> {
        let start = text
            .find(&format!("const {name} = ["))
            .unwrap_or_else(|| panic!("no list {name}"));
        let rest = &text[start..];
        let end = rest.find("];").unwrap_or(rest.len());
        rest[..end]
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_settings_pages_offer_every_scope_and_webhook_event_the_server_knows() {
        let tokens = embedded_text("pages/settings/tokens.js").unwrap_or_default();
        let server_scopes: Vec<String> = crate::auth::Scope::ALL
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect();
        assert_eq!(js_list(&tokens, "SCOPES"), server_scopes);
        let webhooks = embedded_text("pages/settings/webhooks.js").unwrap_or_default();
        let server_events: Vec<String> = crate::services::webhook::EVENTS
            .iter()
            .map(|e| (*e).to_owned())
            .collect();
        assert_eq!(js_list(&webhooks, "EVENTS"), server_events);
    }

    #[test]
    fn the_product_editor_offers_exactly_the_incoterms_the_server_takes() {
        let terms = embedded_text("pages/product/terms.js").unwrap_or_default();
        let server: Vec<String> = crate::domain::Incoterm::codes()
            .map(str::to_owned)
            .collect();
        assert_eq!(server.len(), 11);
        assert_eq!(js_list(&terms, "INCOTERMS"), server);
    }

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        let settings = Settings::default();
        for bad in ["../Cargo.toml", "a/../../x", ".hidden", "a//b", "a\\b", ""] {
            assert!(lookup(&settings, bad).is_none(), "{bad}");
        }
        assert!(lookup(&settings, "index.html").is_some());
    }

    #[test]
    fn the_policy_names_only_this_server_and_the_media_store() {
        let mut settings = Settings::default();
        let csp = content_security_policy(&settings);
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
        assert!(!csp.contains("http"), "{csp}");
        settings.s3_bucket = Some("media".into());
        settings.s3_endpoint = Some("http://127.0.0.1:9000/".into());
        settings.s3_path_style = true;
        settings.media_public_base_url = Some("https://cdn.example.com/m/; script-src *".into());
        let csp = content_security_policy(&settings);
        assert!(
            csp.contains("img-src 'self' data: blob: http://127.0.0.1:9000"),
            "{csp}"
        );
        assert!(!csp.contains("script-src *"), "{csp}");
    }
}
