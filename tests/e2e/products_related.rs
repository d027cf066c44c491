//! What a product page links to (issue 19, point 4): related products ranked by category, then
//! specification rows, then tags; the articles about a product (a model-number mention before
//! shared tags) and the products an article is about; never drafts, other locales' products or
//! another site's content; `first` bounded.
use crate::products::{SITE, category, create_product, publish, shop};
use anyhow::Result;
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

mod links;

e2e!(
    related_products_share_the_same_category_before_its_parent_and_specs_break_ties,
    first_out_of_range_is_refused_naming_the_field,
);

/// Creates a product from `input` (the shop's site and English unless given) and returns its ID;
/// publishes it unless `draft`.
pub(crate) async fn product(
    app: &TestApp,
    token: &str,
    input: Value,
    draft: bool,
) -> Result<String> {
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

pub(crate) async fn specs(app: &TestApp, token: &str, id: &str, rows: Value) -> Result<()> {
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
pub(crate) async fn article(
    app: &TestApp,
    token: &str,
    input: Value,
    draft: bool,
) -> Result<String> {
    let id = str_at(&app.create_article(token, input).await?, "/id")?;
    if !draft {
        app.publish(token, &id).await?;
    }
    Ok(id)
}

/// The values at `key` of each item of a list answered at `pointer`.
pub(crate) fn list(body: &Value, pointer: &str, key: &str) -> Result<Vec<String>> {
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
pub(crate) async fn of_product(
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

    // A few statements, never one per candidate: the product's categories, the tree, then one
    // each for category, spec and tag candidates, and the chosen products.
    let vars = json!({ "id": this });
    let (_, alone) = app
        .queries_during(app.graphql(
            "query Alone($id: ID!) { product(id: $id) { id } }",
            vars.clone(),
        ))
        .await?;
    let (_, with) = app
        .queries_during(app.graphql(
            "query With($id: ID!) { product(id: $id) { id related(first: 20) { id } } }",
            vars,
        ))
        .await?;
    assert!(
        with - alone <= 6,
        "related took {} statements",
        with - alone
    );
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
