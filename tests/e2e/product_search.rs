//! Product search through the whole server (issue 19, point 4): products reach the index
//! through the outbox, only published ones are found, a category page counts its categories and
//! certifications over all matches (subcategories included), a category's new name reaches its
//! products, bad input is refused naming the field, `wharf reindex` and the start after an
//! index of a version without products put them back, and nothing is lost while Meilisearch is
//! down.
use crate::products::{category, create_product, publish, shop};
use anyhow::{Result, bail};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wharf_tests::meili::{MASTER_KEY, MeiliServer};
use wharf_tests::{
    MediaStore, Stack, TestApp, e2e, error_code, error_field, ok, spawn_app_tweaked, str_at,
};

e2e!(search;
    a_category_page_counts_categories_and_certifications_over_all_matches,
    drafts_unpublished_and_deleted_products_are_not_found,
    a_categorys_new_name_and_place_reach_its_products,
    bad_product_search_input_is_refused_naming_the_field,
);

// These reach into the embedded engine (its folder) or the database behind the server.
e2e!(
    reindex_puts_every_published_product_back,
    an_index_from_before_product_search_is_filled_at_start,
);

const SEARCH: &str = "query($q: String!, $site: String, $locale: String, $categories: [String!], $certifications: [String!], $first: Int, $offset: Int) {
  productSearch(query: $q, site: $site, locale: $locale, categories: $categories, certifications: $certifications, first: $first, offset: $offset) {
    hits { product { id slug status } nameHighlight summaryHighlight snippet }
    categoryCounts { category { id slug name } count }
    certificationCounts { certification count }
    estimatedTotal
  }
}";

/// The anonymous answer to a product search.
async fn search(app: &TestApp, vars: Value) -> Result<Value> {
    let body = app.graphql(SEARCH, vars).await?;
    Ok(ok(&body)?["productSearch"].clone())
}

