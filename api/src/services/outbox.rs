//! The outbox: work for other systems (search index, webhooks, object store), written in the
//! same transaction as the change that causes it, and retried until the other system confirms.
//!
//! Rows are claimed with a lease (`locked_until`), so several API instances on one PostgreSQL
//! share the work without doing any row twice at once (`FOR UPDATE SKIP LOCKED`); on SQLite the
//! single writer gives the same guarantee.
use crate::error::{AppError, AppResult};
use crate::services::now;
use chrono::{DateTime, Duration, Utc};
use entities::outbox;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The stored names of the kinds of outbox work (the `kind` column); a handler registers for
/// the kinds it performs. Each is the tag of one [`OutboxJob`] variant.
pub mod kinds {
    /// [`OutboxJob::SearchUpsert`](super::OutboxJob::SearchUpsert).
    pub const SEARCH_UPSERT: &str = "search.upsert";
    /// [`OutboxJob::SearchDelete`](super::OutboxJob::SearchDelete).
    pub const SEARCH_DELETE: &str = "search.delete";
    /// [`OutboxJob::SearchProduct`](super::OutboxJob::SearchProduct).
    pub const SEARCH_PRODUCT: &str = "search.product";
    /// [`OutboxJob::WebhookEvent`](super::OutboxJob::WebhookEvent).
    pub const WEBHOOK_EVENT: &str = "webhook.event";
    /// [`OutboxJob::WebhookDeliver`](super::OutboxJob::WebhookDeliver).
    pub const WEBHOOK_DELIVER: &str = "webhook.deliver";
    /// [`OutboxJob::MediaDelete`](super::OutboxJob::MediaDelete).
    pub const MEDIA_DELETE: &str = "media.delete";
    /// [`OutboxJob::MediaDeleteVariants`](super::OutboxJob::MediaDeleteVariants).
    pub const MEDIA_DELETE_VARIANTS: &str = "media.delete_variants";
    /// [`OutboxJob::MailInquiry`](super::OutboxJob::MailInquiry).
    pub const MAIL_INQUIRY: &str = "mail.inquiry";
}

/// One piece of outbox work, as the producer writes it and the worker's handler matches on it.
///
/// A row stores it in two columns: the tag in `kind` and the fields, as a JSON object, in
/// `payload` (`search.upsert` / `{"article_id": "…"}`). That shape is what rows already in a
/// database hold: change a variant only in ways that still read them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload")]
pub enum OutboxJob {
    /// Bring the search index in step with an article that is published now: the handler
    /// reloads it and indexes it, or removes it when it is no longer published.
    #[serde(rename = "search.upsert")]
    SearchUpsert {
        /// The article.
        article_id: Uuid,
    },
    /// The same after an article stopped being published (it may be gone).
    #[serde(rename = "search.delete")]
    SearchDelete {
        /// The article.
        article_id: Uuid,
    },
    /// Bring the product index in step with a product (or its category's names or place):
    /// the handler reloads it and indexes it when it is published, or removes it otherwise
    /// (it may be gone).
    #[serde(rename = "search.product")]
    SearchProduct {
        /// The product.
        product_id: Uuid,
    },
    /// A site event (`article.published`, `deal.live`, …) for its webhooks and live
    /// subscribers; fanned out to one [`OutboxJob::WebhookDeliver`] per matching webhook.
    #[serde(rename = "webhook.event")]
    WebhookEvent {
        /// The site whose webhooks hear it.
        site_id: Uuid,
        /// The event's name.
        event: String,
        /// What receivers learn (sent to them as it is).
        data: serde_json::Value,
        /// When it happened (the delivered `createdAt`).
        at: DateTime<Utc>,
        /// The record whose personal data `data` carries (an inquiry), erased with it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject: Option<Uuid>,
    },
    /// Deliver one webhook event recorded in `webhook_deliveries`.
    #[serde(rename = "webhook.deliver")]
    WebhookDeliver {
        /// The delivery.
        delivery_id: Uuid,
    },
    /// Delete a stored object.
    #[serde(rename = "media.delete")]
    MediaDelete {
        /// Its key in the media store.
        key: String,
    },
    /// Delete every image variant of a deleted media item: the objects under its variants'
    /// folder (`{site}/{media}/v/`), whichever were made.
    #[serde(rename = "media.delete_variants")]
    MediaDeleteVariants {
        /// The folder's key prefix, ending with `/`.
        prefix: String,
    },
    /// E-mail a new inquiry to the members of its site (when SMTP is configured; without it
    /// the row is done at once). Written beside its `inquiry.received` event.
    #[serde(rename = "mail.inquiry")]
    MailInquiry {
        /// The inquiry.
        inquiry_id: Uuid,
    },
}

