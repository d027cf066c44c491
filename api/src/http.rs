//! HTTP routes: `/graphql` (POST to execute, GET for GraphiQL), `/healthz`, `/readyz`.
use crate::error::{AppError, ErrorCode};
use crate::graphql::{Loaders, WharfSchema, fill_missing_codes};
use crate::services::session;
use crate::state::AppState;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use async_graphql::{BatchRequest, BatchResponse};
use futures_util::StreamExt;
use sea_orm::ConnectionTrait;
use serde_json::json;

/// Most operations in one batched request.
pub const MAX_BATCH: usize = 10;

/// Registers the routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/graphql", web::post().to(graphql_post))
        .route("/graphql", web::get().to(graphiql))
        .route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
}

/// A GraphQL-shaped error body for failures before execution.
fn error_response(code: ErrorCode, message: &str, reason: Option<&str>) -> HttpResponse {
    let mut extensions = json!({ "code": code.as_str() });
    if let Some(reason) = reason {
        extensions["reason"] = json!(reason);
    }
    let status = actix_web::http::StatusCode::from_u16(code.http_status())
        .unwrap_or(actix_web::http::StatusCode::BAD_REQUEST);
    HttpResponse::build(status)
        .content_type(ContentType::json())
        .json(json!({ "errors": [{ "message": message, "extensions": extensions }] }))
}

fn from_app_error(err: &AppError) -> HttpResponse {
    err.log_if_internal();
    error_response(err.code, &err.message, None)
}

/// Reads the body up to the limit without buffering more than it.
async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, HttpResponse> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            error_response(
                ErrorCode::BadUserInput,
                "could not read the request body",
                Some("MALFORMED_REQUEST"),
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
fn bearer(req: &HttpRequest) -> Result<Option<&str>, AppError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || AppError::unauthenticated("the Authorization header must be `Bearer <token>`");
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
    if let Some(ct) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        && !ct.starts_with("application/json")
        && !ct.starts_with("application/graphql-response+json")
    {
        return error_response(
            ErrorCode::BadUserInput,
            "send GraphQL requests as application/json",
            Some("UNSUPPORTED_MEDIA_TYPE"),
        );
    }
    let body = match read_limited(payload, state.settings.max_request_bytes).await {
        Ok(body) => body,
        Err(resp) => return resp,
    };
    let batch = match parse_batch(&body) {
        Ok(batch) => batch,
        Err(message) => {
            return error_response(ErrorCode::BadUserInput, &message, Some("MALFORMED_REQUEST"));
        }
    };
    let principal = match bearer(&req) {
        Err(err) => return from_app_error(&err),
        Ok(token) => match session::authenticate(&state.db, &state.auth, token).await {
            Ok(p) => p,
            Err(err) => return from_app_error(&err),
        },
    };
    let writes = batch
        .iter()
        .any(|r| r.query.trim_start().starts_with("mutation"));
    let batch = batch.data(principal).data(Loaders::new(&state.db));
    let mut response = schema.execute_batch(batch).await;
    match &mut response {
        BatchResponse::Single(r) => fill_missing_codes(r),
        BatchResponse::Batch(rs) => rs.iter_mut().for_each(fill_missing_codes),
    }
    if writes {
        state.outbox_wake.notify_one();
    }
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .json(&response)
}

/// Parses a GraphQL-over-HTTP JSON body: one operation object, or a batch of 1 to
/// [`MAX_BATCH`] of them. Each needs a non-empty `query` string.
fn parse_batch(body: &[u8]) -> Result<BatchRequest, String> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| format!("the request body is not valid JSON: {e}"))?;
    let one = |v: serde_json::Value| -> Result<async_graphql::Request, String> {
        if !v.is_object() {
            return Err("each operation must be a JSON object with a query".into());
        }
        match v.get("query") {
            Some(serde_json::Value::String(q)) if !q.trim().is_empty() => {}
            _ => return Err("the operation has no `query` string".into()),
        }
        serde_json::from_value(v).map_err(|e| format!("the operation is malformed: {e}"))
    };
    match value {
        serde_json::Value::Array(items) => {
            if items.is_empty() || items.len() > MAX_BATCH {
                return Err(format!("a batch holds 1 to {MAX_BATCH} operations"));
            }
            Ok(BatchRequest::Batch(
                items.into_iter().map(one).collect::<Result<_, _>>()?,
            ))
        }
        other => Ok(BatchRequest::Single(one(other)?)),
    }
}

async fn graphiql() -> HttpResponse {
    let page = GraphiQLSource::build()
        .endpoint("/graphql")
        .title("Wharf GraphiQL")
        .finish();
    HttpResponse::Ok()
        .content_type(ContentType::html())
        .body(page)
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let db_ok = state.db.execute_unprepared("SELECT 1").await.is_ok();
    let search_ok = state.search.health().await == crate::search::Health::Ok;
    let status = match (db_ok, search_ok) {
        (true, true) => "ready",
        // Writes still succeed (the outbox keeps index work until the engine is back).
        (true, false) => "degraded",
        (false, _) => "unavailable",
    };
    let body = json!({
        "status": status,
        "checks": {
            "database": if db_ok { "ok" } else { "unavailable" },
            "search": {
                "engine": state.search.name(),
                "status": if search_ok { "ok" } else { "unavailable" },
            },
        },
    });
    if db_ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