fn slugs(found: &Value) -> Vec<String> {
    let mut out: Vec<String> = found["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter_map(|h| h["product"]["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Polls the search (the index follows writes through the outbox) until `done` holds.
async fn eventually(
    app: &TestApp,
    vars: Value,
    secs: u64,
    done: impl Fn(&[String]) -> bool,
) -> Result<Value> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let found = search(app, vars.clone()).await?;
        if done(&slugs(&found)) {
            return Ok(found);
        }
        if Instant::now() > deadline {
            bail!("after {secs} s the search for {vars} still returns {found}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Creates a product and returns its ID.
async fn product(app: &TestApp, token: &str, input: Value) -> Result<String> {
    str_at(
        ok(&create_product(app, token, input).await?)?,
        "/createProduct/id",
    )
}

/// A catalogue: Valves (Ball valves, Gate valves) and Pumps, four published products and a
/// draft. Returns the owner's token, the site's ID and the categories' IDs.
async fn catalogue(app: &TestApp) -> Result<(String, String, [String; 4])> {
    let (token, site) = shop(app).await?;
    let valves = category(app, &token, &site, None, "Valves", "阀门").await?;
    let ball = category(app, &token, &site, Some(&valves), "Ball valves", "球阀").await?;
    let gate = category(app, &token, &site, Some(&valves), "Gate valves", "闸阀").await?;
    let pumps = category(app, &token, &site, None, "Pumps", "泵").await?;
    for (name, model, cat, certs, locale) in [
        (
            "Stainless steel ball valve",
            "BV-200",
            &ball,
            vec!["CE", "ISO 9001"],
            "en",
        ),
        ("Brass ball valve", "BV-100", &ball, vec!["CE"], "en"),
        (
            "Cast steel gate valve",
            "GV-300",
            &gate,
            vec!["API 6D"],
            "en",
        ),
        ("Stainless steel pump", "SP-10", &pumps, vec!["CE"], "en"),
        ("不锈钢球阀", "Q41F", &ball, vec!["CE"], "zh-CN"),
    ] {
        let id = product(
            app,
            &token,
            json!({ "siteId": site, "locale": locale, "name": name, "modelNumber": model,
                    "summary": format!("{name}, made to order"),
                    "description": format!("# {name}\n\nTested before shipping."),
                    "categoryIds": [cat], "certifications": certs }),
        )
        .await?;
        publish(app, &token, &id).await?;
    }
    product(
        app,
        &token,
        json!({ "siteId": site, "locale": "en", "name": "Secret steel valve prototype",
                "modelNumber": "XX-1", "categoryIds": [ball], "certifications": ["CE"] }),
    )
    .await?;
    // Every published product indexed before the test looks.
    eventually(app, json!({ "q": "", "site": site }), 30, |s| s.len() == 5).await?;
    Ok((token, site, [valves, ball, gate, pumps]))
}

async fn a_category_page_counts_categories_and_certifications_over_all_matches(
    app: TestApp,
) -> Result<()> {
    let (_, site, [valves, ball, gate, _]) = catalogue(&app).await?;
    // The category page of Valves, by slug, in English: the three English valves, one a page.
    let page =
        json!({ "q": "", "site": site, "locale": "en", "categories": ["valves"], "first": 1 });
    let found = search(&app, page).await?;
    assert_eq!(slugs(&found).len(), 1);
    assert_eq!(found["estimatedTotal"], 3, "{found}");
    assert_eq!(
        found["categoryCounts"],
        json!([
            { "category": { "id": valves, "slug": "valves", "name": "Valves" }, "count": 3 },
            { "category": { "id": ball, "slug": "ball-valves", "name": "Ball valves" }, "count": 2 },
            { "category": { "id": gate, "slug": "gate-valves", "name": "Gate valves" }, "count": 1 },
        ])
    );
    assert_eq!(
        found["certificationCounts"],
        json!([
            { "certification": "CE", "count": 2 },
            { "certification": "API 6D", "count": 1 },
            { "certification": "ISO 9001", "count": 1 },
        ])
    );
    // Narrowed by a certification (any case) and a query; categories by ID.
    let ce = search(
        &app,
        json!({ "q": "steel", "site": site, "categories": [valves], "certifications": ["ce"] }),
    )
    .await?;
    assert_eq!(slugs(&ce), ["stainless-steel-ball-valve"]);
    assert_eq!(
        ce["hits"][0]["nameHighlight"],
        "Stainless <em>steel</em> ball valve"
    );
    // Chinese, with its categories named in Chinese; a typo; a model number without its dash.
    let zh = search(
        &app,
        json!({ "q": "球阀", "site": site, "locale": "zh-CN" }),
    )
    .await?;
    assert_eq!(zh["hits"].as_array().map(Vec::len), Some(1), "{zh}");
    let mut names: Vec<&str> = zh["categoryCounts"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(|c| c["category"]["name"].as_str())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    assert_eq!(names, ["球阀", "阀门"], "{zh}");
    let typo = search(&app, json!({ "q": "pummp", "site": site })).await?;
    assert_eq!(slugs(&typo), ["stainless-steel-pump"]);
    let model = search(&app, json!({ "q": "bv200", "site": site })).await?;
    assert_eq!(slugs(&model), ["stainless-steel-ball-valve"]);
    Ok(())
}

async fn drafts_unpublished_and_deleted_products_are_not_found(app: TestApp) -> Result<()> {
    let (token, site, _) = catalogue(&app).await?;
    let all = json!({ "q": "valve", "site": site, "locale": "en" });
    assert_eq!(slugs(&search(&app, all.clone()).await?).len(), 3);
    // The draft is not found, not even by its owner.
    let draft = app
        .graphql_as(
            &token,
            SEARCH,
            json!({ "q": "secret prototype", "site": site }),
        )
        .await?;
    assert_eq!(ok(&draft)?["productSearch"]["hits"], json!([]));
    let ids = search(&app, all.clone()).await?;
    let id_of = |slug: &str| {
        ids["hits"]
            .as_array()
            .and_then(|h| h.iter().find(|h| h["product"]["slug"] == slug))
            .map(|h| h["product"]["id"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    };
    let (brass, gate) = (id_of("brass-ball-valve"), id_of("cast-steel-gate-valve"));
    ok(&app
        .graphql_as(
            &token,
            "mutation($id: ID!) { unpublishProduct(id: $id) { status } }",
            json!({ "id": brass }),
        )
        .await?)?;
    ok(&app
        .graphql_as(
            &token,
            "mutation($id: ID!) { deleteProduct(id: $id) }",
            json!({ "id": gate }),
        )
        .await?)?;
    // Hits are re-read from the database, so they leave at once; the index (and with it the
    // total) follows through the outbox.
    let left = search(&app, all.clone()).await?;
    assert_eq!(slugs(&left), ["stainless-steel-ball-valve"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while search(&app, all.clone()).await?["estimatedTotal"] != 1 {
        if Instant::now() > deadline {
            bail!("the index still holds the unpublished or deleted product after 20 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

async fn a_categorys_new_name_and_place_reach_its_products(app: TestApp) -> Result<()> {
    let (token, site, [valves, _, gate, pumps]) = catalogue(&app).await?;
    let gate_page = json!({ "q": "", "site": site, "categories": [gate] });
    assert_eq!(
        slugs(&search(&app, gate_page).await?),
        ["cast-steel-gate-valve"]
    );
    // Renamed, then moved under Pumps: found by the new name and on the new parent's page.
    ok(&app
        .graphql_as(
            &token,
            "mutation($id: ID!, $input: UpdateCategoryInput!) { updateCategory(id: $id, input: $input) { id } }",
            json!({ "id": gate, "input": { "parentId": pumps, "translations": [{ "locale": "en", "name": "Sluice gates" }] } }),
        )
        .await?)?;
    eventually(&app, json!({ "q": "sluice", "site": site }), 20, |s| {
        s == ["cast-steel-gate-valve"]
    })
    .await?;
    let under_pumps = json!({ "q": "", "site": site, "categories": [pumps] });
    eventually(&app, under_pumps, 20, |s| {
        s == ["cast-steel-gate-valve", "stainless-steel-pump"]
    })
    .await?;
    let under_valves = search(
        &app,
        json!({ "q": "", "site": site, "locale": "en", "categories": [valves] }),
    )
    .await?;
    assert_eq!(
        slugs(&under_valves),
        ["brass-ball-valve", "stainless-steel-ball-valve"]
    );
    Ok(())
}

async fn bad_product_search_input_is_refused_naming_the_field(app: TestApp) -> Result<()> {
    let (_, site, _) = catalogue(&app).await?;
    let refused = |vars: Value, code: &'static str, field: &'static str| {
        let app = &app;
        async move {
            let body = app.graphql(SEARCH, vars.clone()).await?;
            assert_eq!(error_code(&body)?, code, "{vars}: {body}");
            assert_eq!(error_field(&body), Some(field.to_owned()), "{vars}: {body}");
            anyhow::Ok(())
        }
    };
    refused(
        json!({ "q": "", "site": site, "categories": ["no-such-category"] }),
        "NOT_FOUND",
        "categories.0",
    )
    .await?;
    refused(
        json!({ "q": "", "categories": [uuid::Uuid::new_v4().to_string()] }),
        "NOT_FOUND",
        "categories.0",
    )
    .await?;
    refused(
        json!({ "q": "", "categories": ["valves"] }),
        "BAD_USER_INPUT",
        "categories.0",
    )
    .await?;
    refused(
        json!({ "q": "", "site": "nowhere.example.com" }),
        "NOT_FOUND",
        "site",
    )
    .await?;
    refused(json!({ "q": "x".repeat(501) }), "BAD_USER_INPUT", "query").await?;
    refused(json!({ "q": "", "first": -1 }), "BAD_USER_INPUT", "first").await?;
    refused(
        json!({ "q": "", "offset": 1001 }),
        "BAD_USER_INPUT",
        "offset",
    )
    .await?;
    refused(
        json!({ "q": "", "locale": "not a locale" }),
        "BAD_USER_INPUT",
        "locale",
    )
    .await?;
    refused(
        json!({ "q": "", "site": site, "categories": vec!["valves"; 21] }),
        "BAD_USER_INPUT",
        "categories",
    )
    .await?;
    refused(
        json!({ "q": "", "certifications": [" "] }),
        "BAD_USER_INPUT",
        "certifications.0",
    )
    .await?;
    Ok(())
}

async fn reindex_puts_every_published_product_back(app: TestApp) -> Result<()> {
    let (_, site, _) = catalogue(&app).await?;
    let dir = tempfile::tempdir()?;
    let engine = wharf::search::SearchEngine::Embedded(
        wharf::search::embedded::EmbeddedIndex::open(&dir.path().join("search"))?,
    );
    let count = wharf::services::search::reindex_all(&app.db, &engine, 2).await?;
    assert_eq!((count.articles, count.products), (0, 5));
    let request = wharf::search::product::ProductSearchRequest {
        site: Some(site.parse()?),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(engine.search_products(&request).await?.estimated_total, 5);
    // Running it again gives the same index, not duplicates.
    wharf::services::search::reindex_all(&app.db, &engine, 500).await?;
    assert_eq!(engine.search_products(&request).await?.estimated_total, 5);
    Ok(())
}

/// A data folder whose search index was written before products were searchable (no
/// `products/` folder) gets its published products indexed when the server starts.
async fn an_index_from_before_product_search_is_filled_at_start(app: TestApp) -> Result<()> {
    let (_, site, _) = catalogue(&app).await?;
    let all = json!({ "q": "", "site": site });
    // The running server keeps its open files; the next start finds no product index.
    std::fs::remove_dir_all(app.data_dir().join("search").join("products"))?;
    let app = app.restart().await?;
    eventually(&app, all, 20, |s| s.len() == 5).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_published_while_meilisearch_is_down_is_found_once_it_is_back() -> Result<()> {
    let Some(mut meili) = MeiliServer::start().await? else {
        return Ok(());
    };
    let url = meili.url();
    let tweak = |s: &mut wharf::Settings| {
        s.meili_url = Some(url.clone());
        s.meili_api_key = Some(MASTER_KEY.to_owned().into());
        s.meili_index_prefix = "wharf_product_outage".to_owned();
    };
    let Some(app) = spawn_app_tweaked(Stack::Sqlite, MediaStore::Local, tweak).await? else {
        return Ok(());
    };
    let (token, site) = shop(&app).await?;
    let id = product(
        &app,
        &token,
        json!({ "siteId": site, "locale": "en", "name": "Butterfly valve", "modelNumber": "BF-1" }),
    )
    .await?;
    meili.stop()?;
    publish(&app, &token, &id).await?;
    // The outbox records the failed attempt; the write itself succeeded.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let failed = entities::outbox::Entity::find()
            .filter(entities::outbox::Column::DoneAt.is_null())
            .filter(entities::outbox::Column::LastError.is_not_null())
            .filter(entities::outbox::Column::Kind.eq("search.product"))
            .all(&app.db)
            .await?;
        if !failed.is_empty() {
            break;
        }
        if Instant::now() > deadline {
            bail!("no product index work failed while Meilisearch was down");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    meili.restart().await?;
    eventually(&app, json!({ "q": "butterfly", "site": site }), 60, |s| {
        s == ["butterfly-valve"]
    })
    .await?;
    Ok(())
}
