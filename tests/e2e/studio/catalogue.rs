//! Product categories in the Studio (issue 19, point 10; issue 17): an owner builds the tree in
//! the browser, names each category in English and Chinese side by side, reorders and nests
//! them, and is told in their language why a category holding others cannot be deleted. What
//! they did is checked through the API; the page is read in Chinese and at phone width.
use super::{PASSWORD, overflow};
use anyhow::{Result, ensure};
use serde_json::{Value, json};
use wharf_tests::{Browser, Lang, TestApp, e2e, ok, str_at};

e2e!(
    an_owner_builds_the_category_tree_in_two_languages,
    the_category_page_speaks_chinese_and_fits_a_phone,
);

const SITE: &str = "valves.example.com";

/// The owner of a site in English and Chinese; returns (email, access token, site ID).
async fn shop(app: &TestApp, email: &str) -> Result<(String, String, String)> {
    let body = app
        .graphql(
            "mutation($input: RegisterInput!) { register(input: $input) { accessToken } }",
            json!({ "input": { "email": email, "password": PASSWORD, "displayName": "Chen Jing 陈静" } }),
        )
        .await?;
    let token = str_at(ok(&body)?, "/register/accessToken")?;
    let site = app.create_site(&token, SITE, &["en", "zh-CN"]).await?;
    Ok((email.to_owned(), token, site))
}

/// The tree as the API shows it: (English name, Chinese name or "", children), top first.
async fn tree(app: &TestApp, token: &str) -> Result<Value> {
    let body = app
        .graphql_as(
            token,
            "query($s: String!) { categories(site: $s) { name slug translations { locale name } children { name slug translations { locale name } children { name } } } }",
            json!({ "s": SITE }),
        )
        .await?;
    Ok(ok(&body)?["categories"].clone())
}

/// Fills the inputs of `form` (a CSS selector) by locale and submits it with its primary button.
async fn submit_names(browser: &Browser, form: &str, names: &[(&str, &str)]) -> Result<()> {
    browser.wait(form).await?;
    for (locale, name) in names {
        browser
            .js(
                "const i = document.querySelector(arguments[0] + ` input[data-locale=\"${arguments[1]}\"]`); i.value = arguments[2]; i.dispatchEvent(new Event('input'));",
                vec![json!(form), json!(locale), json!(name)],
            )
            .await?;
    }
    browser
        .js(
            "document.querySelector(arguments[0] + ' button.primary').click()",
            vec![json!(form)],
        )
        .await?;
    Ok(())
}

async fn click_labelled(browser: &Browser, label: &str) -> Result<()> {
    browser
        .wait(&format!("button[aria-label=\"{label}\"]:not([disabled])"))
        .await?
        .click()
        .await?;
    Ok(())
}

