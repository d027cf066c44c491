//! The storefront list: every field it shows, with every filter and ordering, costs a fixed
//! number of statements and no body reads; derived fields come from the digest kept with the row.
use anyhow::Result;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, ok, str_at};

e2e!(
    storefront_fields_cost_at_most_one_statement_each_with_any_filter_and_order,
    derived_fields_come_from_the_digest_and_rows_without_one_still_answer,
    a_read_by_slug_costs_two_statements_and_the_long_way_still_explains,
);

const SITE: &str = "shop.example.com";

/// Three published articles (two English, one Chinese) with tags, headings and a cover.
async fn seed(app: &TestApp) -> Result<(String, Vec<String>)> {
    let user = app.signup("store@example.com").await?;
    let site = app.create_site(&user.token, SITE, &["en", "zh-CN"]).await?;
    let cover = crate::media::upload_ok(
        app,
        &user.token,
        &site,
        "cover.png",
        "image/png",
        crate::media::png(4, 3, 256),
    )
    .await?;
    let mut ids = Vec::new();
    for (locale, title, body, tags) in [
        (
            "en",
            "Incoterms explained",
            "# Incoterms\n\nFOB and CIF for buyers.\n\n## FOB\n\nFree on board.\n",
            json!(["trade", "shipping"]),
        ),
        (
            "en",
            "Trade fairs",
            "Canton fair in spring.\n\n## Booths\n\nBook early.\n",
            json!(["trade"]),
        ),
        (
            "zh-CN",
            "外贸展会",
            "# 广交会\n\n春季广交会的准备工作。\n\n## 展位\n\n尽早预订。\n",
            json!(["trade", "展会"]),
        ),
    ] {
        let a = app
            .create_article(
                &user.token,
                json!({ "siteId": site, "locale": locale, "title": title, "body": body, "tags": tags }),
            )
            .await?;
        let id = str_at(&a, "/id")?;
        ok(&app
            .graphql_as(
                &user.token,
                "mutation($a: ID!, $m: ID) { setArticleCoverImage(articleId: $a, mediaId: $m) { id } }",
                json!({ "a": id, "m": str_at(&cover, "/id")? }),
            )
            .await?)?;
        app.publish(&user.token, &id).await?;
        ids.push(id);
    }
    Ok((user.token, ids))
}

/// The statements one anonymous request ran (the background jobs' are not counted), and its
/// answer. `query` starts with `query`; `$first` is 20 when it declares it.
/// `query` under an operation name never sent before: the anonymous response cache, which
/// the tests' raw SQL writes do not empty, never answers it.
fn uncached(query: &str) -> String {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    query.replacen("query", &format!("query Call{call}"), 1)
}

async fn cost(app: &TestApp, query: &str) -> Result<(u64, Value)> {
    let named = uncached(query);
    let vars = if query.contains("$first") {
        json!({ "first": 20 })
    } else {
        Value::Null
    };
    let (answer, n) = app.queries_during(app.graphql(&named, vars)).await?;
    Ok((n, answer))
}

async fn storefront_fields_cost_at_most_one_statement_each_with_any_filter_and_order(
    app: TestApp,
) -> Result<()> {
    seed(&app).await?;
    let filters = [
        format!("{{site: \"{SITE}\"}}"),
        format!("{{site: \"{SITE}\", status: PUBLISHED}}"),
        format!("{{site: \"{SITE}\", tag: \"trade\"}}"),
        format!("{{site: \"{SITE}\", locale: \"zh-CN\"}}"),
    ];
    let orders = [
        "{field: PUBLISHED_AT}",
        "{field: PUBLISHED_AT, direction: ASC}",
        "{field: TITLE, direction: ASC}",
        "{field: TITLE, direction: DESC}",
        "{field: UPDATED_AT}",
        "{field: CREATED_AT}",
    ];
    // Each field and the statements it may add: none for what the digest holds, one batched
    // read for a relation.
    let fields = [
        ("excerpt", 0),
        ("readingMinutes", 0),
        ("wordCount", 0),
        ("toc { level text anchor children { anchor } }", 0),
        ("tags { id name slug }", 1),
        ("author { displayName }", 1),
        ("coverImage { id contentType }", 1),
    ];
    for filter in &filters {
        for order in &orders {
            let list = |extra: &str| {
                format!(
                    "query($first: Int) {{ articles(first: $first, filter: {filter}, orderBy: {order}) {{ edges {{ node {{ id slug title publishedAt {extra} }} }} }} }}"
                )
            };
            let (base, data) = cost(&app, &list("")).await?;
            let count = data["data"]["articles"]["edges"]
                .as_array()
                .map_or(0, Vec::len);
            assert!(count > 0, "{filter} {order}: empty page: {data}");
            assert_eq!(
                base, 1,
                "{filter} {order}: the page alone took {base} statements"
            );
            for (field, extra) in fields {
                let (n, data) = cost(&app, &list(field)).await?;
                ok(&data)?;
                assert_eq!(
                    n,
                    base + extra,
                    "{filter} {order}: `{field}` took {n} statements (page alone: {base})"
                );
            }
            let every: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
            let (all, data) = cost(&app, &list(&every.join(" "))).await?;
            ok(&data)?;
            // The page, its tags, its authors and its covers.
            assert!(
                all <= 4,
                "{filter} {order}: every field took {all} statements"
            );
        }
    }
    Ok(())
}

