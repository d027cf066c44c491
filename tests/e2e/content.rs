//! Content depth: rendering, TOC, excerpts, revisions, translations, SEO, sitemap, scheduling,
//! richer filters, and a constant number of queries per page.
use anyhow::Result;
use serde_json::{Value, json};
use std::time::Duration;
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    articles_render_to_safe_html_with_a_nested_toc_and_derived_excerpt,
    every_change_is_a_revision_and_any_revision_can_be_restored,
    a_stale_expected_version_conflicts,
    translations_share_a_group_and_reads_fall_back_to_the_default_locale,
    seo_fields_are_checked_and_the_sitemap_lists_published_articles,
    a_scheduled_article_is_published_by_the_background_job,
    scheduling_a_published_article_is_refused_and_it_stays_online,
    scheduled_articles_are_published_exactly_once_by_concurrent_schedulers,
    a_page_of_articles_costs_the_same_queries_whatever_its_size,
    lists_filter_by_any_or_all_tags_title_text_and_dates,
);

const BODY: &str = "# 扩散模型综述\n\n扩散模型是一类生成模型，它通过逐步加噪和去噪的过程学习数据分布。<script>alert(1)</script>\n\n## 一、简介\n\n<img src=x onerror=alert(1)>简介。\n\n## 三、基础\n\n### 3.1 基本模型\n\n内容。\n\n## 四、应用\n\n### 4.1 语言\n\n#### 4.1.1 生成式语言模型\n\n[link](javascript:alert(1))\n\n## 一、简介\n";

async fn setup(app: &TestApp, domain: &str, locales: &[&str]) -> Result<(String, String)> {
    let auth = app.signup(&format!("owner@{domain}")).await?;
    let site = app.create_site(&auth.token, domain, locales).await?;
    Ok((auth.token, site))
}

fn anchors(toc: &Value, out: &mut Vec<String>) {
    for e in toc.as_array().into_iter().flatten() {
        out.push(e["anchor"].as_str().unwrap_or_default().to_owned());
        anchors(&e["children"], out);
    }
}

async fn articles_render_to_safe_html_with_a_nested_toc_and_derived_excerpt(
    app: TestApp,
) -> Result<()> {
    let (token, site) = setup(&app, "render.example.com", &["zh-CN"]).await?;
    let a = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "扩散模型", "body": BODY }),
        )
        .await?;
    let body = app
        .graphql_as(&token, "query($id: ID!) { article(id: $id) { html excerpt hasExplicitExcerpt wordCount readingMinutes toc { level text anchor children { level text anchor children { level text anchor children { level text anchor } } } } } }", json!({ "id": a["id"] }))
        .await?;
    let art = &ok(&body)?["article"];
    let html = art["html"].as_str().unwrap_or_default();
    for bad in ["<script", "onerror", "javascript:"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    let toc = &art["toc"];
    assert_eq!(toc[0]["text"], "扩散模型综述");
    let sections: Vec<&str> = toc[0]["children"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["anchor"].as_str())
        .collect();
    assert_eq!(sections, vec!["一-简介", "三-基础", "四-应用", "一-简介-2"]);
    assert_eq!(toc[0]["children"][1]["children"][0]["text"], "3.1 基本模型");
    assert_eq!(
        toc[0]["children"][2]["children"][0]["children"][0]["anchor"],
        "4-1-1-生成式语言模型"
    );
    let mut all = Vec::new();
    anchors(toc, &mut all);
    for anchor in &all {
        assert!(
            html.contains(&format!("id=\"{anchor}\"")),
            "anchor {anchor} has no heading id"
        );
    }
    let excerpt = art["excerpt"].as_str().unwrap_or_default();
    assert!(excerpt.starts_with("扩散模型是一类生成模型"), "{excerpt}");
    assert!(!excerpt.contains('<') && !excerpt.contains('#'));
    assert_eq!(art["hasExplicitExcerpt"], false);
    assert!(art["wordCount"].as_i64().unwrap_or(0) > 40);
    assert_eq!(art["readingMinutes"], 1);
    Ok(())
}

