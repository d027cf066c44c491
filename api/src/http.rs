//! HTTP routes: `/graphql` (POST to execute, as JSON or as a multipart upload; GET for
//! the explorer), `/healthz`, `/readyz`, local media at `/media/{key}` (see [`media`]), and
//! sites' sitemaps at `/sitemap.xml?site=` (see [`sitemap`]).
mod access;
mod conditional;
mod cors;
mod execute;
mod media;
mod sitemap;
mod studio;
mod ws;

pub use studio::content_security_policy;

pub use access::request_id;
pub use cors::cors;

use crate::error::{AppError, ErrorCode, Param, Reason};
use crate::graphql::WharfSchema;
use crate::state::AppState;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::BatchRequest;
use async_graphql::http::{MultipartOptions, receive_batch_body};
use futures_util::StreamExt;
use sea_orm::ConnectionTrait;
use serde_json::json;

/// Most operations in one batched request.
pub const MAX_BATCH: usize = 10;

/// Most files in one multipart request.
pub const MAX_UPLOAD_FILES: usize = 10;

/// Registers the routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(graphql_post))
            .route(
                web::get()
                    .guard(actix_web::guard::Header("upgrade", "websocket"))
                    .to(ws::graphql_ws),
            )
            .route(web::get().to(execute::graphql_get)),
    )
    .route("/healthz", web::get().to(healthz))
    .route("/readyz", web::get().to(readyz))
    .route("/metrics", web::get().to(metrics))
    .configure(media::routes)
    .configure(sitemap::routes)
    .configure(studio::routes);
}

/// A GraphQL-shaped error body for failures before execution.
pub(crate) fn error_response(
    code: ErrorCode,
    message: &str,
    reason: Option<Reason>,
) -> HttpResponse {
    error_body(code, message, reason, &[])
}

