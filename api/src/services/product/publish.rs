//! Publishing products: now, at a future time (scheduled), back to draft; and the scheduler's
//! step that publishes what is due exactly once. The same rules as articles'.
use super::{changed_meanwhile, product_for_write};
use crate::auth::Principal;
use crate::error::{AppError, AppResult, Reason};
use crate::services::article::MAX_SCHEDULE_DAYS;
use crate::services::{for_update, now};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use entities::product::{self, ProductStatus};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

/// Publishes a product now, or schedules it when `at` is in the future; idempotent, and a
/// published product cannot be scheduled (CONFLICT on `at`), exactly as for articles.
pub async fn publish_product(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    at: Option<DateTime<Utc>>,
) -> AppResult<product::Model> {
    product_for_write(db, principal, "id", id).await?;
    let now = now();
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
    let current = locked(&txn, id).await?;
    let mut active: product::ActiveModel = current.clone().into();
    match at {
        Some(at) => {
            if current.status == ProductStatus::Scheduled && current.scheduled_at == Some(at) {
                txn.rollback().await?;
                return Ok(current);
            }
            if current.status == ProductStatus::Published {
                txn.rollback().await?;
                return Err(AppError::conflict(
                    "at",
                    "the product is already published; scheduling it would take it offline until `at`. Leave `at` out to keep it published, or unpublish it first to schedule it",
                )
                .because(Reason::AlreadyPublished));
            }
            active.status = Set(ProductStatus::Scheduled);
            active.scheduled_at = Set(Some(at));
        }
        None => {
            if current.status == ProductStatus::Published {
                txn.rollback().await?;
                return Ok(current);
            }
            active.status = Set(ProductStatus::Published);
            active.published_at = Set(Some(current.published_at.unwrap_or(now)));
            active.scheduled_at = Set(None);
        }
    }
    active.updated_at = Set(now);
    let updated = apply(&txn, &current, active).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Takes a product back to draft (a scheduled one loses its schedule); a draft stays as it is.
pub async fn unpublish_product(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<product::Model> {
    product_for_write(db, principal, "id", id).await?;
    let txn = crate::services::begin_write(db).await?;
    let current = locked(&txn, id).await?;
    if current.status == ProductStatus::Draft && current.scheduled_at.is_none() {
        txn.rollback().await?;
        return Ok(current);
    }
    let mut active: product::ActiveModel = current.clone().into();
    active.status = Set(ProductStatus::Draft);
    active.scheduled_at = Set(None);
    active.updated_at = Set(now());
    let updated = apply(&txn, &current, active).await?;
    txn.commit().await?;
    Ok(updated)
}

async fn locked(txn: &impl ConnectionTrait, id: Uuid) -> AppResult<product::Model> {
    for_update(product::Entity::find_by_id(id), txn.get_database_backend())
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("product").at("id"))
}

async fn apply(
    txn: &impl ConnectionTrait,
    current: &product::Model,
    mut active: product::ActiveModel,
) -> AppResult<product::Model> {
    active.version = Set(current.version + 1);
    let result = product::Entity::update_many()
        .set(active)
        .filter(product::Column::Id.eq(current.id))
        .filter(product::Column::Version.eq(current.version))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(changed_meanwhile());
    }
    let updated = product::Entity::find_by_id(current.id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("product").at("id"))?;
    super::events::product_changed(txn, Some(current), Some(&updated)).await?;
    Ok(updated)
}

/// Publishes up to `limit` scheduled products whose time has come; how many this call
/// published. Locked with `SKIP LOCKED` on PostgreSQL and conditional on the status, so each is
/// published exactly once however many instances run this.
pub async fn publish_due_products(
    db: &(impl ConnectionTrait + TransactionTrait),
    limit: u64,
) -> AppResult<usize> {
    let now = now();
    let txn = crate::services::begin_write(db).await?;
    let mut due = product::Entity::find()
        .filter(product::Column::Status.eq(ProductStatus::Scheduled))
        .filter(product::Column::ScheduledAt.lte(now))
        .order_by_asc(product::Column::ScheduledAt)
        .limit(limit);
    if txn.get_database_backend() == DbBackend::Postgres {
        due = due.lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        );
    }
    let mut published = 0;
    for current in due.all(&txn).await? {
        let when = current.scheduled_at.unwrap_or(now);
        let mut active: product::ActiveModel = current.clone().into();
        active.status = Set(ProductStatus::Published);
        active.published_at = Set(Some(current.published_at.unwrap_or(when)));
        active.scheduled_at = Set(None);
        active.version = Set(current.version + 1);
        active.updated_at = Set(now);
        let result = product::Entity::update_many()
            .set(active)
            .filter(product::Column::Id.eq(current.id))
            .filter(product::Column::Status.eq(ProductStatus::Scheduled))
            .exec(&txn)
            .await?;
        if result.rows_affected == 1 {
            published += 1;
            if let Some(after) = product::Entity::find_by_id(current.id).one(&txn).await? {
                super::events::product_changed(&txn, Some(&current), Some(&after)).await?;
            }
        }
    }
    txn.commit().await?;
    Ok(published)
}
