//! Search through the whole server: articles reach the index through the outbox, leave it when
//! unpublished or deleted, stay within their site, and nothing is lost while the engine is down.
use anyhow::{Result, bail};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wharf_tests::{TestApp, e2e, error_code, ok, spawn_app_tweaked, str_at};

// The engine-independent tests also run on Meilisearch when `MEILI_URL` is set.
e2e!(search;
    published_articles_are_found_and_leave_the_index_when_unpublished_or_deleted,
    drafts_are_never_found,
    related_articles_come_from_the_same_site_and_locale_ranked_by_shared_words_and_tags,
    a_search_scoped_to_a_site_never_returns_another_sites_article,
);

// These reach into the embedded engine (its writer lock, its folder, its segmentation marker).
e2e!(
    writes_succeed_while_the_index_is_locked_and_the_index_converges_after,
    reindex_rebuilds_the_index_from_the_database,
    an_index_of_an_older_word_segmentation_is_rebuilt_at_start,
    a_hits_snippet_marks_a_word_found_deep_in_the_body_and_escapes_the_text,
);

const SEARCH: &str = "query($q: String!, $site: String, $locale: String, $tags: [String!], $first: Int, $offset: Int) {
  search(query: $q, site: $site, locale: $locale, tags: $tags, first: $first, offset: $offset) {
    hits { article { id title status } titleHighlight excerptHighlight }
    tagCounts { tag count }
    estimatedTotal
  }
}";

/// The IDs of the hits of an anonymous search.
async fn hit_ids(app: &TestApp, vars: Value) -> Result<Vec<String>> {
    let body = app.graphql(SEARCH, vars).await?;
    let hits = ok(&body)?["search"]["hits"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    hits.iter()
        .map(|h| str_at(h, "/article/id"))
        .collect::<Result<_>>()
}

/// Polls the search (the index follows writes through the outbox) until `done` holds, for at
/// most `secs` seconds.
async fn eventually(
    app: &TestApp,
    vars: Value,
    secs: u64,
    done: impl Fn(&[String]) -> bool,
) -> Result<Vec<String>> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let ids = hit_ids(app, vars.clone()).await?;
        if done(&ids) {
            return Ok(ids);
        }
        if Instant::now() > deadline {
            bail!("after {secs} s the search for {vars} still returns {ids:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn published(app: &TestApp, token: &str, input: Value) -> Result<String> {
    let id = str_at(&app.create_article(token, input).await?, "/id")?;
    app.publish(token, &id).await?;
    Ok(id)
}

async fn published_articles_are_found_and_leave_the_index_when_unpublished_or_deleted(
    app: TestApp,
) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "search.example.com", &["en", "zh-CN"])
        .await?;
    let en = published(
        &app,
        &ann.token,
        json!({ "siteId": site, "locale": "en", "title": "Incoterms 2020 explained",
                "body": "# FOB or CIF?\n\nWhich **incoterms** fit your quotes.", "tags": ["Trade Terms"] }),
    )
    .await?;
    let zh = published(
        &app,
        &ann.token,
        json!({ "siteId": site, "locale": "zh-CN", "title": "扩散模型入门", "body": "扩散模型的原理与实践。" }),
    )
    .await?;
    let typo = json!({ "q": "incotrems", "site": "search.example.com" });
    eventually(&app, typo.clone(), 10, |ids| ids == [en.clone()]).await?;
    eventually(&app, json!({ "q": "扩散" }), 10, |ids| {
        ids == [zh.clone()]
    })
    .await?;

    let body = app
        .graphql(SEARCH, json!({ "q": "incoterms", "locale": "en" }))
        .await?;
    let result = &ok(&body)?["search"];
    assert_eq!(
        result["hits"][0]["titleHighlight"],
        "<em>Incoterms</em> 2020 explained"
    );
    assert_eq!(
        result["hits"][0]["excerptHighlight"],
        // The derived excerpt, as `Article.excerpt` gives it: paragraphs, not headings.
        "Which <em>incoterms</em> fit your quotes."
    );
    assert_eq!(
        result["tagCounts"],
        json!([{ "tag": "trade-terms", "count": 1 }])
    );
    assert_eq!(result["estimatedTotal"], 1);

    app.graphql_as(
        &ann.token,
        "mutation($id: ID!) { unpublishArticle(id: $id) { status } }",
        json!({ "id": en }),
    )
    .await?;
    eventually(&app, typo, 10, <[String]>::is_empty).await?;
    app.graphql_as(
        &ann.token,
        "mutation($id: ID!) { deleteArticle(id: $id) }",
        json!({ "id": zh }),
    )
    .await?;
    eventually(&app, json!({ "q": "扩散" }), 10, <[String]>::is_empty).await?;
    Ok(())
}

