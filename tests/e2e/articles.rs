//! Articles: slugs in any script, visibility, publishing, updates, deletion, bad input.
use anyhow::Result;
use serde_json::json;
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    slugs_are_generated_from_chinese_and_latin_titles_and_kept_unique,
    an_invalid_or_taken_slug_is_refused_and_nothing_is_stored,
    anonymous_readers_see_published_articles_only,
    an_article_is_found_by_site_domain_slug_and_locale,
    updating_an_article_changes_it_and_its_tags,
    deleting_an_article_removes_it,
    bad_article_input_names_the_field_and_changes_nothing,
);

async fn slugs_are_generated_from_chinese_and_latin_titles_and_kept_unique(
    app: TestApp,
) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "trade.example.com", &["zh-CN", "en"])
        .await?;
    let zh = app
        .create_article(
            &ann.token,
            json!({ "siteId": site, "title": "扩散模型入门：从原理到实践" }),
        )
        .await?;
    assert_eq!(zh["slug"], "扩散模型入门-从原理到实践");
    assert_eq!(zh["locale"], "zh-CN");
    let again = app
        .create_article(
            &ann.token,
            json!({ "siteId": site, "title": "扩散模型入门：从原理到实践" }),
        )
        .await?;
    assert_eq!(again["slug"], "扩散模型入门-从原理到实践-2");
    let en = app
        .create_article(
            &ann.token,
            json!({ "siteId": site, "locale": "en", "title": "Incoterms 2020: FOB vs. CIF" }),
        )
        .await?;
    assert_eq!(en["slug"], "incoterms-2020-fob-vs-cif");
    let emoji = app
        .create_article(&ann.token, json!({ "siteId": site, "title": "🎉🎉" }))
        .await?;
    assert!(str_at(&emoji, "/slug")?.starts_with("article-"));
    // The same slug is free in another locale.
    let same = app
        .create_article(&ann.token, json!({ "siteId": site, "locale": "en", "title": "x", "slug": "扩散模型入门-从原理到实践" }))
        .await?;
    assert_eq!(same["slug"], "扩散模型入门-从原理到实践");
    Ok(())
}

async fn an_invalid_or_taken_slug_is_refused_and_nothing_is_stored(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "slugs.example.com", &["en"])
        .await?;
    app.create_article(
        &ann.token,
        json!({ "siteId": site, "title": "One", "slug": "taken" }),
    )
    .await?;
    let create = "mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }";
    let taken = app
        .graphql_as(
            &ann.token,
            create,
            json!({ "input": { "siteId": site, "title": "Two", "slug": "taken" } }),
        )
        .await?;
    assert_eq!(error_code(&taken)?, "CONFLICT");
    assert_eq!(error_field(&taken).as_deref(), Some("slug"));
    for bad in ["Has Spaces", "UPPER", "a/b", "--", "../x"] {
        let body = app
            .graphql_as(
                &ann.token,
                create,
                json!({ "input": { "siteId": site, "title": "Two", "slug": bad } }),
            )
            .await?;
        assert_eq!(error_code(&body)?, "BAD_USER_INPUT", "{bad}");
        assert_eq!(error_field(&body).as_deref(), Some("slug"));
    }
    let second = app
        .create_article(
            &ann.token,
            json!({ "siteId": site, "title": "Second", "slug": "second" }),
        )
        .await?;
    let rename = app
        .graphql_as(
            &ann.token,
            "mutation($id: ID!) { updateArticle(id: $id, input: { slug: \"taken\" }) { slug } }",
            json!({ "id": second["id"] }),
        )
        .await?;
    assert_eq!(error_code(&rename)?, "CONFLICT");
    let list = app
        .graphql_as(
            &ann.token,
            "query($s: String) { articles(filter: { site: $s }) { totalCount } }",
            json!({ "s": site }),
        )
        .await?;
    assert_eq!(ok(&list)?["articles"]["totalCount"], 2);
    Ok(())
}

