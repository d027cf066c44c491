//! The export catalogue (issue 19): a category tree named in Chinese and English, products with
//! specs, prices and media, their filters, bad input, who may read and write what, and what a
//! page of products costs in statements.
use anyhow::Result;
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    a_catalogue_in_chinese_and_english_reads_back_as_written,
    bad_catalogue_input_is_refused_naming_the_field,
    only_members_write_and_anonymous_readers_see_published_products,
    a_category_holding_products_or_subcategories_is_not_deleted,
    a_page_of_products_costs_the_same_statements_at_any_size,
);

pub(crate) const SITE: &str = "valves.example.com";

const PRODUCT_FIELDS: &str = "id locale slug name modelNumber status version html toc { text anchor children { text } } \
    price { min max currency } incoterm { rule place } minimumOrder { quantity unit } leadTimeDays hsCode originCountry \
    certifications specs { group name value unit } categories { slug name locale } tags { slug } \
    cover { id } gallery { id } attachments { id contentType }";

/// The owner's token and the site's ID.
pub(crate) async fn shop(app: &TestApp) -> Result<(String, String)> {
    let owner = app.signup("owner@valves.example.com").await?;
    let site = app
        .create_site(&owner.token, SITE, &["en", "zh-CN"])
        .await?;
    Ok((owner.token, site))
}

pub(crate) async fn category(
    app: &TestApp,
    token: &str,
    site: &str,
    parent: Option<&str>,
    en: &str,
    zh: &str,
) -> Result<String> {
    let body = app
        .graphql_as(
            token,
            "mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id slug } }",
            json!({ "input": { "siteId": site, "parentId": parent, "translations": [
                { "locale": "en", "name": en, "description": format!("All {en}") },
                { "locale": "zh-CN", "name": zh }
            ] } }),
        )
        .await?;
    str_at(ok(&body)?, "/createCategory/id")
}

pub(crate) async fn create_product(app: &TestApp, token: &str, input: Value) -> Result<Value> {
    app.graphql_as(
        token,
        &format!("mutation($input: CreateProductInput!) {{ createProduct(input: $input) {{ {PRODUCT_FIELDS} }} }}"),
        json!({ "input": input }),
    )
    .await
}

