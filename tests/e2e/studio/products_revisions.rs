//! The product editor's revisions and the product list's search (issue 17, "Products,
//! inquiries, images"): a revision compared with the form and restored, a restore refused as a
//! conflict beside its button when someone saved meanwhile; products found by a Chinese word
//! and by a model number, with their category and certification counts as filters.
use super::products::{OWNER, fill, labelled, read};
use super::{PASSWORD, overflow};
use crate::products::{SITE, category, create_product, publish, shop};
use anyhow::{Result, bail, ensure};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use wharf_tests::{Browser, Lang, TestApp, e2e, ok, str_at};

e2e!(
    a_product_revision_is_compared_and_restored_in_the_editor,
    products_are_found_by_a_chinese_word_and_a_model_number_with_their_counts,
);

async fn update(app: &TestApp, token: &str, id: &str, input: Value) -> Result<Value> {
    let body = app
        .graphql_as(
            token,
            "mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { version } }",
            json!({ "id": id, "input": input }),
        )
        .await?;
    Ok(ok(&body)?["updateProduct"].clone())
}

async fn click(browser: &Browser, css: &str) -> Result<()> {
    browser.wait(css).await?.click().await?;
    Ok(())
}

async fn a_product_revision_is_compared_and_restored_in_the_editor(app: TestApp) -> Result<()> {
    let (token, _) = shop(&app).await?;
    let created = create_product(
        &app,
        &token,
        json!({ "siteId": SITE, "locale": "en", "name": "Ball valve DN50", "modelNumber": "BV-50",
                "description": "Full bore.\n\nCF8M body.\n" }),
    )
    .await?;
    let id = str_at(ok(&created)?, "/createProduct/id")?;
    let v = update(
        &app,
        &token,
        &id,
        json!({ "name": "Ball valve DN80", "description": "Full bore.\n\nWCB body.\n", "expectedVersion": 1 }),
    )
    .await?;
    ensure!(v["version"] == 2, "{v}");

    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(OWNER, PASSWORD).await?;
    browser.open(&format!("/studio/products/{id}")).await?;
    browser.wait_text("h1", "Edit product").await?;
    browser
        .wait_text("#pe-revisions li[data-number=\"2\"]", "current")
        .await?;
    click(
        &browser,
        "button[aria-label=\"Compare revision 1 with the form\"]",
    )
    .await?;
    browser
        .wait_text("#pe-revision-diff .del", "Ball valve DN50")
        .await?;
    browser
        .wait_text("#pe-revision-diff .add", "Ball valve DN80")
        .await?;
    browser
        .wait_text("#pe-revision-diff .del", "CF8M body.")
        .await?;
    browser
        .wait_text("#pe-revision-diff .same", "Full bore.")
        .await?;
    browser
        .screenshot_of("product-revisions-en", "#pe-rev-h")
        .await?;

    // Someone saves meanwhile: the restore is refused beside its button, nothing changes.
    let v = update(
        &app,
        &token,
        &id,
        json!({ "name": "Ball valve DN100", "expectedVersion": 2 }),
    )
    .await?;
    ensure!(v["version"] == 3, "{v}");
    click(&browser, "button[aria-label=\"Restore revision 1\"]").await?;
    click(&browser, "dialog[open] button.primary").await?;
    browser
        .wait_text("#pe-rev-1-err", "Someone changed this product")
        .await?;
    browser
        .wait("button[aria-label=\"Restore revision 1\"][aria-invalid=true][aria-describedby=\"pe-rev-1-err\"]")
        .await?;
    let p = read(&app, &token, &id).await?;
    ensure!(p["name"] == "Ball valve DN100" && p["version"] == 3, "{p}");

    // Their version loaded, the restore goes through.
    browser
        .wait_text("#pe-revisions button", "Load their version")
        .await?
        .click()
        .await?;
    browser.wait_text("#pe-version", "version 3").await?;
    click(&browser, "button[aria-label=\"Restore revision 1\"]").await?;
    click(&browser, "dialog[open] button.primary").await?;
    browser.wait_text(".notice", "Revision 1 restored").await?;
    browser.wait_text("#pe-version", "version 4").await?;
    let p = read(&app, &token, &id).await?;
    ensure!(
        p["name"] == "Ball valve DN50"
            && p["description"] == "Full bore.\n\nCF8M body.\n"
            && p["version"] == 4,
        "{p}"
    );
    ensure!(
        labelled(&browser, "Name")
            .await?
            .prop("value")
            .await?
            .as_deref()
            == Some("Ball valve DN50")
    );
    browser
        .wait_text("#pe-revisions li[data-number=\"4\"]", "current")
        .await?;

    browser.resize(375, 812).await?;
    browser.open(&format!("/studio/products/{id}")).await?;
    browser.wait("#pe-revisions li[data-number=\"4\"]").await?;
    click(
        &browser,
        "button[aria-label=\"Compare revision 2 with the form\"]",
    )
    .await?;
    browser
        .wait_text("#pe-revision-diff .del", "Ball valve DN80")
        .await?;
    ensure!(
        overflow(&browser).await? <= 0,
        "the product editor scrolls sideways at phone width"
    );
    browser
        .screenshot_of("product-revisions-en-phone", "#pe-revisions")
        .await?;
    browser.assert_clean().await?;
    browser.close().await?;

    // In Chinese.
    let Some(browser) = Browser::start(&app, Lang::Chinese).await? else {
        bail!("the browser went away");
    };
    browser.sign_in(OWNER, PASSWORD).await?;
    browser.open(&format!("/studio/products/{id}")).await?;
    browser.wait_text("#pe-rev-h", "修订历史").await?;
    click(&browser, "button[aria-label=\"将版本 3 与表单比较\"]").await?;
    browser
        .wait_text("#pe-revision-diff h3", "版本 3 → 现在")
        .await?;
    browser
        .screenshot_of("product-revisions-zh", "#pe-rev-h")
        .await?;
    browser.resize(375, 812).await?;
    browser
        .screenshot_of("product-revisions-zh-phone", "#pe-revisions")
        .await?;
    browser.assert_clean().await?;
    browser.close().await
}

