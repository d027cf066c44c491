//! GraphQL over WebSocket (`graphql-transport-ws`, and the older `graphql-ws`), on the same
//! pipeline as HTTP (`crate::pipeline`): every operation on a socket has its credential checked
//! again, counts against the same rate limits, passes the same size and document checks, and a
//! mutation drops the response cache and wakes the outbox as over HTTP.
//!
//! A socket holds resources for as long as the client likes, so it also has limits of its own:
//! connections and running subscriptions per client address, subscriptions per connection, a
//! deadline for `connection_init`, and its credential checked again every `ws_recheck_secs` and
//! when an access token expires. Close codes: 1002 a message the protocol does not allow (or a
//! refused `connection_init`), 1008 a client more than 256 messages ahead of the server, 1009 a
//! message over the size limit, 4403 credentials expired or revoked, 4408 no `connection_init`
//! in time, 4429 a second `connection_init`.
mod executor;

use crate::graphql::WharfSchema;
use crate::sockets::{Full, Held};
use crate::state::AppState;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, Session};
use async_graphql::Data;
use async_graphql::http::{WebSocketProtocols, WsMessage};
use executor::SocketExecutor;
use futures_util::stream::StreamExt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::atomic::AtomicU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// Closes the socket: the credential no longer holds.
const CLOSE_FORBIDDEN: u16 = 4403;
/// Closes the socket: no `connection_init` in time.
const CLOSE_INIT_TIMEOUT: u16 = 4408;

/// What one connection shares between its protocol handler and its operations.
struct Connection {
    ip: IpAddr,
    /// The bearer credential from `connection_init` (none: anonymous); set once.
    credential: Mutex<Option<Option<String>>>,
    /// Running subscriptions on this connection.
    subscriptions: AtomicU32,
    /// Asks the connection to close with a code and a reason.
    close: mpsc::UnboundedSender<(u16, String)>,
}

