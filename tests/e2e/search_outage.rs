//! Nothing accepted is lost when Meilisearch goes down: a real server, started by the test on
//! its own port and folder, is killed during a burst of publishes and updates and restarted on
//! the same folder; the index must converge to exactly the published set, latest versions.
use anyhow::{Result, bail};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use wharf_tests::meili::{MASTER_KEY, MeiliServer};
use wharf_tests::{MediaStore, Stack, TestApp, ok, spawn_app_tweaked, str_at};

const PREFIX: &str = "wharf_outage";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() -> Result<()> {
    a_burst_survives_a_meilisearch_crash(Stack::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() -> Result<()> {
    a_burst_survives_a_meilisearch_crash(Stack::Postgres).await
}

/// The documents in the index: ID → title.
async fn indexed(app: &TestApp, meili: &MeiliServer) -> Result<BTreeMap<String, String>> {
    let url = format!(
        "{}/indexes/{PREFIX}_articles/documents?limit=10000&fields=id,title",
        meili.url()
    );
    let response = app
        .client
        .get(url)
        .bearer_auth(MASTER_KEY)
        .timeout(Duration::from_secs(5))
        .send()
        .await?;
    if response.status() == reqwest::StatusCode::NOT_FOUND {
        return Ok(BTreeMap::new());
    }
    let body: Value = response.error_for_status()?.json().await?;
    let mut out = BTreeMap::new();
    for doc in body["results"].as_array().cloned().unwrap_or_default() {
        out.insert(str_at(&doc, "/id")?, str_at(&doc, "/title")?);
    }
    Ok(out)
}

/// What the database says is published: ID → title.
async fn published_set(app: &TestApp) -> Result<BTreeMap<String, String>> {
    use entities::article::{ArticleStatus, Column, Entity};
    Ok(Entity::find()
        .filter(Column::Status.eq(ArticleStatus::Published))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), a.title))
        .collect())
}

async fn failed_rows(app: &TestApp) -> Result<usize> {
    use entities::outbox::{Column, Entity};
    Ok(Entity::find()
        .filter(Column::DoneAt.is_null())
        .filter(Column::LastError.is_not_null())
        .all(&app.db)
        .await?
        .len())
}

async fn a_burst_survives_a_meilisearch_crash(stack: Stack) -> Result<()> {
    let Some(mut meili) = MeiliServer::start().await? else {
        return Ok(());
    };
    let url = meili.url();
    let tweak = |s: &mut wharf::Settings| {
        s.meili_url = Some(url.clone());
        s.meili_api_key = Some(MASTER_KEY.to_owned().into());
        s.meili_index_prefix = PREFIX.to_owned();
    };
    let Some(app) = spawn_app_tweaked(stack, MediaStore::Local, tweak).await? else {
        return Ok(());
    };
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "outage.example.com", &["en"])
        .await?;
    let update = "mutation($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { id } }";
    let unpublish = "mutation($id: ID!) { unpublishArticle(id: $id) { id } }";
    let delete = "mutation($id: ID!) { deleteArticle(id: $id) }";

    // 100 operations: 50 publishes, 40 updates of published articles (some twice), 5
    // unpublishes and 5 deletes. Meilisearch is killed after the 30th and restarted after the
    // 70th, once the outbox has recorded failures.
    let mut ids: Vec<String> = Vec::new();
    let mut killed_at = None;
    for op in 0..100 {
        if op == 30 {
            meili.stop()?;
            killed_at = Some(Instant::now());
        }
        if op == 70 {
            let deadline = Instant::now() + Duration::from_secs(20);
            while failed_rows(&app).await? == 0 {
                if Instant::now() > deadline {
                    bail!("no index work failed while Meilisearch was down");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            meili.restart().await?;
        }
        match op {
            0..50 => {
                let created = app
                    .create_article(
                        &ann.token,
                        json!({ "siteId": site, "title": format!("Container {op} v1"), "body": "Freight." }),
                    )
                    .await?;
                let id = str_at(&created, "/id")?;
                app.publish(&ann.token, &id).await?;
                ids.push(id);
            }
            50..90 => {
                // Articles 0..25 once, 0..15 a second time: the last write must win.
                let n = (op - 50) % 25;
                let version = if op - 50 < 25 { 2 } else { 3 };
                let body = app
                    .graphql_as(
                        &ann.token,
                        update,
                        json!({ "id": ids[n], "input": { "title": format!("Container {n} v{version}") } }),
                    )
                    .await?;
                ok(&body)?;
            }
            90..95 => {
                let body = app
                    .graphql_as(&ann.token, unpublish, json!({ "id": ids[op - 50] }))
                    .await?;
                ok(&body)?;
            }
            _ => {
                let body = app
                    .graphql_as(&ann.token, delete, json!({ "id": ids[op - 50] }))
                    .await?;
                ok(&body)?;
            }
        }
    }
    let down_for = killed_at.map(|t| t.elapsed()).unwrap_or_default();

    let expected = published_set(&app).await?;
    assert_eq!(expected.len(), 40);
    assert_eq!(
        expected.get(&ids[3]).map(String::as_str),
        Some("Container 3 v3")
    );
    assert_eq!(
        expected.get(&ids[20]).map(String::as_str),
        Some("Container 20 v2")
    );
    // Retries back off (2 s, 4 s, 8 s, ...): allow for a few of them.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = indexed(&app, &meili).await?;
        if now == expected {
            break;
        }
        if Instant::now() > deadline {
            let lost: Vec<_> = expected
                .iter()
                .filter(|(k, v)| now.get(*k) != Some(*v))
                .collect();
            let extra: Vec<_> = now
                .iter()
                .filter(|(k, v)| expected.get(*k) != Some(*v))
                .collect();
            bail!(
                "60 s after the burst (Meilisearch down for {down_for:?}) the index differs: missing or stale {lost:?}, extra or stale {extra:?}"
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // And Wharf's own search sees the same set.
    let body = app
        .graphql(
            "query { search(query: \"container\", first: 100) { estimatedTotal } }",
            json!({}),
        )
        .await?;
    assert_eq!(ok(&body)?["search"]["estimatedTotal"], 40);
    Ok(())
}
