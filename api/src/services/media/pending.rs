//! Direct uploads in flight, as `media_uploads` rows, and the sweep of abandoned ones.
//!
//! A row is written when an upload URL is handed out and stays until it is swept, confirmed or
//! not. Two things may take a row, and never both: a confirmation, which claims it with a lease
//! (a conditional update: unclaimed, or the lease ran out) and marks it confirmed only while it
//! still holds that claim; and the sweep, which deletes rows older than
//! `media_upload_abandon_after_secs` that nobody holds, in one statement per batch
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL; `BEGIN IMMEDIATE` serializes writers on SQLite), and
//! queues the deletion of their `incoming/` objects in the same transaction. So across instances
//! each upload is swept once, and a confirmation racing the sweep either wins (the file is
//! recorded and kept) or finds the upload gone (`NOT_FOUND`).
use crate::error::{AppError, AppResult, Reason};
use crate::services::outbox::{self, OutboxJob};
use crate::services::{begin_write, now};
use crate::storage::INCOMING_PREFIX;
use chrono::{DateTime, Duration, Utc};
use entities::media_upload;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter,
    Statement, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

/// How long a confirmation holds its upload. Confirming reads, checks and copies at most one
/// file of `media_max_bytes`; a confirmation that dies leaves the upload to the next one (or to
/// the sweep) after this.
pub const CLAIM_SECS: i64 = 900;

/// The storage key a direct upload's bytes arrive under.
pub fn incoming_key(upload: &media_upload::Model) -> String {
    format!("{INCOMING_PREFIX}{}", upload.storage_key)
}

/// The answer for an upload that is no longer there.
pub fn gone() -> AppError {
    AppError {
        message: "this upload was removed (left unconfirmed too long, or refused); ask for a new upload URL".into(),
        ..AppError::not_found("upload").at("token")
    }
}

/// The upload with this ID, if it is still there.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<media_upload::Model>> {
    Ok(media_upload::Entity::find_by_id(id).one(db).await?)
}

/// The upload whose final key is `key`, if it is still there.
pub async fn find_by_key(
    db: &impl ConnectionTrait,
    key: &str,
) -> AppResult<Option<media_upload::Model>> {
    Ok(media_upload::Entity::find()
        .filter(media_upload::Column::StorageKey.eq(key))
        .one(db)
        .await?)
}

/// Whether someone holds the upload now (a confirmation in progress).
pub fn is_claimed(upload: &media_upload::Model) -> bool {
    upload.claimed_until.is_some_and(|until| until >= now())
}

/// Claims an unconfirmed upload for a confirmation; returns the claim's ID. `NOT_FOUND` when
/// the upload is gone (swept), `CONFLICT` when it is confirmed or being confirmed.
pub async fn claim(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Uuid> {
    let claim = Uuid::new_v4();
    let now = now();
    let taken = media_upload::Entity::update_many()
        .col_expr(media_upload::Column::ClaimId, Expr::value(Some(claim)))
        .col_expr(
            media_upload::Column::ClaimedUntil,
            Expr::value(Some(now + Duration::seconds(CLAIM_SECS))),
        )
        .filter(media_upload::Column::Id.eq(id))
        .filter(media_upload::Column::ConfirmedAt.is_null())
        .filter(
            Condition::any()
                .add(media_upload::Column::ClaimedUntil.is_null())
                .add(media_upload::Column::ClaimedUntil.lt(now)),
        )
        .exec(db)
        .await?
        .rows_affected;
    if taken == 1 {
        return Ok(claim);
    }
    match find(db, id).await? {
        None => Err(gone()),
        Some(upload) if upload.confirmed_at.is_some() => Err(already_confirmed()),
        Some(_) => Err(in_progress()),
    }
}

/// The refusal of a confirmation while another request is confirming the upload.
pub fn in_progress() -> AppError {
    AppError::conflict("token", "this upload is being confirmed right now")
        .because(Reason::UploadInProgress)
}

/// The refusal of a second confirmation.
pub fn already_confirmed() -> AppError {
    AppError::conflict("token", "this upload is already confirmed").because(Reason::UploadConfirmed)
}

/// Gives a claim back, so the upload can be confirmed again at once (after a failure that was
/// not the file's fault: nothing uploaded yet, the store unreachable). Best effort: the lease
/// runs out anyway.
pub async fn release(db: &impl ConnectionTrait, id: Uuid, claim: Uuid) {
    let released = media_upload::Entity::update_many()
        .col_expr(
            media_upload::Column::ClaimId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            media_upload::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(media_upload::Column::Id.eq(id))
        .filter(media_upload::Column::ClaimId.eq(claim))
        .exec(db)
        .await;
    if let Err(err) = released {
        AppError::from(err).log_if_internal();
    }
}

/// Marks a claimed upload confirmed, in the caller's transaction; `false` when the claim was
/// lost meanwhile (its lease ran out and the sweep or another confirmation took the upload).
pub async fn complete(db: &impl ConnectionTrait, id: Uuid, claim: Uuid) -> AppResult<bool> {
    let done = media_upload::Entity::update_many()
        .col_expr(media_upload::Column::ConfirmedAt, Expr::value(Some(now())))
        .col_expr(
            media_upload::Column::ClaimId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            media_upload::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(media_upload::Column::Id.eq(id))
        .filter(media_upload::Column::ClaimId.eq(claim))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Deletes a claimed upload whose file was refused (its object is deleted by the caller): the
/// ticket is spent. Best effort: a row left behind is swept later.
pub async fn forget(db: &impl ConnectionTrait, id: Uuid, claim: Uuid) {
    let deleted = media_upload::Entity::delete_many()
        .filter(media_upload::Column::Id.eq(id))
        .filter(media_upload::Column::ClaimId.eq(claim))
        .exec(db)
        .await;
    if let Err(err) = deleted {
        AppError::from(err).log_if_internal();
    }
}

/// Sweeps up to `limit` uploads created before `cutoff` that nobody holds: deletes their rows
/// and queues the deletion of their `incoming/` objects, in one transaction. Returns the final
/// keys of the uploads swept (each by exactly one caller, however many sweep at once).
pub async fn sweep_abandoned(
    db: &(impl ConnectionTrait + TransactionTrait),
    cutoff: DateTime<Utc>,
    limit: u64,
) -> AppResult<Vec<String>> {
    let backend = db.get_database_backend();
    let pg = backend == DbBackend::Postgres;
    let p = |n: usize| if pg { format!("${n}") } else { "?".to_owned() };
    let lock = if pg { " FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "DELETE FROM media_uploads WHERE id IN (SELECT id FROM media_uploads \
         WHERE created_at <= {} AND (claimed_until IS NULL OR claimed_until < {}) \
         ORDER BY created_at LIMIT {limit}{lock}) RETURNING *",
        p(1),
        p(2)
    );
    let values: Vec<sea_orm::Value> = vec![cutoff.into(), now().into()];
    let txn = begin_write(db).await?;
    let swept = media_upload::Model::find_by_statement(Statement::from_sql_and_values(
        backend, sql, values,
    ))
    .all(&txn)
    .await?;
    for upload in &swept {
        let key = incoming_key(upload);
        outbox::enqueue(&txn, &OutboxJob::MediaDelete { key }).await?;
    }
    txn.commit().await?;
    Ok(swept.into_iter().map(|u| u.storage_key).collect())
}
