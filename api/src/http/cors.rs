//! Cross-origin requests from storefront pages (`WHARF_CORS_ALLOWED_ORIGINS`).
//!
//! Off by default: without allowed origins no CORS header is sent and browsers keep other
//! origins' pages from reading answers. With them, a page of an allowed origin may send `GET`
//! and `POST` to any route with the headers GraphQL clients use, and read the answer with its
//! `ETag`, request ID and `Retry-After`. Credentials are bearer tokens, never cookies, so
//! `Access-Control-Allow-Credentials` is never sent. Requests from other origins (the Studio's
//! own included) pass as before, without CORS headers, rather than being refused.
use crate::config::Settings;
use actix_cors::Cors;
use actix_web::http::header;
use actix_web::middleware::Condition;

/// How long a browser may keep a preflight's answer, in seconds.
const PREFLIGHT_MAX_AGE_SECS: usize = 3600;

/// The CORS middleware the settings ask for (a no-op when they allow no origin).
pub fn cors(settings: &Settings) -> Condition<Cors> {
    let origins = &settings.cors_allowed_origins;
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::ACCEPT,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
        ])
        .max_age(PREFLIGHT_MAX_AGE_SECS)
        .block_on_origin_mismatch(false);
    if origins.iter().any(|o| o == "*") {
        cors = cors.allow_any_origin().send_wildcard();
    } else {
        for origin in origins {
            cors = cors.allowed_origin(origin);
        }
    }
    Condition::new(!origins.is_empty(), cors)
}
