//! Lists: Relay connections, filters, orderings, stable cursors, the page-size cap.
use anyhow::Result;
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    pages_follow_cursors_without_gaps_or_repeats_while_rows_are_inserted,
    lists_filter_by_tag_locale_and_status,
    lists_order_by_title_and_publication_time,
    page_size_is_capped_and_bad_cursors_are_refused,
    lists_load_bodies_exactly_when_a_field_needs_them,
    tags_read_with_a_page_never_reach_a_later_operation_of_the_batch,
    every_field_of_a_list_equals_the_article_read_alone,
);

const LIST: &str =
    "query($first: Int, $after: String, $filter: ArticleFilter, $order: ArticleOrderBy) {
  articles(first: $first, after: $after, filter: $filter, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
    edges { cursor node { id title slug locale status tags { slug } } }
  }
}";

fn titles(data: &Value) -> Vec<String> {
    data["articles"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|e| e["node"]["title"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn seed(app: &TestApp, token: &str, site: &str, titles: &[&str]) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for title in titles {
        let a = app
            .create_article(token, json!({ "siteId": site, "title": title }))
            .await?;
        let id = str_at(&a, "/id")?;
        app.publish(token, &id).await?;
        ids.push(id);
    }
    Ok(ids)
}

async fn pages_follow_cursors_without_gaps_or_repeats_while_rows_are_inserted(
    app: TestApp,
) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "pages.example.com", &["en"])
        .await?;
    let names: Vec<String> = (0..7).map(|i| format!("Article {i}")).collect();
    seed(
        &app,
        &ann.token,
        &site,
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
    )
    .await?;

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let body = app
            .graphql(
                LIST,
                json!({ "first": 3, "after": after, "filter": { "site": site } }),
            )
            .await?;
        let data = ok(&body)?;
        assert_eq!(
            data["articles"]["totalCount"].as_u64(),
            Some(7 + u64::from(pages > 0))
        );
        assert_eq!(
            data["articles"]["pageInfo"]["hasPreviousPage"],
            json!(after.is_some())
        );
        seen.extend(titles(data));
        pages += 1;
        if pages == 1 {
            // A newer article arrives while the client pages: it sorts before the cursor.
            seed(&app, &ann.token, &site, &["Inserted meanwhile"]).await?;
        }
        if data["articles"]["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = Some(str_at(data, "/articles/pageInfo/endCursor")?);
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = names.iter().rev().cloned().collect();
    assert_eq!(seen, expected, "each article exactly once, newest first");
    Ok(())
}

async fn lists_filter_by_tag_locale_and_status(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "filters.example.com", &["en", "zh-CN"])
        .await?;
    let other = app
        .create_site(&ann.token, "other.example.com", &["en"])
        .await?;
    let fair = app
        .create_article(
            &ann.token,
            json!({ "siteId": site, "title": "Canton Fair", "tags": ["展会", "Fairs"] }),
        )
        .await?;
    let zh = app
        .create_article(
            &ann.token,
            json!({ "siteId": site, "locale": "zh-CN", "title": "广交会", "tags": ["展会"] }),
        )
        .await?;
    app.create_article(
        &ann.token,
        json!({ "siteId": site, "title": "Draft about fairs", "tags": ["展会"] }),
    )
    .await?;
    let elsewhere = app
        .create_article(
            &ann.token,
            json!({ "siteId": other, "title": "Other site", "tags": ["展会"] }),
        )
        .await?;
    for a in [&fair, &zh, &elsewhere] {
        app.publish(&ann.token, a["id"].as_str().unwrap_or_default())
            .await?;
    }
    let q = |filter: Value| app.graphql(LIST, json!({ "filter": filter }));
    let by_tag = q(json!({ "site": "filters.example.com", "tag": "展会" })).await?;
    assert_eq!(ok(&by_tag)?["articles"]["totalCount"], 2);
    let by_locale = q(json!({ "site": site, "locale": "zh-CN" })).await?;
    assert_eq!(titles(ok(&by_locale)?), vec!["广交会"]);
    let everywhere = q(json!({ "tag": "展会" })).await?;
    assert_eq!(ok(&everywhere)?["articles"]["totalCount"], 3);
    let drafts = app
        .graphql_as(
            &ann.token,
            LIST,
            json!({ "filter": { "site": site, "status": "DRAFT" } }),
        )
        .await?;
    assert_eq!(titles(ok(&drafts)?), vec!["Draft about fairs"]);
    let unknown_site = q(json!({ "site": "nowhere.example.com" })).await?;
    assert_eq!(error_code(&unknown_site)?, "NOT_FOUND");
    let bad_locale = q(json!({ "locale": "english please" })).await?;
    assert_eq!(error_code(&bad_locale)?, "BAD_USER_INPUT");
    Ok(())
}

