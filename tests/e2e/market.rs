//! The link-exchange market end to end, as an integrator scripts it with API tokens, against a
//! local server playing the two sites (`alpha.test` and `beta.test`).
use anyhow::{Context, Result};
use entities::outbox;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wharf::Settings;
use wharf_tests::{Page, PartnerServer, TestApp, e2e_partner, error_code, ok, str_at};

const ALPHA: &str = "alpha.test";
const BETA: &str = "beta.test";

/// Loopback allowed, both sites resolved to the partner server; the watcher stays idle.
fn quiet(s: &mut Settings, partner: &PartnerServer) {
    s.checker_allow_hosts = vec!["127.0.0.1".into()];
    s.checker_resolve = partner.resolve_entries(&[ALPHA, BETA]);
    s.checker_timeout_ms = 3000;
    s.checker_failures_before_broken = 2;
    s.checker_poll_ms = 3_600_000;
}

/// Like `quiet`, with a watcher that polls often and re-checks every second.
fn watching(s: &mut Settings, partner: &PartnerServer) {
    quiet(s, partner);
    s.checker_poll_ms = 100;
    s.checker_recheck_interval_secs = 1;
    s.checker_recheck_jitter_secs = 0;
    s.checker_failures_before_broken = 1;
}

/// Loopback not allowed beyond 127.0.0.1; names that resolve to refused addresses.
fn guarded(s: &mut Settings, partner: &PartnerServer) {
    quiet(s, partner);
    s.checker_allow_hosts = vec!["127.0.0.1/32".into(), "169.254.0.0/16".into()];
    s.checker_resolve
        .push(format!("closed.test=127.0.0.2:{}", partner.port));
    s.checker_resolve
        .push("meta.test=169.254.169.254:80".into());
}

e2e_partner!(quiet;
    the_integrator_flow_takes_a_deal_from_offer_to_live_broken_and_restored,
    two_conflicting_transitions_at_once_apply_exactly_one,
    anonymous_readers_list_open_offers_with_filters,
    only_verified_sites_offer_and_deal,
    stale_proposals_expire_by_the_clock,
    a_site_market_profile_is_edited_by_its_owner,
);
e2e_partner!(watching; the_watcher_makes_deals_live_breaks_and_restores_them);
e2e_partner!(guarded; verification_refuses_private_loopback_metadata_and_redirected_addresses);

const DEAL: &str = "id status version consecutiveFailures liveSince offerPlacement { pageUrl } partnerPlacement { pageUrl } events { fromStatus toStatus note actor { id } } checks { side live linkFound rel anchorText httpStatus error redirectChain }";

struct Party {
    site: String,
    token: String,
    user: String,
}

/// A signed-up owner of a site at `domain`, verified (by meta tag, or by the `.well-known`
/// file), with an API token scoped `deals:write` for the site.
async fn party(
    app: &TestApp,
    partner: &PartnerServer,
    domain: &str,
    well_known: bool,
) -> Result<Party> {
    let owner = app.signup(&format!("owner@{domain}")).await?;
    let site = app
        .create_site(&owner.token, domain, &["zh-CN", "en"])
        .await?;
    let body = app
        .graphql_as(
            &owner.token,
            "query($id: ID!) { site(id: $id) { verificationToken verified } }",
            json!({ "id": site }),
        )
        .await?;
    let token = str_at(ok(&body)?, "/site/verificationToken")?;
    if well_known {
        partner.set(domain, "/", Page::html("<html><body>home</body></html>"));
        partner.set(
            domain,
            "/.well-known/wharf-verification.txt",
            Page::bytes("text/plain", format!("{token}\n").into_bytes()),
        );
    } else {
        partner.set(
            domain,
            "/",
            Page::html(&format!("<html><head><meta name=\"wharf-site-verification\" content=\"{token}\"></head></html>")),
        );
    }
    let body = app
        .graphql_as(&owner.token, "mutation($id: ID!) { verifySite(siteId: $id) { verified method detail site { verified verifiedAt } } }", json!({ "id": site }))
        .await?;
    let v = &ok(&body)?["verifySite"];
    assert_eq!(v["verified"], true, "{v}");
    assert_eq!(v["method"], if well_known { "well_known" } else { "meta" });
    let body = app
        .graphql_as(
            &owner.token,
            "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
            json!({ "i": { "name": "deals bot", "scopes": ["deals:write"], "siteId": site } }),
        )
        .await?;
    Ok(Party {
        site,
        token: str_at(ok(&body)?, "/createApiToken/token")?,
        user: owner.user_id,
    })
}

