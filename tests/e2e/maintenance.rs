//! Maintenance through the running server: `reindexSearch`, for global admins only.
use anyhow::Result;
use serde_json::json;
use std::time::Duration;
use wharf_tests::{TestApp, e2e, error_code, ok, str_at};

e2e!(only_a_global_admin_rebuilds_the_search_index_through_the_server);

const REINDEX: &str = "mutation { reindexSearch }";

async fn only_a_global_admin_rebuilds_the_search_index_through_the_server(
    app: TestApp,
) -> Result<()> {
    let owner = app.signup("owner@reindex.example.com").await?;
    let site = app
        .create_site(&owner.token, "reindex.example.com", &["en"])
        .await?;
    for (slug, title) in [("visible", "Harbour cranes"), ("draft", "Harbour tugs")] {
        let a = app
            .create_article(
                &owner.token,
                json!({ "siteId": site, "title": title, "slug": slug }),
            )
            .await?;
        if slug == "visible" {
            app.publish(&owner.token, &str_at(&a, "/id")?).await?;
        }
    }

    let anonymous = app.graphql(REINDEX, json!({})).await?;
    assert_eq!(error_code(&anonymous)?, "UNAUTHENTICATED", "{anonymous}");
    let owner_try = app.graphql_as(&owner.token, REINDEX, json!({})).await?;
    assert_eq!(error_code(&owner_try)?, "FORBIDDEN", "{owner_try}");

    wharf::services::user::ensure_admin(
        &app.db,
        "root@reindex.example.com",
        "Admin passphrase for the harbour".to_owned().into(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let login = app
        .graphql(
            "mutation { login(email: \"root@reindex.example.com\", password: \"Admin passphrase for the harbour\") { accessToken } }",
            json!({}),
        )
        .await?;
    let admin = str_at(ok(&login)?, "/login/accessToken")?;
    let done = app.graphql_as(&admin, REINDEX, json!({})).await?;
    assert_eq!(ok(&done)?["reindexSearch"], 1, "one published article");

    // The rebuilt index answers with the published article only (the outbox may still be
    // indexing the publication itself: wait for it, then the answer must stay the same).
    let search = "{ search(query: \"harbour\", site: \"reindex.example.com\") { hits { article { title } } } }";
    let mut hits = json!(null);
    for _ in 0..100 {
        hits = ok(&app.graphql(search, json!({})).await?)?["search"]["hits"].clone();
        if hits.as_array().is_some_and(|h| !h.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(hits, json!([{ "article": { "title": "Harbour cranes" } }]));
    Ok(())
}
