//! Query plans: every ordering a storefront pages through is read from an index in its order,
//! never by sorting all of a site's published articles.
use anyhow::{Context, Result};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, Statement};
use serde_json::json;
use std::sync::{Arc, Mutex};
use wharf::auth::Principal;
use wharf::services::article::{ArticleFilter, ArticleOrder, list_articles};
use wharf_tests::{TestApp, e2e};

e2e!(every_storefront_ordering_is_read_from_an_index);

const SITE: &str = "plans.example.com";

/// The statements `list_articles` runs for an anonymous reader, caught on a connection of the
/// test's own (one connection, so that the planner settings below apply to what it explains).
async fn plan_lines(
    db: &sea_orm::DatabaseConnection,
    caught: &Arc<Mutex<Vec<Statement>>>,
    filter: ArticleFilter,
    order: ArticleOrder,
) -> Result<Vec<String>> {
    caught
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .clear();
    list_articles(
        db,
        &Principal::Anonymous,
        filter,
        order,
        Some(20),
        None,
        100,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let statements = caught
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .clone();
    anyhow::ensure!(
        statements.len() == 1,
        "one statement per page, not {}",
        statements.len()
    );
    let page = &statements[0];
    let backend = db.get_database_backend();
    let explain = match backend {
        DatabaseBackend::Postgres => format!("EXPLAIN {}", page.sql),
        _ => format!("EXPLAIN QUERY PLAN {}", page.sql),
    };
    let rows = db
        .query_all_raw(Statement {
            sql: explain,
            values: page.values.clone(),
            db_backend: backend,
        })
        .await?;
    rows.iter()
        .map(|row| {
            Ok(match backend {
                DatabaseBackend::Postgres => row.try_get::<String>("", "QUERY PLAN")?,
                _ => row.try_get::<String>("", "detail")?,
            })
        })
        .collect()
}

async fn every_storefront_ordering_is_read_from_an_index(app: TestApp) -> Result<()> {
    let user = app.signup("plans@example.com").await?;
    let site = app.create_site(&user.token, SITE, &["en", "de"]).await?;
    let a = app
        .create_article(
            &user.token,
            json!({ "siteId": site, "title": "Plan", "tags": ["t"] }),
        )
        .await?;
    app.publish(&user.token, a["id"].as_str().unwrap_or_default())
        .await?;

    let caught = Arc::new(Mutex::new(Vec::new()));
    let mut options = ConnectOptions::new(app.database_url.clone());
    options.max_connections(1).min_connections(1);
    let mut db = Database::connect(options).await?;
    let sink = caught.clone();
    db.set_metric_callback(move |info| {
        if info.statement.sql.starts_with("SELECT")
            && let Ok(mut all) = sink.lock()
        {
            all.push(info.statement.clone());
        }
    });
    let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
    if postgres {
        // A handful of rows would make a sequential scan and a sort the cheapest plan; what is
        // checked is whether an index *can* give the order, as it must at 100,000 rows.
        db.execute_unprepared("SET enable_seqscan = off").await?;
        db.execute_unprepared("SET enable_sort = off").await?;
    }
    // A new filter each time: `list_articles` takes it by value.
    let filter = |what: &str| ArticleFilter {
        site: Some(SITE.into()),
        locale: (what == "site and locale").then(|| "en".into()),
        status: (what == "site and status").then_some(entities::article::ArticleStatus::Published),
        skip_total: true,
        ..Default::default()
    };
    for what in ["site", "site and locale", "site and status"] {
        for order in [
            ArticleOrder::PublishedAtDesc,
            ArticleOrder::PublishedAtAsc,
            ArticleOrder::TitleAsc,
            ArticleOrder::TitleDesc,
            ArticleOrder::UpdatedAtDesc,
            ArticleOrder::CreatedAtDesc,
            ArticleOrder::CreatedAtAsc,
        ] {
            let plan = plan_lines(&db, &caught, filter(what), order)
                .await
                .with_context(|| format!("{what}, {order:?}"))?;
            let text = plan.join("\n");
            // PostgreSQL: no Sort node (an Incremental Sort only orders rows that tie on an
            // indexed prefix). SQLite: no temporary B-tree for ORDER BY.
            let sorts = plan.iter().any(|line| {
                let line = line.trim_start().trim_start_matches("->").trim_start();
                let node = line.strip_prefix("Sort").map(str::trim_start);
                node.is_some_and(|rest| rest.starts_with("(cost="))
                    || line.contains("USE TEMP B-TREE FOR ORDER BY")
            });
            assert!(
                !sorts,
                "{what}, {order:?}: the page sorts its rows:\n{text}"
            );
        }
    }
    Ok(())
}
