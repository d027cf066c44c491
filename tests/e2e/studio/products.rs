//! Products in the Studio (issue 19, point 10; issue 17): an editor writes a product with its
//! specification table, gallery and trade terms, and finds it all again after a reload and
//! through the API; bad terms are shown on their field and change nothing; a Chinese
//! translation is made beside the English original; a second editor's save is a conflict, not
//! an overwrite; the pages read in Chinese and fit a phone.
use super::{PASSWORD, overflow};
use crate::products::{SITE, category, create_product, shop};
use anyhow::{Result, ensure};
use image::{Rgb, RgbImage};
use serde_json::{Value, json};
use wharf_tests::{Browser, Lang, TestApp, e2e, ok, str_at};

e2e!(
    an_editor_writes_a_product_with_specs_gallery_and_terms_and_finds_it_after_a_reload,
    a_bad_hs_code_or_price_range_is_shown_on_its_field_and_changes_nothing,
    a_chinese_translation_is_written_beside_the_english_original,
    two_editors_saving_the_same_product_get_a_conflict_not_an_overwrite,
    the_product_pages_speak_chinese_and_fit_a_phone,
);

const OWNER: &str = "owner@valves.example.com";

/// A real photo-like JPEG: a gradient in `colour`, so thumbnails show what they are.
fn photo(colour: [u8; 3]) -> Result<Vec<u8>> {
    let img = RgbImage::from_fn(320, 240, |x, y| {
        let fade = |c: u8| c.saturating_sub(u8::try_from((x + y) / 8).unwrap_or(0));
        Rgb([fade(colour[0]), fade(colour[1]), fade(colour[2])])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img)?;
    Ok(out)
}

/// Uploads a photo named `name`; returns its media ID.
async fn upload_photo(
    app: &TestApp,
    token: &str,
    site: &str,
    name: &str,
    colour: [u8; 3],
) -> Result<String> {
    let m = crate::media::upload_ok(app, token, site, name, "image/jpeg", photo(colour)?).await?;
    str_at(&m, "/id")
}

/// The product as the site's owner reads it through the API.
async fn read(app: &TestApp, token: &str, id: &str) -> Result<Value> {
    let body = app
        .graphql_as(
            token,
            "query($id: ID!) { product(id: $id) { id locale name slug modelNumber status version summary description \
             translationGroupId price { min max currency } incoterm { rule place } minimumOrder { quantity unit } \
             leadTimeDays hsCode originCountry certifications specs { group name value unit } categories { id } \
             cover { id } gallery { id } translations { id locale } } }",
            json!({ "id": id }),
        )
        .await?;
    Ok(ok(&body)?["product"].clone())
}

async fn click_labelled(browser: &Browser, label: &str) -> Result<()> {
    browser
        .wait(&format!("button[aria-label=\"{label}\"]:not([disabled])"))
        .await?
        .click()
        .await?;
    Ok(())
}

/// The form control whose `<label>` says `label`, found by the label's text content: the
/// specification table's labels are visually hidden on a desktop (its header row names the
/// columns), where WebDriver's visible text of a label would be empty.
async fn labelled(browser: &Browser, label: &str) -> Result<fantoccini::elements::Element> {
    let deadline = tokio::time::Instant::now() + wharf_tests::browser::WAIT;
    loop {
        let id = browser
            .js(
                "return [...document.querySelectorAll('label')].find((l) => l.textContent.trim() === arguments[0])?.htmlFor ?? null",
                vec![json!(label)],
            )
            .await?;
        if let Some(id) = id.as_str().filter(|id| !id.is_empty()) {
            return Ok(browser.client.find(fantoccini::Locator::Id(id)).await?);
        }
        ensure!(
            tokio::time::Instant::now() < deadline,
            "no field labelled {label:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Replaces the value of the field labelled `label` with `text`, as typing would.
async fn fill(browser: &Browser, label: &str, text: &str) -> Result<()> {
    let el = labelled(browser, label).await?;
    el.clear().await?;
    el.send_keys(text).await?;
    Ok(())
}

/// The value of the form control labelled `label`.
async fn value_of(browser: &Browser, label: &str) -> Result<String> {
    Ok(labelled(browser, label)
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

/// The product ID in the editor's address, once the editor has moved to a saved product.
async fn editor_product_id(browser: &Browser) -> Result<String> {
    let deadline = tokio::time::Instant::now() + wharf_tests::browser::WAIT;
    loop {
        let url = browser.client.current_url().await?;
        if let Some(id) = url.path().strip_prefix("/studio/products/")
            && !id.is_empty()
            && id != "new"
        {
            return Ok(id.to_owned());
        }
        ensure!(
            tokio::time::Instant::now() < deadline,
            "the editor never moved to the saved product's address (at {url})"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Picks the image called `name` in the media picker, opened by the button `opener`.
async fn pick(browser: &Browser, opener: &str, name: &str) -> Result<()> {
    browser.wait(opener).await?.click().await?;
    browser
        .wait_text("dialog[open] button.pick", name)
        .await?
        .click()
        .await?;
    browser.wait_text(".gallery-item", name).await?;
    Ok(())
}

/// The gallery's media IDs in the order the editor shows them, and the cover's.
async fn gallery_shown(browser: &Browser) -> Result<Value> {
    browser
        .js(
            "return { order: [...document.querySelectorAll('.gallery-item')].map((li) => li.dataset.id), \
             cover: document.querySelector('.gallery-item.is-cover')?.dataset.id ?? null }",
            vec![],
        )
        .await
}

async fn an_editor_writes_a_product_with_specs_gallery_and_terms_and_finds_it_after_a_reload(
    app: TestApp,
) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let valves = category(&app, &token, &site, None, "Valves", "阀门").await?;
    let ball = category(&app, &token, &site, Some(&valves), "Ball valves", "球阀").await?;
    let front = upload_photo(&app, &token, &site, "front.jpg", [200, 60, 40]).await?;
    let side = upload_photo(&app, &token, &site, "side.jpg", [40, 120, 200]).await?;
    let back = upload_photo(&app, &token, &site, "back.jpg", [60, 170, 80]).await?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(OWNER, PASSWORD).await?;
    browser.click_text("Products").await?;
    browser.wait_text("h1", "Products").await?;
    browser.wait_text("p", "No products match").await?;
    browser.click_text("New product").await?;
    browser.wait_text("h1", "New product").await?;

    fill(&browser, "Name", "Stainless steel ball valve DN50").await?;
    fill(&browser, "Model number", "BV-50-SS").await?;
    fill(
        &browser,
        "Summary",
        "Full-bore, three-piece, for water and oil.",
    )
    .await?;
    fill(
        &browser,
        "Description (Markdown)",
        "# Overview\n\nA **full-bore** ball valve.\n\n## Materials\n\nCF8M body.\n",
    )
    .await?;
    // The preview is the server's renderer.
    browser.wait_text("#pe-preview h2", "Materials").await?;
    browser
        .wait_text(".categories-pick label", "Ball valves")
        .await?
        .click()
        .await?;

    // Three specification rows; the third moves up to second place.
    for _ in 0..3 {
        browser.click_text("Add row").await?;
    }
    for (n, [group, name, value, unit]) in [
        ["Body", "Material", "CF8M stainless steel", ""],
        ["Size", "Nominal size", "50", "mm"],
        ["Body", "Pressure", "PN40", "bar"],
    ]
    .iter()
    .enumerate()
    {
        let row = n + 1;
        fill(&browser, &format!("Group (row {row})"), group).await?;
        fill(&browser, &format!("Name (row {row})"), name).await?;
        fill(&browser, &format!("Value (row {row})"), value).await?;
        if !unit.is_empty() {
            fill(&browser, &format!("Unit (row {row})"), unit).await?;
        }
    }
    click_labelled(&browser, "Move row 3 up").await?;
    ensure!(value_of(&browser, "Name (row 2)").await? == "Pressure");

    // Three gallery images; the last moves to the front; the side view becomes the cover.
    pick(&browser, "#gallery-add", "front.jpg").await?;
    pick(&browser, "#gallery-add", "side.jpg").await?;
    pick(&browser, "#gallery-add", "back.jpg").await?;
    click_labelled(&browser, "Move back.jpg earlier").await?;
    click_labelled(&browser, "Move back.jpg earlier").await?;
    browser
        .wait(&format!(
            ".gallery-item[data-id=\"{side}\"] input[type=radio]"
        ))
        .await?
        .click()
        .await?;
    let shown = gallery_shown(&browser).await?;
    ensure!(
        shown == json!({ "order": [back, front, side], "cover": side }),
        "{shown}"
    );

    // Price and terms.
    fill(&browser, "Price (lowest)", "12.5").await?;
    fill(&browser, "Price (highest)", "18").await?;
    fill(&browser, "Currency", "usd").await?;
    labelled(&browser, "Incoterm (Incoterms 2020)")
        .await?
        .select_by_value("FOB")
        .await?;
    fill(&browser, "Named place", "Ningbo").await?;
    fill(&browser, "Minimum order", "100").await?;
    fill(&browser, "Unit", "pieces").await?;
    fill(&browser, "Lead time (days)", "30").await?;
    fill(&browser, "HS code", "8481.80").await?;
    fill(&browser, "Country of origin", "cn").await?;
    browser.wait_text(".country-name", "China").await?;
    fill(&browser, "Certifications", "CE, ISO 9001").await?;
    browser.click_text("Save draft").await?;
    let id = editor_product_id(&browser).await?;
    browser.wait_text("h1", "Edit product").await?;

    // Everything as the API has it.
    let p = read(&app, &token, &id).await?;
    ensure!(p["status"] == "DRAFT" && p["locale"] == "en", "{p}");
    ensure!(
        p["name"] == "Stainless steel ball valve DN50" && p["modelNumber"] == "BV-50-SS",
        "{p}"
    );
    ensure!(
        p["specs"]
            == json!([
                { "group": "Body", "name": "Material", "value": "CF8M stainless steel", "unit": null },
                { "group": "Body", "name": "Pressure", "value": "PN40", "unit": "bar" },
                { "group": "Size", "name": "Nominal size", "value": "50", "unit": "mm" },
            ]),
        "{p}"
    );
    ensure!(
        p["gallery"] == json!([{ "id": back }, { "id": front }, { "id": side }]),
        "{p}"
    );
    ensure!(p["cover"] == json!({ "id": side }), "{p}");
    ensure!(
        p["price"] == json!({ "min": "12.50", "max": "18.00", "currency": "USD" }),
        "{p}"
    );
    ensure!(
        p["incoterm"] == json!({ "rule": "FOB", "place": "Ningbo" }),
        "{p}"
    );
    ensure!(
        p["minimumOrder"] == json!({ "quantity": 100, "unit": "pieces" }),
        "{p}"
    );
    ensure!(
        p["leadTimeDays"] == 30 && p["hsCode"] == "848180" && p["originCountry"] == "CN",
        "{p}"
    );
    ensure!(p["certifications"] == json!(["CE", "ISO 9001"]), "{p}");
    ensure!(p["categories"] == json!([{ "id": ball }]), "{p}");

    // A reload shows the same.
    browser.open(&format!("/studio/products/{id}")).await?;
    browser.wait_text("h1", "Edit product").await?;
    ensure!(value_of(&browser, "Name (row 2)").await? == "Pressure");
    ensure!(value_of(&browser, "Unit (row 3)").await? == "mm");
    ensure!(value_of(&browser, "Price (lowest)").await? == "12.50");
    ensure!(value_of(&browser, "Incoterm (Incoterms 2020)").await? == "FOB");
    ensure!(value_of(&browser, "HS code").await? == "848180");
    ensure!(value_of(&browser, "Certifications").await? == "CE, ISO 9001");
    let shown = gallery_shown(&browser).await?;
    ensure!(
        shown == json!({ "order": [back, front, side], "cover": side }),
        "{shown}"
    );
    browser.wait_text("#pe-preview h1", "Overview").await?;

    browser.click_text("Publish now").await?;
    browser.wait_text(".badge", "Published").await?;
    ensure!(read(&app, &token, &id).await?["status"] == "PUBLISHED");
    browser.resize(1280, 2600).await?;
    browser.screenshot("product-en").await?;
    browser.resize(1280, 900).await?;
    browser.open("/studio/products").await?;
    browser
        .wait_text("td a", "Stainless steel ball valve DN50")
        .await?;
    browser.wait_text("td", "BV-50-SS").await?;
    browser.screenshot("products-en").await?;

    // At a phone's width nothing scrolls sideways.
    browser.resize(375, 812).await?;
    browser.open(&format!("/studio/products/{id}")).await?;
    browser.wait_text("h1", "Edit product").await?;
    ensure!(
        overflow(&browser).await? <= 0,
        "the product editor scrolls sideways at phone width"
    );
    browser.screenshot("product-en-phone").await?;
    browser.assert_clean().await?;
    browser.close().await
}

async fn a_bad_hs_code_or_price_range_is_shown_on_its_field_and_changes_nothing(
    app: TestApp,
) -> Result<()> {
    let (token, _) = shop(&app).await?;
    let created = create_product(
        &app,
        &token,
        json!({ "siteId": SITE, "name": "Gate valve", "hsCode": "848180", "priceMin": "10", "priceMax": "20", "currency": "USD" }),
    )
    .await?;
    let id = str_at(ok(&created)?, "/createProduct/id")?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(OWNER, PASSWORD).await?;
    browser.open(&format!("/studio/products/{id}")).await?;
    browser.wait_text("h1", "Edit product").await?;

    fill(&browser, "HS code", "84A180").await?;
    fill(&browser, "Summary", "A summary that must not be saved").await?;
    browser.click_text("Save draft").await?;
    let error = browser.wait("[name=hsCode][aria-invalid=true]").await?;
    let slot = error.attr("id").await?.unwrap_or_default();
    let said = browser.wait(&format!("#{slot}-err")).await?.text().await?;
    ensure!(said.contains("is not an HS code"), "{said}");
    browser.screenshot("product-field-error").await?;
    let p = read(&app, &token, &id).await?;
    ensure!(
        p["version"] == 1 && p["hsCode"] == "848180" && p["summary"].is_null(),
        "{p}"
    );

    fill(&browser, "HS code", "848180").await?;
    fill(&browser, "Price (lowest)", "30").await?;
    browser.click_text("Save draft").await?;
    let error = browser.wait("[name=priceMax][aria-invalid=true]").await?;
    let slot = error.attr("id").await?.unwrap_or_default();
    browser
        .wait_text(
            &format!("#{slot}-err"),
            "The highest price must not be below the lowest price",
        )
        .await?;
    ensure!(
        browser
            .client
            .find(fantoccini::Locator::Css("[name=hsCode][aria-invalid]"))
            .await
            .is_err(),
        "the fixed HS code is no longer marked"
    );
    let p = read(&app, &token, &id).await?;
    ensure!(
        p["version"] == 1 && p["price"]["min"] == "10.00" && p["summary"].is_null(),
        "{p}"
    );

    // A specification row without its name is refused before anything is sent.
    fill(&browser, "Price (lowest)", "10").await?;
    browser.click_text("Add row").await?;
    fill(&browser, "Value (row 1)", "DN80").await?;
    browser.click_text("Save draft").await?;
    browser
        .wait("[name=\"rows.0.name\"][aria-invalid=true]")
        .await?;
    browser
        .wait_text(".spec-row .field-error", "must not be empty")
        .await?;
    let p = read(&app, &token, &id).await?;
    ensure!(
        p["version"] == 1 && p["specs"] == json!([]) && p["summary"].is_null(),
        "{p}"
    );
    browser.assert_clean().await?;
    browser.close().await
}

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
