//! Deals: the integrator's flow from offer to live, broken and restored; concurrent moves;
//! expiry.
use super::*;
use anyhow::{Context, Result};
use serde_json::{Value, json};
use wharf_tests::{Page, PartnerServer, TestApp, e2e, error_code, ok, str_at};

e2e!(partner = quiet;
    the_integrator_flow_takes_a_deal_from_offer_to_live_broken_and_restored,
    two_conflicting_transitions_at_once_apply_exactly_one,
    stale_proposals_expire_by_the_clock,
);
e2e!(partner = cooling; checking_a_deal_again_at_once_is_rate_limited);

async fn the_integrator_flow_takes_a_deal_from_offer_to_live_broken_and_restored(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let alpha = party(&app, &partner, ALPHA, false).await?;
    let beta = party(&app, &partner, BETA, true).await?;
    let offer = create_offer(&app, &alpha, "RECIPROCAL", "machinery").await?;
    let deal = propose(&app, &beta, &offer).await?;

    // The proposing side may not accept its own proposal.
    let wrong = deal_op(&app, &beta.token, "acceptLinkDeal", &deal).await?;
    assert_eq!(error_code(&wrong)?, "FORBIDDEN", "{wrong}");
    let accepted = deal_op(&app, &alpha.token, "acceptLinkDeal", &deal).await?;
    assert_eq!(ok(&accepted)?["acceptLinkDeal"]["status"], "ACCEPTED");

    partner.set(ALPHA, "/partners", link_page(BETA, "Beta Export 外贸"));
    let gbk_page = format!(
        "<html><head><meta charset=\"gbk\"></head><body><a href=\"//{ALPHA}/\">阿尔法 机械</a></body></html>"
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&gbk_page);
    partner.set(BETA, "/links", Page::bytes("text/html", gbk.into_owned()));
    place(
        &app,
        &alpha,
        &deal,
        &format!("http://{ALPHA}/partners"),
        &format!("https://www.{BETA}/"),
        "Beta Export 外贸",
    )
    .await?;
    // A page on the other site is refused.
    let bad = app
        .graphql_as(&beta.token, "mutation($i: SubmitLinkPlacementInput!) { submitLinkPlacement(input: $i) { id } }",
            json!({ "i": { "dealId": deal, "pageUrl": format!("http://{ALPHA}/x"), "targetUrl": format!("https://{ALPHA}/"), "anchorText": "a" } }))
        .await?;
    assert_eq!(error_code(&bad)?, "BAD_USER_INPUT");
    assert_eq!(
        bad.pointer("/errors/0/extensions/fieldPath"),
        Some(&json!("input.pageUrl"))
    );
    place(
        &app,
        &beta,
        &deal,
        &format!("http://www.{BETA}/links"),
        &format!("https://{ALPHA}/"),
        "阿尔法 机械",
    )
    .await?;

    let live = deal_op(&app, &beta.token, "checkLinkDeal", &deal).await?;
    let d = &ok(&live)?["checkLinkDeal"];
    assert_eq!(d["status"], "LIVE", "{d}");
    assert!(d["liveSince"].is_string());
    let checks = d["checks"].as_array().context("checks")?;
    assert_eq!(checks.len(), 2);
    assert!(
        checks
            .iter()
            .all(|c| c["live"] == true && c["rel"] == "follow" && c["httpStatus"] == 200),
        "{checks:?}"
    );
    assert!(checks.iter().any(|c| c["anchorText"] == "阿尔法 机械"));
    assert_eq!(
        webhook_events(&app, &deal)
            .await?
            .iter()
            .filter(|(e, _)| e == "deal.live")
            .count(),
        2
    );

    let profile = app
        .graphql("query($id: ID!) { site(id: $id) { verified verifiedAt liveDeals verifiedOutboundLinks verificationToken } }", json!({ "id": alpha.site }))
        .await?;
    let s = &ok(&profile)?["site"];
    assert_eq!(
        (s["liveDeals"].clone(), s["verifiedOutboundLinks"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(
        s["verificationToken"],
        Value::Null,
        "the token is for the site's agents only"
    );

    // The link disappears: broken only after the second failed check in a row.
    partner.set(
        ALPHA,
        "/partners",
        Page::html("<html><body>redesigned</body></html>"),
    );
    let once = deal_op(&app, &alpha.token, "checkLinkDeal", &deal).await?;
    assert_eq!(ok(&once)?["checkLinkDeal"]["status"], "LIVE");
    assert_eq!(ok(&once)?["checkLinkDeal"]["consecutiveFailures"], 1);
    let twice = deal_op(&app, &alpha.token, "checkLinkDeal", &deal).await?;
    assert_eq!(ok(&twice)?["checkLinkDeal"]["status"], "BROKEN");
    // The link returns.
    partner.set(ALPHA, "/partners", link_page(BETA, "Beta Export 外贸"));
    let back = deal_op(&app, &alpha.token, "checkLinkDeal", &deal).await?;
    let d = &ok(&back)?["checkLinkDeal"];
    assert_eq!(d["status"], "LIVE");
    assert_eq!(d["consecutiveFailures"], 0);

    let events: Vec<String> = webhook_events(&app, &deal)
        .await?
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    for e in [
        "deal.proposed",
        "deal.accepted",
        "deal.live",
        "deal.broken",
        "deal.restored",
    ] {
        assert_eq!(
            events.iter().filter(|x| *x == e).count(),
            2,
            "{e} for both sites: {events:?}"
        );
    }

    // History: every transition with who and when, every check kept.
    let history = app
        .graphql_as(
            &beta.token,
            &format!("query($id: ID!) {{ linkDeal(id: $id) {{ {DEAL} }} }}"),
            json!({ "id": deal }),
        )
        .await?;
    let d = &ok(&history)?["linkDeal"];
    let moves: Vec<(Value, Value)> = d["events"]
        .as_array()
        .context("events")?
        .iter()
        .filter(|e| e["fromStatus"] != e["toStatus"])
        .map(|e| (e["toStatus"].clone(), e["actor"]["id"].clone()))
        .collect();
    assert_eq!(
        moves,
        vec![
            (json!("PROPOSED"), json!(beta.user)),
            (json!("ACCEPTED"), json!(alpha.user)),
            (json!("LIVE"), Value::Null),
            (json!("BROKEN"), Value::Null),
            (json!("LIVE"), Value::Null),
        ]
    );
    assert_eq!(
        d["checks"].as_array().map(Vec::len),
        Some(8),
        "four checks of two placements"
    );

    // The deal list, by status, for either side.
    for token in [&alpha.token, &beta.token] {
        let list = app
            .graphql_as(
                token,
                "{ linkDeals(filter: { status: LIVE }) { totalCount edges { node { id } } } }",
                json!({}),
            )
            .await?;
        assert_eq!(
            ok(&list)?["linkDeals"]["edges"][0]["node"]["id"],
            json!(deal)
        );
    }
    let none = app
        .graphql_as(
            &alpha.token,
            "{ linkDeals(filter: { status: BROKEN }) { totalCount } }",
            json!({}),
        )
        .await?;
    assert_eq!(ok(&none)?["linkDeals"]["totalCount"], 0);

    // An invalid transition names the statuses.
    let again = deal_op(&app, &alpha.token, "acceptLinkDeal", &deal).await?;
    assert_eq!(error_code(&again)?, "CONFLICT");
    assert!(str_at(&again, "/errors/0/message")?.contains("is live and cannot become accepted"));
    // A token without deals:write cannot act; strangers do not see the deal.
    let stranger = app.signup("stranger@example.com").await?;
    let hidden = deal_op(&app, &stranger.token, "cancelLinkDeal", &deal).await?;
    assert_eq!(error_code(&hidden)?, "NOT_FOUND");
    let body = app
        .graphql_as(
            &alpha_owner_token(&app, ALPHA).await?,
            "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
            json!({ "i": { "name": "reader", "scopes": ["deals:read"] } }),
        )
        .await?;
    let reader = str_at(ok(&body)?, "/createApiToken/token")?;
    let refused = deal_op(&app, &reader, "cancelLinkDeal", &deal).await?;
    assert_eq!(error_code(&refused)?, "FORBIDDEN");
    let cancelled = deal_op(&app, &beta.token, "cancelLinkDeal", &deal).await?;
    assert_eq!(ok(&cancelled)?["cancelLinkDeal"]["status"], "CANCELLED");
    Ok(())
}

async fn two_conflicting_transitions_at_once_apply_exactly_one(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let alpha = party(&app, &partner, ALPHA, false).await?;
    let beta = party(&app, &partner, BETA, false).await?;
    let offer = create_offer(&app, &alpha, "ONE_WAY", "tools").await?;
    for _ in 0..3 {
        let deal = propose(&app, &beta, &offer).await?;
        // Whichever applies first, the other is no longer possible.
        let (accept, cancel) = tokio::join!(
            deal_op(&app, &alpha.token, "acceptLinkDeal", &deal),
            deal_op(&app, &alpha.token, "rejectLinkDeal", &deal),
        );
        let (accept, cancel) = (accept?, cancel?);
        let won: Vec<bool> = [&accept, &cancel]
            .iter()
            .map(|b| b.get("errors").is_none())
            .collect();
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "{accept} {cancel}");
        let loser = if won[0] { &cancel } else { &accept };
        assert_eq!(error_code(loser)?, "CONFLICT", "{loser}");
        let body = app
            .graphql_as(
                &alpha.token,
                "query($id: ID!) { linkDeal(id: $id) { status version events { toStatus } } }",
                json!({ "id": deal }),
            )
            .await?;
        let d = &ok(&body)?["linkDeal"];
        assert_eq!(
            d["events"].as_array().map(Vec::len),
            Some(2),
            "one proposal, one transition: {d}"
        );
        assert_eq!(d["version"], 2);
        if d["status"] == "ACCEPTED" {
            let done = deal_op(&app, &alpha.token, "cancelLinkDeal", &deal).await?;
            ok(&done)?;
        }
    }
    Ok(())
}

async fn stale_proposals_expire_by_the_clock(app: TestApp, partner: PartnerServer) -> Result<()> {
    use sea_orm::{ActiveModelTrait, Set};
    let alpha = party(&app, &partner, ALPHA, false).await?;
    let beta = party(&app, &partner, BETA, false).await?;
    let offer = create_offer(&app, &alpha, "RECIPROCAL", "machinery").await?;
    let deal = propose(&app, &beta, &offer).await?;
    let id = uuid::Uuid::parse_str(&deal)?;
    let row = entities::link_deal::Entity::find_by_id(id)
        .one(&app.db)
        .await?
        .context("deal row")?;
    let mut stale: entities::link_deal::ActiveModel = row.into();
    stale.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::minutes(1)));
    stale.update(&app.db).await?;
    let expired = wharf::services::market::check::expire_due(&app.db)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    assert_eq!(expired, 1);
    let body = app
        .graphql_as(
            &beta.token,
            "query($id: ID!) { linkDeal(id: $id) { status events { toStatus actor { id } } } }",
            json!({ "id": deal }),
        )
        .await?;
    let d = &ok(&body)?["linkDeal"];
    assert_eq!(d["status"], "EXPIRED");
    assert_eq!(
        d["events"][1],
        json!({ "toStatus": "EXPIRED", "actor": null })
    );
    let events: Vec<String> = webhook_events(&app, &deal)
        .await?
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    assert_eq!(events.iter().filter(|e| *e == "deal.expired").count(), 2);
    let late = deal_op(&app, &alpha.token, "acceptLinkDeal", &deal).await?;
    assert_eq!(error_code(&late)?, "CONFLICT");
    assert!(str_at(&late, "/errors/0/message")?.contains("it is over"));
    Ok(())
}

async fn checking_a_deal_again_at_once_is_rate_limited(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let alpha = party(&app, &partner, ALPHA, false).await?;
    let beta = party(&app, &partner, BETA, false).await?;
    let offer = create_offer(&app, &alpha, "ONE_WAY", "tools").await?;
    let deal = propose(&app, &beta, &offer).await?;
    ok(&deal_op(&app, &alpha.token, "acceptLinkDeal", &deal).await?)?;
    partner.set(ALPHA, "/partners", link_page(BETA, "Beta"));
    place(
        &app,
        &alpha,
        &deal,
        &format!("http://{ALPHA}/partners"),
        &format!("https://{BETA}/"),
        "Beta",
    )
    .await?;
    let first = deal_op(&app, &beta.token, "checkLinkDeal", &deal).await?;
    assert_eq!(ok(&first)?["checkLinkDeal"]["status"], "LIVE");
    let again = deal_op(&app, &alpha.token, "checkLinkDeal", &deal).await?;
    assert_eq!(error_code(&again)?, "RATE_LIMITED", "{again}");
    assert_eq!(partner.hits(ALPHA, "/partners"), 1);
    Ok(())
}
