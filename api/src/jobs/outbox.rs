//! The outbox worker: claims due rows, reads each back as an [`OutboxJob`], hands it to the
//! handler of its kind, and marks it done only when the handler confirms; failures are retried
//! with backoff. A row whose payload this version cannot read fails the same way (logged, its
//! error recorded, tried again later: an instance of a newer version may read it), and the
//! other rows go on.
use crate::services::outbox::{self as store, OutboxJob};
use entities::outbox as row;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// A claimed row's job, read back from its columns.
#[derive(Clone, Debug)]
pub struct Claimed {
    /// The row's ID.
    pub id: i64,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// The work.
    pub job: OutboxJob,
}

impl Claimed {
    /// Reads `row`'s job; the error says what in its payload this version cannot read.
    pub fn read(row: &row::Model) -> anyhow::Result<Self> {
        let job = OutboxJob::from_row(row)
            .map_err(|err| anyhow::anyhow!("unreadable {} payload: {err}", row.kind))?;
        Ok(Self {
            id: row.id,
            attempts: row.attempts,
            job,
        })
    }
}

/// Something that performs one kind (or several kinds) of outbox work.
#[async_trait::async_trait]
pub trait OutboxHandler: Send + Sync {
    /// The kinds this handler performs.
    fn kinds(&self) -> Vec<&'static str>;
    /// Performs one job. `Ok` only when the other system confirmed it.
    async fn handle(&self, job: &Claimed) -> anyhow::Result<()>;
    /// Rows claimed at once for this handler; above 1, they go to [`Self::handle_batch`].
    fn batch_size(&self) -> u64 {
        1
    }
    /// Performs several jobs together; one outcome per job, in order (a missing outcome
    /// counts as a failure). By default, one job after the other.
    async fn handle_batch(&self, jobs: &[Claimed]) -> Vec<anyhow::Result<()>> {
        let mut out = Vec::with_capacity(jobs.len());
        for job in jobs {
            out.push(self.handle(job).await);
        }
        out
    }
}

/// Whether finishing `row` may change what anonymous readers see, so the response caches must
/// be emptied: all work does, except a webhook delivery (it changes only the delivery log, which
/// owners read signed in), and the fan-out and e-mail of `inquiry.received` (inquiries are
/// private), so that a stream of inquiries does not keep the storefronts' reads out of the cache.
fn seen_by_readers(row: &row::Model) -> bool {
    match row.kind.as_str() {
        store::kinds::WEBHOOK_DELIVER | store::kinds::MAIL_INQUIRY => false,
        store::kinds::WEBHOOK_EVENT => row.payload["event"] != "inquiry.received",
        _ => true,
    }
}

/// A job of another kind than the handler performs (the worker never hands one over).
pub fn not_mine(handler: &str, job: &OutboxJob) -> anyhow::Error {
    anyhow::anyhow!("{handler} cannot perform {} work", job.kind())
}

/// Rows claimed at once for handlers that take them one by one.
const SINGLE_CLAIM: u64 = 20;
/// How long a claim holds its rows before another worker may take them.
const LEASE_SECS: i64 = 60;

/// Runs the handlers over the outbox until told to stop.
pub struct OutboxWorker {
    db: sea_orm::DatabaseConnection,
    /// Handlers of one row at a time, by kind.
    handlers: HashMap<&'static str, Arc<dyn OutboxHandler>>,
    /// Handlers of batches, with their kinds.
    batched: Vec<(Arc<dyn OutboxHandler>, Vec<&'static str>)>,
    wake: Arc<Notify>,
    poll: Duration,
    invalidation: Option<crate::cache_sync::Invalidation>,
}

impl OutboxWorker {
    /// A worker over `db`; `wake` is notified after local writes so work starts at once.
    pub fn new(db: sea_orm::DatabaseConnection, wake: Arc<Notify>, poll: Duration) -> Self {
        Self {
            db,
            handlers: HashMap::new(),
            batched: Vec::new(),
            wake,
            poll,
            invalidation: None,
        }
    }

    /// Empties the response caches (through `invalidation`) after work is done: what readers
    /// see (the search index, deal states, publications) may have changed.
    pub fn invalidating(mut self, invalidation: crate::cache_sync::Invalidation) -> Self {
        self.invalidation = Some(invalidation);
        self
    }

