//! Reasons of inquiries: a buyer's bad fields, and the team's refused handling (spam status,
//! a spam inquiry, a stranger as assignee, a note too long, a token without the scope, the
//! inbox's dates and cursor).
use super::first_error;
use crate::inquiries::{Shop, inquiry_input, quick_tokens, shop, stored, submit};
use anyhow::{Context, Result};
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, ok, str_at};

e2e!(
    settings = quick_tokens;
    a_buyers_bad_field_is_refused_with_its_reason,
    refused_handling_of_an_inquiry_says_why,
);

const SUBMIT: &str = "mutation($i: SubmitInquiryInput!) { submitInquiry(input: $i) { reference } }";

/// Asserts the first error's message and whole extensions.
fn refused(body: &Value, message: &str, extensions: Value) -> Result<()> {
    let (got, ext) = first_error(body)?;
    assert_eq!(got, message, "{body}");
    assert_eq!(ext, extensions, "{message}");
    Ok(())
}

/// A draft product of the shop's site; returns its ID.
async fn draft(app: &TestApp, s: &Shop) -> Result<String> {
    let body = app
        .graphql_as(
            &s.owner,
            "mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }",
            json!({ "i": { "siteId": s.site, "name": "Gate valve (draft)" } }),
        )
        .await?;
    str_at(ok(&body)?, "/createProduct/id")
}

async fn a_buyers_bad_field_is_refused_with_its_reason(app: TestApp) -> Result<()> {
    let s = shop(&app).await?;
    let draft = draft(&app, &s).await?;
    let send = |patch: Value| {
        let app = &app;
        let site = s.site.clone();
        async move {
            let mut input = inquiry_input(&site, "jonas@becker-armaturen.de", "Please quote.")?;
            for (k, v) in patch.as_object().context("a patch")? {
                input[k] = v.clone();
            }
            app.graphql(SUBMIT, json!({ "i": input })).await
        }
    };
    let item = |id: &str, quantity: i64| json!({ "productId": id, "quantity": quantity });
    // A dotted field is a path already: its `fieldPath` is the same (`in_input` adds `input.`
    // to plain names only).
    refused(
        &send(json!({ "items": [item(&s.valve, 1), item(&s.valve, 2)] })).await?,
        "this product is listed twice",
        json!({ "code": "BAD_USER_INPUT", "field": "items.1.productId",
            "fieldPath": "items.1.productId", "reason": "DUPLICATE" }),
    )?;
    refused(
        &send(json!({ "items": [item(&s.valve, 0)] })).await?,
        "quantity must be between 1 and 1000000",
        json!({ "code": "BAD_USER_INPUT", "field": "items.0.quantity",
            "fieldPath": "items.0.quantity", "reason": "OUT_OF_RANGE",
            "params": { "min": 1, "max": 1_000_000 } }),
    )?;
    refused(
        &send(json!({ "items": [item(&draft, 1)] })).await?,
        "no published product of this site has this ID",
        json!({ "code": "BAD_USER_INPUT", "field": "items.0.productId",
            "fieldPath": "items.0.productId", "reason": "PRODUCT_NOT_ON_SITE" }),
    )?;
    refused(
        &send(json!({ "phone": "040 1234567" })).await?,
        "phone must be in international form with the country code, such as +49 40 1234567",
        json!({ "code": "BAD_USER_INPUT", "field": "phone", "fieldPath": "input.phone",
            "reason": "INVALID_PHONE" }),
    )?;
    refused(
        &send(json!({ "proofOfWork": "x".repeat(101) })).await?,
        "proofOfWork must be at most 100 characters",
        json!({ "code": "BAD_USER_INPUT", "field": "proofOfWork",
            "fieldPath": "input.proofOfWork", "reason": "TOO_LONG", "params": { "max": 100 } }),
    )?;
    let inbox = app
        .graphql_as(
            &s.owner,
            "query($s: String!) { inquiries(site: $s) { totalCount } }",
            json!({ "s": crate::inquiries::SITE }),
        )
        .await?;
    assert_eq!(ok(&inbox)?["inquiries"]["totalCount"], 0, "nothing stored");
    Ok(())
}