async fn drafts_are_never_found(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "drafts.example.com", &["en"])
        .await?;
    let draft = app
        .create_article(
            &ann.token,
            json!({ "siteId": site, "title": "Secret container plans" }),
        )
        .await?;
    let draft = str_at(&draft, "/id")?;
    let public = published(
        &app,
        &ann.token,
        json!({ "siteId": site, "title": "Public container news" }),
    )
    .await?;
    // Once the published one is in, the draft (written earlier) would be too if it were indexed.
    let ids = eventually(&app, json!({ "q": "container" }), 10, |ids| !ids.is_empty()).await?;
    assert_eq!(ids, vec![public.clone()]);
    // Editing a published article into a new title keeps exactly one copy, the new one.
    app.graphql_as(
        &ann.token,
        "mutation($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { id } }",
        json!({ "id": public, "input": { "title": "Public freight news" } }),
    )
    .await?;
    eventually(&app, json!({ "q": "freight" }), 10, |ids| {
        ids == [public.clone()]
    })
    .await?;
    let ids = hit_ids(&app, json!({ "q": "container" })).await?;
    assert!(!ids.contains(&draft), "a draft was found: {ids:?}");
    // Even the signed-in owner does not find drafts through search.
    let body = app
        .graphql_as(&ann.token, SEARCH, json!({ "q": "secret" }))
        .await?;
    assert_eq!(ok(&body)?["search"]["hits"], json!([]));
    Ok(())
}

async fn related_articles_come_from_the_same_site_and_locale_ranked_by_shared_words_and_tags(
    app: TestApp,
) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "related.example.com", &["en", "de"])
        .await?;
    let other_site = app
        .create_site(&ann.token, "elsewhere.example.com", &["en"])
        .await?;
    let this = published(&app, &ann.token, json!({ "siteId": site, "title": "Shipping lithium batteries", "body": "Dangerous goods rules for lithium batteries.", "tags": ["batteries", "shipping"] })).await?;
    let both = published(&app, &ann.token, json!({ "siteId": site, "title": "Packing for export", "body": "Boxes.", "tags": ["batteries", "shipping"] })).await?;
    let one = published(&app, &ann.token, json!({ "siteId": site, "title": "Forwarders", "body": "Choosing one.", "tags": ["shipping"] })).await?;
    let text = published(&app, &ann.token, json!({ "siteId": site, "title": "Lithium batteries by air", "body": "Air rules for lithium batteries." })).await?;
    published(&app, &ann.token, json!({ "siteId": site, "locale": "de", "title": "Lithium batteries", "tags": ["batteries", "shipping"] })).await?;
    published(&app, &ann.token, json!({ "siteId": other_site, "title": "Shipping lithium batteries", "tags": ["batteries", "shipping"] })).await?;
    eventually(&app, json!({ "q": "" }), 10, |ids| ids.len() == 6).await?;

    let query =
        "query($id: ID!, $first: Int) { article(id: $id) { related(first: $first) { id } } }";
    let body = app
        .graphql(query, json!({ "id": this, "first": 10 }))
        .await?;
    let related: Vec<String> = ok(&body)?["article"]["related"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|a| str_at(a, "/id"))
        .collect::<Result<_>>()?;
    // The article about lithium batteries and their rules first, though untagged; then the
    // one with both tags but no word in common; last the one sharing only `shipping`.
    assert_eq!(related, vec![text.clone(), both, one]);
    let body = app
        .graphql(query, json!({ "id": this, "first": 1 }))
        .await?;
    assert_eq!(ok(&body)?["article"]["related"], json!([{ "id": text }]));
    let body = app
        .graphql(query, json!({ "id": this, "first": 101 }))
        .await?;
    assert_eq!(error_code(&body)?, "BAD_USER_INPUT");
    Ok(())
}

