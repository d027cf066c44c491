//! The retention purge: closed and spam inquiries untouched for `inquiry_retention_days` are
//! erased (items and history by cascade), and spent form tokens are forgotten once no token of
//! their age could be accepted anyway.
//!
//! Each batch is one transaction that also erases the inquiries' copies in events and webhook
//! deliveries; the job (`jobs::inquiries`) claims each run, so one instance purges at a time.
use crate::error::AppResult;
use crate::services::erasure::erase_copies;
use crate::services::{begin_write, for_update};
use chrono::{DateTime, Utc};
use entities::inquiry::{self, InquiryStatus};
use entities::inquiry_form_token;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

/// Erases up to `batch` closed or spam inquiries last changed before `before`, with the copies
/// of them in events and webhook deliveries (`services::erasure`); returns how many.
///
/// One transaction per batch: the due rows are read and locked (PostgreSQL), their copies
/// deleted, then the rows themselves, with the conditions checked again so that a row changed
/// in between stays; a second purge running beside this one waits and finds them gone.
pub async fn purge_inquiries(
    db: &(impl ConnectionTrait + TransactionTrait),
    before: DateTime<Utc>,
    batch: u64,
) -> AppResult<u64> {
    let txn = begin_write(db).await?;
    let due = inquiry::Entity::find()
        .filter(inquiry::Column::Status.is_in([InquiryStatus::Closed, InquiryStatus::Spam]))
        .filter(inquiry::Column::UpdatedAt.lt(before))
        .limit(batch);
    let ids: Vec<Uuid> = for_update(due, txn.get_database_backend())
        .select_only()
        .column(inquiry::Column::Id)
        .into_tuple()
        .all(&txn)
        .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    erase_copies(&txn, &ids).await?;
    let deleted = inquiry::Entity::delete_many()
        .filter(inquiry::Column::Id.is_in(ids))
        .filter(inquiry::Column::Status.is_in([InquiryStatus::Closed, InquiryStatus::Spam]))
        .filter(inquiry::Column::UpdatedAt.lt(before))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(deleted.rows_affected)
}

/// Forgets form tokens spent before `before` (older than any token still accepted).
pub async fn purge_spent_tokens(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> AppResult<u64> {
    let deleted = inquiry_form_token::Entity::delete_many()
        .filter(inquiry_form_token::Column::UsedAt.lt(before))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
