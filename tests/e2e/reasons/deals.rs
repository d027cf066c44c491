//! Reasons of the link market's sides: a step that is the other side's, a side the caller
//! does not act for, and a caller acting for both sites who names none.
use super::first_error;
use crate::market::{ALPHA, BETA, alpha_owner_token, create_offer, deal_op, party, propose, quiet};
use anyhow::Result;
use serde_json::json;
use wharf_tests::{PartnerServer, TestApp, e2e, ok, str_at};

e2e!(partner = quiet; a_refused_deal_step_names_the_side_it_belongs_to);

const PLACE: &str =
    "mutation($i: SubmitLinkPlacementInput!) { submitLinkPlacement(input: $i) { id } }";

async fn a_refused_deal_step_names_the_side_it_belongs_to(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    let alpha = party(&app, &partner, ALPHA, false).await?;
    let beta = party(&app, &partner, BETA, true).await?;
    let offer = create_offer(&app, &alpha, "RECIPROCAL", "machinery").await?;
    let deal = propose(&app, &beta, &offer).await?;

    // Accepting is the offering site's step, not the proposer's.
    let (message, extensions) =
        first_error(&deal_op(&app, &beta.token, "acceptLinkDeal", &deal).await?)?;
    assert_eq!(
        message,
        "only the offering site may move a deal from proposed to accepted"
    );
    assert_eq!(
        extensions,
        json!({ "code": "FORBIDDEN", "reason": "NOT_YOUR_MOVE",
            "params": { "from": "PROPOSED", "to": "ACCEPTED", "by": "OFFER_SIDE" } })
    );

    // Beta's token acts for the partner side only.
    let placement = |side: Option<&str>| {
        json!({ "i": { "dealId": deal, "side": side, "pageUrl": format!("http://{BETA}/links"),
            "targetUrl": format!("https://{ALPHA}/"), "anchorText": "Alpha" } })
    };
    let (message, extensions) = first_error(
        &app.graphql_as(&beta.token, PLACE, placement(Some("OFFER")))
            .await?,
    )?;
    assert_eq!(message, "you do not act for that side of the deal");
    assert_eq!(
        extensions,
        json!({ "code": "FORBIDDEN", "reason": "NOT_YOUR_SIDE" })
    );

    // Alpha's owner becomes an owner of beta too, and must then say which side they act for.
    let beta_owner = app
        .graphql("mutation { login(email: \"owner@beta.test\", password: \"correct horse battery\") { accessToken } }", json!({}))
        .await?;
    let beta_owner = str_at(ok(&beta_owner)?, "/login/accessToken")?;
    ok(&app
        .graphql_as(
            &beta_owner,
            "mutation($s: ID!) { setSiteMember(siteId: $s, email: \"owner@alpha.test\", role: OWNER) { role } }",
            json!({ "s": beta.site }),
        )
        .await?)?;
    let both = alpha_owner_token(&app, ALPHA).await?;
    let (message, extensions) = first_error(&app.graphql_as(&both, PLACE, placement(None)).await?)?;
    assert_eq!(message, "you act for both sites: name the side");
    assert_eq!(
        extensions,
        json!({ "code": "BAD_USER_INPUT", "field": "side", "fieldPath": "input.side",
            "reason": "SIDE_REQUIRED" })
    );
    // Nothing moved: the deal is still proposed, without placements.
    let read = app
        .graphql_as(
            &both,
            "query($id: ID!) { linkDeal(id: $id) { status version offerPlacement { pageUrl } partnerPlacement { pageUrl } } }",
            json!({ "id": deal }),
        )
        .await?;
    assert_eq!(
        ok(&read)?["linkDeal"],
        json!({ "status": "PROPOSED", "version": 1, "offerPlacement": null, "partnerPlacement": null })
    );
    Ok(())
}