const REVISIONS: &str = "query($id: ID!) { article(id: $id) { version title revisions { number title editor { id } } } }";

async fn every_change_is_a_revision_and_any_revision_can_be_restored(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app, "rev.example.com", &["en"]).await?;
    let a = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "First", "body": "one" }),
        )
        .await?;
    let update = "mutation($id: ID!, $t: String!) { updateArticle(id: $id, input: { title: $t }) { version } }";
    ok(&app
        .graphql_as(&token, update, json!({ "id": a["id"], "t": "Second" }))
        .await?)?;
    ok(&app
        .graphql_as(&token, update, json!({ "id": a["id"], "t": "Third" }))
        .await?)?;
    let revs = app
        .graphql_as(&token, REVISIONS, json!({ "id": a["id"] }))
        .await?;
    let titles: Vec<&str> = ok(&revs)?["article"]["revisions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["title"].as_str())
        .collect();
    assert_eq!(titles, vec!["Third", "Second", "First"]);
    assert!(ok(&revs)?["article"]["revisions"][0]["editor"]["id"].is_string());
    let restored = app
        .graphql_as(&token, "mutation($id: ID!) { restoreRevision(articleId: $id, revision: 1) { title body version } }", json!({ "id": a["id"] }))
        .await?;
    assert_eq!(ok(&restored)?["restoreRevision"]["title"], "First");
    let revs = app
        .graphql_as(&token, REVISIONS, json!({ "id": a["id"] }))
        .await?;
    assert_eq!(ok(&revs)?["article"]["revisions"][0]["number"], 4);
    let missing = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { restoreRevision(articleId: $id, revision: 99) { title } }",
            json!({ "id": a["id"] }),
        )
        .await?;
    assert_eq!(error_code(&missing)?, "NOT_FOUND");
    // The newest few, and one revision's body on its own (what the Studio's diff reads).
    let some = app
        .graphql_as(&token, "query($id: ID!) { article(id: $id) { revisions(first: 2) { number } revision(number: 2) { title body } none: revision(number: 99) { number } } }", json!({ "id": a["id"] }))
        .await?;
    let numbers: Vec<i64> = ok(&some)?["article"]["revisions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["number"].as_i64())
        .collect();
    assert_eq!(numbers, vec![4, 3]);
    assert_eq!(ok(&some)?["article"]["revision"]["title"], "Second");
    assert_eq!(ok(&some)?["article"]["revision"]["body"], "one");
    assert!(ok(&some)?["article"]["none"].is_null());
    for bad in [0, 501, -1] {
        let refused = app
            .graphql_as(&token, "query($id: ID!, $n: Int!) { article(id: $id) { revisions(first: $n) { number } } }", json!({ "id": a["id"], "n": bad }))
            .await?;
        assert_eq!(error_code(&refused)?, "BAD_USER_INPUT", "first: {bad}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], "first");
    }
    app.publish(&token, a["id"].as_str().unwrap_or_default())
        .await?;
    let anon = app.graphql(REVISIONS, json!({ "id": a["id"] })).await?;
    assert_eq!(error_code(&anon)?, "FORBIDDEN");
    let anon_one = app
        .graphql(
            "query($id: ID!) { article(id: $id) { revision(number: 1) { body } } }",
            json!({ "id": a["id"] }),
        )
        .await?;
    assert_eq!(error_code(&anon_one)?, "FORBIDDEN");
    Ok(())
}

async fn a_stale_expected_version_conflicts(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app, "ver.example.com", &["en"]).await?;
    let a = app
        .create_article(&token, json!({ "siteId": site, "title": "V" }))
        .await?;
    let update = "mutation($id: ID!, $v: Int) { updateArticle(id: $id, input: { title: \"New\", expectedVersion: $v }) { version } }";
    assert_eq!(
        ok(&app
            .graphql_as(&token, update, json!({ "id": a["id"], "v": 1 }))
            .await?)?["updateArticle"]["version"],
        2
    );
    let stale = app
        .graphql_as(&token, update, json!({ "id": a["id"], "v": 1 }))
        .await?;
    assert_eq!(error_code(&stale)?, "CONFLICT");
    assert_eq!(error_field(&stale).as_deref(), Some("expectedVersion"));
    Ok(())
}