async fn a_search_scoped_to_a_site_never_returns_another_sites_article(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let bob = app.signup("bob@example.com").await?;
    let a = app
        .create_site(&ann.token, "a.example.com", &["en"])
        .await?;
    let b = app
        .create_site(&bob.token, "b.example.com", &["en"])
        .await?;
    let on_a = published(
        &app,
        &ann.token,
        json!({ "siteId": a, "title": "Solar panel tariffs" }),
    )
    .await?;
    let on_b = published(
        &app,
        &bob.token,
        json!({ "siteId": b, "title": "Solar panel tariffs" }),
    )
    .await?;
    eventually(&app, json!({ "q": "solar" }), 10, |ids| ids.len() == 2).await?;
    assert_eq!(
        hit_ids(&app, json!({ "q": "solar", "site": "a.example.com" })).await?,
        vec![on_a.clone()]
    );
    assert_eq!(
        hit_ids(&app, json!({ "q": "solar panel", "site": b })).await?,
        vec![on_b]
    );
    assert_eq!(
        hit_ids(
            &app,
            json!({ "q": "", "site": "https://www.B.example.com/" })
        )
        .await?
        .len(),
        1
    );
    let body = app
        .graphql(
            SEARCH,
            json!({ "q": "solar", "site": "nowhere.example.com" }),
        )
        .await?;
    assert_eq!(error_code(&body)?, "NOT_FOUND");
    let body = app
        .graphql(SEARCH, json!({ "q": "solar", "offset": 5000 }))
        .await?;
    assert_eq!(error_code(&body)?, "BAD_USER_INPUT");
    // Deleting a site takes its articles out of the index.
    let body = app
        .graphql_as(
            &bob.token,
            "mutation($id: ID!) { deleteSite(id: $id) }",
            json!({ "id": b }),
        )
        .await?;
    ok(&body)?;
    eventually(&app, json!({ "q": "solar" }), 10, |ids| ids.len() == 1).await?;
    Ok(())
}

/// "Down" here is a real failure of the embedded engine: another writer (as a concurrent
/// `wharf reindex` would) holds the index's writer lock, so every index write fails until it
/// is released. The failure must not reach the writes, and the outbox must catch up after.
async fn writes_succeed_while_the_index_is_locked_and_the_index_converges_after(
    app: TestApp,
) -> Result<()> {
    let index = tantivy::Index::open_in_dir(app.data_dir().join("search"))?;
    let lock: tantivy::IndexWriter = index.writer(15_000_000)?;

    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "down.example.com", &["en"])
        .await?;
    let id = published(
        &app,
        &ann.token,
        json!({ "siteId": site, "title": "Warehouse robots" }),
    )
    .await?;
    // The write went through; the index work is waiting in the outbox with its error.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let failed = pending_with_error(&app).await?;
        if failed > 0 {
            break;
        }
        if Instant::now() > deadline {
            bail!("the index work never failed while the index was locked");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(hit_ids(&app, json!({ "q": "robots" })).await?.is_empty());
    let body = app
        .graphql(
            "query($id: ID!) { article(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(ok(&body)?["article"]["status"], "PUBLISHED");
    assert_eq!(
        readyz(&app).await?["checks"]["search"]["status"],
        "unavailable"
    );

    drop(lock);
    // Retries back off (2 s, then 4 s, ...): allow for a few of them.
    eventually(&app, json!({ "q": "robots" }), 20, |ids| {
        ids == [id.clone()]
    })
    .await?;
    let ready = readyz(&app).await?;
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["checks"]["search"]["engine"], "embedded");
    Ok(())
}

async fn readyz(app: &TestApp) -> Result<Value> {
    Ok(app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await?
        .json()
        .await?)
}

async fn pending_with_error(app: &TestApp) -> Result<usize> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let rows = entities::outbox::Entity::find()
        .filter(entities::outbox::Column::DoneAt.is_null())
        .filter(entities::outbox::Column::LastError.is_not_null())
        .all(&app.db)
        .await?;
    Ok(rows.len())
}

async fn reindex_rebuilds_the_index_from_the_database(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "reindex.example.com", &["en"])
        .await?;
    for title in ["Cotton yarn", "Cotton fabric", "Cotton towels"] {
        published(&app, &ann.token, json!({ "siteId": site, "title": title })).await?;
    }
    app.create_article(
        &ann.token,
        json!({ "siteId": site, "title": "Cotton draft" }),
    )
    .await?;
    let dir = tempfile::tempdir()?;
    let engine = wharf::search::SearchEngine::Embedded(
        wharf::search::embedded::EmbeddedIndex::open(&dir.path().join("search"))?,
    );
    let count = wharf::services::search::reindex(&app.db, &engine, 2).await?;
    assert_eq!(count, 3);
    let found = engine
        .search(&wharf::search::SearchRequest {
            text: "cotton".into(),
            limit: 10,
            ..Default::default()
        })
        .await?;
    assert_eq!(found.hits.len(), 3);
    // Running it again gives the same index, not duplicates.
    assert_eq!(
        wharf::services::search::reindex(&app.db, &engine, 500).await?,
        3
    );
    let again = engine
        .search(&wharf::search::SearchRequest {
            text: "cotton".into(),
            limit: 10,
            ..Default::default()
        })
        .await?;
    assert_eq!(again.estimated_total, 3);
    Ok(())
}