async fn lists_order_by_title_and_publication_time(app: TestApp) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "order.example.com", &["en"])
        .await?;
    seed(&app, &ann.token, &site, &["Banana", "Apple", "Cherry"]).await?;
    let asc = app.graphql(LIST, json!({ "filter": { "site": site }, "order": { "field": "TITLE", "direction": "ASC" } })).await?;
    assert_eq!(titles(ok(&asc)?), vec!["Apple", "Banana", "Cherry"]);
    let first_page = app.graphql(LIST, json!({ "first": 2, "filter": { "site": site }, "order": { "field": "TITLE", "direction": "DESC" } })).await?;
    assert_eq!(titles(ok(&first_page)?), vec!["Cherry", "Banana"]);
    let cursor = str_at(ok(&first_page)?, "/articles/pageInfo/endCursor")?;
    let rest = app
        .graphql(LIST, json!({ "first": 2, "after": cursor, "filter": { "site": site }, "order": { "field": "TITLE", "direction": "DESC" } }))
        .await?;
    assert_eq!(titles(ok(&rest)?), vec!["Apple"]);
    let oldest = app.graphql(LIST, json!({ "filter": { "site": site }, "order": { "field": "PUBLISHED_AT", "direction": "ASC" } })).await?;
    assert_eq!(titles(ok(&oldest)?), vec!["Banana", "Apple", "Cherry"]);
    // A cursor made for one ordering is refused by another.
    let mixed = app
        .graphql(LIST, json!({ "after": cursor, "filter": { "site": site } }))
        .await?;
    assert_eq!(error_code(&mixed)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&mixed).as_deref(), Some("after"));
    Ok(())
}

async fn page_size_is_capped_and_bad_cursors_are_refused(app: TestApp) -> Result<()> {
    let too_many = app.graphql(LIST, json!({ "first": 101 })).await?;
    assert_eq!(error_code(&too_many)?, "BAD_USER_INPUT");
    assert_eq!(error_field(&too_many).as_deref(), Some("first"));
    let negative = app.graphql(LIST, json!({ "first": -1 })).await?;
    assert_eq!(error_code(&negative)?, "BAD_USER_INPUT");
    let garbage = app
        .graphql(LIST, json!({ "after": "not-a-cursor" }))
        .await?;
    assert_eq!(error_code(&garbage)?, "BAD_USER_INPUT");
    let max = app.graphql(LIST, json!({ "first": 100 })).await?;
    assert_eq!(ok(&max)?["articles"]["totalCount"], 0);
    Ok(())
}

/// A list that asks only for fields that never read the body skips loading the bodies; every
/// field that reads it, however it is asked for (edges, nodes, fragments, aliases), still gets
/// the real body.
async fn lists_load_bodies_exactly_when_a_field_needs_them(app: TestApp) -> Result<()> {
    let user = app.signup("bodies@example.com").await?;
    let site = app
        .create_site(&user.token, "bodies.example.com", &["en"])
        .await?;
    let a = app
        .create_article(
            &user.token,
            json!({ "siteId": site, "title": "Bodies", "body": "Hello **world** again" }),
        )
        .await?;
    app.publish(&user.token, &str_at(&a, "/id")?).await?;
    let list = |selection: &str| {
        format!("{{ articles(filter: {{site: \"bodies.example.com\"}}) {{ {selection} }} }}")
    };
    let light = ok(&app
        .graphql(
            &list("edges { node { id title slug tags { slug } } }"),
            json!({}),
        )
        .await?)?
    .clone();
    assert_eq!(light["articles"]["edges"][0]["node"]["title"], "Bodies");
    for selection in [
        "edges { node { title html } }",
        "nodes { title html }",
        "edges { node { ... on Article { title html } } }",
        "edges { node { title h: html } }",
        "edges { node { title body html } }",
    ] {
        let data = ok(&app.graphql(&list(selection), json!({})).await?)?.clone();
        let articles = &data["articles"];
        let node = if articles["nodes"].is_array() {
            &articles["nodes"][0]
        } else {
            &articles["edges"][0]["node"]
        };
        let html = node["html"]
            .as_str()
            .or(node["h"].as_str())
            .unwrap_or_default();
        assert!(
            html.contains("<strong>world</strong>"),
            "{selection}: the body was not loaded: {node}"
        );
    }
    let by_fragment = ok(&app
        .graphql(
            "query { articles(filter: {site: \"bodies.example.com\"}) { edges { node { ...F } } } } fragment F on Article { title html }",
            json!({}),
        )
        .await?)?
    .clone();
    let html = by_fragment["articles"]["edges"][0]["node"]["html"]
        .as_str()
        .unwrap_or_default();
    assert!(
        html.contains("<strong>world</strong>"),
        "fragment: {by_fragment}"
    );
    let counted = ok(&app
        .graphql(&list("nodes { wordCount excerpt }"), json!({}))
        .await?)?
    .clone();
    assert_eq!(counted["articles"]["nodes"][0]["wordCount"], 3);
    assert_eq!(
        counted["articles"]["nodes"][0]["excerpt"],
        "Hello world again"
    );
    Ok(())
}

