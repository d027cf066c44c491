//! Who sees what: draft-only tags stay with the site's members, and a site-restricted API token
//! acts only within its site, whatever its owner may do elsewhere.
use anyhow::Result;
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, ok, str_at};

e2e!(
    tags_used_only_by_drafts_are_hidden_from_anonymous_readers_and_other_sites_members,
);

const TAGS: &str = "query($s: String!) { tags(site: $s) { totalCount edges { node { slug } } } }";

fn tag_slugs(body: &Value) -> Result<Vec<String>> {
    let edges = ok(body)?["tags"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    Ok(edges
        .iter()
        .filter_map(|e| e["node"]["slug"].as_str().map(str::to_owned))
        .collect())
}

async fn tags_used_only_by_drafts_are_hidden_from_anonymous_readers_and_other_sites_members(
    app: TestApp,
) -> Result<()> {
    let owner = app.signup("tess@example.com").await?;
    let site = app
        .create_site(&owner.token, "tess-tags.com", &["en"])
        .await?;
    let public = app
        .create_article(
            &owner.token,
            json!({ "siteId": site, "title": "Out", "tags": ["shipping", "ports"] }),
        )
        .await?;
    app.publish(&owner.token, &str_at(&public, "/id")?).await?;
    // A draft with a tag nobody outside should learn of, and one it shares with the public one.
    app.create_article(
        &owner.token,
        json!({ "siteId": site, "title": "Secret", "tags": ["merger-with-acme", "ports"] }),
    )
    .await?;
    // A tag created on its own, on no article at all.
    let created = app
        .graphql_as(
            &owner.token,
            "mutation($s: ID!) { createTag(input: { siteId: $s, name: \"Unused plan\" }) { id } }",
            json!({ "s": site }),
        )
        .await?;
    ok(&created)?;

    let anonymous = app.graphql(TAGS, json!({ "s": site })).await?;
    assert_eq!(tag_slugs(&anonymous)?, ["ports", "shipping"]);
    assert_eq!(ok(&anonymous)?["tags"]["totalCount"], 2);

    let stranger = app.signup("ulf@example.com").await?;
    app.create_site(&stranger.token, "ulf-own.com", &["en"])
        .await?;
    let foreign = app
        .graphql_as(&stranger.token, TAGS, json!({ "s": "tess-tags.com" }))
        .await?;
    assert_eq!(tag_slugs(&foreign)?, ["ports", "shipping"]);

    let member = app
        .graphql_as(&owner.token, TAGS, json!({ "s": site }))
        .await?;
    assert_eq!(
        tag_slugs(&member)?,
        ["merger-with-acme", "ports", "shipping", "unused-plan"]
    );
    assert_eq!(ok(&member)?["tags"]["totalCount"], 4);

    // Unpublishing the only article that carried a tag hides the tag again.
    let unpublish = app
        .graphql_as(
            &owner.token,
            "mutation($id: ID!) { unpublishArticle(id: $id) { status } }",
            json!({ "id": str_at(&public, "/id")? }),
        )
        .await?;
    ok(&unpublish)?;
    let after = app.graphql(TAGS, json!({ "s": site })).await?;
    assert_eq!(tag_slugs(&after)?, Vec::<String>::new());
    assert_eq!(ok(&after)?["tags"]["totalCount"], 0);
    Ok(())
}
