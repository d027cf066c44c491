//! What a product page links to (issue 19, point 4): related products ranked by category, then
//! specification rows, then tags; the articles about a product (a model-number mention before
//! shared tags) and the products an article is about; never drafts, other locales' products or
//! another site's content; `first` bounded.
use crate::products::{SITE, category, create_product, publish, shop};
use anyhow::Result;
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    related_products_share_the_same_category_before_its_parent_and_specs_break_ties,
    related_articles_put_a_model_mention_before_shared_tags,
    a_model_number_matches_as_a_whole_token_and_never_as_a_pattern,
    an_article_links_to_the_products_it_is_about,
    first_out_of_range_is_refused_naming_the_field,
);

/// Creates a product from `input` (the shop's site and English unless given) and returns its ID;
/// publishes it unless `draft`.
async fn product(app: &TestApp, token: &str, input: Value, draft: bool) -> Result<String> {
    let mut full = json!({ "siteId": SITE, "locale": "en" });
    if let (Some(full), Some(given)) = (full.as_object_mut(), input.as_object()) {
        full.extend(given.clone());
    }
    let created = create_product(app, token, full).await?;
    let id = str_at(ok(&created)?, "/createProduct/id")?;
    if !draft {
        publish(app, token, &id).await?;
    }
    Ok(id)
}

async fn specs(app: &TestApp, token: &str, id: &str, rows: Value) -> Result<()> {
    ok(&app
        .graphql_as(
            token,
            "mutation($id: ID!, $rows: [ProductSpecInput!]!) { setProductSpecs(productId: $id, rows: $rows) { version } }",
            json!({ "id": id, "rows": rows }),
        )
        .await?)?;
    Ok(())
}

/// Creates and publishes an article (unless `draft`); returns its ID.
async fn article(app: &TestApp, token: &str, input: Value, draft: bool) -> Result<String> {
    let id = str_at(&app.create_article(token, input).await?, "/id")?;
    if !draft {
        app.publish(token, &id).await?;
    }
    Ok(id)
}

/// The values at `key` of each item of a list answered at `pointer`.
fn list(body: &Value, pointer: &str, key: &str) -> Result<Vec<String>> {
    let items = ok(body)?
        .pointer(pointer)
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow::anyhow!("no list at {pointer} in {body}"))?;
    Ok(items
        .iter()
        .filter_map(|i| i[key].as_str().map(str::to_owned))
        .collect())
}

/// `field(first:)` of a product, read anonymously, as the `key` of each item.
async fn of_product(
    app: &TestApp,
    id: &str,
    field: &str,
    first: i32,
    key: &str,
) -> Result<Vec<String>> {
    let body = app
        .graphql(
            &format!("query($id: ID!) {{ node: product(id: $id) {{ list: {field}(first: {first}) {{ {key} }} }} }}"),
            json!({ "id": id }),
        )
        .await?;
    list(&body, "/node/list", key)
}

async fn related_products_share_the_same_category_before_its_parent_and_specs_break_ties(
    app: TestApp,
) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let valves = category(&app, &token, &site, None, "Valves", "阀门").await?;
    let ball = category(&app, &token, &site, Some(&valves), "Ball valves", "球阀").await?;
    let gate = category(&app, &token, &site, Some(&valves), "Gate valves", "闸阀").await?;
    let pumps = category(&app, &token, &site, None, "Pumps", "泵").await?;
    let two_specs =
        json!([{ "name": "Body", "value": "CF8M" }, { "name": "尺寸", "value": "DN50" }]);

    let this = product(
        &app,
        &token,
        json!({ "name": "Ball valve DN50", "categoryIds": [ball], "tags": ["不锈钢"] }),
        false,
    )
    .await?;
    specs(&app, &token, &this, two_specs.clone()).await?;
    let older = product(
        &app,
        &token,
        json!({ "name": "Older ball valve", "categoryIds": [ball] }),
        false,
    )
    .await?;
    let newer = product(
        &app,
        &token,
        json!({ "name": "Newer ball valve", "categoryIds": [ball] }),
        false,
    )
    .await?;
    let alike = product(
        &app,
        &token,
        json!({ "name": "Alike ball valve", "categoryIds": [ball] }),
        false,
    )
    .await?;
    specs(
        &app,
        &token,
        &alike,
        json!([{ "name": "Body", "value": "CF8M" }, { "name": "尺寸", "value": "DN80" }]),
    )
    .await?;
    let sibling = product(
        &app,
        &token,
        json!({ "name": "Gate valve", "categoryIds": [gate], "tags": ["不锈钢"] }),
        false,
    )
    .await?;
    specs(&app, &token, &sibling, two_specs.clone()).await?;
    let parent = product(
        &app,
        &token,
        json!({ "name": "Valve kit", "categoryIds": [valves] }),
        false,
    )
    .await?;
    let elsewhere = product(
        &app,
        &token,
        json!({ "name": "Pump", "categoryIds": [pumps], "tags": ["不锈钢"] }),
        false,
    )
    .await?;
    specs(&app, &token, &elsewhere, two_specs.clone()).await?;
    // Never listed: a draft in the same category, a product sharing nothing, the product's own
    // translation (another locale), and another site's product sharing the same specs and tag.
    product(
        &app,
        &token,
        json!({ "name": "Draft ball valve", "categoryIds": [ball], "tags": ["不锈钢"] }),
        true,
    )
    .await?;
    product(
        &app,
        &token,
        json!({ "name": "Unrelated pump", "categoryIds": [pumps] }),
        false,
    )
    .await?;
    product(
        &app,
        &token,
        json!({ "locale": "zh-CN", "translationOf": this, "name": "球阀 DN50" }),
        false,
    )
    .await?;
    let other_site = app
        .create_site(&token, "pumps.example.com", &["en"])
        .await?;
    let foreign = product(
        &app,
        &token,
        json!({ "siteId": other_site, "name": "Foreign ball valve", "tags": ["不锈钢"] }),
        false,
    )
    .await?;
    specs(&app, &token, &foreign, two_specs).await?;

    let ids = of_product(&app, &this, "related", 20, "id").await?;
    // Same leaf category (more equal specs first, then newest), then the same parent category
    // (more equal specs first), then specs and tags alone.
    assert_eq!(
        ids,
        vec![
            alike.clone(),
            newer.clone(),
            older,
            sibling,
            parent,
            elsewhere
        ]
    );
    assert_eq!(
        of_product(&app, &this, "related", 2, "id").await?,
        vec![alike, newer]
    );
    // The owner, who sees drafts elsewhere, gets the same list.
    let body = app
        .graphql_as(
            &token,
            "query($id: ID!) { product(id: $id) { related(first: 20) { id status } } }",
            json!({ "id": this }),
        )
        .await?;
    assert_eq!(list(&body, "/product/related", "id")?, ids);
    Ok(())
}

