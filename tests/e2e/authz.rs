//! Who sees what: draft-only tags stay with the site's members, and a site-restricted API token
//! acts only within its site, whatever its owner may do elsewhere.
use anyhow::Result;
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, error_code, ok, str_at};

e2e!(
    tags_used_only_by_drafts_are_hidden_from_anonymous_readers_and_other_sites_members,
    a_site_restricted_token_cannot_read_or_write_its_owners_other_site,
    an_admins_site_restricted_token_has_no_admin_powers_outside_its_site,
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

const CREATE_TOKEN: &str =
    "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }";
const MEMBERS: &str = "query($id: ID!) { site(id: $id) { members { role user { id } } } }";

async fn token_for(app: &TestApp, session: &str, site: &str) -> Result<String> {
    let created = app
        .graphql_as(
            session,
            CREATE_TOKEN,
            json!({ "input": {
                "name": "site A only",
                "scopes": ["content:write", "deals:write"],
                "siteId": site,
            } }),
        )
        .await?;
    str_at(ok(&created)?, "/createApiToken/token")
}

async fn a_site_restricted_token_cannot_read_or_write_its_owners_other_site(
    app: TestApp,
) -> Result<()> {
    let owner = app.signup("vera@example.com").await?;
    let a = app.create_site(&owner.token, "vera-a.com", &["en"]).await?;
    let b = app.create_site(&owner.token, "vera-b.com", &["en"]).await?;
    let b_draft = app
        .create_article(&owner.token, json!({ "siteId": b, "title": "B draft" }))
        .await?;
    let b_draft = str_at(&b_draft, "/id")?;
    let token = token_for(&app, &owner.token, &a).await?;

    // Within its site the token works.
    let own = app.graphql_as(&token, MEMBERS, json!({ "id": a })).await?;
    assert_eq!(ok(&own)?["site"]["members"][0]["role"], "OWNER");

    // Reads of B: members refused, drafts hidden, media refused, deals empty.
    let members = app.graphql_as(&token, MEMBERS, json!({ "id": b })).await?;
    assert_eq!(error_code(&members)?, "FORBIDDEN", "{members}");
    assert!(!members.to_string().contains(&owner.user_id), "{members}");
    let draft = app
        .graphql_as(
            &token,
            "query($id: ID!) { article(id: $id) { id } }",
            json!({ "id": b_draft }),
        )
        .await?;
    assert_eq!(error_code(&draft)?, "NOT_FOUND", "{draft}");
    let drafts = app
        .graphql_as(
            &token,
            "query($s: String!) { articles(filter: { site: $s, status: DRAFT }) { totalCount } }",
            json!({ "s": b }),
        )
        .await?;
    assert_eq!(ok(&drafts)?["articles"]["totalCount"], 0);
    let media = app
        .graphql_as(
            &token,
            "query($s: String!) { siteMedia(site: $s) { totalCount } }",
            json!({ "s": b }),
        )
        .await?;
    assert_eq!(error_code(&media)?, "FORBIDDEN", "{media}");
    let deals = app
        .graphql_as(
            &token,
            "query($s: String!) { linkDeals(filter: { site: $s }) { totalCount } }",
            json!({ "s": b }),
        )
        .await?;
    assert_eq!(ok(&deals)?["linkDeals"]["totalCount"], 0);
    let webhooks = app
        .graphql_as(
            &token,
            "query($s: ID!) { webhooks(siteId: $s) { id } }",
            json!({ "s": b }),
        )
        .await?;
    assert_eq!(error_code(&webhooks)?, "FORBIDDEN", "{webhooks}");

    // Writes to B: every one refused.
    let writes: [(&str, Value); 7] = [
        (
            "mutation($s: ID!) { createArticle(input: { siteId: $s, title: \"By token\" }) { id } }",
            json!({ "s": b }),
        ),
        (
            "mutation($id: ID!) { updateArticle(id: $id, input: { title: \"Changed\" }) { id } }",
            json!({ "id": b_draft }),
        ),
        (
            "mutation($id: ID!) { publishArticle(id: $id) { id } }",
            json!({ "id": b_draft }),
        ),
        (
            "mutation($s: ID!) { createTag(input: { siteId: $s, name: \"x\" }) { id } }",
            json!({ "s": b }),
        ),
        (
            "mutation($s: ID!) { updateSite(id: $s, input: { name: \"Taken\" }) { id } }",
            json!({ "s": b }),
        ),
        (
            "mutation($s: ID!) { setSiteMember(siteId: $s, email: \"vera@example.com\", role: EDITOR) { role } }",
            json!({ "s": b }),
        ),
        (
            "mutation($s: ID!) { createWebhook(input: { siteId: $s, url: \"https://hooks.example.com/x\", events: [\"article.published\"] }) { id } }",
            json!({ "s": b }),
        ),
    ];
    for (query, vars) in writes {
        let body = app.graphql_as(&token, query, vars).await?;
        let code = error_code(&body)?;
        assert!(
            code == "FORBIDDEN" || code == "NOT_FOUND",
            "{query} answered {body}"
        );
    }
    let offer = app
        .graphql_as(
            &token,
            "mutation($s: ID!) { createLinkOffer(input: { siteId: $s, title: \"Links\", placement: FOOTER, kind: ONE_WAY, slots: 1 }) { id } }",
            json!({ "s": b }),
        )
        .await?;
    assert_eq!(error_code(&offer)?, "FORBIDDEN", "{offer}");

    // Nothing of B changed.
    let site = app
        .graphql_as(
            &owner.token,
            "query($id: ID!) { site(id: $id) { name members { role } } }",
            json!({ "id": b }),
        )
        .await?;
    assert_eq!(ok(&site)?["site"]["name"], "vera-b.com");
    assert_eq!(
        ok(&site)?["site"]["members"].as_array().map(Vec::len),
        Some(1)
    );
    Ok(())
}

async fn an_admins_site_restricted_token_has_no_admin_powers_outside_its_site(
    app: TestApp,
) -> Result<()> {
    wharf::services::user::ensure_admin(
        &app.db,
        "wes@example.com",
        "Admin passphrase for Wes 2024".to_owned().into(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let login = app
        .graphql(
            "mutation { login(email: \"wes@example.com\", password: \"Admin passphrase for Wes 2024\") { accessToken } }",
            json!({}),
        )
        .await?;
    let admin = str_at(ok(&login)?, "/login/accessToken")?;
    let user = app.signup("xia@example.com").await?;
    let a = app.create_site(&user.token, "xia-a.com", &["en"]).await?;
    let b = app.create_site(&user.token, "xia-b.com", &["en"]).await?;
    let token = token_for(&app, &admin, &a).await?;

    // On its site, the admin's token acts as an admin although the admin is no member.
    let own = app.graphql_as(&token, MEMBERS, json!({ "id": a })).await?;
    assert_eq!(
        ok(&own)?["site"]["members"][0]["user"]["id"],
        json!(user.user_id)
    );
    let write = app
        .graphql_as(
            &token,
            "mutation($s: ID!) { createArticle(input: { siteId: $s, title: \"Admin note\" }) { id } }",
            json!({ "s": a }),
        )
        .await?;
    ok(&write)?;

    // Elsewhere it has none of them.
    let members = app.graphql_as(&token, MEMBERS, json!({ "id": b })).await?;
    assert_eq!(error_code(&members)?, "FORBIDDEN", "{members}");
    let write = app
        .graphql_as(
            &token,
            "mutation($s: ID!) { createArticle(input: { siteId: $s, title: \"No\" }) { id } }",
            json!({ "s": b }),
        )
        .await?;
    assert_eq!(error_code(&write)?, "FORBIDDEN", "{write}");
    // Nor the global power to read other accounts' private fields.
    let emails = app
        .graphql_as(
            &token,
            "query($id: ID!) { site(id: $id) { members { user { email } } } }",
            json!({ "id": a }),
        )
        .await?;
    assert_eq!(
        ok(&emails)?["site"]["members"][0]["user"]["email"],
        Value::Null
    );
    Ok(())
}
