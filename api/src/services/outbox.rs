//! The outbox: work for other systems (search index, webhooks, object store), written in the
//! same transaction as the change that causes it, and retried until the other system confirms.
//!
//! Rows are claimed with a lease (`locked_until`), so several API instances on one PostgreSQL
//! share the work without doing any row twice at once (`FOR UPDATE SKIP LOCKED`); on SQLite the
//! single writer gives the same guarantee.
use crate::error::AppResult;
use crate::services::now;
use chrono::{DateTime, Duration, Utc};
use entities::outbox;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};

/// Kinds of outbox work. A handler registers for the kinds it performs.
pub mod kinds {
    /// Put a published article into the search index. Payload: `{"article_id": "…"}`.
    pub const SEARCH_UPSERT: &str = "search.upsert";
    /// Remove an article from the search index. Payload: `{"article_id": "…"}`.
    pub const SEARCH_DELETE: &str = "search.delete";
    /// A site event for its webhooks and subscribers (article.published, deal.live, …).
    /// Payload: `{"site_id": "…", "event": "…", "data": {…}}`; fanned out to one
    /// `webhook.deliver` row per matching webhook.
    pub const WEBHOOK_EVENT: &str = "webhook.event";
    /// Deliver one webhook event. Payload: `{"delivery_id": "…"}`.
    pub const WEBHOOK_DELIVER: &str = "webhook.deliver";
    /// Delete a stored object. Payload: `{"key": "…"}`.
    pub const MEDIA_DELETE: &str = "media.delete";
}

/// Longest wait between two attempts of one row.
pub const MAX_BACKOFF_SECS: i64 = 600;

/// Records work to do; call it with the transaction of the change that causes it.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    kind: &str,
    payload: serde_json::Value,
) -> AppResult<()> {
    let now = now();
    outbox::ActiveModel {
        kind: Set(kind.to_owned()),
        payload: Set(payload),
        attempts: Set(0),
        available_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        done_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Claims up to `limit` due rows of the given kinds for `lease`; returns them.
pub async fn claim(
    db: &impl ConnectionTrait,
    kinds: &[&str],
    limit: u64,
    lease: Duration,
) -> AppResult<Vec<outbox::Model>> {
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let now = now();
    let until = now + lease;
    let backend = db.get_database_backend();
    let (sql, values) = claim_sql(backend, kinds, limit, now, until);
    let rows =
        outbox::Model::find_by_statement(Statement::from_sql_and_values(backend, sql, values))
            .all(db)
            .await?;
    Ok(rows)
}

fn claim_sql(
    backend: DbBackend,
    kinds: &[&str],
    limit: u64,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> (String, Vec<sea_orm::Value>) {
    let pg = backend == DbBackend::Postgres;
    let mut values: Vec<sea_orm::Value> = vec![until.into(), now.into(), now.into()];
    let p = |n: usize| if pg { format!("${n}") } else { "?".to_owned() };
    let (until_p, now1, now2) = (p(1), p(2), p(3));
    let kind_ps: Vec<String> = (0..kinds.len()).map(|i| p(4 + i)).collect();
    values.extend(kinds.iter().map(|k| sea_orm::Value::from((*k).to_owned())));
    let lock = if pg { " FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "UPDATE outbox SET locked_until = {until_p}, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox WHERE done_at IS NULL AND available_at <= {now1} \
         AND (locked_until IS NULL OR locked_until < {now2}) AND kind IN ({}) ORDER BY id LIMIT {limit}{lock}) \
         RETURNING *",
        kind_ps.join(", ")
    );
    (sql, values)
}

/// Marks a claimed row done.
pub async fn complete(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    complete_many(db, &[id]).await
}

/// Marks claimed rows done, in one statement.
pub async fn complete_many(db: &impl ConnectionTrait, ids: &[i64]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    outbox::Entity::update_many()
        .col_expr(outbox::Column::DoneAt, Expr::value(now()))
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            outbox::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(outbox::Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// Releases a claimed row for a later attempt, with exponential backoff from its attempt count.
pub async fn retry_later(
    db: &impl ConnectionTrait,
    row: &outbox::Model,
    error: &str,
) -> AppResult<()> {
    let exp = u32::try_from(row.attempts.clamp(0, 20)).unwrap_or(20);
    let delay = 2_i64.saturating_pow(exp).min(MAX_BACKOFF_SECS);
    let error: String = error.chars().take(2000).collect();
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::AvailableAt,
            Expr::value(now() + Duration::seconds(delay)),
        )
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(outbox::Column::LastError, Expr::value(Some(error)))
        .filter(outbox::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Rows not yet done, and the age in seconds of the oldest of them (the lag).
pub async fn backlog(db: &impl ConnectionTrait) -> AppResult<(u64, i64)> {
    let pending = outbox::Entity::find().filter(outbox::Column::DoneAt.is_null());
    let count = pending.clone().count(db).await?;
    let oldest = pending
        .order_by_asc(outbox::Column::Id)
        .limit(1)
        .one(db)
        .await?;
    let lag = oldest
        .map(|o| (now() - o.created_at).num_seconds().max(0))
        .unwrap_or(0);
    Ok((count, lag))
}
