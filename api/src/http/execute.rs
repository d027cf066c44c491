//! Running GraphQL requests over HTTP: `POST /graphql` and cacheable `GET /graphql` reads,
//! with automatic persisted queries, credentials, rate limits, the anonymous response cache,
//! ETag / `Cache-Control`, and metrics.
use super::{bearer, error_response, from_app_error, graphiql, rate_limited};
use crate::auth::Principal;
use crate::cache::{Cached, ResponseCache};
use crate::error::{ErrorCode, Reason};
use crate::graphql::WharfSchema;
use crate::pipeline::{self, Kind, Refused};
use crate::state::AppState;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::{BatchRequest, BatchResponse, Request, Response, ServerError};

/// Runs one readied operation for the caller, or answers its error.
async fn run(
    schema: &WharfSchema,
    request: Request,
    prepared: Result<Kind, ServerError>,
    caller: (&Principal, std::net::IpAddr, &AppState),
) -> Response {
    pipeline::finish(match prepared {
        Err(err) => Response::from_errors(vec![err]),
        Ok(_) => {
            let (principal, ip, state) = caller;
            schema
                .execute(pipeline::for_caller(request, principal, ip, state))
                .await
        }
    })
}

/// The cache key of a single anonymous read (persisted queries are resolved to their text
/// first, so a request by hash and one with the text share an entry).
fn cache_key(request: &Request) -> [u8; 32] {
    let variables = serde_json::to_string(&request.variables).unwrap_or_default();
    ResponseCache::key(&[
        &request.query,
        &variables,
        request.operation_name.as_deref().unwrap_or(""),
    ])
}

/// `GET /graphql`: GraphiQL without parameters, else a read (`query`, `variables`,
/// `operationName`, `extensions` as in the GraphQL-over-HTTP spec). Mutations are refused.
pub async fn graphql_get(
    req: HttpRequest,
    schema: web::Data<WharfSchema>,
    state: web::Data<AppState>,
) -> HttpResponse {
    if req.query_string().is_empty() {
        return graphiql(&state.settings).await;
    }
    match async_graphql::http::parse_query_string(req.query_string()) {
        Ok(request) => execute(&req, &schema, &state, BatchRequest::Single(request), true).await,
        Err(err) => error_response(
            ErrorCode::BadUserInput,
            &format!("the query string is not a GraphQL request: {err}"),
            Some(Reason::MalformedRequest),
        ),
    }
}

fn respond(req: &HttpRequest, cached: &Cached, via_get: bool, ttl_secs: u64) -> HttpResponse {
    let not_modified = super::conditional::none_match(req, &cached.etag);
    let mut builder = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    builder.insert_header((header::ETAG, cached.etag.clone()));
    let policy = if via_get && ttl_secs > 0 {
        format!("public, max-age={ttl_secs}")
    } else {
        "no-cache".to_owned()
    };
    builder.insert_header((header::CACHE_CONTROL, policy));
    builder.insert_header((header::VARY, "Authorization"));
    if not_modified {
        return builder.finish();
    }
    builder
        .content_type(ContentType::json())
        .body(cached.body.clone())
}

/// Runs a batch for the caller of `req`.
pub async fn execute(
    req: &HttpRequest,
    schema: &WharfSchema,
    state: &AppState,
    mut batch: BatchRequest,
    via_get: bool,
) -> HttpResponse {
    if let Some(err) = batch
        .iter()
        .find_map(|r| pipeline::check_size(&r.query).err())
    {
        return from_app_error(&err);
    }
    let ip = super::client_ip(req, &state.settings);
    let principal = match bearer(req) {
        Err(err) => return from_app_error(&err),
        Ok(token) => match pipeline::admit(state, token, ip).await {
            Ok(p) => p,
            Err(Refused::Error(err)) => return from_app_error(&err),
            Err(Refused::Limited(wait)) => return rate_limited(wait),
        },
    };
    let ttl_secs = state.settings.response_cache_ttl_ms / 1000;
    let max_aliases = state.settings.graphql_max_aliases;
    // Persisted queries first: a request sent by hash gets its text.
    let mut prepared: Vec<Result<Kind, ServerError>> = batch
        .iter_mut()
        .map(|r| pipeline::resolve_persisted(state, r).map(|()| Kind::Write))
        .collect();
    // Anonymous single requests may be answered from the cache before they are even parsed:
    // only reads are ever stored, under their whole text, variables and operation name.
    let key = match (&principal, &batch) {
        (Principal::Anonymous, BatchRequest::Single(r)) if prepared.iter().all(Result::is_ok) => {
            Some(cache_key(r))
        }
        _ => None,
    };
    if let Some(key) = &key
        && let Some(hit) = state.response_cache.get(key)
    {
        crate::metrics::observe_operation(Some("cached"), true, 0.0);
        return respond(req, &hit, via_get, ttl_secs);
    }
    // Before anything is read: a change committed from here on keeps this answer out of the cache.
    let generation = state.response_cache.generation();
    for (request, outcome) in batch.iter_mut().zip(prepared.iter_mut()) {
        if outcome.is_ok() {
            *outcome = pipeline::check(request, via_get, max_aliases);
        }
    }
    // Over GET only queries pass `check`.
    let all_reads = prepared.iter().all(|p| matches!(p, Ok(Kind::Read)));
    let writes = prepared.iter().any(|p| matches!(p, Ok(Kind::Write)));
    let private_writes = prepared.iter().any(|p| matches!(p, Ok(Kind::PrivateWrite)));
    let names: Vec<Option<String>> = batch.iter().map(|r| r.operation_name.clone()).collect();
    let started = std::time::Instant::now();
    let caller = (&principal, ip, state);
    let response = match batch {
        BatchRequest::Single(request) => {
            let outcome = prepared.pop().unwrap_or(Ok(Kind::Write));
            BatchResponse::Single(run(schema, request, outcome, caller).await)
        }
        BatchRequest::Batch(requests) => {
            let mut responses = Vec::with_capacity(requests.len());
            for (request, outcome) in requests.into_iter().zip(prepared) {
                responses.push(run(schema, request, outcome, caller).await);
            }
            BatchResponse::Batch(responses)
        }
    };
    if writes {
        pipeline::after_writes(state);
    } else if private_writes {
        pipeline::after_private_writes(state);
    }
    let seconds = started.elapsed().as_secs_f64();
    match &response {
        BatchResponse::Single(r) => crate::metrics::observe_operation(
            names.first().cloned().flatten().as_deref(),
            r.errors.is_empty(),
            seconds,
        ),
        BatchResponse::Batch(rs) => {
            for (r, name) in rs.iter().zip(&names) {
                crate::metrics::observe_operation(name.as_deref(), r.errors.is_empty(), seconds);
            }
        }
    }
    let ok = match &response {
        BatchResponse::Single(r) => r.errors.is_empty(),
        BatchResponse::Batch(_) => false,
    };
    let body = match serde_json::to_vec(&response) {
        Ok(b) => bytes::Bytes::from(b),
        Err(e) => return from_app_error(&crate::error::AppError::internal(e)),
    };
    if let (Some(key), true) = (key, ok && all_reads) {
        let cached = state.response_cache.put(key, body, generation);
        return respond(req, &cached, via_get, ttl_secs);
    }
    let mut builder = HttpResponse::Ok();
    for (name, value) in response.http_headers_iter() {
        if let Ok(value) = header::HeaderValue::from_bytes(value.as_bytes()) {
            builder.insert_header((name.as_str(), value));
        }
    }
    builder.insert_header((header::CACHE_CONTROL, "private, no-store"));
    builder.content_type(ContentType::json()).body(body)
}
