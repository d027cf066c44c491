//! Product revisions (issue 19, point 2): every content change is stored whole (text, terms,
//! specs, media, categories, tags, certifications); a revision is restored in one change and
//! becomes the newest; only members see them; stale versions and unknown revisions are refused.
use crate::products::{category, create_product, image, publish, shop};
use anyhow::Result;
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    a_revision_brings_back_the_whole_product,
    revisions_are_for_members_and_bad_restores_change_nothing,
);

const STATE: &str = "version name summary slug modelNumber description \
    price { min max currency } incoterm { rule place } minimumOrder { quantity unit } hsCode originCountry \
    certifications specs { group name value unit } categories { id } tags { name } \
    cover { id } gallery { id } metaTitle";

async fn state(app: &TestApp, token: &str, id: &str) -> Result<Value> {
    let body = app
        .graphql_as(
            token,
            &format!("query($id: ID!) {{ product(id: $id) {{ {STATE} }} }}"),
            json!({ "id": id }),
        )
        .await?;
    Ok(ok(&body)?["product"].clone())
}

async fn update(app: &TestApp, token: &str, id: &str, input: Value) -> Result<Value> {
    let body = app
        .graphql_as(
            token,
            "mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { version } }",
            json!({ "id": id, "input": input }),
        )
        .await?;
    Ok(ok(&body)?["updateProduct"].clone())
}

const RESTORE: &str = "mutation($p: ID!, $r: Int!, $v: Int) { restoreProductRevision(productId: $p, revision: $r, expectedVersion: $v) { version name } }";

async fn a_revision_brings_back_the_whole_product(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let valves = category(&app, &token, &site, None, "Valves", "阀门").await?;
    let pumps = category(&app, &token, &site, None, "Pumps", "泵").await?;
    let front = image(&app, &token, &site, "front.png").await?;
    let side = image(&app, &token, &site, "side.png").await?;
    let created = create_product(
        &app,
        &token,
        json!({ "siteId": site, "locale": "zh-CN", "name": "不锈钢球阀", "slug": "不锈钢球阀",
                "modelNumber": "BV-50", "summary": "全通径", "description": "# 概述\n\n第一版。",
                "categoryIds": [valves], "tags": ["阀门"], "certifications": ["CE"],
                "priceMin": "10", "priceMax": "12", "currency": "USD", "incoterm": "FOB",
                "incotermPlace": "宁波", "moqQuantity": 100, "moqUnit": "件", "hsCode": "848180",
                "originCountry": "CN", "metaTitle": "球阀" }),
    )
    .await?;
    let id = str_at(ok(&created)?, "/createProduct/id")?;
    let specs = app
        .graphql_as(
            &token,
            "mutation($p: ID!, $rows: [ProductSpecInput!]!) { setProductSpecs(productId: $p, rows: $rows) { version } }",
            json!({ "p": id, "rows": [
                { "group": "尺寸", "name": "公称通径", "value": "50", "unit": "mm" },
                { "name": "阀体", "value": "CF8M" },
            ] }),
        )
        .await?;
    ok(&specs)?;
    let media = app
        .graphql_as(
            &token,
            "mutation($p: ID!, $g: [ID!], $c: ID) { setProductMedia(productId: $p, gallery: $g, coverId: $c) { version } }",
            json!({ "p": id, "g": [front, side], "c": front }),
        )
        .await?;
    ok(&media)?;
    publish(&app, &token, &id).await?;
    let kept = state(&app, &token, &id).await?;
    let kept_version = kept["version"].as_i64().unwrap_or_default();

    // Everything changes afterwards.
    update(
        &app,
        &token,
        &id,
        json!({ "name": "球阀 第二版", "summary": "", "description": "第二版。",
                "categoryIds": [pumps], "tags": ["泵"], "certifications": ["RoHS", "ISO 9001"],
                "priceMin": "20", "priceMax": "", "currency": "EUR", "incoterm": "CIF",
                "incotermPlace": "Hamburg", "hsCode": "84818099", "metaTitle": "" }),
    )
    .await?;
    ok(&app
        .graphql_as(
            &token,
            "mutation($p: ID!) { setProductSpecs(productId: $p, rows: [{name: \"Body\", value: \"WCB\"}]) { version } }",
            json!({ "p": id }),
        )
        .await?)?;
    ok(&app
        .graphql_as(
            &token,
            "mutation($p: ID!, $g: [ID!]) { setProductMedia(productId: $p, gallery: $g, coverId: null) { version } }",
            json!({ "p": id, "g": [side] }),
        )
        .await?)?;
    let changed = state(&app, &token, &id).await?;
    assert_ne!(changed["specs"], kept["specs"]);
    assert_ne!(changed["price"], kept["price"]);

    // Each content change stored a revision numbered by its version; publishing stored none.
    let listed = app
        .graphql_as(
            &token,
            "query($id: ID!) { product(id: $id) { revisions { number name editor { email } } } }",
            json!({ "id": id }),
        )
        .await?;
    let numbers: Vec<i64> = ok(&listed)?["product"]["revisions"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["number"].as_i64()).collect())
        .unwrap_or_default();
    let now = changed["version"].as_i64().unwrap_or_default();
    // create 1, specs 2, media 3, (publish 4), update 5, specs 6, media 7.
    assert_eq!((kept_version, now), (4, 7));
    assert_eq!(numbers, [7, 6, 5, 3, 2, 1], "{listed}");
    assert_eq!(
        ok(&listed)?["product"]["revisions"][0]["editor"]["email"],
        "owner@valves.example.com"
    );

    // The state `kept` was stored by setProductMedia (publishing bumps the version only).
    let media_revision = kept_version - 1;
    let one = app
        .graphql_as(
            &token,
            "query($id: ID!, $n: Int!) { product(id: $id) { revision(number: $n) { number name description specs { group name value unit } snapshot } } }",
            json!({ "id": id, "n": media_revision }),
        )
        .await?;
    let revision = ok(&one)?["product"]["revision"].clone();
    assert_eq!(revision["name"], "不锈钢球阀");
    assert_eq!(revision["specs"], kept["specs"]);
    assert_eq!(revision["snapshot"]["gallery"], json!([front, side]));

    let restored = app
        .graphql_as(
            &token,
            RESTORE,
            json!({ "p": id, "r": media_revision, "v": now }),
        )
        .await?;
    let restored = ok(&restored)?["restoreProductRevision"].clone();
    assert_eq!(restored["version"], now + 1);
    let after = state(&app, &token, &id).await?;
    let mut expected = kept.clone();
    expected["version"] = json!(now + 1);
    assert_eq!(after, expected, "everything but the version is as it was");
    // The restore is itself the newest revision.
    let newest = app
        .graphql_as(
            &token,
            "query($id: ID!) { product(id: $id) { revisions(first: 1) { number name } } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(
        ok(&newest)?["product"]["revisions"],
        json!([{ "number": now + 1, "name": "不锈钢球阀" }])
    );
    Ok(())
}

