//! Wharf Studio in a real browser (headless Chromium over WebDriver, see
//! `wharf_tests::browser`): what an editor does, checked through the anonymous API as a reader
//! would see it, and what a person would notice (language, phone width, nothing from other hosts,
//! no console errors). Each test leaves screenshots (`WHARF_STUDIO_SCREENSHOTS` sends them to the
//! docs).
use anyhow::{Result, ensure};
use serde_json::{Value, json};
use wharf_tests::{Browser, Lang, PartnerServer, TestApp, e2e, ok, str_at};

mod catalogue;
mod inbox;
mod media_variants;
mod products;
mod products_languages;
mod products_revisions;

e2e!(
    an_editor_publishes_a_chinese_article_and_readers_see_it,
    the_studio_speaks_chinese_when_the_browser_does,
    at_phone_width_nothing_overflows_and_the_menu_folds,
    two_editors_saving_the_same_article_get_a_conflict_not_an_overwrite,
    unsaved_text_survives_a_reload,
    scheduling_and_restoring_a_revision,
    no_studio_page_asks_another_host_or_logs_an_error,
    bad_input_is_shown_beside_the_field_at_fault,
    a_refusal_is_worded_in_the_editors_language_beside_its_field,
    an_editor_uploads_an_image_and_inserts_it_into_an_article,
    an_owner_invites_an_editor_who_creates_an_account,
    an_admin_hands_out_a_reset_link_and_the_user_signs_in_with_the_new_password,
);
e2e!(settings = short_sessions; the_session_refreshes_itself_across_tabs_and_reloads);
e2e!(partner = market_partners; a_deal_goes_from_proposal_to_live_in_the_studio);

/// Access tokens that last two seconds: every few requests need a refresh.
fn short_sessions(s: &mut wharf::Settings) {
    s.access_token_ttl_secs = 2;
}

/// The market tests' partner settings: `alpha.test` and `beta.test` served by the test.
fn market_partners(s: &mut wharf::Settings, partner: &PartnerServer) {
    crate::market::quiet(s, partner);
}

const PASSWORD: &str = "correct horse battery";

/// An editor with a bilingual site; returns (email, access token, site ID).
async fn editor(app: &TestApp, email: &str) -> Result<(String, String, String)> {
    let user = app.signup(email).await?;
    let site = app
        .create_site(&user.token, "maoyi.example.com", &["zh-CN", "en"])
        .await?;
    Ok((email.to_owned(), user.token, site))
}

/// The article as an anonymous reader gets it.
async fn read_anonymously(app: &TestApp, id: &str) -> Result<Value> {
    let body = app
        .graphql(
            "query StudioTestRead($id: ID!) { article(id: $id) { title status html toc { text anchor children { text anchor children { text anchor } } } } }",
            json!({ "id": id }),
        )
        .await?;
    Ok(ok(&body)?["article"].clone())
}