    /// Registers a handler for its kinds.
    pub fn with(mut self, handler: Arc<dyn OutboxHandler>) -> Self {
        if handler.batch_size() > 1 {
            let kinds = handler.kinds();
            self.batched.push((handler, kinds));
            return self;
        }
        for kind in handler.kinds() {
            self.handlers.insert(kind, handler.clone());
        }
        self
    }

    /// Claims and runs one batch of each handler; returns how many rows it handled, and how
    /// many of those may have changed what anonymous readers see (see [`seen_by_readers`]).
    pub async fn run_once(&self) -> (usize, usize) {
        let kinds: Vec<&str> = self.handlers.keys().copied().collect();
        let mut handled = 0;
        let mut visible = 0;
        let rows = self.claim(&kinds, SINGLE_CLAIM).await;
        visible += rows.iter().filter(|r| seen_by_readers(r)).count();
        for row in &rows {
            let Some(handler) = self.handlers.get(row.kind.as_str()) else {
                continue;
            };
            let outcome = match Claimed::read(row) {
                Ok(job) => handler.handle(&job).await,
                Err(unreadable) => Err(unreadable),
            };
            self.settle(std::slice::from_ref(row), vec![outcome]).await;
        }
        handled += rows.len();
        for (handler, kinds) in &self.batched {
            let rows = self.claim(kinds, handler.batch_size()).await;
            if rows.is_empty() {
                continue;
            }
            let outcomes = run_batch(handler.as_ref(), &rows).await;
            self.settle(&rows, outcomes).await;
            handled += rows.len();
            visible += rows.iter().filter(|r| seen_by_readers(r)).count();
        }
        (handled, visible)
    }

    async fn claim(&self, kinds: &[&str], limit: u64) -> Vec<row::Model> {
        match store::claim(
            &self.db,
            kinds,
            limit,
            chrono::Duration::seconds(LEASE_SECS),
        )
        .await
        {
            Ok(rows) => rows,
            Err(err) => {
                err.log_if_internal();
                Vec::new()
            }
        }
    }

    /// Marks the rows that succeeded done (in one statement) and schedules the others again.
    async fn settle(&self, rows: &[row::Model], outcomes: Vec<anyhow::Result<()>>) {
        let mut outcomes = outcomes.into_iter();
        let mut done = Vec::with_capacity(rows.len());
        for row in rows {
            let outcome = outcomes
                .next()
                .unwrap_or_else(|| Err(anyhow::anyhow!("the handler gave no outcome")));
            match outcome {
                Ok(()) => done.push(row.id),
                Err(err) => {
                    tracing::warn!(id = row.id, kind = %row.kind, attempts = row.attempts, error = %err, "outbox work failed; will retry");
                    if let Err(err) = store::retry_later(&self.db, row, &err.to_string()).await {
                        err.log_if_internal();
                    }
                }
            }
        }
        if let Err(err) = store::complete_many(&self.db, &done).await {
            err.log_if_internal();
        }
    }

    /// Loops until `stop` turns true; finishes the batch in hand before returning.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                break;
            }
            let (handled, visible) = self.run_once().await;
            if handled > 0 {
                if visible > 0
                    && let Some(invalidation) = &self.invalidation
                {
                    invalidation.content_changed();
                }
                continue;
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.poll) => {}
                _ = stop.changed() => {}
            }
        }
    }
}

/// Hands the readable rows to `handler` as one batch; one outcome per row, in order, the
/// unreadable ones failed.
async fn run_batch(handler: &dyn OutboxHandler, rows: &[row::Model]) -> Vec<anyhow::Result<()>> {
    let mut jobs = Vec::with_capacity(rows.len());
    let mut unreadable = Vec::with_capacity(rows.len());
    for row in rows {
        match Claimed::read(row) {
            Ok(job) => {
                jobs.push(job);
                unreadable.push(None);
            }
            Err(err) => unreadable.push(Some(err)),
        }
    }
    let mut done = if jobs.is_empty() {
        Vec::new()
    } else {
        handler.handle_batch(&jobs).await
    }
    .into_iter();
    unreadable
        .into_iter()
        .map(|failed| match failed {
            Some(err) => Err(err),
            None => done
                .next()
                .unwrap_or_else(|| Err(anyhow::anyhow!("the handler gave no outcome"))),
        })
        .collect()
}
