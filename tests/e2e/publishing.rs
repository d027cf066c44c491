//! Article state changes under concurrency: twenty identical requests at once change the
//! article once, record one event and deliver it once to each webhook.
use anyhow::{Result, bail};
use entities::{outbox, webhook_delivery};
use futures_util::future::join_all;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wharf_tests::receiver::Receiver;
use wharf_tests::{TestApp, e2e, error_code, ok, str_at};

e2e!(twenty_concurrent_publishes_publish_once_with_one_delivery_per_webhook);

/// How many requests race.
const RACERS: usize = 20;

const EVENTS: [&str; 4] = [
    "article.published",
    "article.updated",
    "article.unpublished",
    "article.deleted",
];

/// The `webhook.event` outbox rows recorded for `article`, as event names.
async fn recorded_events(app: &TestApp, article: &str) -> Result<Vec<String>> {
    let rows = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("webhook.event"))
        .all(&app.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.payload["data"]["article"]["id"] == article)
        .map(|r| r.payload["event"].as_str().unwrap_or_default().to_owned())
        .collect())
}

/// Waits until the outbox has no pending row: every event fanned out, every delivery made.
async fn drained(app: &TestApp) -> Result<()> {
    let started = Instant::now();
    loop {
        let (pending, _) = wharf::services::outbox::backlog(&app.db)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        if pending == 0 {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("the outbox still has {pending} pending rows");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The deliveries made to `webhook`, as event names.
async fn deliveries(app: &TestApp, webhook: &str) -> Result<Vec<String>> {
    let rows = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(uuid::Uuid::parse_str(webhook)?))
        .all(&app.db)
        .await?;
    Ok(rows.into_iter().map(|d| d.event).collect())
}

/// Runs `query` with `{ id }` twenty times at once.
async fn race(app: &TestApp, token: &str, query: &str, id: &str) -> Result<Vec<Value>> {
    join_all((0..RACERS).map(|_| app.graphql_as(token, query, json!({ "id": id }))))
        .await
        .into_iter()
        .collect()
}

async fn twenty_concurrent_publishes_publish_once_with_one_delivery_per_webhook(
    app: TestApp,
) -> Result<()> {
    let owner = app.signup("owner@race.example.com").await?;
    let site = app
        .create_site(&owner.token, "race.example.com", &["en"])
        .await?;
    let receivers = [Receiver::start()?, Receiver::start()?];
    let mut hooks = Vec::new();
    for receiver in &receivers {
        let hook = app
            .graphql_as(
                &owner.token,
                "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { id } }",
                json!({ "i": { "siteId": site, "url": receiver.url, "events": EVENTS } }),
            )
            .await?;
        hooks.push(str_at(ok(&hook)?, "/createWebhook/id")?);
    }
    let article = app
        .create_article(
            &owner.token,
            json!({ "siteId": site, "title": "Race", "slug": "race" }),
        )
        .await?;
    let id = str_at(&article, "/id")?;

    // Scheduling again for the same time changes nothing (the time is given more precisely than
    // it is stored).
    let at = (chrono::Utc::now() + chrono::Duration::days(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let schedule =
        "mutation($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { status version } }";
    let mut versions = Vec::new();
    for _ in 0..2 {
        let body = app
            .graphql_as(&owner.token, schedule, json!({ "id": id, "at": at }))
            .await?;
        let a = &ok(&body)?["publishArticle"];
        assert_eq!(a["status"], "SCHEDULED", "{a}");
        versions.push(a["version"].clone());
    }
    assert_eq!(versions, vec![json!(2), json!(2)]);

    // Publishing is idempotent: every call succeeds with the one publication.
    let published = race(
        &app,
        &owner.token,
        "mutation($id: ID!) { publishArticle(id: $id) { status publishedAt version } }",
        &id,
    )
    .await?;
    let mut seen = Vec::new();
    for answer in &published {
        let a = ok(answer)?["publishArticle"].clone();
        assert_eq!(a["status"], "PUBLISHED", "{a}");
        seen.push(format!("{} v{}", a["publishedAt"], a["version"]));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 1, "one publication, one version: {seen:?}");
    assert_eq!(recorded_events(&app, &id).await?, vec!["article.published"]);

    // Taking it back to draft, likewise.
    let unpublished = race(
        &app,
        &owner.token,
        "mutation($id: ID!) { unpublishArticle(id: $id) { status version } }",
        &id,
    )
    .await?;
    for answer in &unpublished {
        assert_eq!(ok(answer)?["unpublishArticle"]["status"], "DRAFT");
    }
    assert_eq!(
        recorded_events(&app, &id).await?,
        vec!["article.published", "article.unpublished"]
    );

    // Deleting: one call deletes, the others find nothing left.
    let deleted = race(
        &app,
        &owner.token,
        "mutation($id: ID!) { deleteArticle(id: $id) }",
        &id,
    )
    .await?;
    let won = deleted.iter().filter(|d| d.get("errors").is_none()).count();
    assert_eq!(won, 1, "exactly one delete succeeds");
    for answer in deleted.iter().filter(|d| d.get("errors").is_some()) {
        assert_eq!(error_code(answer)?, "NOT_FOUND", "{answer}");
    }
    assert_eq!(
        recorded_events(&app, &id).await?,
        vec![
            "article.published",
            "article.unpublished",
            "article.deleted"
        ]
    );

    // One delivery per event and webhook, and each receiver got each event once.
    drained(&app).await?;
    for (hook, receiver) in hooks.iter().zip(&receivers) {
        let mut made = deliveries(&app, hook).await?;
        made.sort();
        assert_eq!(
            made,
            vec![
                "article.deleted",
                "article.published",
                "article.unpublished"
            ]
        );
        let mut got: Vec<String> = receiver
            .hits()
            .iter()
            .filter_map(|h| h.header("x-wharf-event").map(str::to_owned))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                "article.deleted",
                "article.published",
                "article.unpublished"
            ]
        );
    }
    Ok(())
}