async fn translations_share_a_group_and_reads_fall_back_to_the_default_locale(
    app: TestApp,
) -> Result<()> {
    let (token, site) = setup(&app, "i18n.example.com", &["en", "zh-CN", "de"]).await?;
    let en = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "Hello", "slug": "hello" }),
        )
        .await?;
    let zh = app
        .create_article(&token, json!({ "siteId": site, "locale": "zh-CN", "title": "你好", "translationOf": en["id"] }))
        .await?;
    for a in [&en, &zh] {
        app.publish(&token, a["id"].as_str().unwrap_or_default())
            .await?;
    }
    let q = "query($l: String) { article(site: \"i18n.example.com\", slug: \"hello\", locale: $l) { title locale translations { locale title } } }";
    let zh_read = app.graphql(q, json!({ "l": "zh-CN" })).await?;
    assert_eq!(ok(&zh_read)?["article"]["title"], "你好");
    assert_eq!(
        ok(&zh_read)?["article"]["translations"],
        json!([{ "locale": "en", "title": "Hello" }])
    );
    let de_read = app.graphql(q, json!({ "l": "de" })).await?;
    assert_eq!(
        ok(&de_read)?["article"]["locale"],
        "en",
        "no German translation: the default locale is served"
    );
    let twice = app
        .graphql_as(&token, "mutation($i: CreateArticleInput!) { createArticle(input: $i) { id } }", json!({ "i": { "siteId": site, "locale": "zh-CN", "title": "再次", "translationOf": en["id"] } }))
        .await?;
    assert_eq!(error_code(&twice)?, "CONFLICT");
    Ok(())
}

async fn seo_fields_are_checked_and_the_sitemap_lists_published_articles(
    app: TestApp,
) -> Result<()> {
    let (token, site) = setup(&app, "seo.example.com", &["en", "zh-CN"]).await?;
    let create = "mutation($i: CreateArticleInput!) { createArticle(input: $i) { id metaTitle metaDescription canonicalUrl } }";
    let a = app
        .graphql_as(&token, create, json!({ "i": { "siteId": site, "title": "SEO", "slug": "seo", "metaTitle": "Meta", "metaDescription": "Desc", "canonicalUrl": "https://seo.example.com/seo" } }))
        .await?;
    let a = ok(&a)?["createArticle"].clone();
    assert_eq!(a["metaTitle"], "Meta");
    let bad = app
        .graphql_as(
            &token,
            create,
            json!({ "i": { "siteId": site, "title": "x", "canonicalUrl": "javascript:alert(1)" } }),
        )
        .await?;
    assert_eq!(error_field(&bad).as_deref(), Some("canonicalUrl"));
    let zh = app.create_article(&token, json!({ "siteId": site, "locale": "zh-CN", "title": "搜索引擎优化", "translationOf": a["id"] })).await?;
    app.create_article(
        &token,
        json!({ "siteId": site, "title": "Draft stays out" }),
    )
    .await?;
    for x in [&a, &zh] {
        app.publish(&token, x["id"].as_str().unwrap_or_default())
            .await?;
    }
    let map = app.graphql("{ sitemap(site: \"seo.example.com\") { path locale lastModified alternates { locale path } } }", json!({})).await?;
    let entries = ok(&map)?["sitemap"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["path"], "/seo");
    assert_eq!(entries[0]["alternates"][0]["locale"], "zh-CN");
    assert!(
        str_at(&entries[1], "/path")?.starts_with("/zh-CN/%E6%90%9C"),
        "{}",
        entries[1]
    );
    Ok(())
}