/// The digest's excerpt, with the rest of the stored digest as it is.
async fn set_digest_excerpt(app: &TestApp, id: &str, excerpt: &str) -> Result<()> {
    let backend = app.db.get_database_backend();
    let uuid = uuid::Uuid::parse_str(id)?;
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DatabaseBackend::Postgres => "SELECT digest FROM articles WHERE id = $1",
                _ => "SELECT digest FROM articles WHERE id = ?",
            },
            [uuid.into()],
        ))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no article {id}"))?;
    let mut digest: Value = serde_json::from_str(&row.try_get::<String>("", "digest")?)?;
    digest["excerpt"] = json!(excerpt);
    app.db
        .execute_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DatabaseBackend::Postgres => {
                    "UPDATE articles SET digest = $1 WHERE id = $2"
                }
                _ => "UPDATE articles SET digest = ? WHERE id = ?",
            },
            [digest.to_string().into(), uuid.into()],
        ))
        .await?;
    Ok(())
}

async fn derived_fields_come_from_the_digest_and_rows_without_one_still_answer(
    app: TestApp,
) -> Result<()> {
    let (_, ids) = seed(&app).await?;
    let list = format!(
        "query($first: Int) {{ articles(first: $first, filter: {{site: \"{SITE}\"}}, orderBy: {{field: TITLE, direction: ASC}}) {{ nodes {{ id title excerpt wordCount readingMinutes toc {{ level text anchor children {{ level text anchor }} }} }} }} }}"
    );
    let alone = |id: &str| {
        let id = id.to_owned();
        let app = &app;
        async move {
            // Uncached: the rows change under the cache by raw SQL below.
            let data = app
                .graphql(
                    &uncached("query($id: ID!) { article(id: $id) { id title excerpt wordCount readingMinutes toc { level text anchor children { level text anchor } } } }"),
                    json!({ "id": id }),
                )
                .await?;
            Ok::<_, anyhow::Error>(ok(&data)?["article"].clone())
        }
    };
    let (_, before) = cost(&app, &list).await?;
    let nodes = ok(&before)?["articles"]["nodes"].clone();
    for node in nodes.as_array().into_iter().flatten() {
        assert_eq!(*node, alone(node["id"].as_str().unwrap_or_default()).await?);
    }
    let zh = nodes
        .as_array()
        .and_then(|n| n.iter().find(|a| a["title"] == "外贸展会"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(zh["excerpt"], "春季广交会的准备工作。 尽早预订。", "{zh}");
    assert_eq!(zh["toc"][0]["text"], "广交会", "{zh}");
    assert_eq!(zh["toc"][0]["children"][0]["text"], "展位", "{zh}");

    // The list shows what the digest holds: it neither reads nor renders the body.
    set_digest_excerpt(&app, &ids[1], "from the digest").await?;
    let (_, data) = cost(&app, &list).await?;
    let shown: Vec<&str> = ok(&data)?["articles"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["excerpt"].as_str())
        .collect();
    assert!(shown.contains(&"from the digest"), "{data}");

    // Rows written without a digest (older servers, direct imports) answer the same, at the
    // cost of one more statement for their bodies, until the background fill reaches them.
    app.db
        .execute_unprepared("UPDATE articles SET digest = NULL, digest_rev = NULL")
        .await?;
    let (n, without) = cost(&app, &list).await?;
    assert_eq!(
        without, before,
        "rows without a digest must answer the same"
    );
    assert_eq!(
        n, 2,
        "the page, then the bodies of the rows without a digest"
    );
    let filled =
        wharf::services::article::digest::backfill(&app.db, std::time::Duration::from_secs(10))
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    assert_eq!(filled, 3);
    let (n, after) = cost(&app, &list).await?;
    assert_eq!(after, before);
    assert_eq!(n, 1, "the page alone once every row has its digest");
    // A stale digest (another renderer) is not used, and the fill replaces it.
    app.db
        .execute_unprepared("UPDATE articles SET digest = '{\"excerpt\":\"stale\",\"words\":1,\"minutes\":1,\"toc\":[]}', digest_rev = 1")
        .await?;
    let (_, stale) = cost(&app, &list).await?;
    assert_eq!(
        stale, before,
        "a digest of another renderer must not be shown"
    );

    // Asking for `excerpt` alone: rows with an explicit excerpt need no digest and no body, so
    // with every row's digest gone, only the rows without one cost a read of their bodies.
    let excerpts = format!(
        "query($first: Int) {{ articles(first: $first, filter: {{site: \"{SITE}\"}}, orderBy: {{field: TITLE, direction: ASC}}) {{ nodes {{ id excerpt hasExplicitExcerpt }} }} }}"
    );
    app.db
        .execute_unprepared("UPDATE articles SET digest = NULL, digest_rev = NULL")
        .await?;
    app.db
        .execute_unprepared(
            "UPDATE articles SET excerpt = 'Written by hand' WHERE title = 'Trade fairs'",
        )
        .await?;
    let (n, data) = cost(&app, &excerpts).await?;
    assert_eq!(
        n, 2,
        "the page, then the two bodies of rows without an excerpt: {data}"
    );
    for node in ok(&data)?["articles"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let alone = alone(node["id"].as_str().unwrap_or_default()).await?;
        assert_eq!(node["excerpt"], alone["excerpt"], "{node}");
    }
    let hand: Vec<&Value> = ok(&data)?["articles"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| n["hasExplicitExcerpt"] == true)
        .collect();
    assert_eq!(hand.len(), 1, "{data}");
    assert_eq!(hand[0]["excerpt"], "Written by hand");
    app.db
        .execute_unprepared("UPDATE articles SET excerpt = 'Written by hand'")
        .await?;
    let (n, data) = cost(&app, &excerpts).await?;
    ok(&data)?;
    assert_eq!(
        n, 1,
        "every row has an explicit excerpt: the page alone: {data}"
    );
    Ok(())
}

/// A storefront's read by slug: the article with its site joined, then its tags (two statements,
/// by domain or by ID, in the default locale or an asked one). What the joined read cannot answer
/// (a missing site, a locale the site does not offer, no translation in the asked locale) still
/// gets the answer it got before.
async fn a_read_by_slug_costs_two_statements_and_the_long_way_still_explains(
    app: TestApp,
) -> Result<()> {
    let (token, ids) = seed(&app).await?;
    let site_id = str_at(
        &app.graphql(
            &format!("{{ site(domain: \"{SITE}\") {{ id }} }}"),
            Value::Null,
        )
        .await?,
        "/data/site/id",
    )?;
    let mut slugs = Vec::new();
    for id in [&ids[0], &ids[2]] {
        let a = app
            .graphql_as(
                &token,
                "query($id: ID!) { article(id: $id) { slug } }",
                json!({ "id": id }),
            )
            .await?;
        slugs.push(str_at(&a, "/data/article/slug")?);
    }
    let (en, zh) = (slugs[0].clone(), slugs[1].clone());
    for (site, slug, locale, title) in [
        (SITE, en.as_str(), "null", "Incoterms explained"),
        (site_id.as_str(), en.as_str(), "null", "Incoterms explained"),
        (SITE, en.as_str(), "\"en\"", "Incoterms explained"),
        ("WWW.Shop.Example.com", zh.as_str(), "\"zh-cn\"", "外贸展会"),
    ] {
        let q = format!(
            "query {{ article(site: \"{site}\", slug: \"{slug}\", locale: {locale}) {{ title tags {{ name }} }} }}"
        );
        let (n, data) = cost(&app, &q).await?;
        assert_eq!(
            data["data"]["article"]["title"], title,
            "{site} {slug} {locale}: {data}"
        );
        assert_eq!(n, 2, "{site} {slug} {locale}: {n} statements");
    }
    // No Chinese version of the English article: the default-locale article answers.
    let q = format!(
        "query {{ article(site: \"{SITE}\", slug: \"{en}\", locale: \"zh-CN\") {{ title }} }}"
    );
    let (_, data) = cost(&app, &q).await?;
    assert_eq!(
        data["data"]["article"]["title"], "Incoterms explained",
        "{data}"
    );
    // A locale the site does not offer, a site that does not exist, a slug nobody used.
    for (site, slug, locale, code, field) in [
        (
            SITE,
            en.as_str(),
            "\"de\"",
            "BAD_USER_INPUT",
            Some("locale"),
        ),
        (
            "nowhere.example.com",
            en.as_str(),
            "null",
            "NOT_FOUND",
            None,
        ),
        (SITE, "no-such-article", "null", "NOT_FOUND", None),
    ] {
        let q = format!(
            "query {{ article(site: \"{site}\", slug: \"{slug}\", locale: {locale}) {{ title }} }}"
        );
        let (_, data) = cost(&app, &q).await?;
        assert_eq!(
            data["errors"][0]["extensions"]["code"], code,
            "{site} {slug} {locale}: {data}"
        );
        if let Some(field) = field {
            assert_eq!(data["errors"][0]["extensions"]["field"], field, "{data}");
        }
    }
    Ok(())
}
