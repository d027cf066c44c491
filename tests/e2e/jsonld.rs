//! Structured data (issue 19, point 5): `Product.jsonLd` and `Article.jsonLd` are schema.org
//! JSON-LD with the properties Google's rich results require and recommend, safe to embed in a
//! `<script>` element.
use crate::products::{category, create_product, image, publish, shop};
use anyhow::{Context, Result};
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, ok, str_at};

e2e!(
    a_product_json_ld_has_an_offer_a_range_or_no_price_and_its_breadcrumbs,
    a_script_breaking_product_name_stays_inside_its_script_element,
    an_article_json_ld_is_a_blog_posting,
);

/// A product's JSON-LD as an anonymous reader gets it, the text and the parsed value.
async fn json_ld(app: &TestApp, id: &str) -> Result<(String, Value)> {
    let body = app
        .graphql(
            "query($id: ID!) { product(id: $id) { jsonLd } }",
            json!({ "id": id }),
        )
        .await?;
    let text = str_at(ok(&body)?, "/product/jsonLd")?;
    let value = serde_json::from_str(&text).context("jsonLd is JSON")?;
    Ok((text, value))
}

/// The node of `@graph` of this `@type`.
fn node<'a>(doc: &'a Value, kind: &str) -> Option<&'a Value> {
    doc["@graph"]
        .as_array()?
        .iter()
        .find(|n| n["@type"] == kind)
}

/// Checks what schema.org and Google ask of a `Product`: name, image, one of offers, review
/// or aggregateRating (we have offers, when there is a price); the `Offer`'s price,
/// priceCurrency and availability, or an `AggregateOffer`'s lowPrice, highPrice and currency.
fn check_product(product: &Value, with_offer: bool) -> Result<()> {
    anyhow::ensure!(product["name"].is_string(), "name: {product}");
    let images = product["image"].as_array().context("image")?;
    anyhow::ensure!(!images.is_empty(), "image: {product}");
    for url in images {
        let url = url.as_str().unwrap_or_default();
        anyhow::ensure!(url.starts_with("http") && url.contains("/media/"), "{url}");
        anyhow::ensure!(
            !url.contains("sig="),
            "a stable link, not a signed one: {url}"
        );
    }
    if !with_offer {
        anyhow::ensure!(product.get("offers").is_none(), "no offers: {product}");
        return Ok(());
    }
    let offer = &product["offers"];
    anyhow::ensure!(offer["priceCurrency"].is_string(), "{offer}");
    anyhow::ensure!(
        offer["availability"]
            .as_str()
            .is_some_and(|a| a.starts_with("https://schema.org/")),
        "{offer}"
    );
    match offer["@type"].as_str() {
        Some("Offer") => anyhow::ensure!(offer["price"].is_string(), "{offer}"),
        Some("AggregateOffer") => anyhow::ensure!(
            offer["lowPrice"].is_string() && offer["highPrice"].is_string(),
            "{offer}"
        ),
        _ => anyhow::bail!("offers is an Offer or an AggregateOffer: {offer}"),
    }
    Ok(())
}

