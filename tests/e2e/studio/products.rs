//! Products in the Studio (issue 19, point 10; issue 17): an editor writes a product with its
//! specification table, gallery and trade terms, and finds it all again after a reload and
//! through the API; bad terms are shown on their field and change nothing. Translations, two
//! editors at once and the Chinese pages at phone width: `products_languages.rs`. The helpers
//! here are shared with it.
use super::{PASSWORD, overflow};
use crate::products::{SITE, category, create_product, shop};
use anyhow::{Result, ensure};
use image::{Rgb, RgbImage};
use serde_json::{Value, json};
use wharf_tests::{Browser, Lang, TestApp, e2e, ok, str_at};

e2e!(
    an_editor_writes_a_product_with_specs_gallery_and_terms_and_finds_it_after_a_reload,
    a_bad_hs_code_or_price_range_is_shown_on_its_field_and_changes_nothing,
);

pub(super) const OWNER: &str = "owner@valves.example.com";

/// A real photo-like JPEG: a gradient in `colour`, so thumbnails show what they are.
pub(super) fn photo(colour: [u8; 3]) -> Result<Vec<u8>> {
    let img = RgbImage::from_fn(320, 240, |x, y| {
        let fade = |c: u8| c.saturating_sub(u8::try_from((x + y) / 8).unwrap_or(0));
        Rgb([fade(colour[0]), fade(colour[1]), fade(colour[2])])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img)?;
    Ok(out)
}

/// Uploads a photo named `name`; returns its media ID.
pub(super) async fn upload_photo(
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
pub(super) async fn read(app: &TestApp, token: &str, id: &str) -> Result<Value> {
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
pub(super) async fn labelled(
    browser: &Browser,
    label: &str,
) -> Result<fantoccini::elements::Element> {
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
pub(super) async fn fill(browser: &Browser, label: &str, text: &str) -> Result<()> {
    let el = labelled(browser, label).await?;
    el.clear().await?;
    el.send_keys(text).await?;
    Ok(())
}

/// The value of the form control labelled `label`.
pub(super) async fn value_of(browser: &Browser, label: &str) -> Result<String> {
    Ok(labelled(browser, label)
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

/// The product ID in the editor's address, once the editor has moved to a saved product.
pub(super) async fn editor_product_id(browser: &Browser) -> Result<String> {
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
    // The frame draws its header again once it knows the sites: click the menu after that.
    browser.wait_text("h1", "Articles").await?;
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
