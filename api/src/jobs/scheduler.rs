//! The scheduler: publishes scheduled articles when their time comes. Safe with several
//! instances (see `services::article::publish_due`); survives restarts because the schedule is
//! in the database.
use crate::services::article::publish_due;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// Runs until `stop` turns true, checking every `every`.
pub async fn run(
    db: sea_orm::DatabaseConnection,
    every: Duration,
    outbox_wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            break;
        }
        match publish_due(&db, 100).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(published = n, "published scheduled articles");
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
