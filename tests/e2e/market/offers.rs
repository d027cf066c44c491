//! Offers and site profiles: listing with filters, verification, the market profile.
use super::*;
use anyhow::Result;
use serde_json::{Value, json};
use wharf_tests::{Page, PartnerServer, TestApp, e2e, error_code, ok};

e2e!(partner = quiet;
    anonymous_readers_list_open_offers_with_filters,
    only_verified_sites_offer_and_deal,
    a_site_market_profile_is_edited_by_its_owner,
);

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
    // The token on another site, reached by a redirect from this one, proves nothing.
    let body = app
        .graphql_as(
            &ann.token,
            "query($id: ID!) { site(id: $id) { verificationToken } }",
            json!({ "id": site }),
        )
        .await?;
    let token = ok(&body)?["site"]["verificationToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    partner.set(
        BETA,
        "/",
        Page::html(&format!(
            "<meta name=\"wharf-site-verification\" content=\"{token}\">"
        )),
    );
    partner.set(ALPHA, "/", Page::redirect(302, &format!("http://{BETA}/")));
    let body = app
        .graphql_as(
            &ann.token,
            "mutation($id: ID!) { verifySite(siteId: $id) { verified detail } }",
            json!({ "id": site }),
        )
        .await?;
    let v = &ok(&body)?["verifySite"];
    assert_eq!(v["verified"], false, "{v}");
    assert!(
        v["detail"]
            .as_str()
            .is_some_and(|d| d.contains("redirects off the site")),
        "{v}"
    );
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
