//! Sites: creation, normalized domains, lookups, owners and members.
use anyhow::Result;
use serde_json::json;
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    a_site_domain_is_normalized_and_its_creator_owns_it,
    the_same_domain_in_another_form_conflicts,
    sites_are_found_by_id_or_any_form_of_domain,
    only_owners_manage_a_site_and_editors_write_content,
    a_site_keeps_at_least_one_owner,
    every_site_id_argument_also_takes_the_domain,
);

async fn a_site_domain_is_normalized_and_its_creator_owns_it(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let body = app
        .graphql_as(
            &ann.token,
            "mutation { createSite(input: { name: \"外贸站\", domain: \"https://WWW.例子.中国/about\", defaultLocale: \"zh_cn\", locales: [\"en\"] }) { domain defaultLocale locales members { role user { id } } } }",
            json!({}),
        )
        .await?;
    let site = &ok(&body)?["createSite"];
    assert_eq!(site["domain"], "xn--fsqu00a.xn--fiqs8s");
    assert_eq!(site["defaultLocale"], "zh-CN");
    assert_eq!(site["locales"], json!(["zh-CN", "en"]));
    assert_eq!(
        site["members"],
        json!([{ "role": "OWNER", "user": { "id": ann.user_id } }])
    );
    Ok(())
}

async fn the_same_domain_in_another_form_conflicts(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    app.create_site(&ann.token, "example.com", &["en"]).await?;
    let body = app
        .graphql_as(
            &ann.token,
            "mutation { createSite(input: { name: \"x\", domain: \"www.EXAMPLE.com\" }) { id } }",
            json!({}),
        )
        .await?;
    assert_eq!(error_code(&body)?, "CONFLICT");
    assert_eq!(error_field(&body).as_deref(), Some("domain"));
    let invalid = app
        .graphql_as(
            &ann.token,
            "mutation { createSite(input: { name: \"x\", domain: \"localhost\" }) { id } }",
            json!({}),
        )
        .await?;
    assert_eq!(error_code(&invalid)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&invalid).as_deref(), Some("domain"));
    let anon = app
        .graphql(
            "mutation { createSite(input: { name: \"x\", domain: \"new.com\" }) { id } }",
            json!({}),
        )
        .await?;
    assert_eq!(error_code(&anon)?, "UNAUTHENTICATED");
    let count =
        ok(&app.graphql("{ sites { totalCount } }", json!({})).await?)?["sites"]["totalCount"]
            .clone();
    assert_eq!(count, 1, "refused sites must not be stored");
    Ok(())
}

