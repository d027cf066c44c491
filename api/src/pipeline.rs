//! One pipeline for every GraphQL operation, whichever transport brought it — HTTP
//! (`execute.rs`) or WebSocket (`http/ws.rs`): the size limit, the caller's credentials, the rate
//! limits, persisted queries, the document checks, the caller's data, the error codes, and the
//! effects after a write. Written once, so the transports cannot drift apart.
use crate::auth::Principal;
use crate::error::{AppError, ErrorCode, Reason};
use crate::graphql::{
    ClientIp, Loaders, app_error_extensions, check_document, fill_missing_codes, parse_failed,
    persisted_failed,
};
use crate::services::session;
use crate::state::AppState;
use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response, ServerError};
use std::net::IpAddr;
use std::time::Duration;

/// Longest query text of one operation, in bytes.
pub const MAX_QUERY_BYTES: usize = 32 * 1024;

/// Why an operation was not let in.
pub enum Refused {
    /// Bad or revoked credentials, a query over the size limit.
    Error(AppError),
    /// Over a rate limit; how long to wait.
    Limited(Duration),
}

/// What a checked operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Every operation of the document is a query.
    Read,
    /// A mutation.
    Write,
    /// A mutation of which every field is one of [`PRIVATE_MUTATIONS`]: it changes nothing an
    /// anonymous reader can see, so the response caches stay.
    PrivateWrite,
    /// A subscription.
    Subscription,
}

/// Mutations that change nothing an anonymous reader can see: the buyer inquiries' (a public
/// form that stores private data, and the members' handling of it). A document made of these
/// alone leaves the anonymous response caches as they are, so a stream of inquiries (or of
/// spam) does not empty every instance's cache with each one.
pub const PRIVATE_MUTATIONS: &[&str] = &[
    "inquiryForm",
    "submitInquiry",
    "setInquiryStatus",
    "assignInquiry",
    "addInquiryNote",
    "markInquirySpam",
    "markInquiryNotSpam",
    "deleteInquiry",
];

/// Whether every selection of a mutation is a plain field named in [`PRIVATE_MUTATIONS`]
/// (a fragment could hide anything, so it does not count).
fn is_private(selections: &async_graphql::parser::types::SelectionSet) -> bool {
    use async_graphql::parser::types::Selection;
    !selections.items.is_empty()
        && selections.items.iter().all(|s| match &s.node {
            Selection::Field(field) => PRIVATE_MUTATIONS.contains(&field.node.name.node.as_str()),
            _ => false,
        })
}

/// Refuses a query text over [`MAX_QUERY_BYTES`].
pub fn check_size(query: &str) -> Result<(), AppError> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(AppError::new(
            ErrorCode::QueryTooLarge,
            format!(
                "the query is {} bytes; the limit is {MAX_QUERY_BYTES}",
                query.len()
            ),
        )
        .because(Reason::QueryTooLarge)
        .with("bytes", query.len())
        .with("maxBytes", MAX_QUERY_BYTES));
    }
    Ok(())
}

/// Checks the caller's credential now (an API token against the database, so a revoked one is
/// refused at once; an access token by signature and expiry) and counts the operation against
/// the caller's rate limit: anonymous callers per address, API tokens per token.
pub async fn admit(
    state: &AppState,
    bearer: Option<&str>,
    ip: IpAddr,
) -> Result<Principal, Refused> {
    let principal = session::authenticate(&state.db, &state.auth, bearer)
        .await
        .map_err(Refused::Error)?;
    let limited = match &principal {
        Principal::Anonymous => state.limits.anonymous(ip),
        Principal::Token { token_id, .. } => state.limits.token(*token_id),
        Principal::User { .. } => Ok(()),
    };
    limited.map_err(Refused::Limited)?;
    Ok(principal)
}

/// Replaces a request sent by persisted-query hash with its text.
pub fn resolve_persisted(state: &AppState, request: &mut Request) -> Result<(), ServerError> {
    state.persisted.resolve(request).map_err(persisted_failed)
}