/// `extensions.params` as JSON.
fn params_json(params: &[(&'static str, Param)]) -> serde_json::Value {
    params
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Param::Number(n) => json!(n),
                Param::Text(s) => json!(s),
            };
            ((*name).to_owned(), value)
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn error_body(
    code: ErrorCode,
    message: &str,
    reason: Option<Reason>,
    params: &[(&'static str, Param)],
) -> HttpResponse {
    let mut extensions = json!({ "code": code.as_str() });
    if let Some(reason) = reason {
        extensions["reason"] = json!(reason.as_str());
        if !params.is_empty() {
            extensions["params"] = params_json(params);
        }
    }
    let status = actix_web::http::StatusCode::from_u16(code.http_status())
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    HttpResponse::build(status)
        .content_type(ContentType::json())
        .json(json!({ "errors": [{ "message": message, "extensions": extensions }] }))
}

pub(crate) fn from_app_error(err: &AppError) -> HttpResponse {
    err.log_if_internal();
    error_body(err.code, &err.message, err.reason, &err.params)
}

/// Reads the body up to the limit without buffering more than it.
async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, HttpResponse> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            error_response(
                ErrorCode::BadUserInput,
                "could not read the request body",
                Some(Reason::MalformedRequest),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(error_response(
                ErrorCode::PayloadTooLarge,
                &format!("the request body is larger than {limit} bytes"),
                None,
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The bearer credential of the request; `Err` when an Authorization header is not one.
pub(crate) fn bearer(req: &HttpRequest) -> Result<Option<&str>, AppError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || {
        AppError::unauthenticated("the Authorization header must be `Bearer <token>`")
            .because(Reason::MalformedAuthorization)
    };
    let value = value.to_str().map_err(|_| bad())?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => Ok(Some(token.trim())),
        _ => Err(bad()),
    }
}

async fn graphql_post(
    req: HttpRequest,
    payload: web::Payload,
    schema: web::Data<WharfSchema>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let batch = match content_type.as_deref() {
        Some(ct) if ct.starts_with("multipart/form-data") => {
            match receive_multipart(ct, payload, &state).await {
                Ok(batch) => batch,
                Err(resp) => return resp,
            }
        }
        Some(ct)
            if !ct.starts_with("application/json")
                && !ct.starts_with("application/graphql-response+json") =>
        {
            return error_response(
                ErrorCode::BadUserInput,
                "send GraphQL requests as application/json, or uploads as multipart/form-data",
                Some(Reason::UnsupportedMediaType),
            );
        }
        _ => {
            let body = match read_limited(payload, state.settings.max_request_bytes).await {
                Ok(body) => body,
                Err(resp) => return resp,
            };
            match parse_batch(&body) {
                Ok(batch) => batch,
                Err(message) if message == BATCH_TOO_LARGE => {
                    return error_response(ErrorCode::BatchTooLarge, &message, None);
                }
                Err(message) => {
                    return error_response(
                        ErrorCode::BadUserInput,
                        &message,
                        Some(Reason::MalformedRequest),
                    );
                }
            }
        }
    };
    execute::execute(&req, &schema, &state, batch, false).await
}

/// The caller's IP address (from proxy headers only when configured to trust them).
pub fn client_ip(req: &HttpRequest, settings: &crate::config::Settings) -> std::net::IpAddr {
    let unspecified = std::net::IpAddr::from([0, 0, 0, 0]);
    if settings.trust_proxy_headers
        && let Some(ip) = req.connection_info().realip_remote_addr().and_then(|a| {
            a.parse::<std::net::IpAddr>()
                .ok()
                .or_else(|| a.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        })
    {
        return ip;
    }
    req.peer_addr().map(|a| a.ip()).unwrap_or(unspecified)
}

/// `429` with `Retry-After` and a GraphQL-shaped `RATE_LIMITED` error.
pub(crate) fn rate_limited(wait: std::time::Duration) -> HttpResponse {
    let secs = crate::ratelimit::retry_after_secs(wait);
    HttpResponse::TooManyRequests()
        .insert_header(("retry-after", secs.to_string()))
        .content_type(ContentType::json())
        .json(json!({ "errors": [{
            "message": format!("too many requests; retry in {secs} s"),
            "extensions": {
                "code": ErrorCode::RateLimited.as_str(),
                "retryAfter": secs,
                "reason": Reason::RateLimited.as_str(),
                "params": { "seconds": secs },
            },
        }] }))
}

/// Reads a GraphQL multipart request (the GraphQL multipart request spec: an `operations`
/// part, a `map` part and the file parts), within `max_multipart_bytes` for the whole body and
/// `media_max_bytes` for each file.
async fn receive_multipart(
    content_type: &str,
    payload: web::Payload,
    state: &AppState,
) -> Result<BatchRequest, HttpResponse> {
    use async_graphql::ParseRequestError;
    let body = read_limited(payload, state.settings.max_multipart_bytes).await?;
    let options = MultipartOptions::default()
        .max_file_size(state.settings.media_max_bytes)
        .max_num_files(MAX_UPLOAD_FILES);
    let reader = futures_util::io::Cursor::new(body);
    let batch = receive_batch_body(Some(content_type), reader, options)
        .await
        .map_err(|err| match err {
            ParseRequestError::PayloadTooLarge => error_response(
                ErrorCode::PayloadTooLarge,
                &format!(
                    "a file is larger than the limit of {} bytes, or there are more than {MAX_UPLOAD_FILES} files",
                    state.settings.media_max_bytes
                ),
                None,
            ),
            other => error_response(
                ErrorCode::BadUserInput,
                &format!("the multipart request is malformed: {other}"),
                Some(Reason::MalformedRequest),
            ),
        })?;
    let operations = match &batch {
        BatchRequest::Single(_) => 1,
        BatchRequest::Batch(items) => items.len(),
    };
    if operations == 0 || operations > MAX_BATCH {
        return Err(error_response(
            ErrorCode::BatchTooLarge,
            &format!("a batch holds 1 to {MAX_BATCH} operations"),
            None,
        ));
    }
    Ok(batch)
}

const BATCH_TOO_LARGE: &str = "a batch holds at most 10 operations";

/// Parses a GraphQL-over-HTTP JSON body: one operation object, or a batch of 1 to
/// [`MAX_BATCH`] of them. Each needs a non-empty `query` string.
fn parse_batch(body: &[u8]) -> Result<BatchRequest, String> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| format!("the request body is not valid JSON: {e}"))?;
    let one = |v: serde_json::Value| -> Result<async_graphql::Request, String> {
        if !v.is_object() {
            return Err("each operation must be a JSON object with a query".into());
        }
        let persisted = v.pointer("/extensions/persistedQuery").is_some();
        match v.get("query") {
            Some(serde_json::Value::String(q)) if !q.trim().is_empty() => {}
            None | Some(serde_json::Value::Null) if persisted => {}
            _ => return Err("the operation has no `query` string".into()),
        }
        serde_json::from_value(v).map_err(|e| format!("the operation is malformed: {e}"))
    };
    match value {
        serde_json::Value::Array(items) => {
            if items.len() > MAX_BATCH {
                return Err(BATCH_TOO_LARGE.to_owned());
            }
            if items.is_empty() {
                return Err("a batch holds at least one operation".into());
            }
            Ok(BatchRequest::Batch(
                items.into_iter().map(one).collect::<Result<_, _>>()?,
            ))
        }
        other => Ok(BatchRequest::Single(one(other)?)),
    }
}

/// GraphiQL, when the settings turn it on (by default in development only); otherwise the
/// answer to a `GET` without a query.
pub(crate) async fn graphiql(settings: &crate::config::Settings) -> HttpResponse {
    if !settings.graphiql_enabled() {
        return error_response(
            ErrorCode::BadUserInput,
            "the request has no query (GraphiQL is off on this server)",
            Some(Reason::MalformedRequest),
        );
    }
    // The explorer is the Studio's own page: it needs no asset from any other host.
    HttpResponse::Found()
        .insert_header((header::LOCATION, "/studio/explorer"))
        .finish()
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let db_ok = state.db.execute_unprepared("SELECT 1").await.is_ok();
    let storage_ok = state.storage.ping().await;
    let search_ok = state.search.health().await == crate::search::Health::Ok;
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    // Media storage or search being down degrades uploads and search but not reads or writes
    // (the outbox keeps index work until the engine is back), so it does not take the
    // instance out of rotation: every instance shares the same store and engine.
    let status = match (db_ok, storage_ok && search_ok) {
        (false, _) => "unavailable",
        (true, false) => "degraded",
        (true, true) => "ready",
    };
    let body = json!({
        "status": status,
        "checks": {
            "database": word(db_ok),
            "storage": word(storage_ok),
            "search": { "engine": state.search.name(), "status": word(search_ok) },
        },
    });
    if db_ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// Why the request may not read `/metrics`, as the answer to give; `None` when it may. With
/// `metrics_token` set, only its bearer may; without one, anyone in development and nobody in
/// production (404, as if there were no such page).
fn metrics_refusal(req: &HttpRequest, settings: &crate::config::Settings) -> Option<HttpResponse> {
    use secrecy::ExposeSecret;
    use sha2::{Digest, Sha256};
    use subtle::ConstantTimeEq;
    let Some(expected) = &settings.metrics_token else {
        return (settings.environment == crate::config::Environment::Production)
            .then(|| HttpResponse::NotFound().finish());
    };
    let given = bearer(req).ok().flatten().unwrap_or_default();
    // Digests of equal length compared in constant time: neither the token's bytes nor its
    // length show in the response time.
    let same = Sha256::digest(given.as_bytes())
        .ct_eq(&Sha256::digest(expected.expose_secret().as_bytes()));
    if bool::from(same) {
        return None;
    }
    Some(
        HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\""))
            .finish(),
    )
}

/// Prometheus metrics (text exposition format), for the holder of `metrics_token`.
async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    use sea_orm::DbBackend;
    if let Some(refused) = metrics_refusal(&req, &state.settings) {
        return refused;
    }
    let pool = match state.db.get_database_backend() {
        DbBackend::Postgres => {
            let p = state.db.get_postgres_connection_pool();
            Some((p.size(), p.num_idle()))
        }
        DbBackend::Sqlite => {
            let p = state.db.get_sqlite_connection_pool();
            Some((p.size(), p.num_idle()))
        }
        _ => None,
    };
    let gauges = crate::metrics::Gauges {
        pool,
        statements: state.queries.load(std::sync::atomic::Ordering::Relaxed),
        outbox: crate::services::outbox::backlog(&state.db).await.ok(),
        variants_made: state.images.variants_made(),
    };
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(crate::metrics::render(&gauges))
}