/// The article ID in the editor's address (`/studio/articles/ID`), once it has one.
async fn editor_article_id(browser: &Browser) -> Result<String> {
    let deadline = tokio::time::Instant::now() + wharf_tests::browser::WAIT;
    loop {
        let url = browser.client.current_url().await?;
        if let Some(id) = url.path().strip_prefix("/studio/articles/")
            && !id.is_empty()
            && id != "new"
        {
            return Ok(id.to_owned());
        }
        ensure!(
            tokio::time::Instant::now() < deadline,
            "the editor never moved to the saved article's address (at {url})"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

const CHINESE_BODY: &str = "# 出口指南\n\n我们的工厂位于宁波。\n\n## 付款方式\n\n信用证与电汇。\n\n### 电汇细节\n\n30% 预付款。\n\n## 运输\n\nFOB 宁波。\n";

async fn an_editor_publishes_a_chinese_article_and_readers_see_it(app: TestApp) -> Result<()> {
    let (email, _, _) = editor(&app, "bianji@example.com").await?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(&email, PASSWORD).await?;
    browser.open("/studio/articles/new").await?;
    browser
        .fill("Title", "外贸出口指南：如何选择供应商")
        .await?;
    browser.fill("Body (Markdown)", CHINESE_BODY).await?;
    browser.fill("Tags", "外贸, guide").await?;
    // The live preview is the server's renderer: nested headings with their anchors.
    browser.wait_text("#ed-preview h3", "电汇细节").await?;
    browser.wait_text(".toc li li li a", "电汇细节").await?;
    browser.click_text("Save draft").await?;
    let id = editor_article_id(&browser).await?;
    browser.wait_text(".badge", "Draft").await?;
    let draft = app
        .graphql(
            "query StudioTestDraft($id: ID!) { article(id: $id) { title } }",
            json!({ "id": id }),
        )
        .await?;
    ensure!(
        wharf_tests::error_code(&draft)? == "NOT_FOUND",
        "a draft is not for readers: {draft}"
    );
    browser.click_text("Publish now").await?;
    browser.wait_text(".badge", "Published").await?;
    browser.screenshot("editor-en").await?;
    browser.assert_clean().await?;

    let article = read_anonymously(&app, &id).await?;
    ensure!(article["status"] == "PUBLISHED", "{article}");
    ensure!(
        article["title"] == "外贸出口指南：如何选择供应商",
        "{article}"
    );
    let toc = &article["toc"][0];
    ensure!(toc["text"] == "出口指南", "{article}");
    ensure!(
        toc["children"][0]["children"][0]["text"] == "电汇细节",
        "{article}"
    );
    // The preview showed exactly the reader's HTML.
    let preview: String = browser
        .js(
            "return document.getElementById('ed-preview').innerHTML",
            vec![],
        )
        .await?
        .as_str()
        .unwrap_or_default()
        .to_owned();
    ensure!(
        preview == article["html"].as_str().unwrap_or_default(),
        "preview:\n{preview}\nreaders get:\n{}",
        article["html"]
    );
    browser.close().await
}

async fn the_studio_speaks_chinese_when_the_browser_does(app: TestApp) -> Result<()> {
    let (email, token, site) = editor(&app, "zh@example.com").await?;
    let created = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "展会预告", "body": CHINESE_BODY, "locale": "zh-CN" }),
        )
        .await?;
    let id = str_at(&created, "/id")?;
    let Some(browser) = Browser::start(&app, Lang::Chinese).await? else {
        return Ok(());
    };
    browser.open("/studio/login").await?;
    browser.wait_text("h1", "登录 Wharf Studio").await?;
    browser.screenshot("login-zh").await?;
    browser.sign_in(&email, PASSWORD).await?;
    browser.wait_text("nav a", "文章").await?;
    browser.wait_text("h1", "文章").await?;
    browser.wait_text("td a", "展会预告").await?;
    browser.screenshot("articles-zh").await?;
    browser.open(&format!("/studio/articles/{id}")).await?;
    browser.wait_text("h1", "编辑文章").await?;
    browser.wait_text("#ed-preview h2", "付款方式").await?;
    browser.wait_text("button", "保存草稿").await?;
    browser.screenshot("editor-zh").await?;
    // The switch goes back to English and stays so after a reload.
    browser
        .wait("#lang-switch")
        .await?
        .select_by_value("en")
        .await?;
    browser.wait_text("h1", "Edit article").await?;
    browser.client.refresh().await?;
    browser.wait_text("h1", "Edit article").await?;
    browser.assert_clean().await?;
    browser.close().await
}

/// Widest element box on the page minus the viewport: > 0 means a sideways scroll.
async fn overflow(browser: &Browser) -> Result<i64> {
    let v = browser
        .js(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth",
            vec![],
        )
        .await?;
    Ok(v.as_i64().unwrap_or(i64::MAX))
}

