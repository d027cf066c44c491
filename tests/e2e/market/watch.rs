//! The watcher: deals go live, break and come back without anyone asking.
use super::*;
use anyhow::Result;
use wharf_tests::{PartnerServer, TestApp, e2e, ok};

e2e!(partner = watching; the_watcher_makes_deals_live_breaks_and_restores_them);
e2e!(partner = quiet; a_due_deal_is_claimed_by_one_watcher_at_a_time);

async fn the_watcher_makes_deals_live_breaks_and_restores_them(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let alpha = party(&app, &partner, ALPHA, false).await?;
    let beta = party(&app, &partner, BETA, false).await?;
    let offer = create_offer(&app, &alpha, "ONE_WAY", "machinery").await?;
    let deal = propose(&app, &beta, &offer).await?;
    ok(&deal_op(&app, &alpha.token, "acceptLinkDeal", &deal).await?)?;
    partner.set(ALPHA, "/partners", link_page(BETA, "Beta"));
    // One-way: the offering site's placement is all the deal needs.
    place(
        &app,
        &alpha,
        &deal,
        &format!("http://{ALPHA}/partners"),
        &format!("https://{BETA}/"),
        "Beta",
    )
    .await?;
    wait_for(&app, &alpha.token, &deal, "LIVE").await?;
    partner.remove(ALPHA, "/partners");
    wait_for(&app, &alpha.token, &deal, "BROKEN").await?;
    partner.set(ALPHA, "/partners", link_page(BETA, "Beta"));
    wait_for(&app, &alpha.token, &deal, "LIVE").await?;
    let events: Vec<String> = webhook_events(&app, &deal)
        .await?
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    assert!(events.contains(&"deal.restored".to_owned()), "{events:?}");
    Ok(())
}

async fn a_due_deal_is_claimed_by_one_watcher_at_a_time(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    use wharf::services::market::check::{LEASE_SECS, claim_due};
    let alpha = party(&app, &partner, ALPHA, false).await?;
    let beta = party(&app, &partner, BETA, false).await?;
    let offer = create_offer(&app, &alpha, "ONE_WAY", "machinery").await?;
    let deal = propose(&app, &beta, &offer).await?;
    ok(&deal_op(&app, &alpha.token, "acceptLinkDeal", &deal).await?)?;
    place(
        &app,
        &alpha,
        &deal,
        &format!("http://{ALPHA}/partners"),
        &format!("https://{BETA}/"),
        "Beta",
    )
    .await?;
    let err = |e: wharf::error::AppError| anyhow::anyhow!("{e:?}");
    // Two instances ask at once: exactly one gets the deal, leased for LEASE_SECS.
    let (a, b) = tokio::join!(claim_due(&app.db, 10), claim_due(&app.db, 10));
    let (a, b) = (a.map_err(err)?, b.map_err(err)?);
    assert_eq!(a.len() + b.len(), 1, "{a:?} {b:?}");
    let claimed = a.iter().chain(&b).next().map(|d| d.next_check_at);
    let lease = claimed
        .flatten()
        .map(|t| (t - chrono::Utc::now()).num_seconds());
    assert!(
        lease.is_some_and(|s| s > LEASE_SECS - 30 && s <= LEASE_SECS),
        "{lease:?}"
    );
    assert!(
        claim_due(&app.db, 10).await.map_err(err)?.is_empty(),
        "leased deals are not handed out again"
    );
    Ok(())
}
