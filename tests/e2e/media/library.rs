//! The media library: alt text changed and bounded, and where the site's articles use an item
//! (cover, og:image, or its URL or key in a body), for those who may change the site's content.
use super::*;
use std::collections::BTreeSet;

e2e!(alt_text_is_changed_cleared_and_bounded_by_who_may_change_content);
e2e!(media; usage_lists_the_articles_of_the_site_that_use_an_item);

const UPDATE: &str =
    "mutation($id: ID!, $alt: String) { updateMedia(id: $id, alt: $alt) { id alt filename } }";
const USAGE: &str = "query($id: ID!) { media(id: $id) { usage { inUse articles { id } } } }";

/// Makes `email` an editor of `site`; returns their access token.
async fn editor(app: &TestApp, owner: &str, site: &str, email: &str) -> Result<String> {
    let auth = app.signup(email).await?;
    let set = app
        .graphql_as(
            owner,
            "mutation($s: ID!, $e: String!) { setSiteMember(siteId: $s, email: $e, role: EDITOR) { role } }",
            json!({ "s": site, "e": email }),
        )
        .await?;
    ok(&set)?;
    Ok(auth.token)
}

/// An API token of `owner` with `scopes`.
async fn api_token(app: &TestApp, owner: &str, scopes: Value) -> Result<String> {
    let body = app
        .graphql_as(
            owner,
            "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
            json!({ "i": { "name": "t", "scopes": scopes } }),
        )
        .await?;
    str_at(ok(&body)?, "/createApiToken/token")
}