async fn at_phone_width_nothing_overflows_and_the_menu_folds(app: TestApp) -> Result<()> {
    let (email, token, site) = editor(&app, "phone@example.com").await?;
    for i in 0..3 {
        app.create_article(
            &token,
            json!({ "siteId": site, "title": format!("很长很长的文章标题，说明我们的产品如何出口到世界各地 {i}"), "body": CHINESE_BODY }),
        )
        .await?;
    }
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.resize(375, 812).await?;
    browser.sign_in(&email, PASSWORD).await?;
    browser.wait("td a").await?;
    ensure!(
        !browser.wait("#main-nav").await?.is_displayed().await?,
        "the menu is folded at phone width"
    );
    browser.click_text("Menu").await?;
    ensure!(browser.wait("#main-nav").await?.is_displayed().await?);
    ensure!(
        overflow(&browser).await? <= 0,
        "the article list scrolls sideways"
    );
    browser.screenshot("articles-phone").await?;
    browser.click_text("Articles").await?;
    browser.open("/studio/articles/new").await?;
    browser.fill("Body (Markdown)", CHINESE_BODY).await?;
    browser.wait_text("#ed-preview h1", "出口指南").await?;
    ensure!(
        overflow(&browser).await? <= 0,
        "the editor scrolls sideways"
    );
    browser.screenshot("editor-phone").await?;
    browser.assert_clean().await?;
    browser.close().await
}

async fn two_editors_saving_the_same_article_get_a_conflict_not_an_overwrite(
    app: TestApp,
) -> Result<()> {
    let (email, token, site) = editor(&app, "first@example.com").await?;
    let created = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "Price list", "body": "v1" }),
        )
        .await?;
    let id = str_at(&created, "/id")?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(&email, PASSWORD).await?;
    browser.open(&format!("/studio/articles/{id}")).await?;
    browser.wait_text("h1", "Edit article").await?;
    // Meanwhile a second session (the same account elsewhere) saves its change.
    let second = api_login(&app, &email, PASSWORD).await?;
    let second = str_at(ok(&second)?, "/login/accessToken")?;
    let saved = app
        .graphql_as(
            &second,
            "mutation StudioTestSave($id: ID!) { updateArticle(id: $id, input: { body: \"their text\", expectedVersion: 1 }) { version } }",
            json!({ "id": id }),
        )
        .await?;
    ok(&saved)?;
    browser.fill("Body (Markdown)", "my text").await?;
    browser.click_text("Save draft").await?;
    browser
        .wait_text("#ed-conflict", "Someone else saved this article")
        .await?;
    browser.screenshot("editor-conflict").await?;
    let stored = app
        .graphql_as(
            &token,
            "query StudioTestBody($id: ID!) { article(id: $id) { body } }",
            json!({ "id": id }),
        )
        .await?;
    ensure!(
        ok(&stored)?["article"]["body"] == "their text",
        "the second save did not overwrite the first: {stored}"
    );
    // Keeping mine, knowingly, then saving replaces theirs.
    browser.click_text("Keep my text").await?;
    browser.click_text("Save draft").await?;
    browser.wait_text(".notice", "Saved").await?;
    let stored = app
        .graphql_as(
            &token,
            "query StudioTestBody2($id: ID!) { article(id: $id) { body } }",
            json!({ "id": id }),
        )
        .await?;
    ensure!(ok(&stored)?["article"]["body"] == "my text", "{stored}");
    browser.close().await
}

async fn unsaved_text_survives_a_reload(app: TestApp) -> Result<()> {
    let (email, token, site) = editor(&app, "reload@example.com").await?;
    let created = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "Catalogue", "body": "old" }),
        )
        .await?;
    let id = str_at(&created, "/id")?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(&email, PASSWORD).await?;
    browser.open(&format!("/studio/articles/{id}")).await?;
    browser
        .fill("Body (Markdown)", "新的产品目录，尚未保存")
        .await?;
    browser.client.refresh().await?;
    // Chromium may ask about leaving; accept if it does.
    let _ = browser.client.accept_alert().await;
    browser.wait_text(".restored", "Unsaved changes").await?;
    let body = browser
        .field("Body (Markdown)")
        .await?
        .prop("value")
        .await?;
    ensure!(
        body.as_deref() == Some("新的产品目录，尚未保存"),
        "restored body: {body:?}"
    );
    browser.close().await
}

