//! Product webhooks and live subscriptions (issue 19, point 8): the events of the articles'
//! rules plus `product.created`, recorded with the change and delivered to subscribed webhooks;
//! anyone hears of publications over WebSocket, members hear of everything.
use anyhow::Result;
use serde_json::{Value, json};
use wharf_tests::receiver::Receiver;
use wharf_tests::{TestApp, WsClient, e2e, error_code, ok, str_at};

e2e!(
    webhooks_and_subscribers_hear_of_products_created_published_changed_and_deleted,
    product_events_are_validated_and_an_import_refused_whole_emits_nothing,
);

const HOOK: &str = "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { id events } }";
const SUBSCRIBE: &str = "subscription($s: String!) { productEvents(site: $s) { event productId slug locale name modelNumber } }";

/// The next `productEvents` item of subscription `id` on `ws`.
async fn next_event(ws: &mut WsClient, id: &str) -> Result<Value> {
    let got = ws.result_of(id).await?;
    Ok(ok(&got)?["productEvents"].clone())
}

async fn webhooks_and_subscribers_hear_of_products_created_published_changed_and_deleted(
    app: TestApp,
) -> Result<()> {
    let receiver = Receiver::start()?;
    let owner = app.signup("owner@live-products.example.com").await?;
    let domain = "live-products.example.com";
    let site = app.create_site(&owner.token, domain, &["en"]).await?;
    let events = [
        "product.created",
        "product.updated",
        "product.published",
        "product.unpublished",
        "product.deleted",
    ];
    let hook = app
        .graphql_as(
            &owner.token,
            HOOK,
            json!({ "i": { "siteId": site, "url": receiver.url, "events": events } }),
        )
        .await?;
    assert_eq!(ok(&hook)?["createWebhook"]["events"], json!(events));
    // An anonymous reader and a member, each subscribed over WebSocket.
    let mut public = WsClient::connect(&app.address, json!({}), None).await?;
    let public_sub = public.start(SUBSCRIBE, json!({ "s": domain })).await?;
    let mut member = WsClient::connect_as(&app.address, &owner.token).await?;
    let member_sub = member.start(SUBSCRIBE, json!({ "s": domain })).await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let created = app
        .graphql_as(
            &owner.token,
            "mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }",
            json!({ "i": { "siteId": site, "name": "Ball valve", "slug": "ball-valve", "modelNumber": "BV-1" } }),
        )
        .await?;
    let id = str_at(ok(&created)?, "/createProduct/id")?;
    let heard = next_event(&mut member, &member_sub).await?;
    assert_eq!(
        heard,
        json!({ "event": "product.created", "productId": id, "slug": "ball-valve", "locale": "en", "name": "Ball valve", "modelNumber": "BV-1" })
    );
    ok(&app
        .graphql_as(
            &owner.token,
            "mutation($id: ID!) { publishProduct(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await?)?;
    // The anonymous subscriber never heard of the draft: its first event is the publication.
    let heard = next_event(&mut public, &public_sub).await?;
    assert_eq!(
        (
            &heard["event"],
            &heard["productId"],
            &heard["slug"],
            &heard["locale"]
        ),
        (
            &json!("product.published"),
            &json!(id),
            &json!("ball-valve"),
            &json!("en")
        )
    );
    assert_eq!(
        next_event(&mut member, &member_sub).await?["event"],
        "product.published"
    );

    let hits = receiver.wait_for(2, 10).await?;
    let mut first_two: Vec<&str> = hits
        .iter()
        .filter_map(|h| h.header("x-wharf-event"))
        .collect();
    first_two.sort_unstable();
    assert_eq!(first_two, ["product.created", "product.published"]);
    let published = hits
        .iter()
        .find(|h| h.header("x-wharf-event") == Some("product.published"))
        .ok_or_else(|| anyhow::anyhow!("no product.published delivery"))?;
    let body: Value = serde_json::from_str(&published.body)?;
    assert_eq!(body["data"]["product"]["id"], json!(id));
    assert_eq!(body["data"]["product"]["slug"], "ball-valve");
    assert_eq!(body["data"]["product"]["locale"], "en");
    assert_eq!(body["data"]["product"]["status"], "PUBLISHED");

    // A change of the published product, its specs, then taking it offline and deleting it.
    ok(&app
        .graphql_as(
            &owner.token,
            "mutation($id: ID!) { updateProduct(id: $id, input: {name: \"Ball valve DN50\"}) { version } }",
            json!({ "id": id }),
        )
        .await?)?;
    ok(&app
        .graphql_as(
            &owner.token,
            "mutation($id: ID!) { setProductSpecs(productId: $id, rows: [{name: \"Size\", value: \"DN50\"}]) { version } }",
            json!({ "id": id }),
        )
        .await?)?;
    ok(&app
        .graphql_as(
            &owner.token,
            "mutation($id: ID!) { unpublishProduct(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await?)?;
    ok(&app
        .graphql_as(
            &owner.token,
            "mutation($id: ID!) { deleteProduct(id: $id) }",
            json!({ "id": id }),
        )
        .await?)?;
    let hits = receiver.wait_for(6, 10).await?;
    // Deliveries of different events may arrive in any order (each is its own outbox row,
    // delivered and retried on its own); the events' own order is their time and ID.
    let mut events: Vec<(String, String, String)> = hits
        .iter()
        .map(|h| {
            let body: Value = serde_json::from_str(&h.body).unwrap_or_default();
            (
                body["createdAt"].as_str().unwrap_or_default().to_owned(),
                body["eventId"].as_str().unwrap_or_default().to_owned(),
                h.header("x-wharf-event").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    events.sort();
    let names: Vec<&str> = events.iter().map(|e| e.2.as_str()).collect();
    assert_eq!(
        names,
        [
            "product.created",
            "product.published",
            "product.updated",
            "product.updated",
            "product.unpublished",
            "product.deleted"
        ]
    );
    let heard = next_event(&mut public, &public_sub).await?;
    assert_eq!(heard["event"], "product.unpublished");
    // The member hears the other four too; like webhook deliveries, live events of different
    // changes go out as the outbox delivers them, not necessarily in the changes' order.
    let mut heard = Vec::new();
    for _ in 0..4 {
        let event = next_event(&mut member, &member_sub).await?;
        heard.push(event["event"].as_str().unwrap_or_default().to_owned());
    }
    heard.sort_unstable();
    assert_eq!(
        heard,
        [
            "product.deleted",
            "product.unpublished",
            "product.updated",
            "product.updated"
        ]
    );
    Ok(())
}

async fn product_events_are_validated_and_an_import_refused_whole_emits_nothing(
    app: TestApp,
) -> Result<()> {
    let receiver = Receiver::start()?;
    let owner = app.signup("owner@quiet.example.com").await?;
    let site = app
        .create_site(&owner.token, "quiet.example.com", &["en"])
        .await?;
    let bad = app
        .graphql_as(
            &owner.token,
            HOOK,
            json!({ "i": { "siteId": site, "url": receiver.url, "events": ["product.exploded"] } }),
        )
        .await?;
    assert_eq!(error_code(&bad)?, "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["reason"], "UNKNOWN_VALUE");
    ok(&app
        .graphql_as(
            &owner.token,
            HOOK,
            json!({ "i": { "siteId": site, "url": receiver.url, "events": ["product.created", "product.published"] } }),
        )
        .await?)?;
    // The first row is fine, the second is not: nothing is written, so nothing is announced.
    let file = "model_number,name,status\nQ-1,Quiet valve,published\nQ-2,,draft\n";
    let refused =
        crate::products_csv::import(&app, Some(&owner.token), &site, file.as_bytes()).await?;
    assert_eq!(ok(&refused)?["importProducts"]["written"], false);
    // Now a good file: one creation and one publication reach the receiver.
    let good = "model_number,name,status\nQ-1,Quiet valve,published\n";
    let done =
        crate::products_csv::import(&app, Some(&owner.token), &site, good.as_bytes()).await?;
    assert_eq!(ok(&done)?["importProducts"]["written"], true);
    let hits = receiver.wait_for(2, 10).await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // Exactly these two (the refused file announced nothing), in whichever order they came.
    let mut names: Vec<String> = receiver
        .hits()
        .iter()
        .filter_map(|h| h.header("x-wharf-event").map(str::to_owned))
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["product.created", "product.published"], "{hits:?}");
    Ok(())
}
