//! `previewMarkdown`: what a body would show once saved, made by the same code as the
//! article's own fields, under the same limits, for those who may write the site's articles.
use anyhow::Result;
use serde_json::{Value, json};
use wharf::Settings;
use wharf_tests::{TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    a_preview_equals_the_article_saved_with_the_same_body,
    only_who_may_write_the_sites_articles_may_preview,
);

fn small_bodies(s: &mut Settings) {
    s.max_article_body_bytes = 2048;
}

e2e!(settings = small_bodies; a_preview_is_held_to_the_body_limits_of_create_article);

const FIELDS: &str = "html wordCount readingMinutes excerpt toc { level text anchor children { level text anchor children { level text anchor children { level text anchor } } } }";

fn preview_query() -> String {
    format!(
        "query($s: ID!, $b: String!) {{ previewMarkdown(siteId: $s, body: $b) {{ {FIELDS} }} }}"
    )
}

/// Bodies whose every part goes through the renderer: Chinese and repeated headings (anchors),
/// nesting, tables, raw and unsafe HTML, footnotes, unsafe links, and a body without paragraphs.
const BODIES: [&str; 4] = [
    "# 外贸展会指南\n\n## 一、简介\n\n广交会是中国最大的**进出口**商品交易会。Incoterms 2020 与 FOB 价格。\n\n\
     ## 一、简介\n\n重复的标题得到不同的锚点。\n\n### 1.1 展位 & «预订»\n\n- 第一项\n  - 嵌套 `code`\n- [链接](https://example.com) \
     [坏链接](javascript:alert(1))\n\n| 列 | 值 |\n|---|---|\n| a | 1 |\n\n<div onclick=\"x()\"><p>raw <b>html</b></p>\
     <script>alert(1)</script></div>\n\n脚注[^1]。\n\n[^1]: 注释。\n\n## Shipping from Ningbo\n\nEnglish words count one by one.\n",
    "## 只有标题\n\n### 没有段落\n\n- 列表 一\n- 列表 二\n",
    "",
    "Plain text with <img src=x onerror=alert(1)> and ![alt](data:text/html,boom).\n",
];

async fn a_preview_equals_the_article_saved_with_the_same_body(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@preview.example.com").await?;
    let site = app
        .create_site(&owner.token, "preview.example.com", &["zh-CN", "en"])
        .await?;
    for (i, body) in BODIES.iter().enumerate() {
        let created = app
            .create_article(
                &owner.token,
                json!({ "siteId": site, "title": format!("Body {i}"), "body": body }),
            )
            .await?;
        let id = str_at(&created, "/id")?;
        let article = app
            .graphql_as(
                &owner.token,
                &format!("query($id: ID!) {{ article(id: $id) {{ {FIELDS} }} }}"),
                json!({ "id": id }),
            )
            .await?;
        let article = ok(&article)?["article"].clone();
        let preview = app
            .graphql_as(
                &owner.token,
                &preview_query(),
                json!({ "s": site, "b": body }),
            )
            .await?;
        let preview = ok(&preview)?["previewMarkdown"].clone();
        assert_eq!(preview, article, "body {i}");
    }
    // The first body's Chinese headings are in the table of contents with distinct anchors.
    let preview = app
        .graphql_as(
            &owner.token,
            &preview_query(),
            json!({ "s": "preview.example.com", "b": BODIES[0] }),
        )
        .await?;
    let preview = &ok(&preview)?["previewMarkdown"];
    let sections = &preview["toc"][0]["children"];
    assert_eq!(sections[0]["text"], "一、简介");
    assert_eq!(sections[1]["text"], "一、简介");
    assert_ne!(sections[0]["anchor"], sections[1]["anchor"]);
    let html = str_at(preview, "/html")?;
    assert!(
        !html.contains("<script") && !html.contains("javascript:") && !html.contains("onclick")
    );
    assert!(preview["wordCount"].as_i64().unwrap_or(0) > 40, "{preview}");
    Ok(())
}

async fn a_preview_is_held_to_the_body_limits_of_create_article(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@limits.example.com").await?;
    let site = app
        .create_site(&owner.token, "limits.example.com", &["en"])
        .await?;
    let create = "mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }";
    let too_long = "外".repeat(683); // 2,049 bytes
    let at_limit = "a".repeat(2048);
    for (body, refused) in [
        (too_long.as_str(), true),
        ("nul \0 inside", true),
        (at_limit.as_str(), false),
    ] {
        let created = app
            .graphql_as(
                &owner.token,
                create,
                json!({ "input": { "siteId": site, "title": "T", "body": body } }),
            )
            .await?;
        let preview = app
            .graphql_as(
                &owner.token,
                &preview_query(),
                json!({ "s": site, "b": body }),
            )
            .await?;
        if !refused {
            ok(&created)?;
            ok(&preview)?;
            continue;
        }
        assert_eq!(error_code(&created)?, "BAD_USER_INPUT");
        assert_eq!(error_code(&preview)?, "BAD_USER_INPUT");
        assert_eq!(error_field(&created).as_deref(), Some("body"));
        assert_eq!(error_field(&preview).as_deref(), Some("body"));
        assert_eq!(
            preview["errors"][0]["message"],
            created["errors"][0]["message"]
        );
    }
    Ok(())
}

async fn only_who_may_write_the_sites_articles_may_preview(app: TestApp) -> Result<()> {
    let owner = app.signup("owner@who.example.com").await?;
    let site = app
        .create_site(&owner.token, "who.example.com", &["en"])
        .await?;
    let other = app
        .create_site(&owner.token, "who-else.example.com", &["en"])
        .await?;
    let editor = app.signup("editor@who.example.com").await?;
    ok(&app
        .graphql_as(
            &owner.token,
            "mutation($s: ID!) { setSiteMember(siteId: $s, email: \"editor@who.example.com\", role: EDITOR) { role } }",
            json!({ "s": site }),
        )
        .await?)?;
    let stranger = app.signup("stranger@who.example.com").await?;
    let token = |scopes: Value, site: Option<&str>| {
        let owner = owner.token.clone();
        let app = &app;
        let input = json!({ "name": "t", "scopes": scopes, "siteId": site });
        async move {
            let body = app
                .graphql_as(
                    &owner,
                    "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
                    json!({ "i": input }),
                )
                .await?;
            str_at(ok(&body)?, "/createApiToken/token")
        }
    };
    let reader = token(json!(["content:read"]), None).await?;
    let writer = token(json!(["content:write"]), Some(&site)).await?;
    let elsewhere = token(json!(["content:write"]), Some(&other)).await?;
    let vars = json!({ "s": site, "b": "# Hello" });
    let query = preview_query();

    for allowed in [&owner.token, &editor.token, &writer] {
        ok(&app.graphql_as(allowed, &query, vars.clone()).await?)?;
    }
    for refused in [&stranger.token, &reader, &elsewhere] {
        let body = app.graphql_as(refused, &query, vars.clone()).await?;
        assert_eq!(error_code(&body)?, "FORBIDDEN", "{body}");
    }
    assert_eq!(
        error_code(&app.graphql(&query, vars).await?)?,
        "UNAUTHENTICATED"
    );
    let nowhere = app
        .graphql_as(
            &owner.token,
            &query,
            json!({ "s": uuid::Uuid::now_v7().to_string(), "b": "x" }),
        )
        .await?;
    assert_eq!(error_code(&nowhere)?, "NOT_FOUND");
    assert_eq!(error_field(&nowhere).as_deref(), Some("siteId"));
    Ok(())
}
