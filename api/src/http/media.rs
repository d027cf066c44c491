//! Media over HTTP: `GET`/`HEAD /media/{key}` serves a stored file (through a signed link, or
//! to anyone when the item is public) with its sniffed type, a strong ETag, single byte ranges
//! and cache headers; `PUT /media/{key}` takes the bytes of a direct upload through a signed
//! link. Every file is served under a sandboxing CSP with `nosniff`, and files that are not
//! raster images as downloads (`Content-Disposition: attachment`), so nothing uploaded runs as
//! a page of Wharf's origin. Image variants (`{site}/{media}/v/{name}`): [`variant`].
//!
//! With S3 the store serves private files and takes uploads itself (presigned links); Wharf
//! serves public files from it (their stable links) and every variant, and answers 404 to the
//! rest.
mod variant;

use super::{error_response, read_limited};
use crate::error::{ErrorCode, Reason};
use crate::services::media::disposition::content_disposition;
use crate::services::media::{find_by_key, is_public, pending};
use crate::state::AppState;
use crate::storage::{INCOMING_PREFIX, ServedAs, valid_key};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::TryStreamExt;

/// Registers the media routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/media/{key:.*}", web::get().to(serve))
        .route("/media/{key:.*}", web::head().to(serve))
        .route("/media/{key:.*}", web::put().to(upload));
}

/// Cache-Control of a public file or variant: its key never holds other bytes.
const PUBLIC_CACHE: &str = "public, max-age=31536000, immutable";

/// Cache-Control of a signed read: private, until the link expires.
fn private_cache(expires: i64) -> String {
    let left = (expires - chrono::Utc::now().timestamp()).max(0);
    format!("private, max-age={left}")
}

/// How a read was let in.
enum Access {
    /// A valid signed link, until this time.
    Signed(i64),
    /// A public item, to anyone.
    Public,
}

/// Lets a `GET` of an item in: a signed link (checked by `signed_ok`), else a public item.
/// A link with a bad signature is refused even for a public item.
async fn read_access(
    req: &HttpRequest,
    state: &AppState,
    row: &entities::media::Model,
    signed_ok: impl Fn(i64, &str) -> bool,
    private: Refusal,
) -> Result<Access, HttpResponse> {
    if let Some((expires, sig)) = signature(req) {
        return if signed_ok(expires, &sig) {
            Ok(Access::Signed(expires))
        } else {
            Err(Refusal::Forbidden.response())
        };
    }
    match is_public(&state.db, row).await {
        Ok(true) => Ok(Access::Public),
        Ok(false) => Err(private.response()),
        Err(err) => Err(super::from_app_error(&err)),
    }
}

/// The `expires` and `sig` of a signed link.
fn signature(req: &HttpRequest) -> Option<(i64, String)> {
    let mut expires = None;
    let mut sig = None;
    for (name, value) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
        match name.as_ref() {
            "expires" => expires = value.parse::<i64>().ok(),
            "sig" => sig = Some(value.into_owned()),
            _ => {}
        }
    }
    Some((expires?, sig?))
}

/// The CSP of every served file: a document opened from it runs no script, loads nothing and
/// is a unique origin (no cookies, no storage of Wharf's origin).
pub const MEDIA_CSP: &str = "sandbox; default-src 'none'";

fn not_found() -> HttpResponse {
    error_response(ErrorCode::NotFound, "media not found", None)
}

fn forbidden() -> HttpResponse {
    error_response(
        ErrorCode::Forbidden,
        "this media link is invalid or has expired",
        None,
    )
}

fn unavailable() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("application/json")
        .body(r#"{"errors":[{"message":"the media storage is unavailable","extensions":{"code":"INTERNAL"}}]}"#)
}

/// Why a media request is refused before any work.
enum Refusal {
    /// Media are not served here (S3), or no such key.
    NotFound,
    /// The key is not one Wharf makes (path traversal and the like).
    BadKey,
    /// No valid signature.
    Forbidden,
}

