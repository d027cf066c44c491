//! Webhooks (signed, retried, logged) and live subscriptions over WebSocket.
use anyhow::Result;
use futures_util::{SinkExt, StreamExt};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use wharf_tests::receiver::Receiver;
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    webhooks_deliver_signed_events_and_retry_until_the_receiver_answers,
    only_owners_manage_webhooks_and_input_is_checked,
    subscribers_hear_publications_of_their_site,
    webhooks_never_deliver_to_private_addresses,
);

const CREATE: &str =
    "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { id secret events } }";
const ALL: [&str; 4] = [
    "article.published",
    "article.updated",
    "article.unpublished",
    "article.deleted",
];

fn verify(secret: &str, timestamp: &str, body: &str, signature: &str) -> bool {
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(format!("{timestamp}.{body}").as_bytes());
    signature == format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn webhooks_deliver_signed_events_and_retry_until_the_receiver_answers(
    app: TestApp,
) -> Result<()> {
    let receiver = Receiver::start()?;
    let owner = app.signup("owner@hooks.example.com").await?;
    let site = app
        .create_site(&owner.token, "hooks.example.com", &["en"])
        .await?;
    let hook = app
        .graphql_as(
            &owner.token,
            CREATE,
            json!({ "i": { "siteId": site, "url": receiver.url, "events": ALL } }),
        )
        .await?;
    let secret = str_at(ok(&hook)?, "/createWebhook/secret")?;
    let hook_id = str_at(ok(&hook)?, "/createWebhook/id")?;

    let a = app
        .create_article(
            &owner.token,
            json!({ "siteId": site, "title": "Fair news", "slug": "fair-news" }),
        )
        .await?;
    let id = str_at(&a, "/id")?;
    app.publish(&owner.token, &id).await?;
    let hits = receiver.wait_for(1, 10).await?;
    let hit = &hits[0];
    assert_eq!(hit.header("x-wharf-event"), Some("article.published"));
    let body: Value = serde_json::from_str(&hit.body)?;
    assert_eq!(body["data"]["article"]["slug"], "fair-news");
    let (ts, sig) = (
        hit.header("x-wharf-timestamp").unwrap_or_default(),
        hit.header("x-wharf-signature").unwrap_or_default(),
    );
    assert!(verify(&secret, ts, &hit.body, sig), "signature must verify");
    assert!(
        !verify(&secret, ts, &hit.body.replace("fair", "FAIR"), sig),
        "a changed body must not verify"
    );

    // The receiver goes down: the next event is kept and retried until it is back.
    receiver.down.store(true, Ordering::SeqCst);
    let update = "mutation($id: ID!) { updateArticle(id: $id, input: { title: \"Fair news, updated\" }) { version } }";
    ok(&app
        .graphql_as(&owner.token, update, json!({ "id": id }))
        .await?)?;
    let log = "query($w: ID!) { webhookDeliveries(webhookId: $w) { event status attempts responseStatus lastError } }";
    let mut failed_once = false;
    for _ in 0..100 {
        let l = app
            .graphql_as(&owner.token, log, json!({ "w": hook_id }))
            .await?;
        let first = &ok(&l)?["webhookDeliveries"][0];
        if first["event"] == "article.updated" && first["attempts"].as_i64() >= Some(1) {
            assert_eq!(first["status"], "pending");
            assert_eq!(first["responseStatus"], 503);
            failed_once = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(failed_once, "the failed attempt must be logged");
    receiver.down.store(false, Ordering::SeqCst);
    let hits = receiver.wait_for(2, 20).await?;
    assert_eq!(hits[1].header("x-wharf-event"), Some("article.updated"));
    // The receiver records the request before it answers; the attempt is logged after the
    // answer reaches Wharf.
    let mut latest = Value::Null;
    for _ in 0..100 {
        let l = app
            .graphql_as(&owner.token, log, json!({ "w": hook_id }))
            .await?;
        latest = ok(&l)?["webhookDeliveries"][0].clone();
        if latest["status"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(latest["status"], "delivered");
    assert!(latest["attempts"].as_i64() >= Some(2));

    let delete = "mutation($id: ID!) { deleteArticle(id: $id) }";
    ok(&app
        .graphql_as(&owner.token, delete, json!({ "id": id }))
        .await?)?;
    let hits = receiver.wait_for(3, 10).await?;
    assert_eq!(hits[2].header("x-wharf-event"), Some("article.deleted"));
    Ok(())
}

async fn only_owners_manage_webhooks_and_input_is_checked(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@h2.example.com").await?;
    let other = app.signup("other@h2.example.com").await?;
    let site = app
        .create_site(&owner.token, "h2.example.com", &["en"])
        .await?;
    let input =
        |url: &str, events: Value| json!({ "i": { "siteId": site, "url": url, "events": events } });
    let denied = app
        .graphql_as(
            &other.token,
            CREATE,
            input("https://x.example.com/h", json!(ALL)),
        )
        .await?;
    assert_eq!(error_code(&denied)?, "FORBIDDEN");
    let bad_url = app
        .graphql_as(
            &owner.token,
            CREATE,
            input("javascript:alert(1)", json!(ALL)),
        )
        .await?;
    assert_eq!(error_field(&bad_url).as_deref(), Some("url"));
    let bad_event = app
        .graphql_as(
            &owner.token,
            CREATE,
            input("https://x.example.com/h", json!(["article.exploded"])),
        )
        .await?;
    assert_eq!(error_field(&bad_event).as_deref(), Some("events"));
    let list = app
        .graphql_as(
            &other.token,
            "query($s: ID!) { webhooks(siteId: $s) { id } }",
            json!({ "s": site }),
        )
        .await?;
    assert_eq!(error_code(&list)?, "FORBIDDEN");
    let own = app
        .graphql_as(
            &owner.token,
            "query($s: ID!) { webhooks(siteId: $s) { id } }",
            json!({ "s": site }),
        )
        .await?;
    assert_eq!(ok(&own)?["webhooks"], json!([]));
    Ok(())
}

async fn subscribers_hear_publications_of_their_site(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@live.example.com").await?;
    let site = app
        .create_site(&owner.token, "live.example.com", &["en"])
        .await?;
    let url = format!("{}/graphql", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await?;
    ws.send(Message::text(
        json!({ "type": "connection_init" }).to_string(),
    ))
    .await?;
    let ack = tokio::time::timeout(Duration::from_secs(5), ws.next()).await?;
    assert!(format!("{ack:?}").contains("connection_ack"));
    let sub = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { articleEvents(site: \"live.example.com\") { event slug title } }" } });
    ws.send(Message::text(sub.to_string())).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let a = app
        .create_article(
            &owner.token,
            json!({ "siteId": site, "title": "Live!", "slug": "live" }),
        )
        .await?;
    app.publish(&owner.token, a["id"].as_str().unwrap_or_default())
        .await?;
    let msg = loop {
        let next = tokio::time::timeout(Duration::from_secs(10), ws.next()).await?;
        let Some(Ok(Message::Text(text))) = next else {
            anyhow::bail!("socket closed: {next:?}")
        };
        let v: Value = serde_json::from_str(&text)?;
        if v["type"] == "next" {
            break v;
        }
    };
    assert_eq!(
        msg["payload"]["data"]["articleEvents"],
        json!({ "event": "article.published", "slug": "live", "title": "Live!" })
    );
    Ok(())
}

async fn webhooks_never_deliver_to_private_addresses(app: TestApp) -> Result<()> {
    // 127.0.0.2 is loopback but not on the test allow-list (127.0.0.1/32): the guard must refuse
    // it before connecting, as it refuses private networks and metadata addresses.
    let owner = app.signup("owner@ssrf.example.com").await?;
    let site = app
        .create_site(&owner.token, "ssrf.example.com", &["en"])
        .await?;
    let hook = app
        .graphql_as(
            &owner.token,
            CREATE,
            json!({ "i": { "siteId": site, "url": "http://127.0.0.2:9/hook", "events": ALL } }),
        )
        .await?;
    let hook_id = str_at(ok(&hook)?, "/createWebhook/id")?;
    let a = app
        .create_article(&owner.token, json!({ "siteId": site, "title": "x" }))
        .await?;
    app.publish(&owner.token, a["id"].as_str().unwrap_or_default())
        .await?;
    let log = "query($w: ID!) { webhookDeliveries(webhookId: $w) { status lastError } }";
    for _ in 0..100 {
        let l = app
            .graphql_as(&owner.token, log, json!({ "w": hook_id }))
            .await?;
        let first = ok(&l)?["webhookDeliveries"][0].clone();
        if first["status"] == "failed" {
            assert!(
                first["lastError"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("refused"),
                "{first}"
            );
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the delivery to a private address was not refused")
}

e2e!(deal_events_reach_the_sites_members_only);

async fn subscribe(
    app: &TestApp,
    init: Value,
    query: &str,
) -> Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
> {
    let url = format!("{}/graphql", app.address.replace("http://", "ws://"));
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await?;
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": init }).to_string(),
    ))
    .await?;
    let ack = tokio::time::timeout(Duration::from_secs(5), ws.next()).await?;
    assert!(format!("{ack:?}").contains("connection_ack"), "{ack:?}");
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string(),
    ))
    .await?;
    Ok(ws)
}

async fn next_message(
    ws: &mut tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Result<Value> {
    loop {
        let next = tokio::time::timeout(Duration::from_secs(10), ws.next()).await?;
        let Some(Ok(Message::Text(text))) = next else {
            anyhow::bail!("socket closed: {next:?}")
        };
        let v: Value = serde_json::from_str(&text)?;
        if v["type"] == "next" || v["type"] == "error" {
            return Ok(v);
        }
    }
}

async fn deal_events_reach_the_sites_members_only(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@deals.example.com").await?;
    let site = app
        .create_site(&owner.token, "deals.example.com", &["en"])
        .await?;
    let query =
        "subscription { dealEvents(site: \"deals.example.com\") { event status from dealId } }";
    let mut anon = subscribe(&app, json!({}), query).await?;
    let refused = next_message(&mut anon).await?;
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{refused}"
    );
    let mut ws = subscribe(
        &app,
        json!({ "Authorization": format!("Bearer {}", owner.token) }),
        query,
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The market records deal changes as site events; emit one the same way.
    let site_id = uuid::Uuid::parse_str(&site)?;
    let deal = uuid::Uuid::now_v7();
    wharf::services::webhook::emit(
        &app.db,
        site_id,
        "deal.live",
        None,
        json!({ "deal_id": deal, "status": "live", "from": "accepted" }),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let msg = next_message(&mut ws).await?;
    assert_eq!(
        msg["payload"]["data"]["dealEvents"],
        json!({ "event": "deal.live", "status": "live", "from": "accepted", "dealId": deal.to_string() })
    );
    Ok(())
}