/// Parses a request once (the executor reuses the document) and checks it: aliases, and over
/// `GET` no mutation. Says what the operation does.
pub fn check(
    request: &mut Request,
    via_get: bool,
    max_aliases: usize,
) -> Result<Kind, ServerError> {
    let doc = request.parsed_query().map_err(parse_failed)?;
    check_document(doc, via_get, max_aliases)?;
    let mut kind = Kind::Read;
    for (_, op) in doc.operations.iter() {
        match op.node.ty {
            OperationType::Query => {}
            OperationType::Mutation if is_private(&op.node.selection_set.node) => {
                if kind == Kind::Read {
                    kind = Kind::PrivateWrite;
                }
            }
            OperationType::Mutation => kind = Kind::Write,
            OperationType::Subscription => return Ok(Kind::Subscription),
        }
    }
    Ok(kind)
}

/// The request with the caller's data: who, from where, and fresh loaders (what one operation
/// loaded is never served to the next).
pub fn for_caller(
    request: Request,
    principal: &Principal,
    ip: IpAddr,
    state: &AppState,
) -> Request {
    request
        .data(principal.clone())
        .data(ClientIp(ip))
        .data(Loaders::new(&state.db))
}

/// Gives every error of a response its `extensions.code`.
pub fn finish(mut response: Response) -> Response {
    fill_missing_codes(&mut response);
    response
}

/// After a write: wake the outbox worker (search, webhooks, deletes) and drop the anonymous
/// response caches, this instance's and the other instances', so readers see the change at once.
pub fn after_writes(state: &AppState) {
    state.outbox_wake.notify_one();
    state.invalidation.content_changed();
}

/// After a [`Kind::PrivateWrite`]: wake the outbox worker (an inquiry's webhook); the caches stay.
pub fn after_private_writes(state: &AppState) {
    state.outbox_wake.notify_one();
}

/// A refusal as a GraphQL error, for transports that answer inside the protocol (WebSocket).
pub fn refusal_error(refused: &Refused) -> ServerError {
    let limited;
    let (err, retry) = match refused {
        Refused::Error(err) => {
            err.log_if_internal();
            (err, None)
        }
        Refused::Limited(wait) => {
            let secs = crate::ratelimit::retry_after_secs(*wait);
            limited = AppError::rate_limited(format!("too many requests; retry in {secs} s"))
                .because(Reason::RateLimited)
                .with("seconds", secs);
            (&limited, Some(secs))
        }
    };
    let mut ext = app_error_extensions(err);
    if let Some(secs) = retry {
        ext.set("retryAfter", secs);
    }
    let mut out = ServerError::new(err.message.clone(), None);
    out.extensions = Some(ext);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(query: &str) -> Option<Kind> {
        check(&mut Request::new(query), false, 30).ok()
    }

    #[test]
    fn only_documents_of_inquiry_mutations_alone_are_private_writes() {
        let private = "mutation { submitInquiry(input: {site: \"x\", name: \"a\", email: \"a@b.c\", country: \"DE\", message: \"m\"}) { reference } }";
        assert_eq!(kind_of(private), Some(Kind::PrivateWrite));
        assert_eq!(
            kind_of("mutation { inquiryForm(site: \"x\") { token } }"),
            Some(Kind::PrivateWrite)
        );
        let mixed = "mutation { inquiryForm(site: \"x\") { token } deleteSite(id: \"1\") }";
        assert_eq!(kind_of(mixed), Some(Kind::Write));
        let fragment =
            "mutation { ...F } fragment F on Mutation { inquiryForm(site: \"x\") { token } }";
        assert_eq!(kind_of(fragment), Some(Kind::Write));
        assert_eq!(
            kind_of(
                "mutation A { inquiryForm(site: \"x\") { token } } mutation B { deleteSite(id: \"1\") }"
            ),
            Some(Kind::Write)
        );
        assert_eq!(kind_of("{ sites { id } }"), Some(Kind::Read));
    }
}