impl OutboxJob {
    /// Its stored kind (one of [`kinds`]).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SearchUpsert { .. } => kinds::SEARCH_UPSERT,
            Self::SearchDelete { .. } => kinds::SEARCH_DELETE,
            Self::SearchProduct { .. } => kinds::SEARCH_PRODUCT,
            Self::WebhookEvent { .. } => kinds::WEBHOOK_EVENT,
            Self::WebhookDeliver { .. } => kinds::WEBHOOK_DELIVER,
            Self::MediaDelete { .. } => kinds::MEDIA_DELETE,
            Self::MediaDeleteVariants { .. } => kinds::MEDIA_DELETE_VARIANTS,
            Self::MailInquiry { .. } => kinds::MAIL_INQUIRY,
        }
    }

    /// The record this job carries personal data of (stored as the row's `subject_id`).
    pub fn subject(&self) -> Option<Uuid> {
        match self {
            Self::WebhookEvent { subject, .. } => *subject,
            Self::MailInquiry { inquiry_id } => Some(*inquiry_id),
            _ => None,
        }
    }

    /// Reads a stored row back; an error names what this version cannot read in it.
    pub fn from_row(row: &outbox::Model) -> Result<Self, serde_json::Error> {
        Self::from_stored(&row.kind, row.payload.clone())
    }

    fn from_stored(kind: &str, payload: serde_json::Value) -> Result<Self, serde_json::Error> {
        let mut stored = serde_json::Map::new();
        stored.insert("kind".into(), kind.into());
        stored.insert("payload".into(), payload);
        serde_json::from_value(serde_json::Value::Object(stored))
    }

    /// The `kind` and `payload` columns that store it.
    fn to_stored(&self) -> Result<(String, serde_json::Value), serde_json::Error> {
        let mut stored = match serde_json::to_value(self)? {
            serde_json::Value::Object(map) => map,
            _ => return Err(serde::ser::Error::custom("a job is stored as an object")),
        };
        let kind = match stored.remove("kind") {
            Some(serde_json::Value::String(kind)) => kind,
            _ => return Err(serde::ser::Error::custom("a job has a kind")),
        };
        let payload = stored.remove("payload").unwrap_or_default();
        Ok((kind, payload))
    }
}

/// Longest wait between two attempts of one row.
pub const MAX_BACKOFF_SECS: i64 = 600;

/// Records work to do; call it with the transaction of the change that causes it.
pub async fn enqueue(db: &impl ConnectionTrait, job: &OutboxJob) -> AppResult<()> {
    let (kind, payload) = job.to_stored().map_err(AppError::internal)?;
    let now = now();
    outbox::ActiveModel {
        kind: Set(kind),
        payload: Set(payload),
        attempts: Set(0),
        available_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        done_at: Set(None),
        created_at: Set(now),
        subject_id: Set(job.subject()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ID: &str = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    const AT: &str = "2026-11-28T09:30:00.123456Z";

    /// Every kind in the shape the `json!` payloads of earlier versions stored, and the job
    /// each reads back as.
    fn stored_by_earlier_versions() -> Vec<(&'static str, serde_json::Value, OutboxJob)> {
        let id: Uuid = ID.parse().unwrap_or_default();
        let at: DateTime<Utc> = AT.parse().unwrap_or_default();
        let data = json!({ "article": { "id": ID, "title": "Pallets" } });
        vec![
            (
                "search.upsert",
                json!({ "article_id": ID }),
                OutboxJob::SearchUpsert { article_id: id },
            ),
            (
                "search.delete",
                json!({ "article_id": ID }),
                OutboxJob::SearchDelete { article_id: id },
            ),
            (
                "webhook.event",
                json!({ "site_id": ID, "event": "article.published", "data": data, "at": AT }),
                OutboxJob::WebhookEvent {
                    site_id: id,
                    event: "article.published".into(),
                    data: data.clone(),
                    at,
                    subject: None,
                },
            ),
            (
                "webhook.deliver",
                json!({ "delivery_id": ID }),
                OutboxJob::WebhookDeliver { delivery_id: id },
            ),
            (
                "media.delete",
                json!({ "key": "incoming/abc.png" }),
                OutboxJob::MediaDelete {
                    key: "incoming/abc.png".into(),
                },
            ),
            (
                "search.product",
                json!({ "product_id": ID }),
                OutboxJob::SearchProduct { product_id: id },
            ),
            (
                "mail.inquiry",
                json!({ "inquiry_id": ID }),
                OutboxJob::MailInquiry { inquiry_id: id },
            ),
        ]
    }

    #[test]
    fn rows_stored_by_earlier_versions_read_back_and_are_written_the_same() {
        for (kind, payload, job) in stored_by_earlier_versions() {
            let read = OutboxJob::from_stored(kind, payload.clone()).map_err(|e| e.to_string());
            assert_eq!(read, Ok(job.clone()), "{kind}");
            assert_eq!(job.kind(), kind);
            let written = job.to_stored().map_err(|e| e.to_string());
            assert_eq!(written, Ok((kind.to_owned(), payload)), "{kind}");
        }
    }

    #[test]
    fn unreadable_payloads_are_errors_that_say_why() {
        let missing = OutboxJob::from_stored("search.upsert", json!({ "id": ID }));
        assert!(missing.is_err_and(|e| e.to_string().contains("article_id")));
        let bad_id = OutboxJob::from_stored("webhook.deliver", json!({ "delivery_id": "x" }));
        assert!(bad_id.is_err());
        let not_object = OutboxJob::from_stored("media.delete", json!("key"));
        assert!(not_object.is_err());
        let unknown = OutboxJob::from_stored("mail.send", json!({ "to": "a@b.c" }));
        assert!(unknown.is_err_and(|e| e.to_string().contains("mail.send")));
    }
}
