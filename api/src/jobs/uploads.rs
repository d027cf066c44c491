//! The upload sweeper: deletes direct uploads older than `media_upload_abandon_after_secs`
//! (their `incoming/` objects, through the outbox, and their rows). Safe with several instances
//! on one database: each upload is swept by exactly one of them (see
//! `services::media::pending`).
use crate::services::media::pending::sweep_abandoned;
use crate::services::now;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// Uploads swept per statement.
const BATCH: u64 = 100;

/// Runs until `stop` turns true, looking every `every` for uploads older than `abandon_after`.
pub async fn run(
    db: sea_orm::DatabaseConnection,
    abandon_after: Duration,
    every: Duration,
    outbox_wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let age = chrono::Duration::from_std(abandon_after).unwrap_or(chrono::Duration::days(1));
    loop {
        if *stop.borrow() {
            break;
        }
        match sweep_abandoned(&db, now() - age, BATCH).await {
            Ok(swept) if swept.is_empty() => {}
            Ok(swept) => {
                tracing::info!(swept = swept.len(), "swept abandoned uploads");
                outbox_wake.notify_one();
                continue;
            }
            Err(err) => err.log_if_internal(),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
}