async fn scheduling_and_restoring_a_revision(app: TestApp) -> Result<()> {
    let (email, token, site) = editor(&app, "schedule@example.com").await?;
    let created = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "Spring fair", "body": "first text" }),
        )
        .await?;
    let id = str_at(&created, "/id")?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(&email, PASSWORD).await?;
    browser.open(&format!("/studio/articles/{id}")).await?;
    browser.fill("Body (Markdown)", "second text").await?;
    browser.click_text("Save draft").await?;
    // The editor shows the saved article again: its second revision is listed.
    browser.wait_text(".revisions", "Revision 2").await?;
    // Compare revision 1 with the current text, then restore it.
    browser
        .client
        .find(fantoccini::Locator::XPath(
            "//li[contains(., 'Revision 1 ')]//button[contains(., 'Compare')]",
        ))
        .await?
        .click()
        .await?;
    browser
        .wait_text("#ed-revision-diff .del", "first text")
        .await?;
    browser
        .wait_text("#ed-revision-diff .add", "second text")
        .await?;
    browser.screenshot("editor-revisions").await?;
    browser
        .client
        .find(fantoccini::Locator::XPath(
            "//li[contains(., 'Revision 1 ')]//button[contains(., 'Restore')]",
        ))
        .await?
        .click()
        .await?;
    browser
        .wait("dialog[open] button.primary")
        .await?
        .click()
        .await?;
    browser.wait_text(".notice", "restored").await?;
    let body = app
        .graphql_as(
            &token,
            "query StudioTestRev($id: ID!) { article(id: $id) { body status scheduledAt } }",
            json!({ "id": id }),
        )
        .await?;
    ensure!(ok(&body)?["article"]["body"] == "first text", "{body}");

    // Schedule for tomorrow at 09:30 local time (the browser's zone).
    let when = browser.field("Publish at").await?;
    browser
        .js(
            "const d = new Date(Date.now() + 86400000); const p = (n) => String(n).padStart(2, '0'); \
             arguments[0].value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T09:30`;",
            vec![serde_json::to_value(&when)?],
        )
        .await?;
    browser.click_text("Schedule").await?;
    browser.wait_text(".badge", "Scheduled").await?;
    let body = app
        .graphql_as(
            &token,
            "query StudioTestSched($id: ID!) { article(id: $id) { status scheduledAt } }",
            json!({ "id": id }),
        )
        .await?;
    let article = &ok(&body)?["article"];
    ensure!(article["status"] == "SCHEDULED", "{article}");
    let at = chrono::DateTime::parse_from_rfc3339(article["scheduledAt"].as_str().unwrap_or(""))?;
    ensure!(
        at > chrono::Utc::now() + chrono::Duration::hours(1),
        "{article}"
    );
    browser.close().await
}

async fn no_studio_page_asks_another_host_or_logs_an_error(app: TestApp) -> Result<()> {
    let (email, token, site) = editor(&app, "offline@example.com").await?;
    let created = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "离线", "body": CHINESE_BODY }),
        )
        .await?;
    let id = str_at(&created, "/id")?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.open("/studio/login").await?;
    browser.wait("form").await?;
    browser.assert_clean().await?;
    browser.sign_in(&email, PASSWORD).await?;
    for (path, marker) in [
        ("/studio/articles", "h1"),
        ("/studio/articles/new", "#ed-form"),
        (&format!("/studio/articles/{id}") as &str, "#ed-preview h1"),
        ("/studio/inquiries", ".count"),
        ("/studio/tags", "h1"),
        ("/studio/products", "h1"),
        ("/studio/products/new", "#pe-form"),
        ("/studio/categories", "h1"),
        ("/studio/media", "h1"),
        ("/studio/market", "h1"),
        ("/studio/settings", "h1"),
        ("/studio/account", "h1"),
        ("/studio/explorer", "h1"),
        ("/studio/no-such-page", "h1"),
    ] {
        browser.open(path).await?;
        browser.wait(marker).await?;
        // Give lazy requests (previews, lists) their time.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        browser
            .assert_clean()
            .await
            .map_err(|e| e.context(format!("on {path}")))?;
    }
    // The CSP itself: no inline script, nothing from other hosts.
    let resp = app
        .client
        .get(format!("{}/studio/articles", app.address))
        .send()
        .await?;
    let csp = resp
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    ensure!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    browser.close().await
}

