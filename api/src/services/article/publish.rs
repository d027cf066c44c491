//! Publishing: now, at a future time (scheduled), back to draft; and the scheduler's step that
//! publishes what is due exactly once, however many instances run it.
use super::{article_for_write, events};
use crate::auth::Principal;
use crate::error::{AppError, AppResult};
use crate::services::now;
use chrono::{DateTime, Duration, Utc};
use entities::article::{self, ArticleStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

/// How far ahead an article may be scheduled.
pub const MAX_SCHEDULE_DAYS: i64 = 3650;

/// Publishes an article now, or schedules it when `at` is in the future. The first publication
/// time is kept when an article is published again.
pub async fn publish_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> AppResult<article::Model> {
    let (current, _) = article_for_write(db, principal, id).await?;
    let now = now();
    let mut active: article::ActiveModel = current.clone().into();
    match at {
        Some(at) if at > now => {
            if at > now + Duration::days(MAX_SCHEDULE_DAYS) {
                return Err(AppError::bad_input(
                    "at",
                    format!("at must be within {MAX_SCHEDULE_DAYS} days"),
                ));
            }
            active.status = Set(ArticleStatus::Scheduled);
            active.scheduled_at = Set(Some(at));
        }
        _ => {
            active.status = Set(ArticleStatus::Published);
            active.published_at = Set(Some(current.published_at.unwrap_or(now)));
            active.scheduled_at = Set(None);
        }
    }
    active.version = Set(current.version + 1);
    active.updated_at = Set(now);
    let txn = crate::services::begin_write(db).await?;
    let updated = active.update(&txn).await?;
    events::article_changed(&txn, Some(&current), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Takes an article back to draft (a scheduled one loses its schedule).
pub async fn unpublish_article(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<article::Model> {
    let (current, _) = article_for_write(db, principal, id).await?;
    let mut active: article::ActiveModel = current.clone().into();
    active.status = Set(ArticleStatus::Draft);
    active.scheduled_at = Set(None);
    active.version = Set(current.version + 1);
    active.updated_at = Set(now());
    let txn = crate::services::begin_write(db).await?;
    let updated = active.update(&txn).await?;
    events::article_changed(&txn, Some(&current), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
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