async fn alt_text_is_changed_cleared_and_bounded_by_who_may_change_content(
    app: TestApp,
) -> Result<()> {
    let (owner, site) = setup(&app).await?;
    let item = upload_ok(
        &app,
        &owner,
        &site,
        "booth.png",
        "image/png",
        png(4, 3, 200),
    )
    .await?;
    let id = str_at(&item, "/id")?;

    let set = app
        .graphql_as(
            &owner,
            UPDATE,
            json!({ "id": id, "alt": "  Our booth at the Canton Fair 广交会  " }),
        )
        .await?;
    assert_eq!(
        ok(&set)?["updateMedia"]["alt"],
        "Our booth at the Canton Fair 广交会"
    );
    assert_eq!(ok(&set)?["updateMedia"]["filename"], "booth.png");
    let read = app
        .graphql_as(
            &owner,
            "query($id: ID!) { media(id: $id) { alt } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(
        ok(&read)?["media"]["alt"],
        "Our booth at the Canton Fair 广交会"
    );

    let editor = editor(&app, &owner, &site, "editor@media.example.com").await?;
    for cleared in [json!(null), json!("   ")] {
        let body = app
            .graphql_as(&editor, UPDATE, json!({ "id": id, "alt": cleared }))
            .await?;
        assert_eq!(ok(&body)?["updateMedia"]["alt"], Value::Null);
    }

    let long = "长".repeat(1001);
    for bad in [long.as_str(), "line\u{0}break"] {
        let body = app
            .graphql_as(&owner, UPDATE, json!({ "id": id, "alt": bad }))
            .await?;
        assert_eq!(error_code(&body)?, "BAD_USER_INPUT");
        assert_eq!(error_field(&body).as_deref(), Some("alt"));
    }
    let at_limit = "长".repeat(1000);
    ok(&app
        .graphql_as(&owner, UPDATE, json!({ "id": id, "alt": at_limit }))
        .await?)?;

    // Who may not change the site's content cannot change alt text; who may not see the item
    // is told it does not exist.
    let reader = api_token(&app, &owner, json!(["content:read"])).await?;
    let by_reader = app
        .graphql_as(&reader, UPDATE, json!({ "id": id, "alt": "x" }))
        .await?;
    assert_eq!(error_code(&by_reader)?, "FORBIDDEN");
    let stranger = app.signup("stranger@example.com").await?;
    let by_stranger = app
        .graphql_as(&stranger.token, UPDATE, json!({ "id": id, "alt": "x" }))
        .await?;
    assert_eq!(error_code(&by_stranger)?, "NOT_FOUND");
    assert_eq!(
        error_code(&app.graphql(UPDATE, json!({ "id": id, "alt": "x" })).await?)?,
        "NOT_FOUND"
    );
    let unknown = app
        .graphql_as(
            &owner,
            UPDATE,
            json!({ "id": uuid::Uuid::now_v7().to_string(), "alt": "x" }),
        )
        .await?;
    assert_eq!(error_code(&unknown)?, "NOT_FOUND");
    let read = app
        .graphql_as(
            &owner,
            "query($id: ID!) { media(id: $id) { alt } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(ok(&read)?["media"]["alt"], "长".repeat(1000));
    Ok(())
}

/// The IDs of the articles in a `usage` answer.
fn usage_ids(body: &Value) -> Result<BTreeSet<String>> {
    Ok(ok(body)?["media"]["usage"]["articles"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|a| a["id"].as_str().map(str::to_owned))
        .collect())
}

async fn usage_lists_the_articles_of_the_site_that_use_an_item(app: TestApp) -> Result<()> {
    let (owner, site) = setup(&app).await?;
    let photo = upload_ok(
        &app,
        &owner,
        &site,
        "booth_photo.png",
        "image/png",
        png(4, 3, 200),
    )
    .await?;
    let other = upload_ok(
        &app,
        &owner,
        &site,
        "other.png",
        "image/png",
        png(4, 3, 200),
    )
    .await?;
    let unused = upload_ok(
        &app,
        &owner,
        &site,
        "unused.png",
        "image/png",
        png(4, 3, 200),
    )
    .await?;
    let busy = upload_ok(&app, &owner, &site, "busy.png", "image/png", png(4, 3, 200)).await?;
    let (photo_id, photo_key, photo_url) = (
        str_at(&photo, "/id")?,
        str_at(&photo, "/key")?,
        str_at(&photo, "/url")?,
    );

    let new = |input: Value| app.create_article(&owner, input);
    let as_cover = str_at(
        &new(json!({ "siteId": site, "title": "Cover" })).await?,
        "/id",
    )?;
    let cover = app
        .graphql_as(
            &owner,
            "mutation($a: ID!, $m: ID) { setArticleCoverImage(articleId: $a, mediaId: $m) { id } }",
            json!({ "a": as_cover, "m": photo_id }),
        )
        .await?;
    ok(&cover)?;
    let as_og = new(json!({ "siteId": site, "title": "Og", "ogImageId": photo_id })).await?;
    let by_url = new(json!({ "siteId": site, "title": "Url", "body": format!("Look:\n\n![booth]({photo_url})\n") })).await?;
    let by_key = new(
        json!({ "siteId": site, "title": "Key", "body": format!("[file](/media/{photo_key})") }),
    )
    .await?;
    new(json!({ "siteId": site, "title": "Other", "body": format!("![x]({})", str_at(&other, "/url")?) })).await?;
    // The key's `_` is no wildcard: a key that differs there is not a use.
    new(json!({ "siteId": site, "title": "Near", "body": photo_key.replace('_', "-") })).await?;
    // Another site's article never counts, whatever its body says.
    let elsewhere = app
        .create_site(&owner, "elsewhere.example.com", &["en"])
        .await?;
    new(json!({ "siteId": elsewhere, "title": "Elsewhere", "body": photo_url })).await?;

    let usage = app
        .graphql_as(&owner, USAGE, json!({ "id": photo_id }))
        .await?;
    assert_eq!(ok(&usage)?["media"]["usage"]["inUse"], true);
    let expected: BTreeSet<String> = [
        as_cover.clone(),
        str_at(&as_og, "/id")?,
        str_at(&by_url, "/id")?,
        str_at(&by_key, "/id")?,
    ]
    .into_iter()
    .collect();
    assert_eq!(usage_ids(&usage)?, expected);
    let none = app
        .graphql_as(&owner, USAGE, json!({ "id": str_at(&unused, "/id")? }))
        .await?;
    assert_eq!(
        ok(&none)?["media"]["usage"],
        json!({ "inUse": false, "articles": [] })
    );

    // The list stops at 20.
    let busy_key = str_at(&busy, "/key")?;
    for i in 0..21 {
        new(json!({ "siteId": site, "title": format!("Busy {i}"), "body": format!("![b](/media/{busy_key})") })).await?;
    }
    let busy_usage = app
        .graphql_as(&owner, USAGE, json!({ "id": str_at(&busy, "/id")? }))
        .await?;
    assert_eq!(usage_ids(&busy_usage)?.len(), 20);

    // Editors and content:write tokens see it; anyone else gets an error, even through a
    // published article's cover.
    let editor = editor(&app, &owner, &site, "editor@media.example.com").await?;
    let writer = api_token(&app, &owner, json!(["content:write"])).await?;
    for allowed in [&editor, &writer] {
        let body = app
            .graphql_as(allowed, USAGE, json!({ "id": photo_id }))
            .await?;
        assert_eq!(usage_ids(&body)?, expected);
    }
    app.publish(&owner, &as_cover).await?;
    let through_cover =
        "query($id: ID!) { article(id: $id) { title coverImage { id usage { inUse } } } }";
    let anonymous = app
        .graphql(through_cover, json!({ "id": as_cover }))
        .await?;
    assert_eq!(error_code(&anonymous)?, "UNAUTHENTICATED");
    let reader = api_token(&app, &owner, json!(["content:read"])).await?;
    let stranger = app.signup("stranger@example.com").await?;
    for refused in [&reader, &stranger.token] {
        let body = app
            .graphql_as(refused, through_cover, json!({ "id": as_cover }))
            .await?;
        assert_eq!(error_code(&body)?, "FORBIDDEN");
    }
    Ok(())
}