async fn bad_input_is_shown_beside_the_field_at_fault(app: TestApp) -> Result<()> {
    let (email, _, _) = editor(&app, "errors@example.com").await?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    // Wrong password: an error on the form, still on the login page.
    browser.open("/studio/login").await?;
    browser.fill("Email", &email).await?;
    browser.fill("Password", "not the password").await?;
    browser.click_text("Sign in").await?;
    browser.wait("[role=alert]:not([hidden])").await?;
    ensure!(browser.client.current_url().await?.path() == "/studio/login");
    browser.sign_in(&email, PASSWORD).await?;
    browser.open("/studio/articles/new").await?;
    browser.fill("Title", "Valid title").await?;
    browser.fill("Slug", "bad slug / with spaces?").await?;
    browser.click_text("Save draft").await?;
    let slug_error = browser
        .wait("[data-field=slug] .field-error:not([hidden])")
        .await?;
    ensure!(!slug_error.text().await?.is_empty());
    let invalid = browser.field("Slug").await?.attr("aria-invalid").await?;
    ensure!(invalid.as_deref() == Some("true"), "{invalid:?}");
    browser.screenshot("editor-field-error").await?;
    browser.close().await
}

/// The slug field's error, once it shows `text`.
async fn slug_error(browser: &Browser, text: &str) -> Result<String> {
    Ok(browser
        .wait_text("[data-field=slug] .field-error:not([hidden])", text)
        .await?
        .text()
        .await?)
}

async fn a_refusal_is_worded_in_the_editors_language_beside_its_field(app: TestApp) -> Result<()> {
    let (email, token, site) = editor(&app, "words@example.com").await?;
    app.create_article(
        &token,
        json!({ "siteId": site, "title": "广交会参展指南", "slug": "广交会-参展指南", "body": "正文" }),
    )
    .await?;
    let Some(browser) = Browser::start(&app, Lang::Chinese).await? else {
        return Ok(());
    };
    browser.sign_in(&email, PASSWORD).await?;
    browser.open("/studio/articles/new").await?;
    browser.wait_text("h1", "新建文章").await?;
    browser.fill("标题", "广交会参展指南（第二版）").await?;
    browser.fill("网址别名（slug）", "广交会-参展指南").await?;
    browser.click_text("保存草稿").await?;
    // The server's English message, worded in Chinese from extensions.reason.
    let taken = slug_error(&browser, "这个网址别名已被使用").await?;
    ensure!(!taken.contains("already"), "{taken}");
    let invalid = browser
        .field("网址别名（slug）")
        .await?
        .attr("aria-invalid")
        .await?;
    ensure!(invalid.as_deref() == Some("true"), "{invalid:?}");
    browser.screenshot("editor-field-error-zh").await?;
    // With the field's label and the limit from extensions.params.
    browser.fill("网址别名（slug）", &"长".repeat(121)).await?;
    browser.click_text("保存草稿").await?;
    slug_error(&browser, "网址别名（slug）最多只能有 120 个字符").await?;

    browser
        .wait("#lang-switch")
        .await?
        .select_by_value("en")
        .await?;
    browser.wait_text("h1", "New article").await?;
    browser
        .fill("Title", "Canton Fair guide, second edition")
        .await?;
    browser.fill("Slug", "广交会-参展指南").await?;
    browser.click_text("Save draft").await?;
    slug_error(&browser, "This slug is already used").await?;
    browser.fill("Slug", &"long".repeat(40)).await?;
    browser.click_text("Save draft").await?;
    slug_error(&browser, "Slug can be at most 120 characters long").await?;
    browser.assert_clean().await?;
    browser.close().await
}

/// Whether the site's newest media item is public, as the API says.
async fn first_media_public(app: &TestApp, token: &str, site: &str) -> Result<Value> {
    let body = app
        .graphql_as(
            token,
            "query($s: String!) { siteMedia(site: $s, first: 5) { nodes { filename public } } }",
            json!({ "s": site }),
        )
        .await?;
    Ok(ok(&body)?["siteMedia"]["nodes"][0]["public"].clone())
}

