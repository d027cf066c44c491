//! A product saved in one write (issue 19, points 2 and 9): `createProduct` and
//! `updateProduct` take the specification table and the media with the fields, check all of
//! it first and write it in one transaction: one version step, one revision holding the new
//! table and media, one event. A fault anywhere names its field and changes nothing.
use crate::products::{create_product, image, publish, shop};
use anyhow::Result;
use entities::{product, product_revision, webhook_delivery};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::time::Duration;
use uuid::Uuid;
use wharf_tests::receiver::Receiver;
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    a_product_is_created_and_changed_whole_in_one_write,
    a_bad_part_anywhere_or_a_stale_version_changes_nothing,
);

const STATE: &str = "version name summary specs { group name value unit } cover { id } \
    gallery { id } attachments { id } revisions { number specs { name value } snapshot }";

const UPDATE: &str = "mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { version } }";

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
    app.graphql_as(token, UPDATE, json!({ "id": id, "input": input }))
        .await
}

/// What the database holds of a product's history: its version, its revisions, and the
/// webhook deliveries of `product.updated` (one per event, one webhook listening).
async fn history(app: &TestApp, id: &str) -> Result<(i32, u64, u64)> {
    let uuid = Uuid::parse_str(id)?;
    let version = product::Entity::find_by_id(uuid)
        .one(&app.db)
        .await?
        .map(|p| p.version)
        .unwrap_or_default();
    let revisions = product_revision::Entity::find()
        .filter(product_revision::Column::ProductId.eq(uuid))
        .count(&app.db)
        .await?;
    let deliveries = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Event.eq("product.updated"))
        .count(&app.db)
        .await?;
    Ok((version, revisions, deliveries))
}