async fn anonymous_readers_see_published_articles_only(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "pub.example.com", &["en"])
        .await?;
    let draft = app
        .create_article(&ann.token, json!({ "siteId": site, "title": "Draft" }))
        .await?;
    let public = app
        .create_article(&ann.token, json!({ "siteId": site, "title": "Public" }))
        .await?;
    let published = app
        .publish(&ann.token, public["id"].as_str().unwrap_or_default())
        .await?;
    assert_eq!(published["status"], "PUBLISHED");
    assert!(published["publishedAt"].is_string());

    let list = "{ articles(filter: { site: \"pub.example.com\" }) { totalCount edges { node { title } } } }";
    let anon = app.graphql(list, json!({})).await?;
    assert_eq!(ok(&anon)?["articles"]["totalCount"], 1);
    assert_eq!(
        ok(&anon)?["articles"]["edges"][0]["node"]["title"],
        "Public"
    );
    let drafts = app
        .graphql(
            "{ articles(filter: { status: DRAFT }) { totalCount } }",
            json!({}),
        )
        .await?;
    assert_eq!(ok(&drafts)?["articles"]["totalCount"], 0);
    let hidden = app
        .graphql(
            "query($id: ID!) { article(id: $id) { title } }",
            json!({ "id": draft["id"] }),
        )
        .await?;
    assert_eq!(error_code(&hidden)?, "NOT_FOUND");
    let stranger = app.signup("eve@example.com").await?;
    let hidden_for_others = app
        .graphql_as(
            &stranger.token,
            "query($id: ID!) { article(id: $id) { title } }",
            json!({ "id": draft["id"] }),
        )
        .await?;
    assert_eq!(error_code(&hidden_for_others)?, "NOT_FOUND");
    let own = app.graphql_as(&ann.token, list, json!({})).await?;
    assert_eq!(ok(&own)?["articles"]["totalCount"], 2);

    let unpublish = app
        .graphql_as(
            &ann.token,
            "mutation($id: ID!) { unpublishArticle(id: $id) { status } }",
            json!({ "id": public["id"] }),
        )
        .await?;
    assert_eq!(ok(&unpublish)?["unpublishArticle"]["status"], "DRAFT");
    assert_eq!(
        ok(&app.graphql(list, json!({})).await?)?["articles"]["totalCount"],
        0
    );
    Ok(())
}

async fn an_article_is_found_by_site_domain_slug_and_locale(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "find.example.com", &["en", "zh-CN"])
        .await?;
    let en = app
        .create_article(
            &ann.token,
            json!({ "siteId": site, "title": "Hello", "slug": "hello" }),
        )
        .await?;
    let zh = app
        .create_article(
            &ann.token,
            json!({ "siteId": site, "locale": "zh-CN", "title": "你好", "slug": "hello" }),
        )
        .await?;
    for a in [&en, &zh] {
        app.publish(&ann.token, a["id"].as_str().unwrap_or_default())
            .await?;
    }
    let query = "query($l: String) { article(site: \"www.find.example.com\", slug: \"hello\", locale: $l) { title locale site { domain } author { displayName email } } }";
    let default = app.graphql(query, json!({ "l": null })).await?;
    assert_eq!(ok(&default)?["article"]["title"], "Hello");
    assert_eq!(
        ok(&default)?["article"]["site"]["domain"],
        "find.example.com"
    );
    assert_eq!(
        ok(&default)?["article"]["author"]["email"],
        json!(null),
        "authors' emails are private"
    );
    let chinese = app.graphql(query, json!({ "l": "zh-cn" })).await?;
    assert_eq!(ok(&chinese)?["article"]["title"], "你好");
    let by_id = app
        .graphql(
            "query($id: ID!) { article(id: $id) { slug } }",
            json!({ "id": zh["id"] }),
        )
        .await?;
    assert_eq!(ok(&by_id)?["article"]["slug"], "hello");
    let missing = app
        .graphql(
            "{ article(site: \"find.example.com\", slug: \"nope\") { id } }",
            json!({}),
        )
        .await?;
    assert_eq!(error_code(&missing)?, "NOT_FOUND");
    Ok(())
}

async fn updating_an_article_changes_it_and_its_tags(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "edit.example.com", &["en"])
        .await?;
    let a = app
        .create_article(
            &ann.token,
            json!({ "siteId": site, "title": "Old", "tags": ["Trade Fairs", "外贸"] }),
        )
        .await?;
    assert_eq!(
        a["tags"],
        json!([{ "slug": "trade-fairs", "name": "Trade Fairs" }, { "slug": "外贸", "name": "外贸" }])
    );
    let body = app
        .graphql_as(
            &ann.token,
            "mutation($id: ID!) { updateArticle(id: $id, input: { title: \"New\", body: \"# Hi\", excerpt: \"Short\", tags: [\"外贸\", \"Logistics\", \"外贸\"] }) { title body excerpt version tags { slug } } }",
            json!({ "id": a["id"] }),
        )
        .await?;
    let updated = &ok(&body)?["updateArticle"];
    assert_eq!(updated["title"], "New");
    assert_eq!(updated["body"], "# Hi");
    assert_eq!(updated["excerpt"], "Short");
    assert_eq!(updated["version"], 2);
    assert_eq!(
        updated["tags"],
        json!([{ "slug": "外贸" }, { "slug": "logistics" }])
    );
    // The site's members see every tag of its drafts (anonymous readers see none: the article
    // is not published).
    let tags = app
        .graphql_as(
            &ann.token,
            "{ tags(site: \"edit.example.com\") { totalCount edges { node { slug } } } }",
            json!({}),
        )
        .await?;
    assert_eq!(ok(&tags)?["tags"]["totalCount"], 3);
    Ok(())
}