impl Refusal {
    fn response(self) -> HttpResponse {
        match self {
            Self::NotFound => not_found(),
            Self::BadKey => error_response(
                ErrorCode::BadUserInput,
                "not a valid media key",
                Some(Reason::InvalidKey),
            ),
            Self::Forbidden => forbidden(),
        }
    }
}

/// Checks the key and the signature of an upload link (local media only).
fn authorize_upload(req: &HttpRequest, state: &AppState, key: &str) -> Result<(), Refusal> {
    if !state.storage.is_local() {
        return Err(Refusal::NotFound);
    }
    if !valid_key(key) {
        return Err(Refusal::BadKey);
    }
    match signature(req) {
        Some((expires, sig)) if state.storage.verify_local("PUT", key, expires, &sig) => Ok(()),
        _ => Err(Refusal::Forbidden),
    }
}

/// A single byte range of a `Range` header, resolved against `size`. `None`: serve it all (no
/// header, or one this server does not handle, such as several ranges); `Some(Err)`: 416.
fn byte_range(value: Option<&HeaderValue>, size: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = value?.to_str().ok()?.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let (start, end) = (start.trim(), end.trim());
    let range = match (start.is_empty(), end.is_empty()) {
        (true, true) => return Some(Err(())),
        (true, false) => {
            let n: u64 = end.parse().ok()?;
            if n == 0 || size == 0 {
                return Some(Err(()));
            }
            (size.saturating_sub(n), size - 1)
        }
        (false, _) => {
            let a: u64 = start.parse().ok()?;
            let b: u64 = if end.is_empty() {
                size.saturating_sub(1)
            } else {
                end.parse::<u64>().ok()?.min(size.saturating_sub(1))
            };
            if a >= size || b < a {
                return Some(Err(()));
            }
            (a, b)
        }
    };
    Some(Ok(range))
}

async fn serve(
    req: HttpRequest,
    key: web::Path<String>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let key = key.into_inner();
    if !valid_key(&key) {
        return Refusal::BadKey.response();
    }
    if let Some(parts) = crate::services::media::variant::parse_variant_key(&key) {
        return variant::serve(&req, &state, &key, parts).await;
    }
    let row = match find_by_key(&state.db, &key).await {
        Ok(Some(row)) => row,
        Ok(None) => return not_found(),
        Err(err) => return super::from_app_error(&err),
    };
    // S3 serves private files itself, through presigned links.
    let (local, storage) = (state.storage.is_local(), &state.storage);
    let private = if local {
        Refusal::Forbidden
    } else {
        Refusal::NotFound
    };
    let signed_ok =
        |expires: i64, sig: &str| local && storage.verify_local("GET", &key, expires, sig);
    let cache = match read_access(&req, &state, &row, signed_ok, private).await {
        Ok(Access::Public) => PUBLIC_CACHE.to_owned(),
        Ok(Access::Signed(expires)) => private_cache(expires),
        Err(resp) => return resp,
    };
    let size = u64::try_from(row.size_bytes).unwrap_or(0);
    let etag = format!("\"{}\"", row.sha256);
    let mut resp = HttpResponse::build(StatusCode::OK);
    resp.insert_header((header::CONTENT_TYPE, row.content_type.as_str()))
        .insert_header((header::ETAG, etag.as_str()))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, MEDIA_CSP));
    if let Some(disposition) = content_disposition(&row.content_type, &row.filename) {
        resp.insert_header((header::CONTENT_DISPOSITION, disposition));
    }
    if super::conditional::none_match(&req, &etag) {
        return resp.status(StatusCode::NOT_MODIFIED).finish();
    }
    let range = match byte_range(req.headers().get(header::RANGE), size) {
        None => None,
        Some(Ok((a, b))) => Some((a, b)),
        Some(Err(())) => {
            return resp
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .insert_header((header::CONTENT_RANGE, format!("bytes */{size}")))
                .finish();
        }
    };
    let length = match range {
        Some((a, b)) => {
            resp.status(StatusCode::PARTIAL_CONTENT)
                .insert_header((header::CONTENT_RANGE, format!("bytes {a}-{b}/{size}")));
            b - a + 1
        }
        None => size,
    };
    if req.method() == Method::HEAD {
        return resp
            .no_chunking(length)
            .streaming(futures_util::stream::empty::<
                Result<bytes::Bytes, actix_web::Error>,
            >());
    }
    let got = match state
        .storage
        .get_range(&key, range.map(|(a, b)| a..b + 1))
        .await
    {
        Ok(got) => got,
        Err(crate::storage::StorageError::NotFound) => return not_found(),
        Err(err) => {
            tracing::error!(key, error = %err, "reading a media object failed");
            return unavailable();
        }
    };
    let stream = got
        .into_stream()
        .map_err(actix_web::error::ErrorInternalServerError);
    resp.no_chunking(length).streaming(stream)
}