pub(crate) async fn publish(app: &TestApp, token: &str, id: &str) -> Result<()> {
    ok(&app
        .graphql_as(
            token,
            "mutation($id: ID!) { publishProduct(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await?)?;
    Ok(())
}

pub(crate) async fn image(app: &TestApp, token: &str, site: &str, name: &str) -> Result<String> {
    let m = crate::media::upload_ok(
        app,
        token,
        site,
        name,
        "image/png",
        crate::media::png(8, 6, 300),
    )
    .await?;
    str_at(&m, "/id")
}

/// A list of products as (slug) for a filter, read anonymously.
async fn slugs(app: &TestApp, filter: Value) -> Result<Vec<String>> {
    let body = app
        .graphql(
            "query($f: ProductFilter) { products(first: 50, filter: $f, orderBy: {field: NAME, direction: ASC}) { totalCount nodes { slug } } }",
            json!({ "f": filter }),
        )
        .await?;
    let data = ok(&body)?;
    Ok(data["products"]["nodes"]
        .as_array()
        .map(|n| {
            n.iter()
                .filter_map(|p| p["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

async fn a_catalogue_in_chinese_and_english_reads_back_as_written(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let valves = category(&app, &token, &site, None, "Valves", "阀门").await?;
    let ball = category(&app, &token, &site, Some(&valves), "Ball valves", "球阀").await?;
    let pumps = category(&app, &token, &site, None, "Pumps", "泵").await?;
    let cover = image(&app, &token, &site, "cover.png").await?;
    let side = image(&app, &token, &site, "side.png").await?;
    let datasheet = crate::media::upload_ok(
        &app,
        &token,
        &site,
        "datasheet.pdf",
        "application/pdf",
        crate::media::pdf(),
    )
    .await?;
    let datasheet = str_at(&datasheet, "/id")?;

    let created = create_product(
        &app,
        &token,
        json!({
            "siteId": SITE, "locale": "en", "name": "Stainless ball valve DN50", "modelNumber": "BV-50-SS",
            "description": "# Overview\n\nA full-bore **ball valve**.\n\n## Materials\n\nCF8M body.\n",
            "categoryIds": [ball], "tags": ["Valves"], "certifications": ["CE", "ISO 9001"],
            "priceMin": "12.5", "priceMax": "18", "currency": "usd", "incoterm": "fob", "incotermPlace": "Ningbo",
            "moqQuantity": 500, "moqUnit": "pieces", "leadTimeDays": 30, "hsCode": "8481.80", "originCountry": "cn",
        }),
    )
    .await?;
    let en = ok(&created)?["createProduct"].clone();
    let id = str_at(&en, "/id")?;
    assert_eq!(en["slug"], "stainless-ball-valve-dn50");
    assert_eq!(
        en["price"],
        json!({ "min": "12.50", "max": "18.00", "currency": "USD" })
    );
    assert_eq!(en["incoterm"], json!({ "rule": "FOB", "place": "Ningbo" }));
    assert_eq!(
        en["minimumOrder"],
        json!({ "quantity": 500, "unit": "pieces" })
    );
    assert_eq!(
        (en["hsCode"].clone(), en["originCountry"].clone()),
        (json!("848180"), json!("CN"))
    );
    assert_eq!(en["certifications"], json!(["CE", "ISO 9001"]));
    assert_eq!(
        en["categories"],
        json!([{ "slug": "ball-valves", "name": "Ball valves", "locale": "en" }])
    );
    assert!(
        en["html"]
            .as_str()
            .is_some_and(|h| h.contains("<strong>ball valve</strong>")),
        "{en}"
    );
    assert_eq!(en["toc"][0]["text"], "Overview");
    assert_eq!(en["toc"][0]["children"][0]["text"], "Materials");

    let specs = app
        .graphql_as(
            &token,
            "mutation($p: ID!, $rows: [ProductSpecInput!]!) { setProductSpecs(productId: $p, rows: $rows) { version specs { group name value unit } } }",
            json!({ "p": id, "rows": [
                { "group": "Size", "name": "Nominal size", "value": "50", "unit": "mm" },
                { "group": "Materials", "name": "Body", "value": "CF8M" },
            ] }),
        )
        .await?;
    let specs = ok(&specs)?["setProductSpecs"].clone();
    assert_eq!(
        specs["specs"][1],
        json!({ "group": "Materials", "name": "Body", "value": "CF8M", "unit": null })
    );
    let media = app
        .graphql_as(
            &token,
            "mutation($p: ID!, $g: [ID!], $a: [ID!], $c: ID) { setProductMedia(productId: $p, gallery: $g, attachments: $a, coverId: $c) { cover { id } gallery { id } attachments { contentType } } }",
            json!({ "p": id, "g": [side, cover], "a": [datasheet], "c": cover }),
        )
        .await?;
    let media = ok(&media)?["setProductMedia"].clone();
    assert_eq!(media["gallery"], json!([{ "id": side }, { "id": cover }]));
    assert_eq!(
        media["attachments"],
        json!([{ "contentType": "application/pdf" }])
    );

    // The Chinese translation takes the model number, categories, media and terms.
    let zh = create_product(
        &app,
        &token,
        json!({ "siteId": site, "locale": "zh-CN", "translationOf": id, "name": "不锈钢球阀 DN50",
                "description": "# 概述\n\n全通径球阀。\n", "moqUnit": "件" }),
    )
    .await?;
    let zh = ok(&zh)?["createProduct"].clone();
    assert_eq!(zh["slug"], "不锈钢球阀-dn50");
    assert_eq!(zh["modelNumber"], "BV-50-SS");
    assert_eq!(
        zh["categories"],
        json!([{ "slug": "ball-valves", "name": "球阀", "locale": "zh-CN" }])
    );
    assert_eq!(zh["price"]["currency"], "USD");
    assert_eq!(zh["minimumOrder"], json!({ "quantity": 500, "unit": "件" }));
    assert_eq!(zh["gallery"], json!([{ "id": side }, { "id": cover }]));
    let zh_id = str_at(&zh, "/id")?;
    // The page's breadcrumbs: the main category's path, top first, in the page's language.
    let crumbs = app
        .graphql_as(
            &token,
            "query($id: ID!) { product(id: $id) { breadcrumbs { slug name } } }",
            json!({ "id": zh_id }),
        )
        .await?;
    assert_eq!(
        ok(&crumbs)?["product"]["breadcrumbs"],
        json!([{ "slug": "valves", "name": "阀门" }, { "slug": "ball-valves", "name": "球阀" }])
    );

    let pump = create_product(
        &app,
        &token,
        json!({ "siteId": site, "name": "Centrifugal pump", "modelNumber": "CP-1", "categoryIds": [pumps],
                "priceMin": "900", "currency": "EUR", "certifications": ["RoHS"] }),
    )
    .await?;
    let pump = str_at(ok(&pump)?, "/createProduct/id")?;

    // Anonymous readers see nothing until it is published.
    assert!(slugs(&app, json!({ "site": SITE })).await?.is_empty());
    for p in [&id, &zh_id, &pump] {
        publish(&app, &token, p).await?;
    }
    let en_valve = "stainless-ball-valve-dn50".to_owned();
    assert_eq!(
        slugs(&app, json!({ "site": SITE, "locale": "en" })).await?,
        ["centrifugal-pump", en_valve.as_str()]
    );
    // A category includes its subcategories' products.
    assert_eq!(
        slugs(
            &app,
            json!({ "site": SITE, "locale": "en", "category": "valves" })
        )
        .await?,
        [en_valve.as_str()]
    );
    assert_eq!(
        slugs(&app, json!({ "category": valves, "locale": "en" })).await?,
        [en_valve.as_str()]
    );
    assert_eq!(
        slugs(
            &app,
            json!({ "site": SITE, "certification": "iso 9001", "locale": "en" })
        )
        .await?,
        [en_valve.as_str()]
    );
    assert_eq!(
        slugs(
            &app,
            json!({ "site": SITE, "tag": "valves", "locale": "en" })
        )
        .await?,
        [en_valve.as_str()]
    );
    // Price ranges overlap in one currency: 12.50–18.00 USD matches 15–20 USD, not 20–30 USD or EUR.
    assert_eq!(slugs(&app, json!({ "site": SITE, "locale": "en", "priceMin": "15", "priceMax": "20", "currency": "USD" })).await?, [en_valve.as_str()]);
    assert!(
        slugs(
            &app,
            json!({ "site": SITE, "priceMin": "20", "priceMax": "30", "currency": "USD" })
        )
        .await?
        .is_empty()
    );
    assert_eq!(
        slugs(
            &app,
            json!({ "site": SITE, "priceMax": "1000", "currency": "EUR" })
        )
        .await?,
        ["centrifugal-pump"]
    );

    // By slug and locale, with the articles' fallback to the default locale's translation.
    let by_slug = |slug: &str, locale: &str| {
        app.graphql(
            "query($s: String!, $slug: String!, $l: String) { product(site: $s, slug: $slug, locale: $l) { locale name specs { name } translations { locale } } }",
            json!({ "s": SITE, "slug": slug, "l": locale }),
        )
    };
    let zh_read = by_slug(&en_valve, "zh-CN").await?;
    assert_eq!(ok(&zh_read)?["product"]["name"], "不锈钢球阀 DN50");
    assert_eq!(
        ok(&zh_read)?["product"]["translations"],
        json!([{ "locale": "en" }])
    );
    let pump_zh = by_slug("centrifugal-pump", "zh-CN").await?;
    assert_eq!(ok(&pump_zh)?["product"]["locale"], "en");

    // The tree, named in Chinese, with counts of visible products in that locale.
    let tree = app
        .graphql(
            "query($s: String!) { categories(site: $s, locale: \"zh-CN\") { slug name productCount children { slug name description productCount parentId } } }",
            json!({ "s": SITE }),
        )
        .await?;
    assert_eq!(
        ok(&tree)?["categories"],
        json!([
            { "slug": "valves", "name": "阀门", "productCount": 1, "children": [
                { "slug": "ball-valves", "name": "球阀", "description": null, "productCount": 1, "parentId": valves }
            ] },
            { "slug": "pumps", "name": "泵", "productCount": 0, "children": [] },
        ])
    );
    Ok(())
}

async fn bad_catalogue_input_is_refused_naming_the_field(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let other = app
        .create_site(&token, "other.example.com", &["en"])
        .await?;
    let foreign = image(&app, &token, &other, "foreign.png").await?;
    let pdf = crate::media::upload_ok(
        &app,
        &token,
        &site,
        "sheet.pdf",
        "application/pdf",
        crate::media::pdf(),
    )
    .await?;
    let pdf = str_at(&pdf, "/id")?;
    let base = json!({ "siteId": site, "name": "Gate valve", "modelNumber": "GV-1" });
    let with = |extra: Value| {
        let mut input = base.clone();
        if let (Some(i), Some(e)) = (input.as_object_mut(), extra.as_object()) {
            i.extend(e.clone());
        }
        input
    };
    for (extra, code, field) in [
        (
            json!({ "priceMin": "10", "currency": "XYZ" }),
            "BAD_USER_INPUT",
            "currency",
        ),
        (json!({ "priceMin": "10" }), "BAD_USER_INPUT", "currency"),
        (json!({ "incoterm": "DAT" }), "BAD_USER_INPUT", "incoterm"),
        (
            json!({ "originCountry": "UK" }),
            "BAD_USER_INPUT",
            "originCountry",
        ),
        (json!({ "hsCode": "84-81" }), "BAD_USER_INPUT", "hsCode"),
        (
            json!({ "priceMin": "-5", "currency": "USD" }),
            "BAD_USER_INPUT",
            "priceMin",
        ),
        (
            json!({ "priceMin": "20", "priceMax": "10", "currency": "USD" }),
            "BAD_USER_INPUT",
            "priceMax",
        ),
        (
            json!({ "priceMin": "1.999", "currency": "USD" }),
            "BAD_USER_INPUT",
            "priceMin",
        ),
    ] {
        let body = create_product(&app, &token, with(extra.clone())).await?;
        assert_eq!(error_code(&body)?, code, "{extra}: {body}");
        assert_eq!(
            error_field(&body).as_deref(),
            Some(field),
            "{extra}: {body}"
        );
    }
    let first = create_product(&app, &token, base.clone()).await?;
    let id = str_at(ok(&first)?, "/createProduct/id")?;
    // Clashes name their field: the slug in the locale, the model number on the site.
    let clash = create_product(
        &app,
        &token,
        json!({ "siteId": site, "name": "Other", "slug": "gate-valve" }),
    )
    .await?;
    assert_eq!(
        (error_code(&clash)?, error_field(&clash)),
        ("CONFLICT".into(), Some("slug".into()))
    );
    let clash = create_product(
        &app,
        &token,
        json!({ "siteId": site, "name": "Other", "modelNumber": "GV-1" }),
    )
    .await?;
    assert_eq!(
        (error_code(&clash)?, error_field(&clash)),
        ("CONFLICT".into(), Some("modelNumber".into()))
    );
    // The same model number on another site is fine.
    ok(&create_product(
        &app,
        &token,
        json!({ "siteId": other, "name": "Gate valve", "modelNumber": "GV-1" }),
    )
    .await?)?;

    let set_media = |vars: Value| {
        app.graphql_as(
            &token,
            "mutation($p: ID!, $g: [ID!], $c: ID) { setProductMedia(productId: $p, gallery: $g, coverId: $c) { id } }",
            vars,
        )
    };
    let body = set_media(json!({ "p": id, "g": [pdf] })).await?;
    assert_eq!(
        (error_code(&body)?, error_field(&body)),
        ("BAD_USER_INPUT".into(), Some("gallery.0".into()))
    );
    let body = set_media(json!({ "p": id, "g": [foreign] })).await?;
    assert_eq!(
        (error_code(&body)?, error_field(&body)),
        ("BAD_USER_INPUT".into(), Some("gallery.0".into()))
    );
    let body = set_media(json!({ "p": id, "c": pdf })).await?;
    assert_eq!(
        (error_code(&body)?, error_field(&body)),
        ("BAD_USER_INPUT".into(), Some("coverId".into()))
    );

    let specs = app
        .graphql_as(
            &token,
            "mutation($p: ID!, $rows: [ProductSpecInput!]!) { setProductSpecs(productId: $p, rows: $rows) { version } }",
            json!({ "p": id, "rows": [{ "name": "Size", "value": "DN50" }, { "name": "  ", "value": "x" }] }),
        )
        .await?;
    assert_eq!(
        (error_code(&specs)?, error_field(&specs)),
        ("BAD_USER_INPUT".into(), Some("rows.1.name".into()))
    );
    // Nothing of a refused change was written.
    let read = app
        .graphql_as(
            &token,
            "query($id: ID!) { product(id: $id) { version specs { name } gallery { id } } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(
        ok(&read)?["product"],
        json!({ "version": 1, "specs": [], "gallery": [] })
    );

    let bad_filter = app
        .graphql(
            "query { products(filter: {priceMin: \"5\"}) { totalCount } }",
            json!({}),
        )
        .await?;
    assert_eq!(error_field(&bad_filter).as_deref(), Some("filter.currency"));
    Ok(())
}

async fn only_members_write_and_anonymous_readers_see_published_products(
    app: TestApp,
) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let stranger = app.signup("stranger@example.com").await?;
    let draft = create_product(
        &app,
        &token,
        json!({ "siteId": site, "name": "Draft valve" }),
    )
    .await?;
    let id = str_at(ok(&draft)?, "/createProduct/id")?;

    let refused = create_product(
        &app,
        &stranger.token,
        json!({ "siteId": site, "name": "Mine" }),
    )
    .await?;
    assert_eq!(error_code(&refused)?, "FORBIDDEN");
    let update = "mutation($id: ID!, $v: Int) { updateProduct(id: $id, input: {name: \"Renamed\", expectedVersion: $v}) { name version } }";
    // A draft is not even known to a non-member, nor to an anonymous reader.
    let hidden = app
        .graphql_as(&stranger.token, update, json!({ "id": id }))
        .await?;
    assert_eq!(error_code(&hidden)?, "NOT_FOUND");
    let anonymous = app
        .graphql(
            "query($id: ID!) { product(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(error_code(&anonymous)?, "NOT_FOUND");
    let drafts = app
        .graphql(
            "query { products(filter: {status: DRAFT}) { totalCount } }",
            json!({}),
        )
        .await?;
    assert_eq!(ok(&drafts)?["products"]["totalCount"], 0);
    let member_drafts = app
        .graphql_as(
            &token,
            "query { products(filter: {status: DRAFT}) { totalCount } }",
            json!({}),
        )
        .await?;
    assert_eq!(ok(&member_drafts)?["products"]["totalCount"], 1);

    // Optimistic locking.
    let renamed = app
        .graphql_as(&token, update, json!({ "id": id, "v": 1 }))
        .await?;
    assert_eq!(ok(&renamed)?["updateProduct"]["version"], 2);
    let stale = app
        .graphql_as(&token, update, json!({ "id": id, "v": 1 }))
        .await?;
    assert_eq!(
        (error_code(&stale)?, error_field(&stale)),
        ("CONFLICT".into(), Some("expectedVersion".into()))
    );

    // Once published, anyone reads it, and still only members change it.
    publish(&app, &token, &id).await?;
    let public = app
        .graphql(
            "query($id: ID!) { product(id: $id) { name status } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(
        ok(&public)?["product"],
        json!({ "name": "Renamed", "status": "PUBLISHED" })
    );
    let forbidden = app
        .graphql_as(&stranger.token, update, json!({ "id": id }))
        .await?;
    assert_eq!(error_code(&forbidden)?, "FORBIDDEN");
    let anonymous_write = app.graphql(update, json!({ "id": id })).await?;
    assert_eq!(error_code(&anonymous_write)?, "UNAUTHENTICATED");
    let category = app
        .graphql_as(
            &stranger.token,
            "mutation($s: ID!) { createCategory(input: {siteId: $s, translations: [{locale: \"en\", name: \"X\"}]}) { id } }",
            json!({ "s": site }),
        )
        .await?;
    assert_eq!(error_code(&category)?, "FORBIDDEN");
    Ok(())
}

async fn a_category_holding_products_or_subcategories_is_not_deleted(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let valves = category(&app, &token, &site, None, "Valves", "阀门").await?;
    let ball = category(&app, &token, &site, Some(&valves), "Ball valves", "球阀").await?;
    let gate = category(&app, &token, &site, Some(&valves), "Gate valves", "闸阀").await?;
    let mut products = Vec::new();
    for name in ["A", "B"] {
        let p = create_product(
            &app,
            &token,
            json!({ "siteId": site, "name": name, "categoryIds": [ball] }),
        )
        .await?;
        products.push(str_at(ok(&p)?, "/createProduct/id")?);
    }
    let delete = "mutation($id: ID!) { deleteCategory(id: $id) }";
    let body = app
        .graphql_as(&token, delete, json!({ "id": ball }))
        .await?;
    assert_eq!(error_code(&body)?, "CONFLICT");
    assert!(
        str_at(&body, "/errors/0/message")?.contains("2 products"),
        "{body}"
    );
    let body = app
        .graphql_as(&token, delete, json!({ "id": valves }))
        .await?;
    assert!(
        str_at(&body, "/errors/0/message")?.contains("2 subcategories"),
        "{body}"
    );

    // Moving a category under its own subcategory is refused; reordering shifts the siblings.
    let update = "mutation($id: ID!, $input: UpdateCategoryInput!) { updateCategory(id: $id, input: $input) { position parentId } }";
    let body = app
        .graphql_as(
            &token,
            update,
            json!({ "id": valves, "input": { "parentId": ball } }),
        )
        .await?;
    assert_eq!(error_field(&body).as_deref(), Some("parentId"));
    ok(&app
        .graphql_as(
            &token,
            update,
            json!({ "id": gate, "input": { "position": 0 } }),
        )
        .await?)?;
    let tree = app
        .graphql_as(
            &token,
            "query($s: String!) { categories(site: $s) { children { slug position } } }",
            json!({ "s": SITE }),
        )
        .await?;
    assert_eq!(
        ok(&tree)?["categories"][0]["children"],
        json!([{ "slug": "gate-valves", "position": 0 }, { "slug": "ball-valves", "position": 1 }])
    );
    // Move to the top level, then move the products away: now it goes.
    let moved = app
        .graphql_as(
            &token,
            update,
            json!({ "id": ball, "input": { "parentId": null } }),
        )
        .await?;
    assert_eq!(
        ok(&moved)?["updateCategory"],
        json!({ "position": 1, "parentId": null })
    );
    for p in &products {
        ok(&app
            .graphql_as(&token, "mutation($id: ID!, $c: [ID!]) { updateProduct(id: $id, input: {categoryIds: $c}) { id } }", json!({ "id": p, "c": [gate] }))
            .await?)?;
    }
    let body = app
        .graphql_as(&token, delete, json!({ "id": ball }))
        .await?;
    assert_eq!(ok(&body)?["deleteCategory"], json!(ball));
    // Deleting the site takes the whole catalogue with it.
    ok(&app
        .graphql_as(
            &token,
            "mutation($id: ID!) { deleteSite(id: $id) }",
            json!({ "id": site }),
        )
        .await?)?;
    Ok(())
}

async fn a_page_of_products_costs_the_same_statements_at_any_size(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let valves = category(&app, &token, &site, None, "Valves", "阀门").await?;
    let ball = category(&app, &token, &site, Some(&valves), "Ball valves", "球阀").await?;
    let cover = image(&app, &token, &site, "cover.png").await?;
    let side = image(&app, &token, &site, "side.png").await?;
    for n in 0..50 {
        let p = create_product(
            &app,
            &token,
            json!({ "siteId": site, "name": format!("Valve {n:02}"), "categoryIds": [valves, ball],
                    "tags": ["valves"], "certifications": ["CE"], "priceMin": "10", "currency": "USD" }),
        )
        .await?;
        let id = str_at(ok(&p)?, "/createProduct/id")?;
        ok(&app
            .graphql_as(
                &token,
                "mutation($p: ID!, $g: [ID!], $c: ID) { setProductMedia(productId: $p, gallery: $g, coverId: $c) { id } }",
                json!({ "p": id, "g": [side, cover], "c": cover }),
            )
            .await?)?;
        ok(&app
            .graphql_as(
                &token,
                "mutation($p: ID!) { setProductSpecs(productId: $p, rows: [{name: \"Size\", value: \"DN50\", unit: \"mm\"}, {name: \"Body\", value: \"CF8M\"}]) { id } }",
                json!({ "p": id }),
            )
            .await?)?;
        publish(&app, &token, &id).await?;
    }
    let page = |first: u32, n: u32| {
        format!(
            "query Page{n} {{ products(first: {first}, filter: {{site: \"{SITE}\", category: \"valves\"}}) {{ nodes {{ id name price {{ min }} \
             categories {{ slug name }} cover {{ id }} gallery {{ id }} specs {{ name value unit }} tags {{ slug }} certifications }} }} }}"
        )
    };
    let (small, five) = app
        .queries_during(app.graphql(&page(5, 1), json!({})))
        .await?;
    let small = ok(&small)?["products"]["nodes"]
        .as_array()
        .map_or(0, Vec::len);
    let (large, fifty) = app
        .queries_during(app.graphql(&page(50, 2), json!({})))
        .await?;
    let nodes = ok(&large)?["products"]["nodes"].clone();
    assert_eq!((small, nodes.as_array().map_or(0, Vec::len)), (5, 50));
    assert_eq!(nodes[0]["gallery"].as_array().map_or(0, Vec::len), 2);
    assert_eq!(nodes[0]["specs"].as_array().map_or(0, Vec::len), 2);
    assert_eq!(nodes[0]["categories"].as_array().map_or(0, Vec::len), 2);
    // The category tree, the page, then one statement per relation (categories come with their
    // names), whatever the page size.
    assert_eq!(
        five, fifty,
        "5 products took {five} statements, 50 took {fifty}"
    );
    assert!(fifty <= 8, "a page took {fifty} statements");
    Ok(())
}
