//! Publishing: now, at a future time (scheduled), back to draft; and the scheduler's step that
//! publishes what is due exactly once, however many instances run it.
use super::{article_for_write, events};
use crate::auth::Principal;
use crate::error::{AppError, AppResult, Reason};
use crate::services::{for_update, now};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use entities::article::{self, ArticleStatus};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

/// How far ahead an article may be scheduled.
pub const MAX_SCHEDULE_DAYS: i64 = 3650;

/// Publishes an article now, or schedules it when `at` is in the future. The first publication
/// time is kept when an article is published again.
///
/// A published article cannot be scheduled: that would take it offline until `at` (`CONFLICT` on
/// `at`). To publish it again later, unpublish it first, knowing readers lose it meanwhile.
///
/// Idempotent: publishing a published article, or scheduling one again for the same time,
/// changes nothing, records no event and answers the article as it is. The decision is taken on
/// the row read under the write lock (see [`locked_article`]), so of concurrent identical calls
/// one changes the article and the others see its change.
pub async fn publish_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> AppResult<article::Model> {
    article_for_write(db, principal, id).await?;
    let now = now();
    // At the precision stored, so that scheduling again for the same time compares equal.
    let at = at.map(|at| at.trunc_subsecs(6)).filter(|at| *at > now);
    if let Some(at) = at
        && at > now + Duration::days(MAX_SCHEDULE_DAYS)
    {
        return Err(AppError::bad_input(
            "at",
            format!("at must be within {MAX_SCHEDULE_DAYS} days"),
        )
        .because(Reason::ScheduleTooFar)
        .with("days", MAX_SCHEDULE_DAYS));
    }
    let txn = crate::services::begin_write(db).await?;
    let current = locked_article(&txn, id).await?;
    let mut active: article::ActiveModel = current.clone().into();
    match at {
        Some(at) => {
            if current.status == ArticleStatus::Scheduled && current.scheduled_at == Some(at) {
                txn.rollback().await?;
                return Ok(current);
            }
            if current.status == ArticleStatus::Published {
                txn.rollback().await?;
                return Err(AppError::conflict(
                    "at",
                    "the article is already published; scheduling it would take it offline until `at`. Leave `at` out to keep it published, or unpublish it first to schedule it",
                )
                .because(Reason::AlreadyPublished));
            }
            active.status = Set(ArticleStatus::Scheduled);
            active.scheduled_at = Set(Some(at));
        }
        None => {
            if current.status == ArticleStatus::Published {
                txn.rollback().await?;
                return Ok(current);
            }
            active.status = Set(ArticleStatus::Published);
            active.published_at = Set(Some(current.published_at.unwrap_or(now)));
            active.scheduled_at = Set(None);
        }
    }
    active.updated_at = Set(now);
    let updated = apply_change(&txn, &current, active).await?;
    events::article_changed(&txn, Some(&current), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Takes an article back to draft (a scheduled one loses its schedule). Idempotent like
/// [`publish_article`]: a draft stays as it is, with no event.
pub async fn unpublish_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<article::Model> {
    article_for_write(db, principal, id).await?;
    let txn = crate::services::begin_write(db).await?;
    let current = locked_article(&txn, id).await?;
    if current.status == ArticleStatus::Draft && current.scheduled_at.is_none() {
        txn.rollback().await?;
        return Ok(current);
    }
    let mut active: article::ActiveModel = current.clone().into();
    active.status = Set(ArticleStatus::Draft);
    active.scheduled_at = Set(None);
    active.updated_at = Set(now());
    let updated = apply_change(&txn, &current, active).await?;
    events::article_changed(&txn, Some(&current), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The article as it is now, read inside a [`begin_write`](crate::services::begin_write)
/// transaction with its row locked until the transaction ends (PostgreSQL; SQLite's write lock
/// is already held), so a status decision taken on it cannot be overtaken by a concurrent one.
pub(super) async fn locked_article(
    txn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<article::Model> {
    for_update(article::Entity::find_by_id(id), txn.get_database_backend())
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("article").at("id"))
}

/// Writes `active` over `current` only if the article is still at `current`'s version (the
/// version goes up by one); `CONFLICT` otherwise. Returns the article as written.
async fn apply_change(
    txn: &impl ConnectionTrait,
    current: &article::Model,
    mut active: article::ActiveModel,
) -> AppResult<article::Model> {
    active.version = Set(current.version + 1);
    let result = article::Entity::update_many()
        .set(active)
        .filter(article::Column::Id.eq(current.id))
        .filter(article::Column::Version.eq(current.version))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(AppError::conflict(
            "id",
            "the article was changed by someone else meanwhile; reload it and retry",
        )
        .because(Reason::ChangedMeanwhile));
    }
    article::Entity::find_by_id(current.id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("article").at("id"))
}

/// Publishes up to `limit` scheduled articles whose time has come; returns how many this call
/// published. Rows are locked with `FOR UPDATE SKIP LOCKED` on PostgreSQL so instances split
/// the work, and each update is conditional on the article still being scheduled, so an
/// article is published exactly once.
pub async fn publish_due(
    db: &(impl ConnectionTrait + TransactionTrait),
    limit: u64,
) -> AppResult<usize> {
    let now = now();
    let txn = crate::services::begin_write(db).await?;
    let mut due = article::Entity::find()
        .filter(article::Column::Status.eq(ArticleStatus::Scheduled))
        .filter(article::Column::ScheduledAt.lte(now))
        .order_by_asc(article::Column::ScheduledAt)
        .limit(limit);
    if txn.get_database_backend() == DbBackend::Postgres {
        due = due.lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        );
    }
    let due = due.all(&txn).await?;
    let mut published = 0;
    for current in due {
        let when = current.scheduled_at.unwrap_or(now);
        let mut active: article::ActiveModel = current.clone().into();
        active.status = Set(ArticleStatus::Published);
        active.published_at = Set(Some(current.published_at.unwrap_or(when)));
        active.scheduled_at = Set(None);
        active.version = Set(current.version + 1);
        active.updated_at = Set(now);
        let result = article::Entity::update_many()
            .set(active)
            .filter(article::Column::Id.eq(current.id))
            .filter(article::Column::Status.eq(ArticleStatus::Scheduled))
            .exec(&txn)
            .await?;
        if result.rows_affected == 1 {
            let updated = article::Entity::find_by_id(current.id).one(&txn).await?;
            events::article_changed(&txn, Some(&current), updated.as_ref()).await?;
            published += 1;
        }
    }
    txn.commit().await?;
    Ok(published)
}
