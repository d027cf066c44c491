//! Erasure reaches every copy of an inquiry (issue 20, point 5): its `inquiry.received` event
//! carries the buyer's name, e-mail and message in the outbox row and in each webhook delivery
//! made of it. `deleteInquiry` and the retention purge delete those with the inquiry, whether
//! the delivery was made or still waits for a receiver that is down; other inquiries' events
//! stay and are still delivered.
use crate::inquiries::{inquiry_input, inquiry_webhook, quick_tokens, shop, stored, submit};
use anyhow::{Result, bail, ensure};
use chrono::{Duration, Utc};
use entities::{outbox, webhook_delivery};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set};
use serde_json::json;
use std::sync::atomic::Ordering;
use wharf::services::inquiry::retention::purge_inquiries;
use wharf_tests::{TestApp, e2e, ok};

e2e!(
    settings = quick_tokens;
    deleting_an_inquiry_erases_its_events_and_webhook_deliveries,
    the_retention_purge_erases_the_events_and_deliveries_of_what_it_purges,
);

/// How many outbox rows and webhook deliveries hold `needle` in their payload.
async fn copies_of(db: &DatabaseConnection, needle: &str) -> Result<(usize, usize)> {
    let events = outbox::Entity::find()
        .all(db)
        .await?
        .iter()
        .filter(|r| r.payload.to_string().contains(needle))
        .count();
    let deliveries = webhook_delivery::Entity::find()
        .all(db)
        .await?
        .iter()
        .filter(|r| r.payload.to_string().contains(needle))
        .count();
    Ok((events, deliveries))
}

/// Waits (up to 10 s) until `needle` has a delivery that was tried at least once.
async fn delivery_tried(db: &DatabaseConnection, needle: &str) -> Result<()> {
    for _ in 0..200 {
        let tried = webhook_delivery::Entity::find()
            .all(db)
            .await?
            .iter()
            .any(|r| r.attempts > 0 && r.payload.to_string().contains(needle));
        if tried {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    bail!("no delivery of {needle} was tried")
}

async fn erase(app: &TestApp, owner: &str, reference: &str) -> Result<()> {
    let id = stored(app, reference).await?.id.to_string();
    let body = app
        .graphql_as(
            owner,
            "mutation($id: ID!) { deleteInquiry(id: $id) }",
            json!({ "id": id }),
        )
        .await?;
    ensure!(ok(&body)?["deleteInquiry"] == id.as_str(), "{body}");
    Ok(())
}

async fn deleting_an_inquiry_erases_its_events_and_webhook_deliveries(app: TestApp) -> Result<()> {
    let s = shop(&app).await?;
    let receiver = inquiry_webhook(&app, &s).await?;
    // Delivered: its copy sits in the outbox's done row and in the delivery log.
    let delivered = submit(
        &app,
        inquiry_input(&s.site, "erase.delivered@example.com", "Delivered ERASE-1")?,
    )
    .await?;
    receiver.wait_for(1, 30).await?;
    assert_eq!(copies_of(&app.db, "ERASE-1").await?, (1, 1));
    // Waiting: the receiver is down, the delivery is retried.
    receiver.down.store(true, Ordering::SeqCst);
    let waiting = submit(
        &app,
        inquiry_input(&s.site, "erase.waiting@example.com", "Waiting ERASE-2")?,
    )
    .await?;
    let kept = submit(
        &app,
        inquiry_input(&s.site, "kept@example.com", "Kept KEEP-3")?,
    )
    .await?;
    delivery_tried(&app.db, "ERASE-2").await?;
    delivery_tried(&app.db, "KEEP-3").await?;

    erase(&app, &s.owner, &delivered).await?;
    erase(&app, &s.owner, &waiting).await?;
    for needle in ["ERASE-1", "erase.delivered@", "ERASE-2", "erase.waiting@"] {
        assert_eq!(copies_of(&app.db, needle).await?, (0, 0), "{needle}");
    }
    assert_eq!(copies_of(&app.db, "KEEP-3").await?, (1, 1));

    // Back up: the kept inquiry arrives, the erased one never does.
    receiver.down.store(false, Ordering::SeqCst);
    let hits = receiver.wait_for(2, 30).await?;
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let hits_after = receiver.hits();
    assert_eq!(hits_after.len(), 2, "{hits_after:?}");
    assert!(hits[1].body.contains(&kept));
    assert!(!hits_after.iter().any(|h| h.body.contains("ERASE-2")));
    Ok(())
}

async fn the_retention_purge_erases_the_events_and_deliveries_of_what_it_purges(
    app: TestApp,
) -> Result<()> {
    let s = shop(&app).await?;
    let receiver = inquiry_webhook(&app, &s).await?;
    let closed = submit(
        &app,
        inquiry_input(&s.site, "purged@example.com", "Closed PURGE-1")?,
    )
    .await?;
    let open = submit(
        &app,
        inquiry_input(&s.site, "open@example.com", "Open KEEP-2")?,
    )
    .await?;
    receiver.wait_for(2, 30).await?;
    let id = stored(&app, &closed).await?.id.to_string();
    ok(&app
        .graphql_as(
            &s.owner,
            "mutation($id: ID!) { setInquiryStatus(id: $id, status: CLOSED) { status } }",
            json!({ "id": id }),
        )
        .await?)?;
    for reference in [&closed, &open] {
        let mut row = stored(&app, reference).await?.into_active_model();
        row.updated_at = Set(Utc::now() - Duration::days(2));
        row.update(&app.db).await?;
    }
    let erased = purge_inquiries(&app.db, Utc::now() - Duration::days(1), 500)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(erased, 1);
    assert_eq!(copies_of(&app.db, "PURGE-1").await?, (0, 0));
    assert_eq!(copies_of(&app.db, "purged@example.com").await?, (0, 0));
    assert_eq!(copies_of(&app.db, "KEEP-2").await?, (1, 1));
    stored(&app, &open).await?;
    Ok(())
}