async fn refused_handling_of_an_inquiry_says_why(app: TestApp) -> Result<()> {
    let s = shop(&app).await?;
    let stranger = app.signup("stranger@example.com").await?;
    let reference = submit(
        &app,
        inquiry_input(&s.site, "ann@shop.example.com", "Price for 500 pieces?")?,
    )
    .await?;
    let id = stored(&app, &reference).await?.id.to_string();
    let call = |token: &str, query: &str, vars: Value| {
        let (token, query) = (token.to_owned(), query.to_owned());
        let app = &app;
        async move { app.graphql_as(&token, &query, vars).await }
    };
    let status = "mutation($id: ID!, $s: InquiryStatus!, $n: String) { setInquiryStatus(id: $id, status: $s, note: $n) { status } }";

    refused(
        &call(&s.owner, status, json!({ "id": id, "s": "SPAM" })).await?,
        "use markInquirySpam to put an inquiry in the spam folder",
        json!({ "code": "BAD_USER_INPUT", "field": "status", "fieldPath": "status",
            "reason": "SPAM_NOT_A_STATUS" }),
    )?;
    refused(
        &call(
            &s.owner,
            status,
            json!({ "id": id, "s": "OPEN", "n": "备".repeat(5001) }),
        )
        .await?,
        "note must be at most 5000 characters",
        json!({ "code": "BAD_USER_INPUT", "field": "note", "fieldPath": "note",
            "reason": "TOO_LONG", "params": { "max": 5000 } }),
    )?;
    refused(
        &call(
            &s.owner,
            "mutation($id: ID!, $a: ID) { assignInquiry(id: $id, assigneeId: $a) { id } }",
            json!({ "id": id, "a": stranger.user_id }),
        )
        .await?,
        "an inquiry can be assigned only to a member of its site",
        json!({ "code": "BAD_USER_INPUT", "field": "assigneeId", "fieldPath": "assigneeId",
            "reason": "ASSIGNEE_NOT_MEMBER" }),
    )?;
    let token = call(
        &s.owner,
        "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
        json!({ "i": { "name": "crm", "scopes": ["inquiries:read"], "siteId": s.site } }),
    )
    .await?;
    let reader = str_at(ok(&token)?, "/createApiToken/token")?;
    refused(
        &call(&reader, status, json!({ "id": id, "s": "CLOSED" })).await?,
        "this API token lacks the inquiries:write scope",
        json!({ "code": "FORBIDDEN", "reason": "TOKEN_SCOPE_MISSING",
            "params": { "scope": "inquiries:write" } }),
    )?;
    ok(&call(
        &s.owner,
        "mutation($id: ID!) { markInquirySpam(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await?)?;
    refused(
        &call(&s.owner, status, json!({ "id": id, "s": "OPEN" })).await?,
        "the inquiry is in the spam folder; take it out with markInquiryNotSpam first",
        json!({ "code": "CONFLICT", "field": "status", "fieldPath": "status",
            "reason": "INQUIRY_IN_SPAM" }),
    )?;
    let inbox = "query($s: String!, $f: InquiryFilter, $after: String) { inquiries(site: $s, filter: $f, after: $after) { totalCount } }";
    refused(
        &call(
            &s.owner,
            inbox,
            json!({ "s": crate::inquiries::SITE,
                "f": { "from": "2026-03-02T00:00:00Z", "to": "2026-03-01T00:00:00Z" } }),
        )
        .await?,
        "filter.to must not be before filter.from",
        json!({ "code": "BAD_USER_INPUT", "field": "filter.to", "fieldPath": "filter.to",
            "reason": "ENDS_BEFORE_START" }),
    )?;
    let bad_cursor = call(
        &s.owner,
        inbox,
        json!({ "s": crate::inquiries::SITE, "after": "not-a-cursor" }),
    )
    .await?;
    assert_eq!(first_error(&bad_cursor)?.1["reason"], "INVALID_CURSOR");
    // Nothing changed: still in the spam folder, unassigned, no status note.
    let row = stored(&app, &reference).await?;
    assert_eq!(row.status, entities::inquiry::InquiryStatus::Spam);
    assert_eq!(row.assignee_id, None);
    Ok(())
}
