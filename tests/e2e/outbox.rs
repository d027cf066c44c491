//! The outbox store on each database: claiming with a lease, retrying with backoff, completing.
use anyhow::Result;
use serde_json::json;
use wharf::services::outbox::{backlog, claim, complete, enqueue, retry_later};
use wharf_tests::{TestApp, e2e};

e2e!(outbox_rows_are_claimed_once_retried_later_and_completed);

fn err(e: wharf::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

async fn outbox_rows_are_claimed_once_retried_later_and_completed(app: TestApp) -> Result<()> {
    let db = &app.db;
    enqueue(db, "test.a", json!({ "n": 1 }))
        .await
        .map_err(err)?;
    enqueue(db, "test.a", json!({ "n": 2 }))
        .await
        .map_err(err)?;
    enqueue(db, "test.b", json!({ "n": 3 }))
        .await
        .map_err(err)?;
    let lease = chrono::Duration::seconds(60);

    let first = claim(db, &["test.a"], 10, lease).await.map_err(err)?;
    assert_eq!(
        first
            .iter()
            .map(|r| r.payload["n"].clone())
            .collect::<Vec<_>>(),
        vec![json!(1), json!(2)]
    );
    assert!(
        first
            .iter()
            .all(|r| r.attempts == 1 && r.locked_until.is_some())
    );
    // Leased rows are not handed out again.
    assert!(
        claim(db, &["test.a"], 10, lease)
            .await
            .map_err(err)?
            .is_empty()
    );

    complete(db, first[0].id).await.map_err(err)?;
    retry_later(db, &first[1], "receiver down")
        .await
        .map_err(err)?;
    // Backoff: the failed row is not due yet.
    assert!(
        claim(db, &["test.a"], 10, lease)
            .await
            .map_err(err)?
            .is_empty()
    );
    let (pending, _) = backlog(db).await.map_err(err)?;
    assert_eq!(pending, 2, "the retried row and the untouched test.b row");

    let other = claim(db, &["test.b"], 10, lease).await.map_err(err)?;
    assert_eq!(other.len(), 1);
    complete(db, other[0].id).await.map_err(err)?;
    assert_eq!(backlog(db).await.map_err(err)?.0, 1);
    Ok(())
}
