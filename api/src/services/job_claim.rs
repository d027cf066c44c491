//! Periodic background work run once across instances, not once per instance (the inquiry
//! purge): each kind of work is a row of `job_claims`, and an instance runs it only after
//! claiming the run, by one conditional update that moves `due_at` a period ahead while the run
//! is due. Of instances trying at once, exactly one update finds it due: on PostgreSQL the
//! others wait for its row lock and then re-check `due_at`, on SQLite writes take turns.
//!
//! Times are the instances' clocks (as everywhere in Wharf): a clock running ahead claims a
//! little early, which shortens that period but never gives one run to two instances.
use crate::error::AppResult;
use crate::services::now;
use chrono::{DateTime, Duration, Utc};
use entities::job_claim;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// Claims the run of `name` that is due, for `holder` (who claims, for people reading the row),
/// and makes the next one due `every` later; `false` when no run is due (another instance took
/// it, or the period is not over).
pub async fn claim_run(
    db: &impl ConnectionTrait,
    name: &str,
    holder: &str,
    every: Duration,
) -> AppResult<bool> {
    if take(db, name, holder, every).await? {
        return Ok(true);
    }
    if job_claim::Entity::find_by_id(name).one(db).await?.is_some() {
        return Ok(false);
    }
    // The first run ever: the row is created due, once, and claimed like any other run.
    job_claim::Entity::insert(job_claim::ActiveModel {
        name: Set(name.to_owned()),
        due_at: Set(DateTime::<Utc>::UNIX_EPOCH),
        claimed_by: Set(None),
        claimed_at: Set(None),
        runs: Set(0),
    })
    .on_conflict(
        OnConflict::column(job_claim::Column::Name)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    take(db, name, holder, every).await
}

/// The conditional update: one row changed is the claim.
async fn take(
    db: &impl ConnectionTrait,
    name: &str,
    holder: &str,
    every: Duration,
) -> AppResult<bool> {
    let now = now();
    let taken = job_claim::Entity::update_many()
        .col_expr(job_claim::Column::DueAt, Expr::value(now + every))
        .col_expr(job_claim::Column::ClaimedBy, Expr::value(holder))
        .col_expr(job_claim::Column::ClaimedAt, Expr::value(now))
        .col_expr(
            job_claim::Column::Runs,
            Expr::col(job_claim::Column::Runs).add(1),
        )
        .filter(job_claim::Column::Name.eq(name))
        .filter(job_claim::Column::DueAt.lte(now))
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// When the next run of `name` is due (`None` before its first run).
pub async fn due_at(db: &impl ConnectionTrait, name: &str) -> AppResult<Option<DateTime<Utc>>> {
    Ok(job_claim::Entity::find_by_id(name)
        .one(db)
        .await?
        .map(|row| row.due_at))
}
