//! Copies of a record's personal data kept outside the record's own tables, and their erasure.
//!
//! An inquiry's `inquiry.received` event carries the buyer's name, e-mail and message: in its
//! outbox row (kept after it is done, as the event's record) and in each webhook delivery made
//! of it (kept as the webhook's log). Both are labelled with the inquiry as their `subject_id`
//! when written ([`crate::services::webhook::emit`]), and [`erase_copies`] deletes them in the
//! transaction that erases the inquiry.
//!
//! Order matters on PostgreSQL: the outbox rows go first. The fan-out of a pending event locks
//! its outbox row before it writes deliveries ([`event_still_recorded`]), so either it finished
//! and its deliveries are visible to the delete that follows, or it waits for this transaction
//! and then finds the row gone and writes nothing.
use crate::error::AppResult;
use crate::services::for_update;
use entities::{outbox, webhook_delivery};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

/// Deletes the outbox rows and webhook deliveries labelled with any of `subjects`; returns
/// how many rows went.
pub async fn erase_copies(db: &impl ConnectionTrait, subjects: &[Uuid]) -> AppResult<u64> {
    if subjects.is_empty() {
        return Ok(0);
    }
    let events = outbox::Entity::delete_many()
        .filter(outbox::Column::SubjectId.is_in(subjects.iter().copied()))
        .exec(db)
        .await?;
    let deliveries = webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::SubjectId.is_in(subjects.iter().copied()))
        .exec(db)
        .await?;
    Ok(events.rows_affected + deliveries.rows_affected)
}

/// Whether outbox row `id` still exists, locking it until the caller's transaction ends
/// (PostgreSQL; SQLite's write transaction already excludes the erasure). A fan-out whose event
/// was erased meanwhile must not write deliveries of it.
pub async fn event_still_recorded(db: &impl ConnectionTrait, id: i64) -> AppResult<bool> {
    let found = for_update(outbox::Entity::find_by_id(id), db.get_database_backend())
        .select_only()
        .column(outbox::Column::Id)
        .into_tuple::<i64>()
        .one(db)
        .await?;
    Ok(found.is_some())
}