async fn a_scheduled_article_is_published_by_the_background_job(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app, "sched.example.com", &["en"]).await?;
    let a = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "Later", "slug": "later" }),
        )
        .await?;
    let at = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    let body = app
        .graphql_as(&token, "mutation($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { status scheduledAt } }", json!({ "id": a["id"], "at": at }))
        .await?;
    assert_eq!(ok(&body)?["publishArticle"]["status"], "SCHEDULED");
    let read = "{ article(site: \"sched.example.com\", slug: \"later\") { status publishedAt } }";
    assert_eq!(
        error_code(&app.graphql(read, json!({})).await?)?,
        "NOT_FOUND",
        "not public before its time"
    );
    let mut published = None;
    for _ in 0..100 {
        let r = app.graphql(read, json!({})).await?;
        if r.get("errors").is_none() {
            published = Some(r);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let own = app.graphql_as(&token, "{ article(site: \"sched.example.com\", slug: \"later\") { status scheduledAt publishedAt } }", json!({})).await?;
    let published = published.ok_or_else(|| anyhow::anyhow!("not published within 10 s: {own}"))?;
    assert_eq!(published["data"]["article"]["status"], "PUBLISHED");
    Ok(())
}

async fn scheduling_a_published_article_is_refused_and_it_stays_online(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app, "resched.example.com", &["en"]).await?;
    let a = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "Online", "slug": "online" }),
        )
        .await?;
    let id = str_at(&a, "/id")?;
    app.publish(&token, &id).await?;
    let read = "{ article(site: \"resched.example.com\", slug: \"online\") { status scheduledAt version } }";
    let before = app.graphql(read, json!({})).await?;
    let at = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let body = app
        .graphql_as(&token, "mutation($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { status scheduledAt } }", json!({ "id": id, "at": at }))
        .await?;
    assert_eq!(error_code(&body)?, "CONFLICT", "{body}");
    assert_eq!(error_field(&body).as_deref(), Some("at"), "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("already published"), "{message}");
    // Nothing changed: readers still see it, at the same version.
    let after = app.graphql(read, json!({})).await?;
    assert_eq!(ok(&after)?["article"]["status"], "PUBLISHED");
    assert_eq!(ok(&after)?["article"]["scheduledAt"], Value::Null);
    assert_eq!(ok(&after)?, ok(&before)?);
    // Publishing it now again stays the idempotent no-op it was.
    let again = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { publishArticle(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await?;
    assert_eq!(ok(&again)?["publishArticle"]["status"], "PUBLISHED");
    Ok(())
}

async fn scheduled_articles_are_published_exactly_once_by_concurrent_schedulers(
    app: TestApp,
) -> Result<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let (token, site) = setup(&app, "once.example.com", &["en"]).await?;
    // Far enough ahead that every article is still scheduled when the loop ends, however slow
    // the machine; then all are made due at once below.
    let at = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let mut ids = Vec::new();
    for i in 0..12 {
        let a = app
            .create_article(&token, json!({ "siteId": site, "title": format!("S{i}") }))
            .await?;
        let id = str_at(&a, "/id")?;
        ok(&app.graphql_as(&token, "mutation($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { version } }", json!({ "id": id, "at": at })).await?)?;
        ids.push(uuid::Uuid::parse_str(&id)?);
    }
    let made_due = entities::article::Entity::update_many()
        .col_expr(
            entities::article::Column::ScheduledAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(entities::article::Column::Id.is_in(ids.clone()))
        .filter(entities::article::Column::Status.eq(entities::article::ArticleStatus::Scheduled))
        .exec(&app.db)
        .await?;
    assert_eq!(
        made_due.rows_affected, 12,
        "every article was still scheduled"
    );
    // Four more schedulers race the server's own for the same rows.
    let runs = (0..4).map(|_| {
        let db = app.db.clone();
        tokio::spawn(async move {
            wharf::services::article::publish_due(&db, 100)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))
        })
    });
    for run in runs {
        run.await??;
    }
    // The server's own scheduler may still be finishing its claim: wait until none is left.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let rows = loop {
        let rows = entities::article::Entity::find()
            .filter(entities::article::Column::Id.is_in(ids.clone()))
            .all(&app.db)
            .await?;
        let published = rows
            .iter()
            .filter(|r| r.status == entities::article::ArticleStatus::Published)
            .count();
        if published == rows.len() || std::time::Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(rows.len(), 12);
    for row in rows {
        assert_eq!(row.status, entities::article::ArticleStatus::Published);
        // create = 1, schedule = 2, publish = 3: a second publication would make it 4.
        assert_eq!(
            row.version, 3,
            "article {} was published more than once",
            row.id
        );
    }
    let upserts = entities::outbox::Entity::find()
        .filter(entities::outbox::Column::Kind.eq("search.upsert"))
        .all(&app.db)
        .await?;
    assert_eq!(upserts.len(), 12, "one index event per publication");
    Ok(())
}