async fn an_owner_builds_the_category_tree_in_two_languages(app: TestApp) -> Result<()> {
    let (email, token, site) = shop(&app, "owner@valves.example.com").await?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(&email, PASSWORD).await?;
    browser.click_text("Categories").await?;
    browser.wait_text("h1", "Product categories").await?;
    browser.wait_text("p", "No categories yet").await?;

    // Two top-level categories, each named in both languages side by side.
    browser.fill("Name (English)", "Valves").await?;
    browser.fill("Name (中文（简体）)", "阀门").await?;
    browser.click_text("Add category").await?;
    browser.wait_text(".cat-names", "阀门").await?;
    browser.fill("Name (English)", "Fittings").await?;
    browser.fill("Name (中文（简体）)", "管件").await?;
    browser.click_text("Add category").await?;
    browser.wait_text(".cat-names", "Fittings").await?;

    // A subcategory under Valves, from its row.
    click_labelled(&browser, "Add a subcategory under Valves").await?;
    submit_names(
        &browser,
        ".cat-actions form",
        &[("en", "Ball valves"), ("zh-CN", "球阀")],
    )
    .await?;
    browser
        .wait_text(".cat-tree .cat-tree .cat-names", "Ball valves")
        .await?;

    // Fittings moves above Valves.
    click_labelled(&browser, "Move Fittings up").await?;
    browser
        .wait("button[aria-label=\"Move Fittings up\"][disabled]")
        .await?;
    let shown = tree(&app, &token).await?;
    assert_eq!(shown[0]["name"], "Fittings", "{shown}");
    assert_eq!(shown[1]["name"], "Valves", "{shown}");
    assert_eq!(shown[1]["children"][0]["name"], "Ball valves", "{shown}");
    let zh: Vec<&str> = shown[1]["translations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["locale"] == "zh-CN")
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(zh, ["阀门"], "{shown}");

    // Renamed in Chinese through the edit form; the English name stays.
    click_labelled(&browser, "Edit category Ball valves").await?;
    submit_names(&browser, ".cat-actions form", &[("zh-CN", "不锈钢球阀")]).await?;
    browser.wait_text(".cat-names", "不锈钢球阀").await?;
    let shown = tree(&app, &token).await?;
    let ball = &shown[1]["children"][0];
    assert_eq!(ball["name"], "Ball valves", "{shown}");
    assert!(
        ball["translations"].to_string().contains("不锈钢球阀"),
        "{shown}"
    );

    // Valves holds a subcategory: deleting it is refused, worded, and nothing is deleted.
    click_labelled(&browser, "Delete category Valves").await?;
    browser
        .wait("dialog[open] button.danger")
        .await?
        .click()
        .await?;
    browser.wait_text(".notice", "subcategor").await?;
    ensure!(tree(&app, &token).await?[1]["name"] == "Valves");

    // A product in Ball valves: the count shows, and deleting Ball valves names it.
    let ball_id = {
        let body = app
            .graphql_as(
                &token,
                "query($s: String!) { categories(site: $s) { children { id name } } }",
                json!({ "s": SITE }),
            )
            .await?;
        let found = ok(&body)?["categories"][1]["children"][0]["id"].clone();
        found.as_str().unwrap_or_default().to_owned()
    };
    ok(&app
        .graphql_as(
            &token,
            "mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }",
            json!({ "i": { "siteId": site, "name": "Ball valve DN50", "categoryIds": [ball_id] } }),
        )
        .await?)?;
    browser.open("/studio/categories").await?;
    browser.wait_text(".badge", "1 products").await?;
    click_labelled(&browser, "Delete category Ball valves").await?;
    browser
        .wait("dialog[open] button.danger")
        .await?
        .click()
        .await?;
    browser.wait_text(".notice", "still has 1 products").await?;

    // An empty one goes.
    click_labelled(&browser, "Delete category Fittings").await?;
    browser
        .wait("dialog[open] button.danger")
        .await?
        .click()
        .await?;
    browser.wait_text(".notice", "Category deleted").await?;
    let shown = tree(&app, &token).await?;
    assert_eq!(shown.as_array().map(Vec::len), Some(1), "{shown}");
    browser.screenshot("categories-en").await?;
    browser.assert_clean().await?;
    browser.close().await
}

async fn the_category_page_speaks_chinese_and_fits_a_phone(app: TestApp) -> Result<()> {
    let (email, token, site) = shop(&app, "owner@valves.example.com").await?;
    let mut parent: Option<String> = None;
    for (en, zh) in [
        (
            "Industrial valves for oil, gas and water",
            "石油、天然气和水用工业阀门",
        ),
        ("Stainless steel ball valves", "不锈钢球阀"),
        ("Three-piece full-bore ball valves", "三片式全通径球阀"),
    ] {
        let body = app
            .graphql_as(
                &token,
                "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { id } }",
                json!({ "i": { "siteId": site, "parentId": parent, "translations": [
                    { "locale": "en", "name": en }, { "locale": "zh-CN", "name": zh }] } }),
            )
            .await?;
        parent = Some(str_at(ok(&body)?, "/createCategory/id")?);
    }
    let Some(browser) = Browser::start(&app, Lang::Chinese).await? else {
        return Ok(());
    };
    browser.sign_in(&email, PASSWORD).await?;
    browser.open("/studio/categories").await?;
    browser.wait_text("h1", "产品分类").await?;
    browser.wait_text(".cat-names", "三片式全通径球阀").await?;
    browser.wait_text("button", "添加子分类").await?;
    browser.screenshot("categories-zh").await?;
    browser.resize(375, 812).await?;
    browser.wait_text(".cat-names", "三片式全通径球阀").await?;
    ensure!(
        overflow(&browser).await? <= 0,
        "the category tree scrolls sideways at phone width"
    );
    browser.screenshot("categories-zh-phone").await?;
    browser.assert_clean().await?;
    browser.close().await
}