async fn create_offer(app: &TestApp, p: &Party, kind: &str, category: &str) -> Result<String> {
    let body = app
        .graphql_as(
            &p.token,
            "mutation($i: CreateLinkOfferInput!) { createLinkOffer(input: $i) { id status } }",
            json!({ "i": { "siteId": p.site, "title": "友情链接 partners page", "description": "Machinery exporters", "placement": "PARTNERS_PAGE", "kind": kind, "languages": ["zh_cn", "en"], "categories": [category], "slots": 3 } }),
        )
        .await?;
    str_at(ok(&body)?, "/createLinkOffer/id")
}

async fn propose(app: &TestApp, p: &Party, offer: &str) -> Result<String> {
    let body = app
        .graphql_as(
            &p.token,
            "mutation($i: ProposeLinkDealInput!) { proposeLinkDeal(input: $i) { id status } }",
            json!({ "i": { "offerId": offer, "siteId": p.site, "message": "Let us exchange links" } }),
        )
        .await?;
    str_at(ok(&body)?, "/proposeLinkDeal/id")
}

async fn deal_op(app: &TestApp, token: &str, op: &str, id: &str) -> Result<Value> {
    app.graphql_as(
        token,
        &format!("mutation($id: ID!) {{ {op}(id: $id) {{ {DEAL} }} }}"),
        json!({ "id": id }),
    )
    .await
}

async fn place(
    app: &TestApp,
    p: &Party,
    deal: &str,
    page: &str,
    target: &str,
    anchor: &str,
) -> Result<Value> {
    let body = app
        .graphql_as(
            &p.token,
            &format!("mutation($i: SubmitLinkPlacementInput!) {{ submitLinkPlacement(input: $i) {{ {DEAL} }} }}"),
            json!({ "i": { "dealId": deal, "pageUrl": page, "targetUrl": target, "anchorText": anchor } }),
        )
        .await?;
    Ok(ok(&body)?["submitLinkPlacement"].clone())
}

fn link_page(to: &str, anchor: &str) -> Page {
    Page::html(&format!(
        "<html><body><p>友情链接</p><a href=\"https://www.{to}/\">{anchor}</a></body></html>"
    ))
}