async fn sites_are_found_by_id_or_any_form_of_domain(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let id = app
        .create_site(&ann.token, "shop.example.com", &["en"])
        .await?;
    let by_domain = app
        .graphql(
            "{ site(domain: \"HTTPS://www.shop.example.com/\") { id domain } }",
            json!({}),
        )
        .await?;
    assert_eq!(str_at(ok(&by_domain)?, "/site/id")?, id);
    let by_id = app
        .graphql(
            "query($id: ID!) { site(id: $id) { domain } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(str_at(ok(&by_id)?, "/site/domain")?, "shop.example.com");
    let missing = app
        .graphql(
            "{ site(domain: \"missing.example.com\") { id } }",
            json!({}),
        )
        .await?;
    assert_eq!(error_code(&missing)?, "NOT_FOUND");
    assert_eq!(missing["data"]["site"], json!(null));
    let bad_id = app
        .graphql("{ site(id: \"not-a-uuid\") { id } }", json!({}))
        .await?;
    assert_eq!(error_code(&bad_id)?, "BAD_USER_INPUT");
    Ok(())
}

async fn only_owners_manage_a_site_and_editors_write_content(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@example.com").await?;
    let editor = app.signup("editor@example.com").await?;
    let stranger = app.signup("stranger@example.com").await?;
    let site = app
        .create_site(&owner.token, "owned.example.com", &["en"])
        .await?;
    let add = app
        .graphql_as(
            &owner.token,
            "mutation($s: ID!) { setSiteMember(siteId: $s, email: \"editor@example.com\", role: EDITOR) { role user { id } } }",
            json!({ "s": site }),
        )
        .await?;
    assert_eq!(ok(&add)?["setSiteMember"]["role"], "EDITOR");

    let rename = "mutation($id: ID!) { updateSite(id: $id, input: { name: \"New\" }) { name } }";
    assert_eq!(
        error_code(
            &app.graphql_as(&editor.token, rename, json!({ "id": site }))
                .await?
        )?,
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(
            &app.graphql_as(&stranger.token, rename, json!({ "id": site }))
                .await?
        )?,
        "FORBIDDEN"
    );
    ok(&app
        .graphql_as(&owner.token, rename, json!({ "id": site }))
        .await?)?;

    let article = app
        .create_article(
            &editor.token,
            json!({ "siteId": site, "title": "Editor's note" }),
        )
        .await?;
    assert_eq!(article["status"], "DRAFT");
    let stranger_write = app
        .graphql_as(
            &stranger.token,
            "mutation($s: ID!) { createArticle(input: { siteId: $s, title: \"x\" }) { id } }",
            json!({ "s": site }),
        )
        .await?;
    assert_eq!(error_code(&stranger_write)?, "FORBIDDEN");
    let members = app
        .graphql_as(
            &stranger.token,
            "query($id: ID!) { site(id: $id) { members { role } } }",
            json!({ "id": site }),
        )
        .await?;
    assert_eq!(error_code(&members)?, "FORBIDDEN");

    let delete = "mutation($id: ID!) { deleteSite(id: $id) }";
    assert_eq!(
        error_code(
            &app.graphql_as(&editor.token, delete, json!({ "id": site }))
                .await?
        )?,
        "FORBIDDEN"
    );
    assert_eq!(
        ok(&app
            .graphql_as(&owner.token, delete, json!({ "id": site }))
            .await?)?["deleteSite"],
        json!(site)
    );
    let gone = app
        .graphql(
            "query($id: ID!) { site(id: $id) { id } }",
            json!({ "id": site }),
        )
        .await?;
    assert_eq!(error_code(&gone)?, "NOT_FOUND");
    Ok(())
}

async fn a_site_keeps_at_least_one_owner(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@example.com").await?;
    let site = app
        .create_site(&owner.token, "solo.example.com", &["en"])
        .await?;
    let body = app
        .graphql_as(
            &owner.token,
            "mutation($s: ID!, $u: ID!) { removeSiteMember(siteId: $s, userId: $u) }",
            json!({ "s": site, "u": owner.user_id }),
        )
        .await?;
    assert_eq!(error_code(&body)?, "CONFLICT");
    Ok(())
}

async fn every_site_id_argument_also_takes_the_domain(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@either.example.com").await?;
    let site = app
        .create_site(&owner.token, "either.example.com", &["en"])
        .await?;
    app.signup("ed@either.example.com").await?;
    // The domain in any form a `site` argument accepts, here with www and capitals.
    let domain = "WWW.Either.example.com";
    let writes = [
        (
            "mutation($s: ID!) { createArticle(input: { siteId: $s, title: \"By domain\" }) { site { id } } }",
            "/createArticle/site/id",
        ),
        (
            "mutation($s: ID!) { createTag(input: { siteId: $s, name: \"Fairs\" }) { siteId } }",
            "/createTag/siteId",
        ),
        (
            "mutation($s: ID!) { createWebhook(input: { siteId: $s, url: \"https://hooks.example.com/x\", events: [\"article.published\"] }) { siteId } }",
            "/createWebhook/siteId",
        ),
        (
            "mutation($s: ID!) { createApiToken(input: { name: \"ci\", scopes: [\"content:read\"], siteId: $s }) { apiToken { siteId } } }",
            "/createApiToken/apiToken/siteId",
        ),
        (
            "query($s: ID!) { webhooks(siteId: $s) { siteId } }",
            "/webhooks/0/siteId",
        ),
    ];
    for (query, pointer) in writes {
        let body = app
            .graphql_as(&owner.token, query, json!({ "s": domain }))
            .await?;
        assert_eq!(str_at(ok(&body)?, pointer)?, site, "{query}");
    }
    let member = app
        .graphql_as(
            &owner.token,
            "mutation($s: ID!) { setSiteMember(siteId: $s, email: \"ed@either.example.com\", role: EDITOR) { role } }",
            json!({ "s": "either.example.com" }),
        )
        .await?;
    assert_eq!(ok(&member)?["setSiteMember"]["role"], "EDITOR");
    // The ID keeps working as before.
    let by_id = app
        .graphql_as(
            &owner.token,
            "query($s: ID!) { webhooks(siteId: $s) { siteId } }",
            json!({ "s": site }),
        )
        .await?;
    assert_eq!(str_at(ok(&by_id)?, "/webhooks/0/siteId")?, site);

    // An unknown domain is NOT_FOUND on the argument; something that is neither an ID nor a
    // domain is BAD_USER_INPUT on it; both change nothing.
    for (value, code) in [
        ("nowhere.example.com", "NOT_FOUND"),
        ("not a domain!", "BAD_USER_INPUT"),
    ] {
        let body = app
            .graphql_as(
                &owner.token,
                "mutation($s: ID!) { createTag(input: { siteId: $s, name: \"Other\" }) { id } }",
                json!({ "s": value }),
            )
            .await?;
        assert_eq!(error_code(&body)?, code, "{body}");
        assert_eq!(
            error_field(&body).as_deref(),
            Some("input.siteId"),
            "{body}"
        );
        let body = app
            .graphql_as(
                &owner.token,
                "mutation($s: ID!) { createArticle(input: { siteId: $s, title: \"Nowhere\" }) { id } }",
                json!({ "s": value }),
            )
            .await?;
        assert_eq!(error_code(&body)?, code, "{body}");
        assert!(
            error_field(&body).is_some_and(|f| f.ends_with("siteId")),
            "{body}"
        );
    }
    let tags = app
        .graphql_as(
            &owner.token,
            "{ tags(site: \"either.example.com\") { totalCount } }",
            json!({}),
        )
        .await?;
    assert_eq!(ok(&tags)?["tags"]["totalCount"], 1);
    Ok(())
}
