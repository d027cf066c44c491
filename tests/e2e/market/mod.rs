//! The link-exchange market end to end, as an integrator scripts it with API tokens, against a
//! local server playing the two sites (`alpha.test` and `beta.test`). This file holds the
//! settings and helpers; the tests are in the submodules.
mod capacity;
mod deals;
mod offers;
mod ssrf;
mod stored;
mod watch;

use anyhow::Result;
use entities::outbox;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wharf::Settings;
use wharf_tests::{Page, PartnerServer, TestApp, ok, str_at};

pub const ALPHA: &str = "alpha.test";
pub const BETA: &str = "beta.test";

/// Loopback allowed, both sites resolved to the partner server; the watcher stays idle.
pub fn quiet(s: &mut Settings, partner: &PartnerServer) {
    s.checker_allow_hosts = vec!["127.0.0.1".into()];
    s.checker_resolve = partner.resolve_entries(&[ALPHA, BETA]);
    s.checker_timeout_ms = 3000;
    s.checker_failures_before_broken = 2;
    s.checker_poll_ms = 3_600_000;
    s.checker_manual_cooldown_secs = 0;
}

/// Like `quiet`, with the default cooldown between manual checks.
pub fn cooling(s: &mut Settings, partner: &PartnerServer) {
    quiet(s, partner);
    s.checker_manual_cooldown_secs = 10;
}

/// Like `quiet`, with a watcher that polls often and re-checks every second.
pub fn watching(s: &mut Settings, partner: &PartnerServer) {
    quiet(s, partner);
    s.checker_poll_ms = 100;
    s.checker_recheck_interval_secs = 1;
    s.checker_recheck_jitter_secs = 0;
    s.checker_failures_before_broken = 1;
}

/// Loopback not allowed beyond 127.0.0.1; names that resolve to refused addresses.
pub fn guarded(s: &mut Settings, partner: &PartnerServer) {
    quiet(s, partner);
    s.checker_allow_hosts = vec!["127.0.0.1/32".into(), "169.254.0.0/16".into()];
    s.checker_resolve
        .push(format!("closed.test=127.0.0.2:{}", partner.port));
    s.checker_resolve
        .push("meta.test=169.254.169.254:80".into());
}

/// Production mode, nothing allow-listed: the partner server on 127.0.0.1 is out of reach.
pub fn production(s: &mut Settings, partner: &PartnerServer) {
    quiet(s, partner);
    s.environment = wharf::config::Environment::Production;
    s.checker_allow_hosts = Vec::new();
}

pub const DEAL: &str = "id status version consecutiveFailures liveSince offerPlacement { pageUrl } partnerPlacement { pageUrl } events { fromStatus toStatus note actor { id } } checks { side live linkFound rel anchorText httpStatus error redirectChain }";

pub struct Party {
    pub site: String,
    pub token: String,
    pub user: String,
}

/// A signed-up owner of a site at `domain`, verified (by meta tag, or by the `.well-known`
/// file), with an API token scoped `deals:write` for the site.
pub async fn party(
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

pub async fn create_offer(app: &TestApp, p: &Party, kind: &str, category: &str) -> Result<String> {
    let body = app
        .graphql_as(
            &p.token,
            "mutation($i: CreateLinkOfferInput!) { createLinkOffer(input: $i) { id status } }",
            json!({ "i": { "siteId": p.site, "title": "友情链接 partners page", "description": "Machinery exporters", "placement": "PARTNERS_PAGE", "kind": kind, "languages": ["zh_cn", "en"], "categories": [category], "slots": 3 } }),
        )
        .await?;
    str_at(ok(&body)?, "/createLinkOffer/id")
}

pub async fn propose(app: &TestApp, p: &Party, offer: &str) -> Result<String> {
    let body = app
        .graphql_as(
            &p.token,
            "mutation($i: ProposeLinkDealInput!) { proposeLinkDeal(input: $i) { id status } }",
            json!({ "i": { "offerId": offer, "siteId": p.site, "message": "Let us exchange links" } }),
        )
        .await?;
    str_at(ok(&body)?, "/proposeLinkDeal/id")
}

pub async fn deal_op(app: &TestApp, token: &str, op: &str, id: &str) -> Result<Value> {
    app.graphql_as(
        token,
        &format!("mutation($id: ID!) {{ {op}(id: $id) {{ {DEAL} }} }}"),
        json!({ "id": id }),
    )
    .await
}

pub async fn place(
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

pub fn link_page(to: &str, anchor: &str) -> Page {
    Page::html(&format!(
        "<html><body><p>友情链接</p><a href=\"https://www.{to}/\">{anchor}</a></body></html>"
    ))
}

pub async fn webhook_events(app: &TestApp, deal: &str) -> Result<Vec<(String, String)>> {
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

pub async fn alpha_owner_token(app: &TestApp, domain: &str) -> Result<String> {
    let body = app
        .graphql("mutation($e: String!) { login(email: $e, password: \"correct horse battery\") { accessToken } }", json!({ "e": format!("owner@{domain}") }))
        .await?;
    str_at(ok(&body)?, "/login/accessToken")
}

pub async fn wait_for(app: &TestApp, token: &str, deal: &str, status: &str) -> Result<()> {
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
