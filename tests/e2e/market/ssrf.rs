//! SSRF: verification never reaches loopback, private or metadata addresses unless allowed.
use super::*;
use anyhow::Result;
use serde_json::json;
use wharf_tests::{Page, PartnerServer, TestApp, e2e, ok};

e2e!(partner = guarded; verification_refuses_private_loopback_metadata_and_redirected_addresses);
e2e!(partner = production; in_production_loopback_is_refused_without_an_allow_list);

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

async fn in_production_loopback_is_refused_without_an_allow_list(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app.create_site(&ann.token, ALPHA, &["en"]).await?;
    partner.set(ALPHA, "/", Page::html("<html></html>"));
    let body = app
        .graphql_as(
            &ann.token,
            "mutation($id: ID!) { verifySite(siteId: $id) { verified detail } }",
            json!({ "id": site }),
        )
        .await?;
    let v = &ok(&body)?["verifySite"];
    assert_eq!(v["verified"], false);
    assert!(
        v["detail"]
            .as_str()
            .is_some_and(|d| d.contains("refused to connect to alpha.test (127.0.0.1)")),
        "{v}"
    );
    assert_eq!(partner.hits(ALPHA, "/"), 0, "nothing may reach the server");
    Ok(())
}