/// A list reads its articles' tags with the page and hands them to the articles. A batch's
/// operations each get their own loaders: tags read by a list whose `tags` field was skipped are
/// not served to a mutation that follows it in the same batch.
async fn tags_read_with_a_page_never_reach_a_later_operation_of_the_batch(
    app: TestApp,
) -> Result<()> {
    let ann = app.signup("ann@example.com").await?;
    let site = app
        .create_site(&ann.token, "batch.example.com", &["en"])
        .await?;
    let id = str_at(
        &app.create_article(
            &ann.token,
            json!({ "siteId": site, "title": "Tagged", "tags": ["Old"] }),
        )
        .await?,
        "/id",
    )?;
    app.publish(&ann.token, &id).await?;
    let batch = json!([
        {
            "query": "query($site: String!) { articles(first: 5, filter: {site: $site}) { edges { node { id tags @skip(if: true) { slug } } } } }",
            "variables": { "site": site }
        },
        {
            "query": "mutation($id: ID!) { updateArticle(id: $id, input: {tags: [\"New\"]}) { tags { slug } } }",
            "variables": { "id": id }
        },
        {
            "query": "query($site: String!) { articles(first: 5, filter: {site: $site}) { edges { node { tags { slug } } } } }",
            "variables": { "site": site }
        }
    ]);
    let body: Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&ann.token)
        .json(&batch)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        ok(&body[1])?["updateArticle"]["tags"],
        json!([{ "slug": "new" }]),
        "{body}"
    );
    assert_eq!(
        ok(&body[2])?["articles"]["edges"][0]["node"]["tags"],
        json!([{ "slug": "new" }]),
        "{body}"
    );
    Ok(())
}

/// A list reads only the columns its nodes' fields need (`FIELD_COLUMNS` in
/// `graphql/article.rs`). Each field, asked alone, together with others, or in an order whose
/// cursors need another column, must give what the article read by ID gives.
async fn every_field_of_a_list_equals_the_article_read_alone(app: TestApp) -> Result<()> {
    let user = app.signup("columns@example.com").await?;
    let site = app
        .create_site(&user.token, "columns.example.com", &["en", "zh-CN"])
        .await?;
    let image = crate::media::upload_ok(
        &app,
        &user.token,
        &site,
        "og.png",
        "image/png",
        crate::media::png(4, 3, 256),
    )
    .await?;
    let a = app
        .create_article(
            &user.token,
            json!({
                "siteId": site, "locale": "zh-CN", "slug": "列表-字段", "title": "列表的每个字段",
                "body": "# 标题\n\n正文 **加粗**", "excerpt": "摘要",
                "tags": ["机械", "trade-fairs"], "metaTitle": "元标题",
                "metaDescription": "元描述", "canonicalUrl": "https://example.com/c",
                "ogImageId": str_at(&image, "/id")?,
            }),
        )
        .await?;
    let id = str_at(&a, "/id")?;
    app.publish(&user.token, &id).await?;
    let fields = [
        "__typename",
        "id",
        "site { id domain }",
        "locale",
        "slug",
        "title",
        "hasExplicitExcerpt",
        "status",
        "publishedAt",
        "scheduledAt",
        "author { id displayName }",
        "tags { slug name }",
        "metaTitle",
        "metaDescription",
        "canonicalUrl",
        "ogImageId",
        "translationGroupId",
        "version",
        "createdAt",
        "updatedAt",
        "excerpt",
        "wordCount",
        "readingMinutes",
        "toc { level text anchor children { text anchor } }",
        "coverImage { id }",
        "ogImage { id }",
        "html",
    ];
    let all = fields.join(" ");
    let mut selections: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
    selections.push(all);
    for selection in &selections {
        let alone = ok(&app
            .graphql_as(
                &user.token,
                &format!("query($id: ID!) {{ article(id: $id) {{ {selection} }} }}"),
                json!({ "id": id }),
            )
            .await?)?["article"]
            .clone();
        for order in [
            "{field: PUBLISHED_AT}",
            "{field: TITLE, direction: ASC}",
            "{field: UPDATED_AT}",
            "{field: CREATED_AT, direction: ASC}",
        ] {
            let listed = ok(&app
                .graphql_as(
                    &user.token,
                    &format!(
                        "{{ articles(filter: {{site: \"columns.example.com\"}}, orderBy: {order}) {{ edges {{ cursor node {{ {selection} }} }} }} }}"
                    ),
                    json!({}),
                )
                .await?)?["articles"]["edges"][0]
                .clone();
            assert_eq!(listed["node"], alone, "{selection} ordered by {order}");
            let after = ok(&app
                .graphql_as(
                    &user.token,
                    &format!(
                        "query($after: String) {{ articles(filter: {{site: \"columns.example.com\"}}, orderBy: {order}, after: $after) {{ edges {{ node {{ id }} }} }} }}"
                    ),
                    json!({ "after": listed["cursor"] }),
                )
                .await?)?
            .clone();
            assert_eq!(
                after["articles"]["edges"],
                json!([]),
                "the cursor of {selection} ordered by {order} points past the only article"
            );
        }
    }
    Ok(())
}
