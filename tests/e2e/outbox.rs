//! The outbox: the store on each database (claiming with a lease, retrying with backoff,
//! completing), rows stored by earlier versions still processed, and rows this version cannot
//! read failed and retried without holding back the others.
use anyhow::{Context, Result, bail};
use entities::{article, outbox};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wharf::services::outbox::{backlog, claim, complete, retry_later};
use wharf_tests::receiver::Receiver;
use wharf_tests::{TestApp, e2e, ok, str_at};

e2e!(
    outbox_rows_are_claimed_once_retried_later_and_completed,
    rows_stored_in_the_shape_of_earlier_versions_are_processed,
    an_unreadable_payload_fails_its_row_and_the_worker_goes_on,
);

fn err(e: wharf::error::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

/// Inserts an outbox row as it is stored, bypassing the typed `enqueue`; returns its ID.
async fn insert_row(db: &DatabaseConnection, kind: &str, payload: Value) -> Result<i64> {
    let now = chrono::Utc::now();
    let row = outbox::ActiveModel {
        kind: Set(kind.to_owned()),
        payload: Set(payload),
        attempts: Set(0),
        available_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        done_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

async fn row(db: &DatabaseConnection, id: i64) -> Result<outbox::Model> {
    outbox::Entity::find_by_id(id)
        .one(db)
        .await?
        .context("the outbox row is gone")
}

/// Polls (up to 20 s) until `done` holds.
async fn eventually<F, Fut>(what: &str, mut done: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<bool>>,
{
    let started = Instant::now();
    while !done().await? {
        if started.elapsed() > Duration::from_secs(20) {
            bail!("timed out waiting until {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Waits until the outbox has no pending row.
async fn drained(app: &TestApp) -> Result<()> {
    eventually("the outbox is drained", || async {
        Ok(backlog(&app.db).await.map_err(err)?.0 == 0)
    })
    .await
}

/// The titles an anonymous search for `query` finds.
async fn found(app: &TestApp, query: &str) -> Result<Vec<String>> {
    let body = app
        .graphql(
            "query($q: String!) { search(query: $q) { hits { article { title } } } }",
            json!({ "q": query }),
        )
        .await?;
    let hits = ok(&body)?["search"]["hits"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    hits.iter().map(|h| str_at(h, "/article/title")).collect()
}

/// Changes an article in the database only, so that nothing but a row inserted by hand tells
/// the search index.
async fn change_quietly(
    app: &TestApp,
    id: &str,
    change: impl FnOnce(&mut article::ActiveModel),
) -> Result<()> {
    let model = article::Entity::find_by_id(uuid::Uuid::parse_str(id)?)
        .one(&app.db)
        .await?
        .context("no such article")?;
    let mut active: article::ActiveModel = model.into();
    change(&mut active);
    active.update(&app.db).await?;
    Ok(())
}

async fn outbox_rows_are_claimed_once_retried_later_and_completed(app: TestApp) -> Result<()> {
    let db = &app.db;
    // Kinds no handler of the running server performs, so only this test claims them.
    insert_row(db, "test.a", json!({ "n": 1 })).await?;
    insert_row(db, "test.a", json!({ "n": 2 })).await?;
    insert_row(db, "test.b", json!({ "n": 3 })).await?;
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

/// Rows of every kind, inserted by hand with exactly the payloads the `json!` producers before
/// the typed jobs wrote, are all done by the worker, with the same effects as ever.
async fn rows_stored_in_the_shape_of_earlier_versions_are_processed(app: TestApp) -> Result<()> {
    let receiver = Receiver::start()?;
    let ann = app.signup("ann@legacy.example.com").await?;
    let site = app
        .create_site(&ann.token, "legacy.example.com", &["en"])
        .await?;
    let hook = app
        .graphql_as(
            &ann.token,
            "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { id } }",
            json!({ "i": { "siteId": site, "url": receiver.url, "events": ["article.published"] } }),
        )
        .await?;
    ok(&hook)?;
    let kept = str_at(
        &app.create_article(
            &ann.token,
            json!({ "siteId": site, "title": "Pallet racks" }),
        )
        .await?,
        "/id",
    )?;
    app.publish(&ann.token, &kept).await?;
    let gone = str_at(
        &app.create_article(
            &ann.token,
            json!({ "siteId": site, "title": "Crate liners" }),
        )
        .await?,
        "/id",
    )?;
    app.publish(&ann.token, &gone).await?;
    let first = receiver.wait_for(2, 20).await?;
    drained(&app).await?;
    let delivery = first[0]
        .header("x-wharf-delivery")
        .context("no delivery header")?
        .to_owned();

    // What only the hand-made rows below tell the index and the receiver.
    change_quietly(&app, &kept, |a| a.title = Set("Cantilever racks".into())).await?;
    change_quietly(&app, &gone, |a| {
        a.status = Set(article::ArticleStatus::Draft);
    })
    .await?;
    let object = "legacy/left-over.bin";
    let object_path = app.media_dir.join(object);
    std::fs::create_dir_all(app.media_dir.join("legacy"))?;
    std::fs::write(&object_path, b"left over")?;
    assert!(found(&app, "cantilever").await?.is_empty());

    let at = "2026-11-28T09:30:00.123456Z";
    let data = json!({ "article": { "id": kept, "slug": "legacy-event" } });
    let ids = [
        insert_row(&app.db, "search.upsert", json!({ "article_id": kept })).await?,
        insert_row(&app.db, "search.delete", json!({ "article_id": gone })).await?,
        insert_row(
            &app.db,
            "webhook.event",
            json!({ "site_id": site, "event": "article.published", "data": data, "at": at }),
        )
        .await?,
        insert_row(
            &app.db,
            "webhook.deliver",
            json!({ "delivery_id": delivery }),
        )
        .await?,
        insert_row(&app.db, "media.delete", json!({ "key": object })).await?,
    ];
    let event_row = ids[2];
    drained(&app).await?;
    for id in ids {
        let row = row(&app.db, id).await?;
        assert!(row.done_at.is_some() && row.last_error.is_none(), "{row:?}");
    }

    assert_eq!(found(&app, "cantilever").await?, ["Cantilever racks"]);
    assert!(found(&app, "crate").await?.is_empty());
    assert!(!object_path.exists(), "the object was not deleted");
    let hits = receiver.wait_for(4, 20).await?;
    let event = hits
        .iter()
        .filter_map(|h| serde_json::from_str::<Value>(&h.body).ok())
        .find(|b| b["eventId"] == event_row)
        .context("the hand-made event was not delivered")?;
    assert_eq!(
        event,
        json!({ "event": "article.published", "siteId": site, "createdAt": at, "eventId": event_row, "data": data })
    );
    let again = hits
        .iter()
        .filter(|h| h.header("x-wharf-delivery") == Some(delivery.as_str()))
        .count();
    assert_eq!(
        again, 2,
        "the hand-made delivery row sends its delivery again"
    );
    Ok(())
}

/// A row of a known kind whose payload this version cannot read is failed with the reason and
/// retried later, as any failure; the rows beside it (in the same batch, too) are done, and a
/// row of a kind no handler knows is left for an instance that knows it.
async fn an_unreadable_payload_fails_its_row_and_the_worker_goes_on(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@unreadable.example.com").await?;
    let site = app
        .create_site(&ann.token, "unreadable.example.com", &["en"])
        .await?;
    let id = str_at(
        &app.create_article(
            &ann.token,
            json!({ "siteId": site, "title": "Pallet racks" }),
        )
        .await?,
        "/id",
    )?;
    app.publish(&ann.token, &id).await?;
    drained(&app).await?;
    change_quietly(&app, &id, |a| a.title = Set("Cantilever racks".into())).await?;

    let bad = [
        insert_row(&app.db, "search.upsert", json!({ "article": id })).await?,
        insert_row(&app.db, "webhook.deliver", json!({ "delivery_id": "x" })).await?,
        insert_row(&app.db, "webhook.event", json!({ "site_id": site })).await?,
        insert_row(&app.db, "media.delete", json!("no object")).await?,
    ];
    let good = insert_row(&app.db, "search.upsert", json!({ "article_id": id })).await?;
    let unknown = insert_row(&app.db, "mail.send", json!({ "to": "a@b.c" })).await?;

    eventually(
        "every readable row is done and every other failed",
        || async {
            let good = row(&app.db, good).await?;
            let mut failed = true;
            for id in bad {
                failed &= row(&app.db, id).await?.last_error.is_some();
            }
            Ok(good.done_at.is_some() && failed)
        },
    )
    .await?;
    for id in bad {
        let row = row(&app.db, id).await?;
        let error = row.last_error.clone().unwrap_or_default();
        assert!(row.done_at.is_none() && row.attempts >= 1, "{row:?}");
        assert!(
            error.starts_with(&format!("unreadable {} payload", row.kind)),
            "{error}"
        );
    }
    let first = row(&app.db, bad[0]).await?.last_error;
    assert!(
        first.is_some_and(|e| e.contains("article_id")),
        "the error names what is missing"
    );
    assert_eq!(found(&app, "cantilever").await?, ["Cantilever racks"]);
    let unknown = row(&app.db, unknown).await?;
    assert!(unknown.attempts == 0 && unknown.done_at.is_none());

    // The worker goes on with new work.
    let later = str_at(
        &app.create_article(
            &ann.token,
            json!({ "siteId": site, "title": "Steel drums" }),
        )
        .await?,
        "/id",
    )?;
    app.publish(&ann.token, &later).await?;
    eventually("a later publication is found", || async {
        Ok(found(&app, "drums").await? == ["Steel drums"])
    })
    .await
}
