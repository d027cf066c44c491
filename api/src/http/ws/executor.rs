//! One socket's operations through the pipeline: the credential checked again per operation,
//! and a subscription's places taken on its connection and for its address.
use super::{CLOSE_FORBIDDEN, Connection};
use crate::auth::Principal;
use crate::error::{AppError, Reason};
use crate::graphql::WharfSchema;
use crate::pipeline::{self, Kind, Refused};
use crate::sockets::{Full, Held};
use crate::state::AppState;
use async_graphql::{Data, Executor, Request, Response};
use futures_util::stream::{self, BoxStream, StreamExt};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Runs the operations of one connection through the pipeline.
#[derive(Clone)]
pub(super) struct SocketExecutor {
    pub(super) schema: WharfSchema,
    pub(super) state: AppState,
    pub(super) conn: Arc<Connection>,
}

/// A subscription's places (on its connection and for its address), given back when it ends.
struct Slot {
    conn: Arc<Connection>,
    _address: Held,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.conn.subscriptions.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A one-response stream with the refusal, its error coded as over HTTP.
fn refused(err: async_graphql::ServerError) -> BoxStream<'static, Response> {
    let response = pipeline::finish(Response::from_errors(vec![err]));
    stream::once(async move { response }).boxed()
}

/// A subscription limit reached: `RATE_LIMITED`, with the limit (`TOO_MANY_SUBSCRIPTIONS`).
fn limit_error(message: String, max: u32) -> async_graphql::ServerError {
    let err = AppError::rate_limited(message)
        .because(Reason::TooManySubscriptions)
        .with("max", max);
    pipeline::refusal_error(&Refused::Error(err))
}

impl SocketExecutor {
    /// Takes a place for one more subscription, or says which limit is reached.
    fn take_slot(&self) -> Result<Slot, async_graphql::ServerError> {
        let per_connection = self.state.settings.ws_max_subscriptions_per_connection;
        let before = self.conn.subscriptions.fetch_add(1, Ordering::AcqRel);
        if per_connection > 0 && before >= per_connection {
            self.conn.subscriptions.fetch_sub(1, Ordering::AcqRel);
            return Err(limit_error(
                format!("at most {per_connection} subscriptions may run on one connection"),
                per_connection,
            ));
        }
        match self.state.sockets.subscribe(self.conn.ip) {
            Ok(held) => Ok(Slot {
                conn: self.conn.clone(),
                _address: held,
            }),
            Err(Full(n)) => {
                self.conn.subscriptions.fetch_sub(1, Ordering::AcqRel);
                Err(limit_error(
                    format!("at most {n} subscriptions may run from one address"),
                    n,
                ))
            }
        }
    }

    async fn operation(self, mut request: Request) -> BoxStream<'static, Response> {
        if let Err(err) = pipeline::check_size(&request.query) {
            return refused(pipeline::refusal_error(&Refused::Error(err)));
        }
        let Some(credential) = self.conn.credential() else {
            return refused(async_graphql::ServerError::new(
                "send connection_init first",
                None,
            ));
        };
        let principal: Principal =
            match pipeline::admit(&self.state, credential.as_deref(), self.conn.ip).await {
                Ok(p) => p,
                Err(Refused::Error(err)) => {
                    if err.code == crate::error::ErrorCode::Unauthenticated {
                        let _ = self.conn.close.send((CLOSE_FORBIDDEN, err.message.clone()));
                    }
                    return refused(pipeline::refusal_error(&Refused::Error(err)));
                }
                Err(limited) => return refused(pipeline::refusal_error(&limited)),
            };
        let checked = pipeline::resolve_persisted(&self.state, &mut request).and_then(|()| {
            pipeline::check(&mut request, false, self.state.settings.graphql_max_aliases)
        });
        let kind = match checked {
            Ok(kind) => kind,
            Err(err) => return refused(err),
        };
        let slot = match kind {
            Kind::Subscription => match self.take_slot() {
                Ok(slot) => Some(slot),
                Err(err) => return refused(err),
            },
            Kind::Read | Kind::Write | Kind::PrivateWrite => None,
        };
        let request = pipeline::for_caller(request, &principal, self.conn.ip, &self.state);
        let responses = self.schema.execute_stream(request);
        let state = self.state.clone();
        responses
            .map(move |response| {
                // The slot lives as long as the stream: given back when the subscription ends
                // or the client completes it.
                let _ = &slot;
                match kind {
                    Kind::Write => pipeline::after_writes(&state),
                    Kind::PrivateWrite => pipeline::after_private_writes(&state),
                    Kind::Read | Kind::Subscription => {}
                }
                pipeline::finish(response)
            })
            .boxed()
    }
}

impl Executor for SocketExecutor {
    async fn execute(&self, request: Request) -> Response {
        let mut responses = self.clone().operation(request).await;
        responses
            .next()
            .await
            .unwrap_or_else(|| Response::from_errors(Vec::new()))
    }

    fn execute_stream(
        &self,
        request: Request,
        _session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        stream::once(self.clone().operation(request))
            .flatten()
            .boxed()
    }
}