async fn an_editor_uploads_an_image_and_inserts_it_into_an_article(app: TestApp) -> Result<()> {
    let (email, token, site) = editor(&app, "photos@example.com").await?;
    let created = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "工厂照片", "body": "我们的工厂。" }),
        )
        .await?;
    let id = str_at(&created, "/id")?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("factory.png");
    std::fs::write(&file, crate::media::png(64, 48, 2048))?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(&email, PASSWORD).await?;
    browser.open("/studio/media").await?;
    // The file picker's input, as a person choosing a file would fill it.
    browser
        .wait("input[type=file]")
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    browser.wait_text("main", "factory.png").await?;
    browser
        .wait("main img[src*='factory'], main img[alt]")
        .await?;
    // Private (expiring links) until marked public; the mark reaches the API.
    browser
        .wait_text(".media-visibility .badge", "Private link")
        .await?;
    ensure!(first_media_public(&app, &token, &site).await? == json!(false));
    browser
        .wait("button[aria-label^=\"Make factory.png public\"]")
        .await?
        .click()
        .await?;
    browser
        .wait_text(".media-visibility .badge", "Public link")
        .await?;
    ensure!(first_media_public(&app, &token, &site).await? == json!(true));
    browser
        .wait("button[aria-label^=\"Make factory.png private\"]")
        .await?
        .click()
        .await?;
    browser
        .wait_text(".media-visibility .badge", "Private link")
        .await?;
    ensure!(first_media_public(&app, &token, &site).await? == json!(false));
    browser.screenshot("media-en").await?;
    browser.assert_clean().await?;

    browser.open(&format!("/studio/articles/{id}")).await?;
    browser.wait_text("h1", "Edit article").await?;
    browser.click_text("Insert image").await?;
    browser
        .wait("dialog[open] button.pick")
        .await?
        .click()
        .await?;
    let body = browser
        .field("Body (Markdown)")
        .await?
        .prop("value")
        .await?;
    let body = body.unwrap_or_default();
    ensure!(
        body.starts_with("我们的工厂。") && body.contains("!["),
        "{body}"
    );
    browser.wait("#ed-preview img").await?;
    browser.click_text("Publish now").await?;
    browser.wait_text(".badge", "Published").await?;
    let article = read_anonymously(&app, &id).await?;
    ensure!(
        article["html"]
            .as_str()
            .unwrap_or_default()
            .contains("<img"),
        "{article}"
    );
    browser.assert_clean().await?;
    browser.close().await
}

async fn a_deal_goes_from_proposal_to_live_in_the_studio(
    app: TestApp,
    partner: PartnerServer,
) -> Result<()> {
    use crate::market::{ALPHA, BETA, create_offer, deal_op, link_page, party, place, propose};
    let alpha = party(&app, &partner, ALPHA, false).await?;
    let beta = party(&app, &partner, BETA, true).await?;
    let offer = create_offer(&app, &alpha, "RECIPROCAL", "machinery").await?;
    let deal = propose(&app, &beta, &offer).await?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    // Alpha's owner accepts the proposal and says where the link to Beta sits.
    browser.sign_in(&format!("owner@{ALPHA}"), PASSWORD).await?;
    browser.open(&format!("/studio/deals/{deal}")).await?;
    browser.wait_text(".badge", "Proposed").await?;
    browser.click_text("Accept").await?;
    if let Ok(ok_button) = browser
        .client
        .find(fantoccini::Locator::Css("dialog[open] button.primary"))
        .await
    {
        ok_button.click().await?;
    }
    browser.wait_text(".badge", "Accepted").await?;
    partner.set(ALPHA, "/partners", link_page(BETA, "Beta Export 外贸"));
    partner.set(BETA, "/links", link_page(ALPHA, "阿尔法 机械"));
    browser
        .fill("Page with the link", &format!("http://{ALPHA}/partners"))
        .await?;
    browser
        .fill("Link target", &format!("https://www.{BETA}/"))
        .await?;
    browser.fill("Anchor text", "Beta Export 外贸").await?;
    browser.click_text("Submit placement").await?;
    browser.wait_text(".notice", "Placement saved").await?;
    // Beta places its link and checks the deal through the API; the open page follows live.
    place(
        &app,
        &beta,
        &deal,
        &format!("http://www.{BETA}/links"),
        &format!("https://www.{ALPHA}/"),
        "阿尔法 机械",
    )
    .await?;
    let checked = deal_op(&app, &beta.token, "checkLinkDeal", &deal).await?;
    ensure!(
        ok(&checked)?["checkLinkDeal"]["status"] == "LIVE",
        "{checked}"
    );
    browser.wait_text(".badge", "Live").await?;
    // Check now from the Studio: both links are checked again and found.
    browser.click_text("Check now").await?;
    browser.wait_text("main", "The link is found").await?;
    browser.screenshot("deal-en").await?;
    browser.assert_clean().await?;
    browser.close().await?;

    let Some(browser) = Browser::start(&app, Lang::Chinese).await? else {
        return Ok(());
    };
    browser.sign_in(&format!("owner@{ALPHA}"), PASSWORD).await?;
    browser.open(&format!("/studio/deals/{deal}")).await?;
    browser.wait_text("main", "阿尔法 机械").await?;
    browser.screenshot("deal-zh").await?;
    browser.open("/studio/media").await?;
    browser.wait("main h1").await?;
    browser.screenshot("media-zh").await?;
    browser.assert_clean().await?;
    browser.close().await
}