async fn revisions_are_for_members_and_bad_restores_change_nothing(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let stranger = app.signup("stranger@example.com").await?;
    let gone = image(&app, &token, &site, "gone.png").await?;
    let created = create_product(
        &app,
        &token,
        json!({ "siteId": site, "name": "Gate valve", "description": "v1" }),
    )
    .await?;
    let id = str_at(ok(&created)?, "/createProduct/id")?;
    ok(&app
        .graphql_as(
            &token,
            "mutation($p: ID!, $g: [ID!]) { setProductMedia(productId: $p, gallery: $g) { version } }",
            json!({ "p": id, "g": [gone] }),
        )
        .await?)?;
    publish(&app, &token, &id).await?;
    update(&app, &token, &id, json!({ "name": "Gate valve v2" })).await?;
    let before = state(&app, &token, &id).await?;
    let version = before["version"].as_i64().unwrap_or_default();

    // Anyone may read the published product, only members its revisions.
    let query = "query($id: ID!) { product(id: $id) { name revisions { number } } }";
    for body in [
        app.graphql(query, json!({ "id": id })).await?,
        app.graphql_as(&stranger.token, query, json!({ "id": id }))
            .await?,
    ] {
        assert_eq!(error_code(&body)?, "FORBIDDEN", "{body}");
    }
    let refused = app
        .graphql_as(&stranger.token, RESTORE, json!({ "p": id, "r": 1 }))
        .await?;
    assert_eq!(error_code(&refused)?, "FORBIDDEN", "{refused}");
    let missing = app
        .graphql_as(&token, RESTORE, json!({ "p": id, "r": 999 }))
        .await?;
    assert_eq!(error_code(&missing)?, "NOT_FOUND");
    assert_eq!(error_field(&missing).as_deref(), Some("revision"));
    let stale = app
        .graphql_as(
            &token,
            RESTORE,
            json!({ "p": id, "r": 1, "v": version - 1 }),
        )
        .await?;
    assert_eq!(error_code(&stale)?, "CONFLICT");
    assert_eq!(error_field(&stale).as_deref(), Some("expectedVersion"));
    let bad_id = app
        .graphql_as(&token, RESTORE, json!({ "p": "not-an-id", "r": 1 }))
        .await?;
    assert_eq!(error_code(&bad_id)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&bad_id).as_deref(), Some("productId"));
    let limit = app
        .graphql_as(
            &token,
            "query($id: ID!) { product(id: $id) { revisions(first: 501) { number } } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(error_code(&limit)?, "BAD_USER_INPUT");
    assert_eq!(state(&app, &token, &id).await?, before, "nothing changed");

    // A media item deleted since is left out of the restored gallery.
    let deleted = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { deleteMedia(id: $id) }",
            json!({ "id": gone }),
        )
        .await?;
    ok(&deleted)?;
    assert_eq!(state(&app, &token, &id).await?["gallery"], json!([]));
    let restored = app
        .graphql_as(&token, RESTORE, json!({ "p": id, "r": 2, "v": version }))
        .await?;
    ok(&restored)?;
    let after = state(&app, &token, &id).await?;
    assert_eq!(after["gallery"], json!([]), "the deleted image stays out");
    assert_eq!(after["name"], "Gate valve");
    Ok(())
}
