//! The inquiry retention purge, every `inquiry_purge_poll_ms`: closed and spam inquiries older
//! than `inquiry_retention_days` (when set), and spent form tokens past any token's lifetime.
//! Safe with several instances (see `services::inquiry::retention`).
use crate::services::inquiry::retention::{purge_inquiries, purge_spent_tokens};
use crate::services::now;
use std::time::Duration;
use tokio::sync::watch;

/// Inquiries erased per statement.
const BATCH: u64 = 500;

/// Runs until `stop` turns true. `retention_days` 0 keeps inquiries forever; `token_max_age`
/// is the lifetime of form tokens (spent ones are kept twice that long).
pub async fn run(
    db: sea_orm::DatabaseConnection,
    retention_days: u32,
    token_max_age: Duration,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let tokens_kept =
        chrono::Duration::from_std(token_max_age * 2).unwrap_or(chrono::Duration::days(2));
    loop {
        if *stop.borrow() {
            break;
        }
        let mut more = false;
        if retention_days > 0 {
            let before = now() - chrono::Duration::days(i64::from(retention_days));
            match purge_inquiries(&db, before, BATCH).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(
                        erased = n,
                        "purged closed and spam inquiries past retention"
                    );
                    more = n == BATCH;
                }
                Err(err) => err.log_if_internal(),
            }
        }
        if let Err(err) = purge_spent_tokens(&db, now() - tokens_kept).await {
            err.log_if_internal();
        }
        if more {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => {}
        }
    }
}