async fn the_session_refreshes_itself_across_tabs_and_reloads(app: TestApp) -> Result<()> {
    let (email, _, _) = editor(&app, "tabs@example.com").await?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(&email, PASSWORD).await?;
    let first = browser.client.window().await?;
    let second = browser.client.new_window(true).await?.handle;
    // Both tabs outlive their access token, then load pages at the same moment: refresh tokens
    // work once, so only tabs that take turns (and use the newest token) stay signed in.
    for round in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        let url = format!("{}/studio/tags?round={round}", browser.base);
        browser.client.switch_to_window(second.clone()).await?;
        browser
            .js("window.location.href = arguments[0]", vec![json!(url)])
            .await?;
        browser.client.switch_to_window(first.clone()).await?;
        browser.client.goto(&url).await?;
        browser.wait_text("h1", "Tags").await?;
        browser.client.switch_to_window(second.clone()).await?;
        browser.wait_text("h1", "Tags").await?;
        ensure!(
            !browser
                .body_text()
                .await?
                .contains("Sign in to Wharf Studio"),
            "round {round}: the second tab lost the session"
        );
        browser.client.switch_to_window(first.clone()).await?;
        ensure!(
            !browser
                .body_text()
                .await?
                .contains("Sign in to Wharf Studio"),
            "round {round}: the first tab lost the session"
        );
    }
    // A reload keeps the session too.
    browser.client.refresh().await?;
    browser.wait("#sign-out").await?;
    browser.wait_text("h1", "Tags").await?;
    browser.assert_clean().await?;
    // Signing out in one tab signs the other out as well.
    browser.click_text("Sign out").await?;
    browser.wait_text("h1", "Sign in to Wharf Studio").await?;
    browser.client.switch_to_window(second).await?;
    browser.wait_text("h1", "Sign in to Wharf Studio").await?;
    browser.close().await
}

/// Signs out, then opens a link the Studio showed (its path on the test server).
async fn sign_out_and_follow(browser: &Browser, link: &str) -> Result<()> {
    browser.click_text("Sign out").await?;
    browser.wait("form input[type=email]").await?;
    let path = link
        .split_once("/studio/")
        .map(|(_, rest)| format!("/studio/{rest}"))
        .unwrap_or_default();
    browser.open(&path).await
}

/// Types `text` into the email field of the form whose button says `button`.
async fn fill_email_of_form(browser: &Browser, button: &str, text: &str) -> Result<()> {
    browser
        .client
        .wait()
        .at_most(wharf_tests::browser::WAIT)
        .for_element(fantoccini::Locator::XPath(&format!(
            "//form[.//button[contains(., '{button}')]]//input[@type='email']"
        )))
        .await?
        .send_keys(text)
        .await?;
    Ok(())
}

