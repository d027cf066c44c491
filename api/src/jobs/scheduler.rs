//! The scheduler: publishes scheduled articles and products when their time comes. Safe with several
//! instances (see `services::article::publish_due`); survives restarts because the schedule is
//! in the database.
use crate::services::article::publish_due;
use crate::services::product::publish_due_products;
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
        let products = match publish_due_products(&db, 100).await {
            Ok(n) => n,
            Err(err) => {
                err.log_if_internal();
                0
            }
        };
        if products > 0 {
            tracing::info!(published = products, "published scheduled products");
        }
        match publish_due(&db, 100).await {
            Ok(0) if products == 0 => {}
            Ok(0) => continue,
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