/// A webhook of the site that hears of changes to published products.
async fn listen(app: &TestApp, token: &str, site: &str, receiver: &Receiver) -> Result<()> {
    ok(&app
        .graphql_as(
            token,
            "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { id } }",
            json!({ "i": { "siteId": site, "url": receiver.url, "events": ["product.updated"] } }),
        )
        .await?)?;
    Ok(())
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|l| {
            l.iter()
                .filter_map(|m| m["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn a_product_is_created_and_changed_whole_in_one_write(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let front = image(&app, &token, &site, "front.png").await?;
    let side = image(&app, &token, &site, "side.png").await?;
    let sheet = crate::media::upload_ok(
        &app,
        &token,
        &site,
        "datasheet.pdf",
        "application/pdf",
        crate::media::pdf(),
    )
    .await?;
    let sheet = str_at(&sheet, "/id")?;

    let created = create_product(
        &app,
        &token,
        json!({ "siteId": site, "locale": "zh-CN", "name": "不锈钢球阀", "modelNumber": "BV-50",
                "specs": [
                    { "group": "尺寸", "name": "公称通径", "value": "50", "unit": "mm" },
                    { "name": "阀体", "value": "CF8M" },
                ],
                "galleryIds": [front, side], "attachmentIds": [sheet], "coverId": side }),
    )
    .await?;
    let id = str_at(ok(&created)?, "/createProduct/id")?;
    let read = state(&app, &token, &id).await?;
    assert_eq!(read["version"], 1, "{read}");
    assert_eq!(
        read["specs"],
        json!([
            { "group": "尺寸", "name": "公称通径", "value": "50", "unit": "mm" },
            { "group": null, "name": "阀体", "value": "CF8M", "unit": null },
        ])
    );
    assert_eq!(ids(&read["gallery"]), [front.as_str(), side.as_str()]);
    assert_eq!(ids(&read["attachments"]), [sheet.as_str()]);
    assert_eq!(read["cover"]["id"], side.as_str());
    // One revision, holding the table and media it was created with.
    assert_eq!(
        read["revisions"].as_array().map(Vec::len),
        Some(1),
        "{read}"
    );
    assert_eq!(read["revisions"][0]["number"], 1);
    assert_eq!(read["revisions"][0]["specs"][1]["name"], "阀体");
    assert_eq!(
        read["revisions"][0]["snapshot"]["gallery"],
        json!([front, side])
    );

    let receiver = Receiver::start()?;
    listen(&app, &token, &site, &receiver).await?;
    publish(&app, &token, &id).await?;
    let (version, revisions, deliveries) = history(&app, &id).await?;
    assert_eq!(deliveries, 0);

    // Everything at once: fields, table, gallery, attachments and cover.
    let body = update(
        &app,
        &token,
        &id,
        json!({ "name": "球阀 第二版", "expectedVersion": version,
                "specs": [
                    { "name": "公称通径", "value": "80", "unit": "mm" },
                    { "name": "阀体", "value": "WCB" },
                    { "group": "压力", "name": "公称压力", "value": "1.6", "unit": "MPa" },
                ],
                "galleryIds": [side], "attachmentIds": [], "coverId": null }),
    )
    .await?;
    assert_eq!(ok(&body)?["updateProduct"]["version"], version + 1);
    receiver.wait_for(1, 10).await?;
    // Time for a second event, were there one.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(
        history(&app, &id).await?,
        (version + 1, revisions + 1, 1),
        "one version step, one revision, one event"
    );
    assert_eq!(receiver.hits().len(), 1);
    let read = state(&app, &token, &id).await?;
    assert_eq!(read["name"], "球阀 第二版");
    assert_eq!(read["specs"][2]["name"], "公称压力");
    assert_eq!(read["specs"].as_array().map(Vec::len), Some(3));
    assert_eq!(ids(&read["gallery"]), [side.as_str()]);
    assert_eq!(read["attachments"], json!([]));
    assert_eq!(read["cover"], Value::Null);
    // The newest revision (listed first) is the new version's, with the new table and media.
    let newest = &read["revisions"][0];
    assert_eq!(newest["number"], version + 1, "{read}");
    assert_eq!(newest["specs"][0]["value"], "80");
    assert_eq!(newest["snapshot"]["name"], "球阀 第二版");
    assert_eq!(newest["snapshot"]["gallery"], json!([side]));
    assert_eq!(newest["snapshot"]["attachments"], json!([]));
    assert_eq!(newest["snapshot"]["cover_media_id"], Value::Null);

    // The separate mutations are the same write with one part: one step each, as before.
    let specs = app
        .graphql_as(
            &token,
            "mutation($p: ID!, $v: Int) { setProductSpecs(productId: $p, rows: [{name: \"Body\", value: \"CF8\"}], expectedVersion: $v) { version specs { name } } }",
            json!({ "p": id, "v": version + 1 }),
        )
        .await?;
    assert_eq!(ok(&specs)?["setProductSpecs"]["version"], version + 2);
    let media = app
        .graphql_as(
            &token,
            "mutation($p: ID!, $g: [ID!], $c: ID) { setProductMedia(productId: $p, gallery: $g, coverId: $c) { version cover { id } } }",
            json!({ "p": id, "g": [front], "c": front }),
        )
        .await?;
    assert_eq!(ok(&media)?["setProductMedia"]["version"], version + 3);
    receiver.wait_for(3, 10).await?;
    assert_eq!(history(&app, &id).await?, (version + 3, revisions + 3, 3));
    Ok(())
}

async fn a_bad_part_anywhere_or_a_stale_version_changes_nothing(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let own = image(&app, &token, &site, "own.png").await?;
    let sheet = crate::media::upload_ok(
        &app,
        &token,
        &site,
        "datasheet.pdf",
        "application/pdf",
        crate::media::pdf(),
    )
    .await?;
    let sheet = str_at(&sheet, "/id")?;
    let other = app
        .create_site(&token, "pumps.example.com", &["en"])
        .await?;
    let foreign = image(&app, &token, &other, "foreign.png").await?;

    let created = create_product(
        &app,
        &token,
        json!({ "siteId": site, "name": "Gate valve", "specs": [{ "name": "Size", "value": "DN50" }],
                "galleryIds": [own], "coverId": own, "attachmentIds": [sheet] }),
    )
    .await?;
    let id = str_at(ok(&created)?, "/createProduct/id")?;
    let receiver = Receiver::start()?;
    listen(&app, &token, &site, &receiver).await?;
    publish(&app, &token, &id).await?;
    let before = state(&app, &token, &id).await?;
    let kept = history(&app, &id).await?;
    let version = kept.0;

    // Each change is otherwise fine (a new name, a good table): one fault refuses all of it.
    let good_specs =
        json!([{ "name": "Size", "value": "DN80" }, { "name": "Body", "value": "WCB" }]);
    for (input, field, reason) in [
        (
            json!({ "specs": [
                { "name": "Size", "value": "DN80" }, { "name": "Body", "value": "WCB" },
                { "name": " ", "value": "PN16" },
            ] }),
            "specs.2.name",
            "EMPTY",
        ),
        (
            json!({ "specs": good_specs, "galleryIds": [own, foreign] }),
            "galleryIds.1",
            "MEDIA_NOT_ON_SITE",
        ),
        (
            json!({ "specs": good_specs, "galleryIds": [own], "coverId": sheet }),
            "coverId",
            "NOT_AN_IMAGE",
        ),
        (
            json!({ "specs": good_specs, "attachmentIds": [sheet, foreign] }),
            "attachmentIds.1",
            "MEDIA_NOT_ON_SITE",
        ),
    ] {
        let mut input = input;
        input["name"] = json!("Renamed");
        input["expectedVersion"] = json!(version);
        let body = update(&app, &token, &id, input.clone()).await?;
        assert_eq!(error_code(&body)?, "BAD_USER_INPUT", "{input}: {body}");
        assert_eq!(
            error_field(&body).as_deref(),
            Some(field),
            "{input}: {body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["reason"], reason, "{body}");
    }

    // A stale version: CONFLICT, and nothing of the change either.
    let stale = update(
        &app,
        &token,
        &id,
        json!({ "name": "Renamed", "specs": good_specs, "galleryIds": [], "expectedVersion": version - 1 }),
    )
    .await?;
    assert_eq!(error_code(&stale)?, "CONFLICT", "{stale}");
    assert_eq!(error_field(&stale).as_deref(), Some("expectedVersion"));

    // A refused creation creates nothing.
    let count = || {
        product::Entity::find()
            .filter(product::Column::Name.eq("Check valve"))
            .count(&app.db)
    };
    let body = create_product(
        &app,
        &token,
        json!({ "siteId": site, "name": "Check valve", "specs": good_specs, "galleryIds": [foreign] }),
    )
    .await?;
    assert_eq!(
        (error_code(&body)?, error_field(&body)),
        ("BAD_USER_INPUT".into(), Some("galleryIds.0".into()))
    );
    let body = create_product(
        &app,
        &token,
        json!({ "siteId": site, "name": "Check valve", "specs": [{ "name": "Size", "value": "" }] }),
    )
    .await?;
    assert_eq!(
        (error_code(&body)?, error_field(&body)),
        ("BAD_USER_INPUT".into(), Some("specs.0.value".into()))
    );
    assert_eq!(count().await?, 0);

    // Time for an event, were there one.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(state(&app, &token, &id).await?, before);
    assert_eq!(history(&app, &id).await?, kept);
    assert!(receiver.hits().is_empty(), "{:?}", receiver.hits());
    Ok(())
}