/// Fills a new password and its repetition.
async fn fill_new_password(browser: &Browser, password: &str) -> Result<()> {
    browser.fill("New password", password).await?;
    browser.fill("Repeat the new password", password).await
}

/// `login` through the API: the whole answer.
async fn api_login(app: &TestApp, email: &str, password: &str) -> Result<Value> {
    app.graphql(
        "mutation StudioTestLogin($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        json!({ "e": email, "p": password }),
    )
    .await
}

/// The value of the show-once box (an invitation or reset link).
async fn shown_once(browser: &Browser) -> Result<String> {
    let el = browser.wait(".secret.once input").await?;
    Ok(el.prop("value").await?.unwrap_or_default())
}

async fn an_owner_invites_an_editor_who_creates_an_account(app: TestApp) -> Result<()> {
    let (email, _, site) = editor(&app, "owner@maoyi.example.com").await?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(&email, PASSWORD).await?;
    browser.open("/studio/settings?tab=members").await?;
    fill_email_of_form(
        &browser,
        "Create invitation link",
        "xin.tongshi@example.com",
    )
    .await?;
    browser
        .client
        .find(fantoccini::Locator::XPath(
            "//form[.//button[contains(., 'Create invitation link')]]//select",
        ))
        .await?
        .select_by_value("EDITOR")
        .await?;
    browser.click_text("Create invitation link").await?;
    let link = shown_once(&browser).await?;
    ensure!(link.contains("/studio/invite/"), "{link}");
    browser.screenshot("settings-members-en").await?;
    sign_out_and_follow(&browser, &link).await?;
    browser.wait_text("main", "Create your account").await?;
    browser.fill("Your name", "新同事").await?;
    fill_new_password(&browser, "another good passphrase").await?;
    browser.click_text("Create account and join").await?;
    browser.wait("#sign-out").await?;
    browser.wait_text("h1", "Articles").await?;
    browser.assert_clean().await?;
    browser.close().await?;

    // The invitee signs in with the password they chose and is an editor of the site.
    let login = api_login(&app, "xin.tongshi@example.com", "another good passphrase").await?;
    let token = str_at(ok(&login)?, "/login/accessToken")?;
    let me = app
        .graphql_as(
            &token,
            "query StudioTestMine { viewer { memberships { role site { id } } } }",
            json!({}),
        )
        .await?;
    let memberships = &ok(&me)?["viewer"]["memberships"];
    ensure!(
        memberships[0]["role"] == "EDITOR" && memberships[0]["site"]["id"] == json!(site),
        "{me}"
    );
    // The link worked once.
    let again = app
        .graphql(
            "query StudioTestInvitation($t: String!) { invitation(token: $t) { email } }",
            json!({ "t": link.rsplit('/').next().unwrap_or_default() }),
        )
        .await?;
    ensure!(ok(&again)?["invitation"].is_null(), "{again}");
    Ok(())
}

async fn an_admin_hands_out_a_reset_link_and_the_user_signs_in_with_the_new_password(
    app: TestApp,
) -> Result<()> {
    wharf::services::user::ensure_admin(
        &app.db,
        "root@example.com",
        "admin password 1".to_owned().into(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let (email, _, _) = editor(&app, "forgot@example.com").await?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser
        .sign_in("root@example.com", "admin password 1")
        .await?;
    browser.open("/studio/account").await?;
    fill_email_of_form(&browser, "Create reset link", &email).await?;
    browser.click_text("Create reset link").await?;
    let link = shown_once(&browser).await?;
    sign_out_and_follow(&browser, &link).await?;
    browser.wait_text("h1", "Choose a new password").await?;
    fill_new_password(&browser, "a brand new passphrase").await?;
    browser.click_text("Set password and sign in").await?;
    browser.wait("#sign-out").await?;
    browser.assert_clean().await?;
    browser.close().await?;
    let old = api_login(&app, &email, PASSWORD).await?;
    ensure!(
        old.get("errors").is_some(),
        "the old password still works: {old}"
    );
    let new = api_login(&app, &email, "a brand new passphrase").await?;
    ok(&new)?;
    Ok(())
}