async fn upload(
    req: HttpRequest,
    key: web::Path<String>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let key = key.into_inner();
    if let Err(refusal) = authorize_upload(&req, &state, &key) {
        return refusal.response();
    }
    // Uploads go to `incoming/` keys only; once confirmed, the URL has nothing left to change.
    let Some(final_key) = key.strip_prefix(INCOMING_PREFIX) else {
        return Refusal::Forbidden.response();
    };
    if let Err(resp) = upload_open(&state, final_key).await {
        return resp;
    }
    let body = match read_limited(payload, state.settings.media_max_bytes).await {
        Ok(body) => body,
        Err(resp) => return resp,
    };
    if let Err(err) = state
        .storage
        .put(&key, body.into(), ServedAs::default())
        .await
    {
        tracing::error!(key, error = %err, "storing an upload failed");
        return unavailable();
    }
    // Swept while the bytes came in: nothing would ever delete them, so do it now.
    if matches!(pending::find_by_key(&state.db, final_key).await, Ok(None))
        && let Err(err) = state.storage.delete(&key).await
    {
        tracing::warn!(key, error = %err, "could not delete an upload that arrived after its sweep");
    }
    HttpResponse::Ok().finish()
}

/// Whether bytes may still be sent for the upload with this final key: it was asked for, is
/// neither confirmed nor being confirmed, and has not been swept.
async fn upload_open(state: &AppState, final_key: &str) -> Result<(), HttpResponse> {
    let internal = |err: crate::error::AppError| {
        err.log_if_internal();
        error_response(ErrorCode::Internal, "internal server error", None)
    };
    let confirmed = || {
        error_response(
            ErrorCode::Conflict,
            "this upload is already confirmed",
            None,
        )
    };
    match pending::find_by_key(&state.db, final_key).await {
        Ok(Some(upload)) if upload.confirmed_at.is_some() => Err(confirmed()),
        Ok(Some(upload)) if pending::is_claimed(&upload) => Err(error_response(
            ErrorCode::Conflict,
            "this upload is being confirmed right now",
            None,
        )),
        Ok(Some(_)) => Ok(()),
        Ok(None) => match find_by_key(&state.db, final_key).await {
            Ok(Some(_)) => Err(confirmed()),
            Ok(None) => Err(error_response(
                ErrorCode::NotFound,
                "no such upload: it was removed (left unconfirmed too long, or refused); ask for a new upload URL",
                None,
            )),
            Err(err) => Err(internal(err)),
        },
        Err(err) => Err(internal(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::byte_range;
    use actix_web::http::header::HeaderValue;

    fn range(v: &'static str, size: u64) -> Option<Result<(u64, u64), ()>> {
        byte_range(Some(&HeaderValue::from_static(v)), size)
    }

    #[test]
    fn byte_ranges_resolve_against_the_size() {
        assert_eq!(range("bytes=0-9", 100), Some(Ok((0, 9))));
        assert_eq!(range("bytes=90-", 100), Some(Ok((90, 99))));
        assert_eq!(range("bytes=-10", 100), Some(Ok((90, 99))));
        assert_eq!(range("bytes=50-500", 100), Some(Ok((50, 99))));
        assert_eq!(range("bytes=100-", 100), Some(Err(())));
        assert_eq!(range("bytes=9-3", 100), Some(Err(())));
        assert_eq!(range("bytes=0-1,5-6", 100), None);
        assert_eq!(range("items=0-1", 100), None);
        assert_eq!(byte_range(None, 100), None);
    }
}
