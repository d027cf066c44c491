//! `extensions.reason` and `extensions.params`: what a client needs to word an error in its own
//! language (the Studio does, in English and Chinese), beside the unchanged English message.
//! Articles here; the catalogue and lists, inquiries, sessions and tokens, and deals in the
//! submodules, and a sweep of bad input over many mutations in `sweep.rs`.
mod catalogue;
mod deals;
mod inquiries;
mod sessions;
mod sweep;

use anyhow::{Result, ensure};
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, str_at};

e2e!(
    a_too_long_title_is_refused_with_its_limit,
    a_taken_slug_is_refused_as_taken,
    a_save_from_a_stale_version_names_both_versions,
    a_locale_the_site_does_not_offer_is_refused_with_the_ones_it_does,
);

const CREATE: &str =
    "mutation($input: CreateArticleInput!) { createArticle(input: $input) { id version } }";

/// The first error's message and extensions.
pub(crate) fn first_error(body: &Value) -> Result<(String, Value)> {
    let message = str_at(body, "/errors/0/message")?;
    let extensions = body
        .pointer("/errors/0/extensions")
        .cloned()
        .unwrap_or(Value::Null);
    ensure!(extensions.is_object(), "no error extensions in {body}");
    Ok((message, extensions))
}

/// An account with a site in `locales`; returns (token, site ID).
async fn site(app: &TestApp, locales: &[&str]) -> Result<(String, String)> {
    let auth = app.signup("reasons@example.com").await?;
    let site = app
        .create_site(&auth.token, "reasons.example.com", locales)
        .await?;
    Ok((auth.token, site))
}

async fn a_too_long_title_is_refused_with_its_limit(app: TestApp) -> Result<()> {
    let (token, site) = site(&app, &["en"]).await?;
    let body = app
        .graphql_as(
            &token,
            CREATE,
            json!({ "input": { "siteId": site, "title": "标".repeat(301), "body": "b" } }),
        )
        .await?;
    let (message, extensions) = first_error(&body)?;
    assert_eq!(message, "title must be at most 300 characters");
    assert_eq!(
        extensions,
        json!({
            "code": "BAD_USER_INPUT",
            "field": "title",
            "fieldPath": "input.title",
            "reason": "TOO_LONG",
            "params": { "max": 300 },
        })
    );
    Ok(())
}

async fn a_taken_slug_is_refused_as_taken(app: TestApp) -> Result<()> {
    let (token, site) = site(&app, &["en"]).await?;
    let input = json!({ "siteId": site, "title": "Price list", "slug": "price-list", "body": "b" });
    app.create_article(&token, input.clone()).await?;
    let body = app
        .graphql_as(&token, CREATE, json!({ "input": input }))
        .await?;
    let (message, extensions) = first_error(&body)?;
    assert_eq!(
        message,
        "an article with this slug already exists in this locale"
    );
    assert_eq!(
        extensions,
        json!({
            "code": "CONFLICT",
            "field": "slug",
            "fieldPath": "input.slug",
            "reason": "SLUG_TAKEN",
        }),
        "a reason without parameters has no `params`"
    );
    Ok(())
}

async fn a_save_from_a_stale_version_names_both_versions(app: TestApp) -> Result<()> {
    let (token, site) = site(&app, &["en"]).await?;
    let created = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "Catalogue", "body": "v1" }),
        )
        .await?;
    let id = str_at(&created, "/id")?;
    let update = "mutation($id: ID!, $body: String!) { updateArticle(id: $id, input: { body: $body, expectedVersion: 1 }) { version } }";
    let first = app
        .graphql_as(&token, update, json!({ "id": id, "body": "mine" }))
        .await?;
    ensure!(first["errors"].is_null(), "{first}");
    let second = app
        .graphql_as(&token, update, json!({ "id": id, "body": "theirs" }))
        .await?;
    let (message, extensions) = first_error(&second)?;
    assert_eq!(
        message,
        "the article is at version 2, not 1; reload it and apply your change again"
    );
    assert_eq!(
        extensions,
        json!({
            "code": "CONFLICT",
            "field": "expectedVersion",
            "fieldPath": "input.expectedVersion",
            "reason": "STALE_VERSION",
            "params": { "current": 2, "expected": 1 },
        })
    );
    Ok(())
}

async fn a_locale_the_site_does_not_offer_is_refused_with_the_ones_it_does(
    app: TestApp,
) -> Result<()> {
    let (token, site) = site(&app, &["en", "de"]).await?;
    let body = app
        .graphql_as(
            &token,
            CREATE,
            json!({ "input": { "siteId": site, "title": "展会", "locale": "zh_cn", "body": "b" } }),
        )
        .await?;
    let (message, extensions) = first_error(&body)?;
    assert_eq!(
        message,
        "zh-CN is not a locale of this site; its locales are en, de"
    );
    assert_eq!(
        extensions,
        json!({
            "code": "BAD_USER_INPUT",
            "field": "locale",
            "fieldPath": "input.locale",
            "reason": "LOCALE_NOT_OFFERED",
            "params": { "locale": "zh-CN", "locales": "en, de" },
        })
    );
    Ok(())
}