async fn webhook_events(app: &TestApp, deal: &str) -> Result<Vec<(String, String)>> {
    let rows = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("webhook.event"))
        .order_by_asc(outbox::Column::Id)
        .all(&app.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.payload["data"]["deal_id"] == deal)
        .map(|r| {
            (
                r.payload["event"].as_str().unwrap_or_default().to_owned(),
                r.payload["site_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect())
}

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

async fn alpha_owner_token(app: &TestApp, domain: &str) -> Result<String> {
    let body = app
        .graphql("mutation($e: String!) { login(email: $e, password: \"correct horse battery\") { accessToken } }", json!({ "e": format!("owner@{domain}") }))
        .await?;
    str_at(ok(&body)?, "/login/accessToken")
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

async fn anonymous_readers_list_open_offers_with_filters(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let alpha = party(&app, &partner, ALPHA, false).await?;
    create_offer(&app, &alpha, "RECIPROCAL", "machinery").await?;
    let paused = create_offer(&app, &alpha, "ONE_WAY", "textiles").await?;
    let body = app
        .graphql_as(
            &alpha.token,
            "mutation($id: ID!) { updateLinkOffer(id: $id, input: { status: PAUSED }) { status } }",
            json!({ "id": paused }),
        )
        .await?;
    assert_eq!(ok(&body)?["updateLinkOffer"]["status"], "PAUSED");
    let count = |filter: Value| {
        let app = &app;
        async move {
            let body = app
                .graphql("query($f: LinkOfferFilter) { linkOffers(filter: $f) { totalCount edges { node { title kind placement languages categories status site { domain } } } } }", json!({ "f": filter }))
                .await?;
            Ok::<_, anyhow::Error>(ok(&body)?["linkOffers"].clone())
        }
    };
    let all = count(json!({})).await?;
    assert_eq!(all["totalCount"], 1, "paused offers are not listed: {all}");
    let node = &all["edges"][0]["node"];
    assert_eq!(node["languages"], json!(["zh-CN", "en"]));
    assert_eq!(node["site"]["domain"], ALPHA);
    assert_eq!(
        count(json!({ "category": "Machinery" })).await?["totalCount"],
        1
    );
    assert_eq!(
        count(json!({ "category": "textiles" })).await?["totalCount"],
        0
    );
    assert_eq!(
        count(json!({ "language": "zh-cn" })).await?["totalCount"],
        1
    );
    assert_eq!(count(json!({ "language": "de" })).await?["totalCount"], 0);
    assert_eq!(count(json!({ "kind": "ONE_WAY" })).await?["totalCount"], 0);
    assert_eq!(
        count(json!({ "placement": "PARTNERS_PAGE", "kind": "RECIPROCAL" })).await?["totalCount"],
        1
    );
    assert_eq!(
        count(json!({ "placement": "FOOTER" })).await?["totalCount"],
        0
    );
    // Deals are not for anonymous readers.
    let deals = app
        .graphql("{ linkDeals { totalCount } }", json!({}))
        .await?;
    assert_eq!(error_code(&deals)?, "UNAUTHENTICATED");
    Ok(())
}

async fn only_verified_sites_offer_and_deal(app: TestApp, partner: PartnerServer) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app.create_site(&ann.token, ALPHA, &["en"]).await?;
    partner.set(
        ALPHA,
        "/",
        Page::html(
            "<html><head><meta name=\"wharf-site-verification\" content=\"wrong\"></head></html>",
        ),
    );
    let body = app
        .graphql_as(
            &ann.token,
            "mutation($id: ID!) { verifySite(siteId: $id) { verified detail site { verified } } }",
            json!({ "id": site }),
        )
        .await?;
    let v = &ok(&body)?["verifySite"];
    assert_eq!(
        (v["verified"].clone(), v["site"]["verified"].clone()),
        (json!(false), json!(false))
    );
    let body = app
        .graphql_as(&ann.token, "mutation($i: CreateLinkOfferInput!) { createLinkOffer(input: $i) { id } }",
            json!({ "i": { "siteId": site, "title": "t", "placement": "FOOTER", "kind": "ONE_WAY" } }))
        .await?;
    assert_eq!(error_code(&body)?, "BAD_USER_INPUT");
    assert_eq!(
        body.pointer("/errors/0/extensions/fieldPath"),
        Some(&json!("input.siteId"))
    );
    Ok(())
}

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

async fn wait_for(app: &TestApp, token: &str, deal: &str, status: &str) -> Result<()> {
    let started = Instant::now();
    loop {
        let body = app
            .graphql_as(
                token,
                "query($id: ID!) { linkDeal(id: $id) { status } }",
                json!({ "id": deal }),
            )
            .await?;
        if ok(&body)?["linkDeal"]["status"] == status {
            return Ok(());
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(20),
            "deal never became {status}: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn verification_refuses_private_loopback_metadata_and_redirected_addresses(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    for (domain, page) in [
        ("closed.test", None),
        ("meta.test", None),
        (ALPHA, Some(Page::redirect(302, "http://10.0.0.1/"))),
        (
            BETA,
            Some(Page::redirect(
                301,
                "http://169.254.169.254/latest/meta-data/",
            )),
        ),
    ] {
        if let Some(page) = page {
            partner.set(domain, "/", page);
        }
        let site = app.create_site(&ann.token, domain, &["en"]).await?;
        let body = app
            .graphql_as(
                &ann.token,
                "mutation($id: ID!) { verifySite(siteId: $id) { verified detail } }",
                json!({ "id": site }),
            )
            .await?;
        let v = &ok(&body)?["verifySite"];
        assert_eq!(v["verified"], false, "{domain}: {v}");
        assert!(
            v["detail"].as_str().is_some_and(|d| d.contains("refused")),
            "{domain}: {v}"
        );
    }
    assert_eq!(partner.hits("closed.test", "/"), 0);
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

async fn a_site_market_profile_is_edited_by_its_owner(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let alpha = party(&app, &partner, ALPHA, false).await?;
    let owner = alpha_owner_token(&app, ALPHA).await?;
    let body = app
        .graphql_as(
            &owner,
            "mutation($id: ID!, $i: UpdateSiteInput!) { updateSite(id: $id, input: $i) { description country categories languages verified verifiedAt liveDeals verifiedOutboundLinks verificationToken } }",
            json!({ "id": alpha.site, "i": { "description": "CNC machines from Ningbo", "country": "cn", "categories": ["Machinery", "machinery", "CNC"], "languages": ["zh_cn", "en"] } }),
        )
        .await?;
    let s = &ok(&body)?["updateSite"];
    assert_eq!(s["country"], "CN");
    assert_eq!(s["categories"], json!(["machinery", "cnc"]));
    assert_eq!(s["languages"], json!(["zh-CN", "en"]));
    assert_eq!(s["verified"], true);
    assert!(s["verificationToken"].is_string(), "owners see the token");
    assert_eq!(
        (s["liveDeals"].clone(), s["verifiedOutboundLinks"].clone()),
        (json!(0), json!(0))
    );
    let bad = app
        .graphql_as(
            &owner,
            "mutation($id: ID!) { updateSite(id: $id, input: { country: \"China\" }) { id } }",
            json!({ "id": alpha.site }),
        )
        .await?;
    assert_eq!(error_code(&bad)?, "BAD_USER_INPUT");
    assert_eq!(
        bad.pointer("/errors/0/extensions/field"),
        Some(&json!("country"))
    );
    Ok(())
}