/// Waits until the anonymous product search for `q` finds `n` products (the index follows
/// writes through the outbox).
async fn indexed(app: &TestApp, q: &str, n: usize) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let body = app
            .graphql(
                "query($q: String!, $site: String) { productSearch(query: $q, site: $site) { hits { product { id } } } }",
                json!({ "q": q, "site": SITE }),
            )
            .await?;
        let hits = ok(&body)?["productSearch"]["hits"]
            .as_array()
            .map_or(0, Vec::len);
        if hits == n {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the search for {q:?} still finds {hits} products: {body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The list's search box: types `q` and submits.
async fn search(browser: &Browser, label: &str, q: &str) -> Result<()> {
    if q.is_empty() {
        labelled(browser, label).await?.clear().await?;
    } else {
        fill(browser, label, q).await?;
    }
    click(browser, "form.product-search button[type=submit]").await
}

async fn products_are_found_by_a_chinese_word_and_a_model_number_with_their_counts(
    app: TestApp,
) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let valves = category(&app, &token, &site, None, "Valves", "阀门").await?;
    let ball = category(&app, &token, &site, Some(&valves), "Ball valves", "球阀").await?;
    let gate = category(&app, &token, &site, Some(&valves), "Gate valves", "闸阀").await?;
    for input in [
        json!({ "siteId": SITE, "locale": "zh-CN", "name": "不锈钢球阀 DN50", "modelNumber": "BV-50-SS",
                "summary": "三片式全通径球阀。", "categoryIds": [ball], "certifications": ["CE", "ISO 9001"] }),
        json!({ "siteId": SITE, "locale": "zh-CN", "name": "不锈钢闸阀 DN100", "modelNumber": "GV-100",
                "summary": "明杆闸阀。", "categoryIds": [gate], "certifications": ["CE"] }),
        json!({ "siteId": SITE, "locale": "en", "name": "Cast iron gate valve", "modelNumber": "GV-200",
                "categoryIds": [gate] }),
    ] {
        let id = str_at(
            ok(&create_product(&app, &token, input).await?)?,
            "/createProduct/id",
        )?;
        publish(&app, &token, &id).await?;
    }
    indexed(&app, "不锈钢", 2).await?;
    indexed(&app, "cast iron", 1).await?;

    let Some(browser) = Browser::start(&app, Lang::Chinese).await? else {
        return Ok(());
    };
    browser.sign_in(OWNER, PASSWORD).await?;
    browser.open("/studio/products").await?;
    search(&browser, "搜索产品", "不锈钢").await?;
    browser.wait_text("#search-count", "找到 2 个").await?;
    // Chinese products: their categories counted, in Chinese once the language is chosen.
    labelled(&browser, "语言")
        .await?
        .select_by_value("zh-CN")
        .await?;
    browser
        .wait("button.facet[aria-label=\"阀门：2 个产品\"]")
        .await?;
    browser
        .wait("button.facet[aria-label=\"球阀：1 个产品\"]")
        .await?;
    browser
        .wait("button.facet[aria-label=\"闸阀：1 个产品\"]")
        .await?;
    browser
        .wait("button.facet[aria-label=\"CE：2 个产品\"]")
        .await?;
    browser
        .wait("button.facet[aria-label=\"ISO 9001：1 个产品\"][aria-pressed=false]")
        .await?;
    // The matched words marked in the names (as the engine segments them).
    browser.wait("td a.hit-name em").await?;
    let marked = browser
        .js(
            "return [...document.querySelectorAll('td a.hit-name em')].map((e) => e.textContent)",
            vec![],
        )
        .await?;
    ensure!(
        marked.as_array().is_some_and(|m| !m.is_empty()
            && m.iter().all(|e| e
                .as_str()
                .is_some_and(|e| !e.is_empty() && "不锈钢".contains(e)))),
        "{marked}"
    );
    browser.screenshot("products-search-zh").await?;
    // A count is a filter.
    click(&browser, "button.facet[aria-label=\"ISO 9001：1 个产品\"]").await?;
    browser
        .wait("button.facet[aria-label=\"ISO 9001：1 个产品\"][aria-pressed=true]")
        .await?;
    browser.wait_text("#search-count", "找到 1 个").await?;
    let names = browser
        .js(
            "return [...document.querySelectorAll('td a.hit-name')].map((a) => a.textContent)",
            vec![],
        )
        .await?;
    ensure!(names == json!(["不锈钢球阀 DN50"]), "{names}");
    browser.resize(375, 812).await?;
    ensure!(
        overflow(&browser).await? <= 0,
        "the product search scrolls sideways at phone width"
    );
    browser.screenshot("products-search-zh-phone").await?;
    browser.resize(1280, 900).await?;

    // By model number, however it is typed.
    search(&browser, "搜索产品", "gv100").await?;
    browser.wait_text("#search-count", "找到 1 个").await?;
    browser
        .wait_text("td a.hit-name", "不锈钢闸阀 DN100")
        .await?;
    // No words: the plain list again (in the language chosen), with its status filter.
    search(&browser, "搜索产品", "").await?;
    browser
        .wait("form.product-filters select[name=status]")
        .await?;
    let url = browser.client.current_url().await?;
    ensure!(url.query() == Some("locale=zh-CN"), "{url}");
    browser
        .wait_text("td a.product-name", "不锈钢球阀 DN50")
        .await?;
    browser
        .wait_text("td a.product-name", "不锈钢闸阀 DN100")
        .await?;
    browser.assert_clean().await?;
    browser.close().await?;

    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        bail!("the browser went away");
    };
    browser.sign_in(OWNER, PASSWORD).await?;
    browser.open("/studio/products").await?;
    search(&browser, "Search products", "bv50ss").await?;
    browser
        .wait_text("#search-count", "1 found for “bv50ss”")
        .await?;
    browser
        .wait_text("td a.hit-name", "不锈钢球阀 DN50")
        .await?;
    browser
        .wait("button.facet[aria-label=\"Ball valves (1)\"]")
        .await?;
    browser.screenshot("products-search-en").await?;
    browser.resize(375, 812).await?;
    ensure!(
        overflow(&browser).await? <= 0,
        "the product search scrolls sideways at phone width"
    );
    browser.screenshot("products-search-en-phone").await?;
    click(&browser, "#clear-search").await?;
    browser
        .wait("form.product-filters select[name=status]")
        .await?;
    browser.assert_clean().await?;
    browser.close().await
}
