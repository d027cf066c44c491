//! The inquiry retention purge: closed and spam inquiries older than `inquiry_retention_days`
//! (when set), and spent form tokens past any token's lifetime. It runs every
//! `inquiry_purge_poll_ms` once across instances, not once per instance: each run is claimed
//! first (`services::job_claim`, row `inquiry_purge`), and the instances that did not get it
//! sleep until the next one is due. A run erases every due inquiry, a batch per statement (each
//! row once, see `services::inquiry::retention`).
use crate::services::inquiry::retention::{purge_inquiries, purge_spent_tokens};
use crate::services::job_claim::{claim_run, due_at};
use crate::services::now;
use std::time::Duration;
use tokio::sync::watch;

/// The purge's row in `job_claims`.
pub const JOB: &str = "inquiry_purge";

/// Inquiries erased per statement.
const BATCH: u64 = 500;

/// The shortest wait between two looks at the claim.
const MIN_WAIT: Duration = Duration::from_millis(50);

/// What the purge keeps and how often it runs.
#[derive(Clone, Debug)]
pub struct Retention {
    /// Days closed and spam inquiries are kept; 0 keeps them forever.
    pub days: u32,
    /// The lifetime of form tokens (spent ones are remembered twice that long).
    pub token_max_age: Duration,
    /// How often the purge runs, over all instances.
    pub every: Duration,
}

/// Runs until `stop` turns true. `holder` names this instance in the claim (for people).
pub async fn run(
    db: sea_orm::DatabaseConnection,
    holder: String,
    retention: Retention,
    mut stop: watch::Receiver<bool>,
) {
    let period = chrono::Duration::from_std(retention.every).unwrap_or(chrono::Duration::hours(1));
    loop {
        if *stop.borrow() {
            break;
        }
        match claim_run(&db, JOB, &holder, period).await {
            Ok(true) => purge(&db, &retention, &stop).await,
            Ok(false) => {}
            Err(err) => err.log_if_internal(),
        }
        // Until the next run is due (another instance may take it first).
        let wait = match due_at(&db, JOB).await {
            Ok(Some(due)) => (due - now()).to_std().unwrap_or(Duration::ZERO),
            Ok(None) => retention.every,
            Err(err) => {
                err.log_if_internal();
                retention.every
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait.min(retention.every).max(MIN_WAIT)) => {}
            _ = stop.changed() => {}
        }
    }
}

/// One claimed run: every inquiry past retention (a batch at a time, until a batch comes back
/// short or the server stops) and the spent tokens.
async fn purge(
    db: &sea_orm::DatabaseConnection,
    retention: &Retention,
    stop: &watch::Receiver<bool>,
) {
    if retention.days > 0 {
        let before = now() - chrono::Duration::days(i64::from(retention.days));
        let mut erased = 0;
        loop {
            match purge_inquiries(db, before, BATCH).await {
                Ok(n) => {
                    erased += n;
                    if n < BATCH || *stop.borrow() {
                        break;
                    }
                }
                Err(err) => {
                    err.log_if_internal();
                    break;
                }
            }
        }
        if erased > 0 {
            tracing::info!(erased, "purged closed and spam inquiries past retention");
        }
    }
    let tokens_kept = chrono::Duration::from_std(retention.token_max_age * 2)
        .unwrap_or(chrono::Duration::days(2));
    if let Err(err) = purge_spent_tokens(db, now() - tokens_kept).await {
        err.log_if_internal();
    }
}