async fn related_articles_put_a_model_mention_before_shared_tags(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let this = product(
        &app,
        &token,
        json!({ "name": "Ball valve", "modelNumber": "AB-12", "tags": ["阀门", "Export"] }),
        false,
    )
    .await?;
    let en = |title: &str, body: &str, tags: Value| json!({ "siteId": site, "locale": "en", "title": title, "body": body, "tags": tags });
    let two_tags = article(
        &app,
        &token,
        en(
            "Choosing valves",
            "Seats and stems.",
            json!(["阀门", "Export"]),
        ),
        false,
    )
    .await?;
    let mention = article(
        &app,
        &token,
        en(
            "Pressure ratings",
            "Our **ab-12** is rated PN16.",
            json!([]),
        ),
        false,
    )
    .await?;
    let one_tag = article(
        &app,
        &token,
        en(
            "The AB-123 arrives",
            "It replaces older models.",
            json!(["Export"]),
        ),
        false,
    )
    .await?;
    let chinese = article(&app, &token, json!({ "siteId": site, "locale": "zh-CN", "title": "新品", "body": "型号AB-12的阀门已上市。" }), false).await?;
    // Never listed: a draft mentioning it, an article naming only a longer model number, and
    // another site's article mentioning it with a tag of the same name.
    article(
        &app,
        &token,
        en("Draft", "AB-12 preview", json!(["阀门"])),
        true,
    )
    .await?;
    article(
        &app,
        &token,
        en("Other model", "See AB-123 and XAB-12.", json!([])),
        false,
    )
    .await?;
    let other_site = app
        .create_site(&token, "pumps.example.com", &["en"])
        .await?;
    article(&app, &token, json!({ "siteId": other_site, "title": "AB-12 elsewhere", "body": "AB-12", "tags": ["阀门"] }), false).await?;

    let ids = of_product(&app, &this, "relatedArticles", 20, "id").await?;
    // The product's locale first; in it, the mention, then two shared tags, then one.
    assert_eq!(ids, vec![mention.clone(), two_tags, one_tag, chinese]);
    assert_eq!(
        of_product(&app, &this, "relatedArticles", 1, "id").await?,
        vec![mention]
    );
    Ok(())
}

