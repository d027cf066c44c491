//! The watcher: deals go live, break and come back without anyone asking.
use super::*;
use anyhow::Result;
use wharf_tests::{PartnerServer, TestApp, e2e_partner, ok};

e2e_partner!(watching; the_watcher_makes_deals_live_breaks_and_restores_them);

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
