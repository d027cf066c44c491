//! Image variants over HTTP: `GET /media/{site}/{media}/v/{name}` answers a variant from the
//! store, making it on its first request. The same checks as every read (a signed link, or a
//! public item), then: the client's rate limit (the anonymous API figure, per address), a name
//! this server offers for the item (configured widths and formats, current quality; anything
//! else is `404 VARIANT_NOT_OFFERED` before any work), and the image's own limits (pixels,
//! memory, time), refused with their reason. On either store.
use super::{Access, MEDIA_CSP, PUBLIC_CACHE, Refusal, not_found, private_cache, read_access};
use crate::http::{client_ip, from_app_error, rate_limited};
use crate::services::media::media_by_id;
use crate::services::media::variant::{Spec, fetch_or_make, offered};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use uuid::Uuid;

/// Serves the variant `name` of media `id` of site `site` (the parts of `key`).
pub(super) async fn serve(
    req: &HttpRequest,
    state: &AppState,
    key: &str,
    (site, id, name): (Uuid, Uuid, &str),
) -> HttpResponse {
    if let Err(wait) = state.limits.media_variant(client_ip(req, &state.settings)) {
        return rate_limited(wait);
    }
    let Some(spec) = Spec::parse(name) else {
        return not_found();
    };
    let row = match media_by_id(&state.db, id).await {
        Ok(Some(row)) if row.site_id == site => row,
        Ok(_) => return not_found(),
        Err(err) => return from_app_error(&err),
    };
    let storage = &state.storage;
    let signed_ok = |expires: i64, sig: &str| storage.verify_own(key, expires, sig);
    let cache = match read_access(req, state, &row, signed_ok, Refusal::Forbidden).await {
        Ok(Access::Public) => PUBLIC_CACHE.to_owned(),
        Ok(Access::Signed(expires)) => private_cache(expires),
        Err(resp) => return resp,
    };
    if let Err(err) = offered(&state.settings, &row, &spec) {
        return from_app_error(&err);
    }
    // The original's digest and the name decide the bytes.
    let etag = format!("\"{}-{name}\"", row.sha256.get(..32).unwrap_or(&row.sha256));
    let mut resp = HttpResponse::build(StatusCode::OK);
    resp.insert_header((header::CONTENT_TYPE, spec.job.format.content_type()))
        .insert_header((header::ETAG, etag.as_str()))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, MEDIA_CSP));
    if crate::http::conditional::none_match(req, &etag) {
        return resp.status(StatusCode::NOT_MODIFIED).finish();
    }
    match fetch_or_make(&state.db, storage, &state.images, &row, &spec).await {
        Ok(bytes) if req.method() == Method::HEAD => resp
            .no_chunking(bytes.len() as u64)
            .streaming(futures_util::stream::empty::<
                Result<bytes::Bytes, actix_web::Error>,
            >()),
        Ok(bytes) => resp.body(bytes),
        Err(err) => from_app_error(&err),
    }
}
