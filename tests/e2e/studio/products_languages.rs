//! Products in the Studio, continued: a Chinese translation written beside the English
//! original, a second editor's save reported as a conflict rather than overwritten, and the
//! product pages in Chinese at desktop and phone width.
use super::products::{OWNER, editor_product_id, fill, read, upload_photo, value_of};
use super::{PASSWORD, overflow};
use crate::products::{SITE, category, create_product, shop};
use anyhow::{Result, ensure};
use serde_json::json;
use wharf_tests::{Browser, Lang, TestApp, e2e, ok, str_at};

e2e!(
    a_chinese_translation_is_written_beside_the_english_original,
    two_editors_saving_the_same_product_get_a_conflict_not_an_overwrite,
    the_product_pages_speak_chinese_and_fit_a_phone,
);

async fn a_chinese_translation_is_written_beside_the_english_original(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let photo_id = upload_photo(&app, &token, &site, "valve.jpg", [180, 180, 190]).await?;
    let created = create_product(
        &app,
        &token,
        json!({ "siteId": SITE, "locale": "en", "name": "Stainless steel ball valve DN50", "modelNumber": "BV-50-SS",
                "summary": "Full-bore, three-piece.", "description": "# Overview\n\nFull bore.\n",
                "priceMin": "12.5", "currency": "USD", "incoterm": "FOB", "incotermPlace": "Ningbo" }),
    )
    .await?;
    let original = str_at(ok(&created)?, "/createProduct/id")?;
    ok(&app
        .graphql_as(
            &token,
            "mutation($id: ID!, $m: [ID!], $c: ID) { a: setProductSpecs(productId: $id, rows: [{ group: \"Body\", name: \"Material\", value: \"CF8M\" }]) { version } \
             b: setProductMedia(productId: $id, gallery: $m, coverId: $c) { version } }",
            json!({ "id": original, "m": [photo_id], "c": photo_id }),
        )
        .await?)?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(OWNER, PASSWORD).await?;
    browser
        .open(&format!("/studio/products/{original}"))
        .await?;
    browser.wait_text("h1", "Edit product").await?;
    browser
        .click_text("Translate to 中文（简体） (zh-CN)")
        .await?;
    browser
        .wait_text("h1", "Translate “Stainless steel ball valve DN50”")
        .await?;
    // The original beside the form; its table is there to translate.
    browser
        .wait_text("#pe-source .source-name", "Stainless steel ball valve DN50")
        .await?;
    browser.wait_text("#pe-source h1", "Overview").await?;
    ensure!(value_of(&browser, "Value (row 1)").await? == "CF8M");
    ensure!(value_of(&browser, "Model number").await? == "BV-50-SS");
    fill(
        &browser,
        "Name",
        "不锈钢球阀 DN50（三片式全通径，适用于水和油）",
    )
    .await?;
    fill(&browser, "Summary", "全通径，三片式。").await?;
    fill(
        &browser,
        "Description (Markdown)",
        "# 概述\n\n全通径球阀。\n",
    )
    .await?;
    fill(&browser, "Group (row 1)", "阀体").await?;
    fill(&browser, "Name (row 1)", "材质").await?;
    fill(&browser, "Value (row 1)", "CF8M 不锈钢").await?;
    browser.resize(1280, 1800).await?;
    browser.screenshot("product-translate-en").await?;
    browser.click_text("Save draft").await?;
    let zh = editor_product_id(&browser).await?;
    ensure!(zh != original);
    browser.wait_text("h1", "Edit product").await?;

    let p = read(&app, &token, &zh).await?;
    ensure!(
        p["locale"] == "zh-CN" && p["name"] == "不锈钢球阀 DN50（三片式全通径，适用于水和油）",
        "{p}"
    );
    ensure!(
        p["modelNumber"] == "BV-50-SS",
        "the translation keeps the model number: {p}"
    );
    ensure!(
        p["specs"]
            == json!([{ "group": "阀体", "name": "材质", "value": "CF8M 不锈钢", "unit": null }]),
        "{p}"
    );
    ensure!(
        p["price"]["min"] == "12.50" && p["incoterm"]["place"] == "Ningbo",
        "terms are the original's: {p}"
    );
    ensure!(
        p["gallery"] == json!([{ "id": photo_id }]),
        "media are the original's: {p}"
    );
    let en = read(&app, &token, &original).await?;
    ensure!(
        en["translationGroupId"] == p["translationGroupId"],
        "{en}\n{p}"
    );
    ensure!(
        en["specs"][0]["name"] == "Material" && en["name"] == "Stainless steel ball valve DN50",
        "{en}"
    );

    // Both side by side, from the Chinese version.
    browser.click_text("Show beside (en)").await?;
    browser
        .wait_text("#pe-source .source-name", "Stainless steel ball valve DN50")
        .await?;
    ensure!(value_of(&browser, "Name").await? == "不锈钢球阀 DN50（三片式全通径，适用于水和油）");
    browser.screenshot("product-side-by-side-en").await?;
    browser.resize(1280, 900).await?;
    browser.assert_clean().await?;
    browser.close().await
}

