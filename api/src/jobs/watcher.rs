//! The deal watcher: re-checks accepted, live and broken deals when they are due, and expires
//! stale proposals. Due deals are claimed with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL),
//! so several instances share the work; the checker itself keeps one request at a time per host.
use crate::services::market::check::{claim_due, expire_due, record_outcome, run_checks};
use crate::state::AppState;
use futures_util::StreamExt;
use sea_orm::ActiveEnum;
use std::time::Duration;
use tokio::sync::watch;

/// Runs the watcher until told to stop.
pub struct Watcher {
    state: AppState,
}

impl Watcher {
    /// A watcher over the shared state.
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    /// Checks one batch of due deals; returns how many it checked.
    pub async fn run_once(&self) -> usize {
        let st = &self.state;
        if let Err(err) = expire_due(&st.db).await {
            err.log_if_internal();
        }
        let concurrency = st.settings.checker_concurrency;
        let limit = u64::try_from(concurrency.saturating_mul(4)).unwrap_or(32);
        let deals = match claim_due(&st.db, limit).await {
            Ok(deals) => deals,
            Err(err) => {
                err.log_if_internal();
                return 0;
            }
        };
        let count = deals.len();
        futures_util::stream::iter(deals)
            .for_each_concurrent(concurrency, |deal| async move {
                let outcome = match run_checks(&st.db, &st.checker, &deal).await {
                    Ok(reports) => record_outcome(&st.db, &st.settings, &deal, &reports).await,
                    Err(e) => Err(e),
                };
                match outcome {
                    Ok(checked) if checked.status != deal.status => {
                        tracing::info!(deal = %deal.id, from = %deal.status.to_value(), to = %checked.status.to_value(), "deal status changed");
                    }
                    Ok(_) => {}
                    Err(e) if e.code == crate::error::ErrorCode::Conflict => {
                        tracing::debug!(deal = %deal.id, "deal changed during its check; result dropped");
                    }
                    Err(e) => e.log_if_internal(),
                }
            })
            .await;
        if count > 0 {
            st.outbox_wake.notify_one();
        }
        count
    }

    /// Loops until `stop` turns true; finishes the batch in hand first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let poll = Duration::from_millis(self.state.settings.checker_poll_ms);
        loop {
            if *stop.borrow() {
                break;
            }
            if self.run_once().await > 0 {
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(poll) => {}
                _ = stop.changed() => {}
            }
        }
    }
}