async fn deleting_an_article_removes_it(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let other = app.signup("bob@example.com").await?;
    let site = app
        .create_site(&ann.token, "del.example.com", &["en"])
        .await?;
    let a = app
        .create_article(
            &ann.token,
            json!({ "siteId": site, "title": "Bye", "tags": ["x"] }),
        )
        .await?;
    app.publish(&ann.token, a["id"].as_str().unwrap_or_default())
        .await?;
    let delete = "mutation($id: ID!) { deleteArticle(id: $id) }";
    assert_eq!(
        error_code(
            &app.graphql_as(&other.token, delete, json!({ "id": a["id"] }))
                .await?
        )?,
        "FORBIDDEN"
    );
    assert_eq!(
        error_code(&app.graphql(delete, json!({ "id": a["id"] })).await?)?,
        "UNAUTHENTICATED"
    );
    assert_eq!(
        ok(&app
            .graphql_as(&ann.token, delete, json!({ "id": a["id"] }))
            .await?)?["deleteArticle"],
        a["id"]
    );
    let gone = app
        .graphql(
            "query($id: ID!) { article(id: $id) { id } }",
            json!({ "id": a["id"] }),
        )
        .await?;
    assert_eq!(error_code(&gone)?, "NOT_FOUND");
    let again = app
        .graphql_as(&ann.token, delete, json!({ "id": a["id"] }))
        .await?;
    assert_eq!(error_code(&again)?, "NOT_FOUND");
    Ok(())
}

async fn bad_article_input_names_the_field_and_changes_nothing(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "bad.example.com", &["en"])
        .await?;
    let create = "mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }";
    let cases = [
        (
            json!({ "siteId": "9f1d5e8e-0000-7000-8000-000000000000", "title": "x" }),
            "NOT_FOUND",
            "siteId",
        ),
        (
            json!({ "siteId": "nope", "title": "x" }),
            "BAD_USER_INPUT",
            "siteId",
        ),
        (
            json!({ "siteId": site, "title": "   " }),
            "BAD_USER_INPUT",
            "title",
        ),
        (
            json!({ "siteId": site, "title": "x".repeat(301) }),
            "BAD_USER_INPUT",
            "title",
        ),
        (
            json!({ "siteId": site, "title": "x", "locale": "fr" }),
            "BAD_USER_INPUT",
            "locale",
        ),
        (
            json!({ "siteId": site, "title": "x", "locale": "not a locale" }),
            "BAD_USER_INPUT",
            "locale",
        ),
        (
            json!({ "siteId": site, "title": "x", "body": "a".repeat(1024 * 1024 + 1) }),
            "BAD_USER_INPUT",
            "body",
        ),
        (
            json!({ "siteId": site, "title": "x", "tags": (0..21).map(|i| format!("t{i}")).collect::<Vec<_>>() }),
            "BAD_USER_INPUT",
            "tags",
        ),
        (
            json!({ "siteId": site, "title": "x", "tags": ["!!!"] }),
            "BAD_USER_INPUT",
            "tags",
        ),
    ];
    for (input, code, field) in cases {
        let body = app
            .graphql_as(&ann.token, create, json!({ "input": input }))
            .await?;
        assert_eq!(error_code(&body)?, code, "{field}: {body}");
        assert_eq!(error_field(&body).as_deref(), Some(field), "{body}");
        assert_eq!(body["data"], json!(null));
    }
    let list = app
        .graphql_as(&ann.token, "{ articles { totalCount } }", json!({}))
        .await?;
    assert_eq!(ok(&list)?["articles"]["totalCount"], 0);
    let tags = app
        .graphql(
            "{ tags(site: \"bad.example.com\") { totalCount } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        ok(&tags)?["tags"]["totalCount"],
        0,
        "a refused article must not leave tags behind"
    );
    Ok(())
}
