//! Batched indexing: the search rows of the outbox are applied many at a time, in one engine
//! write (one tantivy commit, one Meilisearch task), and a batch that fails is retried whole
//! without losing or duplicating a document.
use anyhow::{Result, bail};
use entities::outbox;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use wharf::jobs::outbox::{Claimed, OutboxHandler};
use wharf::jobs::search::SearchIndexer;
use wharf::search::meili::MeiliIndex;
use wharf::search::{SearchEngine, SearchRequest, embedded::EmbeddedIndex};
use wharf_tests::meili::{MASTER_KEY, MeiliServer};
use wharf_tests::{TestApp, e2e, ok, str_at};

e2e!(
    a_batch_is_one_embedded_commit_and_a_failed_one_is_retried_whole,
    a_batch_is_one_meilisearch_task_and_a_failed_one_is_retried_whole,
);

/// 60 published articles, 10 of them retitled and 5 unpublished: 55 published in the end, and
/// the outbox holds a search row for each of the 75 changes.
async fn changes(app: &TestApp) -> Result<BTreeMap<String, String>> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "batches.example.com", &["en"])
        .await?;
    let mut ids = Vec::new();
    for n in 0..60 {
        let created = app
            .create_article(
                &ann.token,
                json!({ "siteId": site, "title": format!("Pallet {n} v1") }),
            )
            .await?;
        let id = str_at(&created, "/id")?;
        app.publish(&ann.token, &id).await?;
        ids.push(id);
    }
    for (n, id) in ids.iter().enumerate().take(10) {
        let body = app
            .graphql_as(
                &ann.token,
                "mutation($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { id } }",
                json!({ "id": id, "input": { "title": format!("Pallet {n} v2") } }),
            )
            .await?;
        ok(&body)?;
    }
    for id in &ids[55..] {
        let body = app
            .graphql_as(
                &ann.token,
                "mutation($id: ID!) { unpublishArticle(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await?;
        ok(&body)?;
    }
    use entities::article::{ArticleStatus, Column, Entity};
    Ok(Entity::find()
        .filter(Column::Status.eq(ArticleStatus::Published))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), a.title))
        .collect())
}

/// Every search row the outbox ever held (the server's own worker indexed them into its own
/// engine already; here they are applied again, to another engine, as one batch).
async fn search_rows(app: &TestApp) -> Result<Vec<outbox::Model>> {
    let rows = outbox::Entity::find()
        .filter(outbox::Column::Kind.is_in(["search.upsert", "search.delete"]))
        .order_by_asc(outbox::Column::Id)
        .all(&app.db)
        .await?;
    if rows.len() < 75 {
        bail!("expected at least 75 search rows, found {}", rows.len());
    }
    Ok(rows)
}

/// What `engine` holds: ID → title (titles come back unmarked for an empty query).
async fn held(engine: &SearchEngine) -> Result<BTreeMap<String, String>> {
    let found = engine
        .search(&SearchRequest {
            limit: 1000,
            skip_highlights: true,
            ..SearchRequest::default()
        })
        .await?;
    assert_eq!(
        found.estimated_total as usize,
        found.hits.len(),
        "duplicates or a short page"
    );
    Ok(found
        .hits
        .into_iter()
        .map(|h| (h.id.to_string(), h.title))
        .collect())
}

async fn apply(
    app: &TestApp,
    engine: &SearchEngine,
    rows: &[outbox::Model],
) -> Vec<anyhow::Result<()>> {
    let jobs: Vec<Claimed> = match rows.iter().map(Claimed::read).collect() {
        Ok(jobs) => jobs,
        Err(err) => return vec![Err(err)],
    };
    SearchIndexer::new(app.db.clone(), engine.clone())
        .handle_batch(&jobs)
        .await
}

async fn a_batch_is_one_embedded_commit_and_a_failed_one_is_retried_whole(
    app: TestApp,
) -> Result<()> {
    let expected = changes(&app).await?;
    assert_eq!(expected.len(), 55);
    let rows = search_rows(&app).await?;
    let dir = tempfile::tempdir()?;
    let engine = SearchEngine::Embedded(EmbeddedIndex::open(&dir.path().join("search"))?);

    // The failure first: another writer holds the index's lock, so the batch fails, every row
    // with it (none is marked done), and nothing is half-written.
    let index = tantivy::Index::open_in_dir(dir.path().join("search"))?;
    let lock: tantivy::IndexWriter = index.writer(15_000_000)?;
    let outcomes = apply(&app, &engine, &rows).await;
    assert_eq!(outcomes.len(), rows.len());
    assert!(
        outcomes.iter().all(|o| o.is_err()),
        "a row succeeded on a locked index"
    );
    assert!(held(&engine).await?.is_empty());
    drop(lock);

    // The retry: all rows in one commit, exactly the published set, latest titles.
    let before = commits(&engine);
    let outcomes = apply(&app, &engine, &rows).await;
    assert!(outcomes.iter().all(|o| o.is_ok()), "{outcomes:?}");
    assert_eq!(held(&engine).await?, expected);
    assert_eq!(commits(&engine) - before, 1);
    // Applying the same rows again (a retry after a lost confirmation) changes nothing.
    let outcomes = apply(&app, &engine, &rows).await;
    assert!(outcomes.iter().all(|o| o.is_ok()));
    assert_eq!(held(&engine).await?, expected);
    assert_eq!(commits(&engine) - before, 2);
    Ok(())
}

fn commits(engine: &SearchEngine) -> u64 {
    match engine {
        SearchEngine::Embedded(e) => e.commits(),
        SearchEngine::Meili(_) => 0,
    }
}

/// Document-writing tasks Meilisearch recorded for the index.
async fn document_tasks(app: &TestApp, meili: &MeiliServer, uid: &str) -> Result<u64> {
    let body: Value = app
        .client
        .get(format!(
            "{}/tasks?indexUids={uid}&types=documentAdditionOrUpdate,documentDeletion&limit=1",
            meili.url()
        ))
        .bearer_auth(MASTER_KEY)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(body["total"].as_u64().unwrap_or(0))
}

async fn a_batch_is_one_meilisearch_task_and_a_failed_one_is_retried_whole(
    app: TestApp,
) -> Result<()> {
    let Some(mut meili) = MeiliServer::start().await? else {
        return Ok(());
    };
    let expected = changes(&app).await?;
    let rows = search_rows(&app).await?;
    let index = MeiliIndex::new(&meili.url(), Some(&MASTER_KEY.to_owned().into()), "batches")?;
    let uid = index.uid().to_owned();
    let engine = SearchEngine::Meili(index);
    engine.apply_settings().await?;

    // Down: the batch fails as a whole.
    meili.stop()?;
    let outcomes = apply(&app, &engine, &rows).await;
    assert_eq!(outcomes.len(), rows.len());
    assert!(
        outcomes.iter().all(|o| o.is_err()),
        "a row succeeded with Meilisearch down"
    );
    meili.restart().await?;
    assert!(held(&engine).await?.is_empty());

    // Up again: one addition task and one deletion task for the 75 rows.
    let outcomes = apply(&app, &engine, &rows).await;
    assert!(outcomes.iter().all(|o| o.is_ok()), "{outcomes:?}");
    assert_eq!(held(&engine).await?, expected);
    assert_eq!(document_tasks(&app, &meili, &uid).await?, 2);
    let outcomes = apply(&app, &engine, &rows).await;
    assert!(outcomes.iter().all(|o| o.is_ok()));
    assert_eq!(held(&engine).await?, expected);
    Ok(())
}
