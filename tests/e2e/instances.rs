//! Two Wharf servers on one database, as behind a load balancer: writes go through both, both
//! schedulers and outbox workers race for the same rows, and each piece of work is done once.
use anyhow::{Context, Result, ensure};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use wharf_tests::receiver::Receiver;
use wharf_tests::{TestApp, e2e, ok, str_at};

e2e!(two_servers_on_one_database_do_every_piece_of_work_exactly_once);

const DEADLINE: Duration = Duration::from_secs(30);
const ARTICLES: usize = 8;
const LIST: &str = "query($site: String!) { articles(first: 50, filter: { site: $site }) { totalCount edges { node { id slug status version title } } } }";

async fn two_servers_on_one_database_do_every_piece_of_work_exactly_once(
    mut a: TestApp,
) -> Result<()> {
    let mut b = a.spawn_second().await?;
    let receiver = Receiver::start()?;
    let owner = a.signup("owner@twins.example.com").await?;
    let site = a
        .create_site(&owner.token, "twins.example.com", &["en"])
        .await?;
    // Registered through the second server, with the first one's token (one shared secret).
    ok(&b
        .graphql_as(
            &owner.token,
            "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { id } }",
            json!({ "i": { "siteId": site, "url": receiver.url, "events": ["article.published", "article.updated"] } }),
        )
        .await?)?;

    // Half the articles are published at once, half scheduled an hour ahead (then brought due
    // together below); writes alternate between the servers.
    let at = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let mut ids = Vec::new();
    for i in 0..ARTICLES {
        let server = if i % 2 == 0 { &a } else { &b };
        let created = server
            .create_article(
                &owner.token,
                json!({ "siteId": site, "title": format!("Twin {i}"), "slug": format!("twin-{i}") }),
            )
            .await?;
        let id = str_at(&created, "/id")?;
        let when = if i < ARTICLES / 2 {
            Value::Null
        } else {
            json!(at)
        };
        let published = server
            .graphql_as(
                &owner.token,
                "mutation($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { status } }",
                json!({ "id": id, "at": when }),
            )
            .await?;
        let status = if when.is_null() {
            "PUBLISHED"
        } else {
            "SCHEDULED"
        };
        assert_eq!(ok(&published)?["publishArticle"]["status"], status);
        ids.push(id);
    }
    // An edit through the other server than the one that created it.
    ok(&b
        .graphql_as(
            &owner.token,
            "mutation($id: ID!) { updateArticle(id: $id, input: { title: \"Twin 0, edited\" }) { version } }",
            json!({ "id": ids[0] }),
        )
        .await?)?;
    let expected_hits = ARTICLES + 1;

    // The schedule comes due for all of them at once, as if an hour had passed: both
    // schedulers, polling every 100 ms, race for the same rows.
    let due = entities::article::Entity::update_many()
        .col_expr(
            entities::article::Column::ScheduledAt,
            Expr::value(wharf::services::now()),
        )
        .filter(entities::article::Column::Status.eq(entities::article::ArticleStatus::Scheduled))
        .exec(&a.db)
        .await?;
    assert_eq!(due.rows_affected, (ARTICLES / 2) as u64);

    // Both servers see the same content once the schedule has passed.
    let started = Instant::now();
    let (seen_a, seen_b) = loop {
        let seen_a = list(&a, &owner.token).await?;
        let seen_b = list(&b, &owner.token).await?;
        let all_published = seen_a["edges"]
            .as_array()
            .is_some_and(|e| e.iter().all(|n| n["node"]["status"] == "PUBLISHED"));
        if seen_a["totalCount"] == ARTICLES && all_published && seen_a == seen_b {
            break (seen_a, seen_b);
        }
        ensure!(
            started.elapsed() < DEADLINE,
            "the servers do not agree on all {ARTICLES} articles published:\n{seen_a}\n{seen_b}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(seen_a, seen_b);

    // Wait until every outbox row is done, then stop both servers: their workers finish the
    // row in hand, so no delivery can still be on its way when the receiver is counted.
    receiver.wait_for(expected_hits, DEADLINE.as_secs()).await?;
    let started = Instant::now();
    loop {
        let open = entities::outbox::Entity::find()
            .filter(entities::outbox::Column::DoneAt.is_null())
            .all(&a.db)
            .await?;
        if open.is_empty() {
            break;
        }
        ensure!(
            started.elapsed() < DEADLINE,
            "outbox rows still open: {open:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for server in [&mut a, &mut b] {
        server.stop.stop(true).await;
        tokio::time::timeout(DEADLINE, &mut server.server)
            .await
            .context("run_until_stopped did not return")???;
    }

    // Each event reached the receiver exactly once: one delivery per publication (8, of which
    // 4 by the schedulers) and one for the edit.
    let hits = receiver.hits();
    let mut per_event: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut delivery_ids = std::collections::BTreeSet::new();
    for hit in &hits {
        let body: Value = serde_json::from_str(&hit.body)?;
        let event = hit.header("x-wharf-event").unwrap_or_default().to_owned();
        let article = str_at(&body, "/data/article/id")?;
        *per_event.entry((event, article)).or_default() += 1;
        delivery_ids.insert(
            hit.header("x-wharf-delivery")
                .unwrap_or_default()
                .to_owned(),
        );
    }
    assert_eq!(
        (hits.len(), delivery_ids.len()),
        (expected_hits, expected_hits),
        "(hits, distinct deliveries); per event and article: {per_event:?}"
    );
    let mut expected: BTreeMap<(String, String), usize> = ids
        .iter()
        .map(|id| (("article.published".to_owned(), id.clone()), 1))
        .collect();
    expected.insert(("article.updated".to_owned(), ids[0].clone()), 1);
    assert_eq!(per_event, expected);

    // In the database: every outbox row was claimed once and is done; every delivery was sent
    // once; every scheduled article was published once (create 1, schedule 2, publish 3).
    let db = a.connect_db().await?;
    let rows = entities::outbox::Entity::find().all(&db).await?;
    let webhook_events = rows.iter().filter(|r| r.kind == "webhook.event").count();
    assert_eq!(webhook_events, expected_hits, "one site event per change");
    for row in &rows {
        assert!(row.done_at.is_some(), "outbox row not done: {row:?}");
        assert_eq!(
            row.attempts, 1,
            "outbox row claimed more than once: {row:?}"
        );
    }
    let deliveries = entities::webhook_delivery::Entity::find().all(&db).await?;
    assert_eq!(deliveries.len(), expected_hits);
    for d in &deliveries {
        assert_eq!((d.status.as_str(), d.attempts), ("delivered", 1), "{d:?}");
    }
    let articles = entities::article::Entity::find().all(&db).await?;
    assert_eq!(articles.len(), ARTICLES);
    for article in &articles {
        let scheduled = article.slug.trim_start_matches("twin-").parse::<usize>()? >= ARTICLES / 2;
        if scheduled {
            assert_eq!(
                article.version, 3,
                "{} published more than once",
                article.slug
            );
        }
        assert!(article.scheduled_at.is_none());
    }
    Ok(())
}

/// The site's articles as the owner sees them through `server` (signed-in reads are not cached).
async fn list(server: &TestApp, token: &str) -> Result<Value> {
    let body = server
        .graphql_as(token, LIST, json!({ "site": "twins.example.com" }))
        .await?;
    Ok(ok(&body)?["articles"].clone())
}
