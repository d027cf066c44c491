//! Titles and slugs must show something: zero-width, format and control characters (and
//! combining marks with nothing to sit on) make neither a title nor a slug.
use anyhow::Result;
use serde_json::json;
use wharf_tests::{TestApp, e2e, error_code, error_field, ok};

e2e!(
    a_title_of_invisible_characters_is_refused,
    an_invisible_slug_is_refused
);

const CREATE: &str =
    "mutation($input: CreateArticleInput!) { createArticle(input: $input) { id slug title } }";

/// Titles that show nothing: zero-width space, non-joiner, joiner, word joiner, BOM, soft
/// hyphen, bidi controls, combining marks alone, a Hangul filler, tag characters.
const INVISIBLE: &[&str] = &[
    "\u{200B}",
    "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}",
    "\u{00AD}\u{00AD}",
    "\u{202E}\u{202D}\u{2066}\u{2069}\u{200E}\u{200F}",
    "\u{0301}\u{0308}",
    "\u{3164}",
    "\u{E0001}\u{E0041}",
    " \u{200B} \u{FEFF} ",
];

async fn site(app: &TestApp) -> Result<(String, String)> {
    let ann = app.signup("ann@invisible.example.com").await?;
    let site = app
        .create_site(&ann.token, "invisible.example.com", &["en"])
        .await?;
    Ok((ann.token, site))
}

async fn a_title_of_invisible_characters_is_refused(app: TestApp) -> Result<()> {
    let (token, site) = site(&app).await?;
    for title in INVISIBLE {
        let body = app
            .graphql_as(
                &token,
                CREATE,
                json!({ "input": { "siteId": site, "title": title } }),
            )
            .await?;
        assert_eq!(error_code(&body)?, "BAD_USER_INPUT", "{title:?}: {body}");
        assert_eq!(error_field(&body).as_deref(), Some("title"), "{title:?}");
    }
    // Renaming to an invisible title is refused too.
    let created = app
        .create_article(&token, json!({ "siteId": site, "title": "Visible" }))
        .await?;
    let renamed = app
        .graphql_as(
            &token,
            "mutation($id: ID!, $title: String!) { updateArticle(id: $id, input: { title: $title }) { title } }",
            json!({ "id": created["id"], "title": "\u{200B}\u{FEFF}" }),
        )
        .await?;
    assert_eq!(error_code(&renamed)?, "BAD_USER_INPUT", "{renamed}");
    assert_eq!(error_field(&renamed).as_deref(), Some("title"));
    // Invisible characters inside a visible title stay in the title but not in the slug.
    let mixed = app
        .graphql_as(
            &token,
            CREATE,
            json!({ "input": { "siteId": site, "title": "Trade\u{200B}\u{00AD}fair\u{FEFF} 2026" } }),
        )
        .await?;
    let mixed = &ok(&mixed)?["createArticle"];
    assert_eq!(mixed["slug"], "tradefair-2026", "{mixed}");
    Ok(())
}

async fn an_invisible_slug_is_refused(app: TestApp) -> Result<()> {
    let (token, site) = site(&app).await?;
    for slug in INVISIBLE.iter().copied().chain([
        "a\u{FEFF}b",
        "\u{2060}hello",
        "a-\u{0301}b",
        "hello\u{E0001}",
    ]) {
        let body = app
            .graphql_as(
                &token,
                CREATE,
                json!({ "input": { "siteId": site, "title": "Visible title", "slug": slug } }),
            )
            .await?;
        assert_eq!(error_code(&body)?, "BAD_USER_INPUT", "{slug:?}: {body}");
        assert_eq!(error_field(&body).as_deref(), Some("slug"), "{slug:?}");
    }
    let ok_body = app
        .graphql_as(
            &token,
            CREATE,
            json!({ "input": { "siteId": site, "title": "Visible title", "slug": "café-2026" } }),
        )
        .await?;
    assert_eq!(ok(&ok_body)?["createArticle"]["slug"], "café-2026");
    Ok(())
}