/// An embedded index whose documents were cut into words by an older segmentation is rebuilt
/// from the database when the server starts (its marker file says which version wrote it).
async fn an_index_of_an_older_word_segmentation_is_rebuilt_at_start(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "restart.example.com", &["ru"])
        .await?;
    let id = published(
        &app,
        &ann.token,
        json!({ "siteId": site, "locale": "ru", "title": "Экспорт мебели в Европу" }),
    )
    .await?;
    let furniture = json!({ "q": "мебели", "site": site });
    eventually(&app, furniture.clone(), 10, |ids| ids == [id.as_str()]).await?;
    let marker = app.data_dir().join("search").join("wharf-segmentation");
    assert_eq!(
        std::fs::read_to_string(&marker)?,
        wharf::search::text::SEGMENTATION_VERSION.to_string()
    );
    // As if version 1 (jieba over all text, Cyrillic cut into letters) had written the index.
    std::fs::write(&marker, "1")?;
    let app = app.restart().await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::read_to_string(&marker)? == "1" {
        if Instant::now() > deadline {
            bail!("the index was not rebuilt within 20 s of the start");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eventually(&app, furniture, 10, |ids| ids == [id.as_str()]).await?;
    // Letters from inside a word are not a word.
    assert!(
        hit_ids(&app, json!({ "q": "ебел", "site": site }))
            .await?
            .is_empty()
    );
    Ok(())
}

/// Meilisearch "down" for real: the URL points to a local port nothing listens on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_succeed_while_meilisearch_is_unreachable_and_readyz_says_so() -> Result<()> {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = closed.local_addr()?.port();
    drop(closed);
    let Some(app) = spawn_app_tweaked(
        wharf_tests::Stack::Sqlite,
        wharf_tests::MediaStore::Local,
        |s| {
            s.meili_url = Some(format!("http://127.0.0.1:{port}"));
        },
    )
    .await?
    else {
        return Ok(());
    };
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "meili-down.example.com", &["en"])
        .await?;
    let id = published(
        &app,
        &ann.token,
        json!({ "siteId": site, "title": "Kept safe" }),
    )
    .await?;
    assert!(!id.is_empty());
    let deadline = Instant::now() + Duration::from_secs(10);
    while pending_with_error(&app).await? == 0 {
        if Instant::now() > deadline {
            bail!("the index work never failed against a closed port");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ready = readyz(&app).await?;
    assert_eq!(ready["status"], "degraded");
    assert_eq!(ready["checks"]["search"]["engine"], "meilisearch");
    assert_eq!(ready["checks"]["search"]["status"], "unavailable");
    let body = app.graphql(SEARCH, json!({ "q": "kept" })).await?;
    assert_eq!(error_code(&body)?, "INTERNAL");
    Ok(())
}

async fn a_hits_snippet_marks_a_word_found_deep_in_the_body_and_escapes_the_text(
    app: TestApp,
) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "snippets.example.com", &["en"])
        .await?;
    let body = "Our factory machines aluminium housings for buyers in Europe and North \
        America. Every order starts with a drawing review, a quotation within two working days \
        and a first article inspection report. Most customers order between two hundred and \
        five thousand pieces. For outdoor housings we recommend hard anodizing, because prices \
        of 5 < 10 USD & \"stable\" colours matter in salt spray tests. Our engineers also \
        advise on tolerances, thread standards and packing for every shipment we send abroad.";
    let id = published(
        &app,
        &ann.token,
        json!({ "siteId": site, "locale": "en", "title": "Machined housings", "body": body }),
    )
    .await?;
    eventually(&app, json!({ "q": "anodizing" }), 10, |ids| {
        ids == [id.clone()]
    })
    .await?;
    let found = app
        .graphql(
            "query { search(query: \"anodizing\") { hits { snippet } } }",
            json!({}),
        )
        .await?;
    let snippet = ok(&found)?["search"]["hits"][0]["snippet"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        snippet.contains("hard <em>anodizing</em>, because"),
        "{snippet}"
    );
    assert!(
        snippet.contains("5 &lt; 10 USD &amp; &quot;stable&quot;"),
        "{snippet}"
    );
    assert!(
        snippet.starts_with('…') && snippet.ends_with('…'),
        "{snippet}"
    );
    Ok(())
}