async fn two_editors_saving_the_same_product_get_a_conflict_not_an_overwrite(
    app: TestApp,
) -> Result<()> {
    let (token, _) = shop(&app).await?;
    let created = create_product(
        &app,
        &token,
        json!({ "siteId": SITE, "name": "Check valve" }),
    )
    .await?;
    let id = str_at(ok(&created)?, "/createProduct/id")?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(OWNER, PASSWORD).await?;
    browser.open(&format!("/studio/products/{id}")).await?;
    browser.wait_text("h1", "Edit product").await?;
    // Meanwhile another session saves its change.
    let theirs = app
        .graphql_as(
            &token,
            "mutation($id: ID!) { updateProduct(id: $id, input: { packaging: \"Wooden case\", expectedVersion: 1 }) { version } }",
            json!({ "id": id }),
        )
        .await?;
    ensure!(ok(&theirs)?["updateProduct"]["version"] == 2);
    fill(&browser, "Name", "Swing check valve").await?;
    browser.click_text("Save draft").await?;
    browser
        .wait_text(
            "#pe-conflict",
            "Someone else saved this product after you opened it",
        )
        .await?;
    browser.screenshot("product-conflict").await?;
    let p = read(&app, &token, &id).await?;
    ensure!(p["name"] == "Check valve" && p["version"] == 2, "{p}");

    // Keeping mine applies my change over theirs, and only mine: their packaging stays.
    browser.click_text("Keep my text").await?;
    browser.wait_text(".notice", "Your text is kept").await?;
    browser.click_text("Save draft").await?;
    browser.wait_text("#pe-version", "version 3").await?;
    let body = app
        .graphql_as(
            &token,
            "query($id: ID!) { product(id: $id) { name packaging version } }",
            json!({ "id": id }),
        )
        .await?;
    let p = &ok(&body)?["product"];
    ensure!(
        p["name"] == "Swing check valve" && p["packaging"] == "Wooden case",
        "{p}"
    );
    browser.assert_clean().await?;
    browser.close().await
}

async fn the_product_pages_speak_chinese_and_fit_a_phone(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let valves = category(
        &app,
        &token,
        &site,
        None,
        "Industrial valves",
        "石油、天然气和水用工业阀门",
    )
    .await?;
    let photo_id = upload_photo(&app, &token, &site, "阀门正面照片.jpg", [90, 110, 160]).await?;
    let mut last = String::new();
    for i in 1..=3 {
        let created = create_product(
            &app,
            &token,
            json!({ "siteId": SITE, "locale": "zh-CN", "name": format!("三片式全通径不锈钢球阀，适用于石油、天然气和水的长距离管道输送系统 {i}"),
                    "modelNumber": format!("Q41F-16P-DN50-SS316-{i}"), "categoryIds": [valves],
                    "summary": "法兰连接，全通径，低扭矩。", "priceMin": "85", "priceMax": "120", "currency": "CNY",
                    "incoterm": "EXW", "incotermPlace": "浙江省温州市龙湾区", "moqQuantity": 50, "moqUnit": "台",
                    "hsCode": "848180", "originCountry": "CN", "certifications": ["CE", "ISO 9001", "API 6D"] }),
        )
        .await?;
        last = str_at(ok(&created)?, "/createProduct/id")?;
    }
    ok(&app
        .graphql_as(
            &token,
            "mutation($id: ID!, $m: [ID!], $c: ID) { a: setProductSpecs(productId: $id, rows: [\
               { group: \"阀体\", name: \"阀体材质\", value: \"CF8M（ASTM A351 316 不锈钢精密铸造）\" },\
               { group: \"尺寸\", name: \"公称通径\", value: \"50\", unit: \"毫米\" }]) { version } \
             b: setProductMedia(productId: $id, gallery: $m, coverId: $c) { version } }",
            json!({ "id": last, "m": [photo_id], "c": photo_id }),
        )
        .await?)?;
    let Some(browser) = Browser::start(&app, Lang::Chinese).await? else {
        return Ok(());
    };
    browser.sign_in(OWNER, PASSWORD).await?;
    browser.open("/studio/products").await?;
    browser.wait_text("h1", "产品").await?;
    browser.wait_text("td a", "长距离管道输送系统 3").await?;
    browser.wait_text("p", "共 3 个产品").await?;
    browser.screenshot("products-zh").await?;
    browser.open(&format!("/studio/products/{last}")).await?;
    browser.wait_text("h1", "编辑产品").await?;
    browser.wait_text("h2", "规格参数").await?;
    browser.wait_text("h2", "价格与贸易条款").await?;
    ensure!(value_of(&browser, "参数名（第 1 行）").await? == "阀体材质");
    browser.resize(1280, 2600).await?;
    browser.screenshot("product-zh").await?;

    browser.resize(375, 812).await?;
    browser.wait_text("h1", "编辑产品").await?;
    ensure!(
        overflow(&browser).await? <= 0,
        "the product editor scrolls sideways at phone width"
    );
    browser.resize(375, 2400).await?;
    browser.screenshot("product-zh-phone").await?;
    browser.resize(375, 812).await?;
    browser.open("/studio/products").await?;
    browser.wait_text("td a", "长距离管道输送系统 3").await?;
    ensure!(
        overflow(&browser).await? <= 0,
        "the product list scrolls sideways at phone width"
    );
    browser.screenshot("products-zh-phone").await?;
    browser.assert_clean().await?;
    browser.close().await
}
