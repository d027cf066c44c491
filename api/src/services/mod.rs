//! The rules of Wharf: validation, state changes and authorization decisions.
//!
//! Services take a connection (`&impl ConnectionTrait`, so the caller picks whether they run in
//! a transaction) and the calling [`Principal`](crate::auth::Principal); they never see
//! GraphQL types. Resolvers convert input, call one service function and convert the result.

pub mod api_token;
pub mod article;
pub mod authz;
pub mod erasure;
pub mod inquiry;
pub mod invitation;
pub mod job_claim;
pub mod maintenance;
pub mod market;
pub mod media;
pub mod member;
pub mod outbox;
pub mod pagination;
pub mod password;
pub mod password_reset;
pub mod product;
pub mod search;
pub mod seo;
pub mod session;
pub mod site;
pub mod tag;
pub mod user;
pub mod webhook;

use chrono::{DateTime, SubsecRound, Utc};

/// The current time at the precision both databases keep (microseconds), so that a value read
/// back equals the value written and cursors built from either compare the same.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Reads a JSON array of strings stored in a `json` column; anything else reads as empty.
pub fn json_strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `%text%` for `LIKE … ESCAPE '\'`: the rows whose column contains `text` as it is, its
/// wildcard characters (`%`, `_`) and the escape character escaped.
pub fn like_contains(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Parses an ID given by a client.
pub fn parse_id(field: &str, value: &str) -> crate::error::AppResult<uuid::Uuid> {
    uuid::Uuid::parse_str(value.trim()).map_err(|_| {
        crate::error::AppError::bad_input(field, format!("{field} is not a valid ID"))
            .because(crate::error::Reason::InvalidId)
    })
}

/// Starts a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (`BEGIN IMMEDIATE`), so a transaction that reads before it writes waits for other writers
/// (busy timeout) instead of failing when another commit lands between its read and its write.
pub async fn begin_write<C: sea_orm::TransactionTrait>(
    db: &C,
) -> Result<C::Transaction, sea_orm::DbErr> {
    db.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// `query` with `FOR UPDATE` on PostgreSQL, for reading a row inside a [`begin_write`]
/// transaction before deciding on a change: a concurrent writer of the row waits until this
/// transaction ends and then reads what it wrote. SQLite has no row locks and needs none: there
/// `begin_write` already holds the database's single write lock.
pub fn for_update<E: sea_orm::EntityTrait>(
    query: sea_orm::Select<E>,
    backend: sea_orm::DbBackend,
) -> sea_orm::Select<E> {
    use sea_orm::QuerySelect;
    if backend == sea_orm::DbBackend::Postgres {
        query.lock_exclusive()
    } else {
        query
    }
}