const PAGE: &str = "query($n: Int) { articles(first: $n, filter: { site: \"n1.example.com\" }) { totalCount edges { node { title site { domain } author { displayName } tags { slug name } } } } }";

async fn a_page_of_articles_costs_the_same_queries_whatever_its_size(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app, "n1.example.com", &["en"]).await?;
    for i in 0..22 {
        let a = app.create_article(&token, json!({ "siteId": site, "title": format!("A{i}"), "tags": [format!("t{i}"), "common"] })).await?;
        app.publish(&token, a["id"].as_str().unwrap_or_default())
            .await?;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The scheduler polls the database in the background; the fewest statements over a few
    // runs is the request's own count.
    let mut q_small = u64::MAX;
    let mut q_large = u64::MAX;
    let (mut small, mut large) = (Value::Null, Value::Null);
    for _ in 0..5 {
        let (s, n) = app
            .queries_during(app.graphql(PAGE, json!({ "n": 2 })))
            .await?;
        (small, q_small) = (s, q_small.min(n));
        let (l, n) = app
            .queries_during(app.graphql(PAGE, json!({ "n": 20 })))
            .await?;
        (large, q_large) = (l, q_large.min(n));
    }
    assert_eq!(
        ok(&small)?["articles"]["edges"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(
        ok(&large)?["articles"]["edges"].as_array().map(Vec::len),
        Some(20)
    );
    assert_eq!(
        ok(&large)?["articles"]["edges"][0]["node"]["tags"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        q_small, q_large,
        "20 articles must cost the same statements as 2 ({q_small} vs {q_large})"
    );
    assert!(q_large <= 8, "{q_large} statements for one page");
    Ok(())
}

async fn lists_filter_by_any_or_all_tags_title_text_and_dates(app: TestApp) -> Result<()> {
    let (token, site) = setup(&app, "rich.example.com", &["en"]).await?;
    for (title, tags) in [
        ("Canton Fair guide", vec!["fairs", "china"]),
        ("Incoterms FOB", vec!["shipping"]),
        ("Fair shipping", vec!["fairs", "shipping"]),
    ] {
        let a = app
            .create_article(
                &token,
                json!({ "siteId": site, "title": title, "tags": tags }),
            )
            .await?;
        app.publish(&token, a["id"].as_str().unwrap_or_default())
            .await?;
    }
    let count = |filter: Value| {
        let app = &app;
        async move {
            let body = app
                .graphql(
                    "query($f: ArticleFilter) { articles(filter: $f) { totalCount } }",
                    json!({ "f": filter }),
                )
                .await?;
            Ok::<_, anyhow::Error>(ok(&body)?["articles"]["totalCount"].as_i64().unwrap_or(-1))
        }
    };
    assert_eq!(
        count(json!({ "site": site, "tagsAny": ["china", "shipping"] })).await?,
        3
    );
    assert_eq!(
        count(json!({ "site": site, "tagsAll": ["fairs", "shipping"] })).await?,
        1
    );
    assert_eq!(
        count(json!({ "site": site, "titleContains": "FAIR" })).await?,
        2
    );
    assert_eq!(
        count(json!({ "site": site, "titleContains": "100%_" })).await?,
        0
    );
    let past = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let future = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    assert_eq!(
        count(json!({ "site": site, "publishedAfter": past })).await?,
        3
    );
    assert_eq!(
        count(json!({ "site": site, "publishedAfter": future })).await?,
        0
    );
    assert_eq!(
        count(json!({ "site": site, "publishedBefore": past })).await?,
        0
    );
    Ok(())
}