async fn a_model_number_matches_as_a_whole_token_and_never_as_a_pattern(
    app: TestApp,
) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let short = product(
        &app,
        &token,
        json!({ "name": "Short", "modelNumber": "AB-12" }),
        false,
    )
    .await?;
    let long = product(
        &app,
        &token,
        json!({ "name": "Long", "modelNumber": "AB-123" }),
        false,
    )
    .await?;
    let percent = product(
        &app,
        &token,
        json!({ "name": "Percent", "modelNumber": "X%5" }),
        false,
    )
    .await?;
    let underscore = product(
        &app,
        &token,
        json!({ "name": "Underscore", "modelNumber": "Y_7" }),
        false,
    )
    .await?;
    let body =
        |text: &str| json!({ "siteId": site, "title": text, "body": format!("About the {text}.") });
    let about_long = article(&app, &token, body("AB-123"), false).await?;
    let about_short = article(&app, &token, body("ab-12"), false).await?;
    let wildcard_percent = article(&app, &token, body("X25 and XY5"), false).await?;
    let literal_percent = article(&app, &token, body("X%5"), false).await?;
    let wildcard_underscore = article(&app, &token, body("YA7 and Y77"), false).await?;
    let literal_underscore = article(&app, &token, body("Y_7"), false).await?;

    assert_eq!(
        of_product(&app, &short, "relatedArticles", 5, "id").await?,
        vec![about_short]
    );
    assert_eq!(
        of_product(&app, &long, "relatedArticles", 5, "id").await?,
        vec![about_long]
    );
    assert_eq!(
        of_product(&app, &percent, "relatedArticles", 5, "id").await?,
        vec![literal_percent.clone()]
    );
    assert_eq!(
        of_product(&app, &underscore, "relatedArticles", 5, "id").await?,
        vec![literal_underscore.clone()]
    );
    for (article, expected) in [
        (wildcard_percent, vec![]),
        (wildcard_underscore, vec![]),
        (literal_percent, vec![percent]),
        (literal_underscore, vec![underscore]),
    ] {
        assert_eq!(of_article(&app, &article, 5).await?, expected, "{article}");
    }
    Ok(())
}

/// `relatedProducts(first:)` of an article, read anonymously, as IDs.
async fn of_article(app: &TestApp, id: &str, first: i32) -> Result<Vec<String>> {
    let body = app
        .graphql(
            &format!("query($id: ID!) {{ article(id: $id) {{ relatedProducts(first: {first}) {{ id }} }} }}"),
            json!({ "id": id }),
        )
        .await?;
    list(&body, "/article/relatedProducts", "id")
}

async fn an_article_links_to_the_products_it_is_about(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let mentioned = product(
        &app,
        &token,
        json!({ "name": "Mentioned", "modelNumber": "BV-50" }),
        false,
    )
    .await?;
    let chinese = product(
        &app,
        &token,
        json!({ "locale": "zh-CN", "translationOf": mentioned, "name": "球阀" }),
        false,
    )
    .await?;
    let both_tags = product(
        &app,
        &token,
        json!({ "name": "Both tags", "tags": ["阀门", "出口"] }),
        false,
    )
    .await?;
    let one_tag = product(
        &app,
        &token,
        json!({ "name": "One tag", "tags": ["出口"] }),
        false,
    )
    .await?;
    product(
        &app,
        &token,
        json!({ "name": "Draft", "modelNumber": "BV-51", "tags": ["阀门"] }),
        true,
    )
    .await?;
    product(
        &app,
        &token,
        json!({ "name": "Nothing shared", "modelNumber": "BV-5" }),
        false,
    )
    .await?;

    let en = article(&app, &token, json!({ "siteId": site, "locale": "en", "title": "Valves for export", "body": "Ask for the bv-50, or the BV-51.", "tags": ["阀门", "出口"] }), false).await?;
    assert_eq!(
        of_article(&app, &en, 10).await?,
        vec![mentioned, both_tags, one_tag]
    );
    // In Chinese, the product's Chinese version, once.
    let zh = article(
        &app,
        &token,
        json!({ "siteId": site, "locale": "zh-CN", "title": "出口阀门", "body": "型号BV-50。" }),
        false,
    )
    .await?;
    assert_eq!(of_article(&app, &zh, 10).await?, vec![chinese]);
    Ok(())
}

async fn first_out_of_range_is_refused_naming_the_field(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let id = product(&app, &token, json!({ "name": "Valve" }), false).await?;
    let art = article(
        &app,
        &token,
        json!({ "siteId": site, "title": "Valves" }),
        false,
    )
    .await?;
    for (query, target) in [
        (
            "query($id: ID!) { product(id: $id) { related(first: 0) { id } } }",
            &id,
        ),
        (
            "query($id: ID!) { product(id: $id) { related(first: 21) { id } } }",
            &id,
        ),
        (
            "query($id: ID!) { product(id: $id) { relatedArticles(first: -1) { id } } }",
            &id,
        ),
        (
            "query($id: ID!) { article(id: $id) { relatedProducts(first: 21) { id } } }",
            &art,
        ),
    ] {
        let body = app.graphql(query, json!({ "id": target })).await?;
        assert_eq!(error_code(&body)?, "BAD_USER_INPUT", "{body}");
        assert_eq!(error_field(&body).as_deref(), Some("first"), "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["reason"], "OUT_OF_RANGE",
            "{body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["params"],
            json!({ "min": 1, "max": 20 }),
            "{body}"
        );
    }
    // The default is five.
    let body = app
        .graphql(
            "query($id: ID!) { product(id: $id) { related { id } relatedArticles { id } } }",
            json!({ "id": id }),
        )
        .await?;
    ok(&body)?;
    Ok(())
}