async fn a_product_json_ld_has_an_offer_a_range_or_no_price_and_its_breadcrumbs(
    app: TestApp,
) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let top = category(&app, &token, &site, None, "Industrial", "工业").await?;
    let mid = category(&app, &token, &site, Some(&top), "Valves", "阀门").await?;
    let leaf = category(&app, &token, &site, Some(&mid), "Ball valves", "球阀").await?;
    let cover = image(&app, &token, &site, "cover.png").await?;
    let side = image(&app, &token, &site, "side.png").await?;
    let single = create_product(
        &app,
        &token,
        json!({ "siteId": site, "locale": "en",
        "name": "Ball valve DN50", "modelNumber": "BV-50", "categoryIds": [leaf],
        "summary": "A full-bore ball valve.", "priceMin": "12.50", "currency": "USD",
        "moqQuantity": 500, "moqUnit": "pieces" }),
    )
    .await?;
    let single = str_at(ok(&single)?, "/createProduct/id")?;
    ok(&app
        .graphql_as(
            &token,
            "mutation($p: ID!, $c: String, $g: [String!]) { setProductMedia(productId: $p, coverId: $c, gallery: $g) { version } }",
            json!({ "p": single, "c": cover, "g": [side, cover] }),
        )
        .await?)?;
    let zh = create_product(
        &app,
        &token,
        json!({ "siteId": site, "locale": "zh-CN",
        "translationOf": single, "name": "球阀 DN50" }),
    )
    .await?;
    let zh = str_at(ok(&zh)?, "/createProduct/id")?;
    let range = create_product(
        &app,
        &token,
        json!({ "siteId": site, "locale": "en",
        "name": "Gate valve", "categoryIds": [mid], "priceMin": "10", "priceMax": "18.5",
        "currency": "EUR", "leadTimeDays": 30 }),
    )
    .await?;
    let range = str_at(ok(&range)?, "/createProduct/id")?;
    let none = create_product(
        &app,
        &token,
        json!({ "siteId": site, "locale": "en",
        "name": "Custom valve" }),
    )
    .await?;
    let none = str_at(ok(&none)?, "/createProduct/id")?;
    for id in [&single, &zh, &range, &none] {
        publish(&app, &token, id).await?;
    }
    ok(&app
        .graphql_as(
            &token,
            "mutation($p: ID!, $c: String) { setProductMedia(productId: $p, coverId: $c) { version } }",
            json!({ "p": range, "c": side }),
        )
        .await?)?;
    ok(&app
        .graphql_as(
            &token,
            "mutation($p: ID!, $c: String) { setProductMedia(productId: $p, coverId: $c) { version } }",
            json!({ "p": none, "c": side }),
        )
        .await?)?;

    // One price: an Offer, the cover first then the gallery, no image twice.
    let (_, doc) = json_ld(&app, &single).await?;
    assert_eq!(doc["@context"], "https://schema.org");
    let product = node(&doc, "Product").context("a Product")?;
    check_product(product, true)?;
    assert_eq!(product["name"], "Ball valve DN50");
    assert_eq!(product["description"], "A full-bore ball valve.");
    assert_eq!(
        (product["sku"].clone(), product["mpn"].clone()),
        (json!("BV-50"), json!("BV-50"))
    );
    assert_eq!(
        product["brand"],
        json!({ "@type": "Brand", "name": "valves.example.com" })
    );
    assert_eq!(
        product["url"],
        "https://valves.example.com/products/ball-valve-dn50"
    );
    let images = product["image"].as_array().cloned().unwrap_or_default();
    assert_eq!(images.len(), 2, "{images:?}");
    assert!(
        images[0]
            .as_str()
            .is_some_and(|u| u.starts_with(&app.address)),
        "{images:?}"
    );
    let offer = &product["offers"];
    assert_eq!(offer["@type"], "Offer");
    assert_eq!(
        (offer["price"].clone(), offer["priceCurrency"].clone()),
        (json!("12.50"), json!("USD"))
    );
    assert_eq!(offer["availability"], "https://schema.org/InStock");
    assert_eq!(offer["eligibleQuantity"]["minValue"], 500);
    // Breadcrumbs from a 3-level path: each ancestor, the category, then the product.
    let crumbs = node(&doc, "BreadcrumbList").context("a BreadcrumbList")?;
    let items = crumbs["itemListElement"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = items.iter().filter_map(|i| i["name"].as_str()).collect();
    assert_eq!(
        names,
        ["Industrial", "Valves", "Ball valves", "Ball valve DN50"]
    );
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item["@type"], "ListItem");
        assert_eq!(item["position"], i + 1);
        assert!(
            str_at(item, "/item")?.starts_with("https://valves.example.com/"),
            "{item}"
        );
    }
    assert_eq!(
        items[0]["item"],
        "https://valves.example.com/categories/industrial"
    );

    // The translation: Chinese names and the locale's paths.
    let (text, doc) = json_ld(&app, &zh).await?;
    assert!(text.contains("球阀 DN50"), "Chinese stays readable: {text}");
    let crumbs = node(&doc, "BreadcrumbList").context("a BreadcrumbList")?;
    let names: Vec<&str> = crumbs["itemListElement"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["工业", "阀门", "球阀", "球阀 DN50"]);
    let product = node(&doc, "Product").context("a Product")?;
    assert!(str_at(product, "/url")?.starts_with("https://valves.example.com/zh-CN/products/"));

    // A range: an AggregateOffer; made to order with a lead time.
    let (_, doc) = json_ld(&app, &range).await?;
    let product = node(&doc, "Product").context("a Product")?;
    check_product(product, true)?;
    let offer = &product["offers"];
    assert_eq!(offer["@type"], "AggregateOffer");
    assert_eq!(
        (
            offer["lowPrice"].clone(),
            offer["highPrice"].clone(),
            offer["priceCurrency"].clone()
        ),
        (json!("10.00"), json!("18.50"), json!("EUR"))
    );
    assert_eq!(offer["availability"], "https://schema.org/MadeToOrder");
    assert_eq!(
        node(&doc, "BreadcrumbList").map(|b| b["itemListElement"].as_array().map_or(0, Vec::len)),
        Some(3)
    );

    // No price (on request): no offers; no category: no breadcrumbs.
    let (_, doc) = json_ld(&app, &none).await?;
    check_product(node(&doc, "Product").context("a Product")?, false)?;
    assert!(node(&doc, "BreadcrumbList").is_none(), "{doc}");
    Ok(())
}