impl Connection {
    /// The credential, once `connection_init` was accepted.
    fn credential(&self) -> Option<Option<String>> {
        self.credential
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The bearer credential of a `connection_init` payload (`{"Authorization": "Bearer …"}`, as
/// browsers cannot set headers on a WebSocket); none means anonymous.
fn bearer_of(init: &serde_json::Value) -> Option<String> {
    ["Authorization", "authorization"]
        .iter()
        .find_map(|k| init.get(*k).and_then(|v| v.as_str()))
        .map(|v| {
            let v = v.trim();
            match v.split_once(' ') {
                Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                    token.trim().to_owned()
                }
                _ => v.to_owned(),
            }
        })
        .filter(|v| !v.is_empty())
}

/// `GET /graphql` with `Upgrade: websocket`.
pub async fn graphql_ws(
    req: HttpRequest,
    payload: web::Payload,
    schema: web::Data<WharfSchema>,
    state: web::Data<AppState>,
) -> actix_web::Result<HttpResponse> {
    let protocol = req
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())
        .and_then(|protocols| {
            protocols
                .split(',')
                .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
        });
    let Some(protocol) = protocol else {
        return Ok(super::error_response(
            crate::error::ErrorCode::BadUserInput,
            "ask for the WebSocket subprotocol graphql-transport-ws (or graphql-ws)",
            Some(crate::error::Reason::UnsupportedSubprotocol),
        ));
    };
    let state = state.get_ref().clone();
    let ip = super::client_ip(&req, &state.settings);
    let held = match state.sockets.connect(ip) {
        Ok(held) => held,
        Err(Full(n)) => {
            let mut response = super::rate_limited(Duration::from_secs(10));
            if let Ok(message) = HeaderValue::from_str(&format!(
                "at most {n} WebSocket connections from one address"
            )) {
                response
                    .headers_mut()
                    .insert(header::HeaderName::from_static("x-wharf-limit"), message);
            }
            return Ok(response);
        }
    };
    let (mut response, session, messages) = actix_ws::handle(&req, payload)?;
    response.headers_mut().insert(
        header::SEC_WEBSOCKET_PROTOCOL,
        HeaderValue::from_static(protocol.sec_websocket_protocol()),
    );
    let schema = WharfSchema::clone(&schema);
    actix_web::rt::spawn(serve(schema, state, protocol, ip, session, messages, held));
    Ok(response)
}

/// Client messages read but not yet taken by the protocol machine (it takes none while it
/// checks a `connection_init`). Waiting for room would stop reading the socket and could hang
/// the connection, so a client this far ahead is closed instead.
const QUEUED_MESSAGES: usize = 256;

/// Hands a client message to the protocol machine; `Err` holds how to close the socket.
fn pass_on(
    to_protocol: &mpsc::Sender<bytes::Bytes>,
    message: bytes::Bytes,
) -> Result<(), Option<CloseReason>> {
    match to_protocol.try_send(message) {
        Ok(()) => Ok(()),
        Err(mpsc::error::TrySendError::Full(_)) => Err(Some(CloseReason {
            code: CloseCode::Policy,
            description: Some(format!(
                "more than {QUEUED_MESSAGES} messages ahead of the server"
            )),
        })),
        Err(mpsc::error::TrySendError::Closed(_)) => Err(None),
    }
}

/// When an access token expires; `None` for API tokens (checked against the database on every
/// operation and every `ws_recheck_secs`) and for anonymous sockets.
fn expiry_of(state: &AppState, credential: Option<&str>) -> Option<tokio::time::Instant> {
    let token = credential?;
    if token.starts_with(crate::services::api_token::TOKEN_PREFIX) {
        return None;
    }
    let claims = state.auth.jwt.verify(token).ok()?;
    let left = claims.expires_at - chrono::Utc::now().timestamp();
    let left = u64::try_from(left).unwrap_or(0);
    Some(tokio::time::Instant::now() + Duration::from_secs(left))
}

/// Serves one socket until either side closes it.
async fn serve(
    schema: WharfSchema,
    state: AppState,
    protocol: WebSocketProtocols,
    ip: IpAddr,
    mut session: Session,
    messages: actix_ws::MessageStream,
    held: Held,
) {
    let max_message = state.settings.max_request_bytes;
    let mut messages = messages
        .max_frame_size(max_message)
        .aggregate_continuations()
        .max_continuation_size(max_message);
    let (close_tx, mut close_rx) = mpsc::unbounded_channel();
    let conn = Arc::new(Connection {
        ip,
        credential: Mutex::new(None),
        subscriptions: AtomicU32::new(0),
        close: close_tx,
    });
    let executor = SocketExecutor {
        schema,
        state: state.clone(),
        conn: conn.clone(),
    };
    let (to_protocol, from_client) = mpsc::channel::<bytes::Bytes>(QUEUED_MESSAGES);
    let on_init = {
        let conn = conn.clone();
        let state = state.clone();
        move |init: serde_json::Value| async move {
            let credential = bearer_of(&init);
            // Checked now too, so a bad credential is refused at `connection_init`.
            crate::services::session::authenticate(&state.db, &state.auth, credential.as_deref())
                .await
                .map_err(|e| async_graphql::Error::new(e.message))?;
            *conn.credential.lock().unwrap_or_else(|e| e.into_inner()) = Some(credential);
            Ok(Data::default())
        }
    };
    let mut protocol_stream = async_graphql::http::WebSocket::new(
        executor,
        tokio_stream::wrappers::ReceiverStream::new(from_client),
        protocol,
    )
    .on_connection_init(on_init);
    let init_deadline =
        tokio::time::sleep(Duration::from_millis(state.settings.ws_init_timeout_ms));
    tokio::pin!(init_deadline);
    let recheck_every = Duration::from_secs(state.settings.ws_recheck_secs);
    let mut recheck =
        tokio::time::interval_at(tokio::time::Instant::now() + recheck_every, recheck_every);
    let mut expiry: Option<tokio::time::Instant> = None;
    let far = tokio::time::Instant::now() + Duration::from_secs(86_400 * 365);
    let close = loop {
        let initialised = conn.credential();
        if let Some(credential) = &initialised
            && expiry.is_none()
        {
            expiry = expiry_of(&state, credential.as_deref()).or(Some(far));
        }
        tokio::select! {
            message = messages.next() => match message {
                Some(Ok(AggregatedMessage::Text(text))) => {
                    if let Err(close) = pass_on(&to_protocol, text.into_bytes()) {
                        break close;
                    }
                }
                Some(Ok(AggregatedMessage::Binary(bytes))) => {
                    if let Err(close) = pass_on(&to_protocol, bytes) {
                        break close;
                    }
                }
                Some(Ok(AggregatedMessage::Ping(bytes))) => {
                    if session.pong(&bytes).await.is_err() {
                        return;
                    }
                }
                Some(Ok(AggregatedMessage::Pong(_))) => {}
                Some(Ok(AggregatedMessage::Close(_))) | None => break None,
                Some(Err(err)) => {
                    break Some(CloseReason {
                        code: CloseCode::Size,
                        description: Some(format!("the message was refused: {err}")),
                    });
                }
            },
            out = protocol_stream.next() => match out {
                Some(WsMessage::Text(text)) => {
                    if session.text(text).await.is_err() {
                        return;
                    }
                }
                Some(WsMessage::Close(code, description)) => {
                    break Some(CloseReason { code: CloseCode::from(code), description: Some(description) });
                }
                None => break None,
            },
            Some((code, description)) = close_rx.recv() => {
                break Some(CloseReason { code: CloseCode::from(code), description: Some(description) });
            }
            () = &mut init_deadline, if initialised.is_none() => {
                break Some(CloseReason {
                    code: CloseCode::from(CLOSE_INIT_TIMEOUT),
                    description: Some("Connection initialisation timeout".to_owned()),
                });
            }
            () = tokio::time::sleep_until(expiry.unwrap_or(far)), if expiry.is_some() => {
                break Some(CloseReason {
                    code: CloseCode::from(CLOSE_FORBIDDEN),
                    description: Some("the access token expired".to_owned()),
                });
            }
            _ = recheck.tick(), if initialised.is_some() => {
                let credential = initialised.flatten();
                if credential.is_some()
                    && let Err(err) = crate::services::session::authenticate(
                        &state.db,
                        &state.auth,
                        credential.as_deref(),
                    )
                    .await
                {
                    break Some(CloseReason {
                        code: CloseCode::from(CLOSE_FORBIDDEN),
                        description: Some(err.message),
                    });
                }
            }
        }
    };
    drop(protocol_stream);
    drop(held);
    let _ = session.close(close).await;
}
