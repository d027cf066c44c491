//! `GET /sitemap.xml?site=DOMAIN[&page=N]`: a site's sitemap as XML, as search engines read it
//! (sitemaps.org 0.9, with `xhtml:link rel="alternate" hreflang` for every version of a page
//! and `x-default`, as Google documents). Up to `sitemap_page_size` URLs it is one `<urlset>`;
//! past that, the bare URL answers a `<sitemapindex>` listing `?site=D&page=N` for every page.
//! What goes in is `services::seo::sitemap`'s; here only the framing: the rate limit (the
//! anonymous API figure per client address, shared with anonymous GraphQL reads), XML
//! escaping, a strong `ETag` over the body and a short public `Cache-Control`.
use super::{client_ip, from_app_error, rate_limited};
use crate::error::{AppError, Reason};
use crate::services::seo::{self, SitemapEntry};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// Registers the route (`HEAD` answers the same headers without the body).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sitemap.xml", web::get().to(serve))
        .route("/sitemap.xml", web::head().to(serve));
}

/// How long caches may keep a sitemap: search engines read it rarely, and an hour-old sitemap
/// harms nobody, but a new product should show within minutes.
const CACHE_CONTROL: &str = "public, max-age=300";

/// Longest `site` argument read (a domain is at most 253 characters; an ID 36).
const MAX_SITE_CHARS: usize = 300;

#[derive(serde::Deserialize)]
struct Params {
    site: Option<String>,
    page: Option<String>,
}

async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: Result<web::Query<Params>, actix_web::Error>,
) -> HttpResponse {
    if let Err(wait) = state.limits.anonymous(client_ip(&req, &state.settings)) {
        return rate_limited(wait);
    }
    let params = match query {
        Ok(q) => q.into_inner(),
        Err(_) => {
            return from_app_error(
                &AppError::bad_input("site", "the query string could not be read")
                    .because(Reason::MalformedRequest),
            );
        }
    };
    let site = match params.site.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() && s.chars().count() <= MAX_SITE_CHARS => s.to_owned(),
        Some(s) if !s.is_empty() => {
            return from_app_error(
                &AppError::bad_input("site", "not a site's domain or ID")
                    .because(Reason::TooLong)
                    .with("max", MAX_SITE_CHARS),
            );
        }
        _ => {
            return from_app_error(
                &AppError::bad_input("site", "name the site: /sitemap.xml?site=DOMAIN")
                    .because(Reason::Required),
            );
        }
    };
    let page = match params.page.as_deref() {
        None => None,
        Some(raw) => match raw.trim().parse::<u64>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                return from_app_error(
                    &AppError::bad_input("page", "the page is a number from 1")
                        .because(Reason::OutOfRange)
                        .with("min", 1),
                );
            }
        },
    };
    let plan = match seo::plan_sitemap(&state.db, &site, state.settings.sitemap_page_size).await {
        Ok(plan) => plan,
        Err(err) => return from_app_error(&err),
    };
    let body = match page {
        None if plan.pages() > 1 => index(state.storage.self_base(), &plan),
        page => match seo::sitemap_page(&state.db, &plan, page.unwrap_or(1)).await {
            Ok(entries) => urlset(&entries),
            Err(err) => return from_app_error(&err),
        },
    };
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(body.as_bytes())[..16])
    );
    let fresh = super::conditional::none_match(&req, &etag);
    let mut resp = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    resp.insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    if fresh {
        return resp.finish();
    }
    resp.content_type("application/xml; charset=utf-8")
        .body(body)
}

/// Text escaped for XML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// The `<sitemapindex>` of a sitemap of several pages, on this server's own URL.
fn index(self_base: &str, plan: &seo::SitemapPlan) -> String {
    let site =
        url::form_urlencoded::byte_serialize(plan.site.domain.as_bytes()).collect::<String>();
    let mut out = String::from(HEAD);
    out.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for page in 1..=plan.pages() {
        let loc = format!("{self_base}/sitemap.xml?site={site}&page={page}");
        let _ = writeln!(out, "<sitemap><loc>{}</loc></sitemap>", esc(&loc));
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// One `<urlset>`: every entry with its `lastmod` and, when it has other versions, an
/// `xhtml:link` for each version (itself included, as Google asks) and for `x-default`.
fn urlset(entries: &[SitemapEntry]) -> String {
    let mut out = String::from(HEAD);
    out.push_str(
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for e in entries {
        let _ = write!(
            out,
            "<url><loc>{}</loc><lastmod>{}</lastmod>",
            esc(&e.url),
            e.last_modified
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
        if !e.translations.is_empty() {
            let mut versions: Vec<(&str, &str)> = e
                .translations
                .iter()
                .map(|a| (a.locale.as_str(), a.url.as_str()))
                .collect();
            versions.push((&e.locale, &e.url));
            versions.sort_unstable();
            if let Some(d) = &e.x_default {
                versions.push(("x-default", &d.url));
            }
            for (lang, href) in versions {
                let _ = write!(
                    out,
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    esc(lang),
                    esc(href)
                );
            }
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(esc("a&b<c>\"'"), "a&amp;b&lt;c&gt;&quot;&apos;");
        assert_eq!(esc("球阀"), "球阀");
    }
}
