//! The cross links between products and articles: the articles about a product (a mention of
//! its model number, as a whole token and never as a `LIKE` pattern, before shared tags) and
//! the products an article is about.
use super::{article, list, of_product, product};
use crate::products::shop;
use anyhow::Result;
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e};

e2e!(
    related_articles_put_a_model_mention_before_shared_tags,
    a_model_number_matches_as_a_whole_token_and_never_as_a_pattern,
    an_article_links_to_the_products_it_is_about,
);

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
    // Tag candidates, mention candidates, the chosen articles: three statements.
    let vars = json!({ "id": this });
    let (_, alone) = app
        .queries_during(app.graphql(
            "query Alone($id: ID!) { product(id: $id) { id } }",
            vars.clone(),
        ))
        .await?;
    let (_, with) = app
        .queries_during(app.graphql(
            "query With($id: ID!) { product(id: $id) { id relatedArticles { id } } }",
            vars,
        ))
        .await?;
    assert_eq!(
        with - alone,
        3,
        "relatedArticles took {} statements",
        with - alone
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
    let vars = json!({ "id": zh });
    let (_, alone) = app
        .queries_during(app.graphql(
            "query Alone($id: ID!) { article(id: $id) { id } }",
            vars.clone(),
        ))
        .await?;
    let (_, with) = app
        .queries_during(app.graphql(
            "query With($id: ID!) { article(id: $id) { id relatedProducts { id } } }",
            vars,
        ))
        .await?;
    assert_eq!(
        with - alone,
        3,
        "relatedProducts took {} statements",
        with - alone
    );
    Ok(())
}