async fn a_script_breaking_product_name_stays_inside_its_script_element(
    app: TestApp,
) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let name = "</script><script>alert(1)</script> 不锈钢 & <!-- co";
    let p = create_product(
        &app,
        &token,
        json!({ "siteId": site, "locale": "en", "name": name,
        "slug": "tricky", "summary": "a > b && c < d" }),
    )
    .await?;
    let id = str_at(ok(&p)?, "/createProduct/id")?;
    publish(&app, &token, &id).await?;
    let body = app
        .graphql(
            "query($id: ID!) { product(id: $id) { jsonLd } }",
            json!({ "id": id }),
        )
        .await?;
    let text = str_at(ok(&body)?, "/product/jsonLd")?;
    for c in ['<', '>', '&'] {
        assert!(!text.contains(c), "{c} is escaped: {text}");
    }
    assert!(text.contains("\\u003c/script\\u003e"), "{text}");
    assert!(text.contains("不锈钢"), "{text}");
    let doc: Value = serde_json::from_str(&text)?;
    let product = node(&doc, "Product").context("a Product")?;
    assert_eq!(product["name"], name, "the name reads back as written");
    assert_eq!(product["description"], "a > b && c < d");
    Ok(())
}

async fn an_article_json_ld_is_a_blog_posting(app: TestApp) -> Result<()> {
    let owner = app.signup("writer@news.example.com").await?;
    let site = app
        .create_site(&owner.token, "news.example.com", &["zh-CN", "en"])
        .await?;
    let a = app
        .create_article(&owner.token, json!({ "siteId": site, "locale": "en", "title": "Canton Fair </script> guide",
            "slug": "canton-fair", "body": "Booths & visas.", "metaDescription": "How to exhibit" }))
        .await?;
    let id = str_at(&a, "/id")?;
    let cover = image(&app, &owner.token, &site, "booth.png").await?;
    ok(&app
        .graphql_as(
            &owner.token,
            "mutation($a: ID!, $m: ID) { setArticleCoverImage(articleId: $a, mediaId: $m) { id } }",
            json!({ "a": id, "m": cover }),
        )
        .await?)?;
    let published = app.publish(&owner.token, &id).await?;
    let body = app
        .graphql(
            "query($id: ID!) { article(id: $id) { jsonLd updatedAt } }",
            json!({ "id": id }),
        )
        .await?;
    let text = str_at(ok(&body)?, "/article/jsonLd")?;
    assert!(!text.contains('<') && !text.contains('&'), "{text}");
    let doc: Value = serde_json::from_str(&text)?;
    assert_eq!(doc["@context"], "https://schema.org");
    assert_eq!(doc["@type"], "BlogPosting");
    assert_eq!(doc["headline"], "Canton Fair </script> guide");
    assert_eq!(doc["description"], "How to exhibit");
    assert_eq!(doc["inLanguage"], "en");
    let same_instant = |a: &Value, b: &Value| {
        let parse = |v: &Value| {
            v.as_str()
                .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                .map(|d| d.timestamp())
        };
        parse(a).is_some() && parse(a) == parse(b)
    };
    assert!(
        same_instant(&doc["datePublished"], &published["publishedAt"]),
        "{doc}"
    );
    assert!(
        same_instant(&doc["dateModified"], &ok(&body)?["article"]["updatedAt"]),
        "{doc}"
    );
    assert_eq!(doc["author"]["@type"], "Person");
    assert!(
        doc["author"]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty()),
        "{doc}"
    );
    let url = "https://news.example.com/en/canton-fair";
    assert_eq!(doc["url"], url);
    assert_eq!(
        doc["mainEntityOfPage"],
        json!({ "@type": "WebPage", "@id": url })
    );
    let images = doc["image"].as_array().cloned().unwrap_or_default();
    assert_eq!(images.len(), 1, "{doc}");
    assert!(
        images[0]
            .as_str()
            .is_some_and(|u| u.starts_with(&app.address) && !u.contains("sig=")),
        "{doc}"
    );
    Ok(())
}
