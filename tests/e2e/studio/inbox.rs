//! The inquiry inbox in the Studio (issue 20): buyers submit through the public API as a
//! storefront would, and the sales team finds, reads and handles their inquiries in the browser,
//! in English and Chinese, at desktop and phone width. What the team did is checked through the
//! API.
use super::{PASSWORD, overflow};
use anyhow::{Result, ensure};
use serde_json::{Value, json};
use wharf_tests::{Browser, Lang, TestApp, e2e, ok, str_at};

e2e!(
    settings = quick_forms;
    the_team_finds_a_new_inquiry_handles_it_and_rescues_one_from_the_spam_folder,
    the_inbox_speaks_chinese_and_fits_a_phone,
);

/// Form tokens count after one second; the per-sender limits are out of the way.
fn quick_forms(s: &mut wharf::Settings) {
    s.inquiry_token_min_age_secs = 1;
    s.inquiry_ip_per_hour = 1000;
    s.inquiry_email_per_hour = 1000;
}

const SITE: &str = "valves.example.com";

/// The sales manager (owner of the site); returns (email, access token, site ID, product ID).
async fn shop(app: &TestApp) -> Result<(String, String, String, String)> {
    let email = "sales@valves.example.com";
    let body = app
        .graphql(
            "mutation($input: RegisterInput!) { register(input: $input) { accessToken } }",
            json!({ "input": { "email": email, "password": PASSWORD, "displayName": "Li Wei 李伟" } }),
        )
        .await?;
    let token = str_at(ok(&body)?, "/register/accessToken")?;
    let site = app.create_site(&token, SITE, &["en", "zh-CN"]).await?;
    let body = app
        .graphql_as(
            &token,
            "mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }",
            json!({ "i": { "siteId": site, "name": "Ball valve DN50", "description": "Forged brass, PN25." } }),
        )
        .await?;
    let product = str_at(ok(&body)?, "/createProduct/id")?;
    ok(&app
        .graphql_as(
            &token,
            "mutation($id: ID!) { publishProduct(id: $id) { status } }",
            json!({ "id": product }),
        )
        .await?)?;
    Ok((email.to_owned(), token, site, product))
}

/// Submits `input` as a storefront does: a form token first, then the inquiry once the token
/// is old enough. Returns the reference.
async fn submit(app: &TestApp, mut input: Value) -> Result<String> {
    let form = app
        .graphql(
            "mutation($s: String!) { inquiryForm(site: $s) { token } }",
            json!({ "s": SITE }),
        )
        .await?;
    input["formToken"] = json!(str_at(ok(&form)?, "/inquiryForm/token")?);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let body = app
        .graphql(
            "mutation($i: SubmitInquiryInput!) { submitInquiry(input: $i) { reference } }",
            json!({ "i": input }),
        )
        .await?;
    str_at(ok(&body)?, "/submitInquiry/reference")
}

/// The Hamburg buyer's inquiry for 2,000 valves, from a product page with campaign tags.
fn hamburg(product: &str) -> Value {
    json!({
        "site": SITE, "name": "Jonas Becker", "email": "jonas@becker-armaturen.example",
        "company": "Becker Armaturen GmbH", "country": "DE", "phone": "+49 40 1234567",
        "message": "We need 2,000 DN50 ball valves, FOB Ningbo, delivery in March. Please quote.",
        "locale": "de", "sourceUrl": "https://valves.example.com/products/ball-valve-dn50",
        "utm": { "source": "google", "medium": "cpc", "campaign": "valves-eu" },
        "items": [{ "productId": product, "quantity": 2000 }],
    })
}

/// A real buyer whose form a bot-like browser filled in: the honeypot holds a value.
fn held_as_spam() -> Value {
    json!({
        "site": SITE, "name": "Maria Rossi", "email": "maria@idraulica-rossi.example",
        "company": "Idraulica Rossi", "country": "IT",
        "message": "Do you make 3/4 inch check valves? 500 pieces.", "website": "autofill",
    })
}

/// The inquiry as the API shows it to the team.
async fn read(app: &TestApp, token: &str, reference: &str) -> Result<Value> {
    let body = app
        .graphql_as(
            token,
            "query($s: String!) { inquiries(site: $s, first: 50) { nodes { id reference status assignee { id } history { kind fromStatus toStatus note actor { displayName } } } } }",
            json!({ "s": SITE }),
        )
        .await?;
    let mut all = ok(&body)?["inquiries"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let body = app
        .graphql_as(
            token,
            "query($s: String!) { inquiries(site: $s, filter: { status: SPAM }, first: 50) { nodes { id reference status assignee { id } history { kind fromStatus toStatus note actor { displayName } } } } }",
            json!({ "s": SITE }),
        )
        .await?;
    all.extend(
        ok(&body)?["inquiries"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    );
    all.into_iter()
        .find(|i| i["reference"] == reference)
        .ok_or_else(|| anyhow::anyhow!("no inquiry {reference}"))
}

async fn the_team_finds_a_new_inquiry_handles_it_and_rescues_one_from_the_spam_folder(
    app: TestApp,
) -> Result<()> {
    let (email, token, _site, product) = shop(&app).await?;
    let real = submit(&app, hamburg(&product)).await?;
    let spam = submit(&app, held_as_spam()).await?;
    let Some(browser) = Browser::start(&app, Lang::English).await? else {
        return Ok(());
    };
    browser.sign_in(&email, PASSWORD).await?;
    browser.click_text("Inquiries").await?;
    browser.wait_text("h1", "Inquiries").await?;
    browser.wait_text("td a", &real).await?;
    let inbox = browser.body_text().await?;
    ensure!(
        !inbox.contains(&spam),
        "the inbox leaves the spam folder out:\n{inbox}"
    );
    ensure!(inbox.contains("Ball valve DN50 × 2,000"), "{inbox}");

    // A buyer writes while the team looks: the inbox shows it without a reload.
    let later = submit(
        &app,
        json!({ "site": SITE, "name": "Ahmed Khan", "email": "ahmed@khan-trading.example",
                "company": "Khan Trading LLC", "country": "AE", "message": "Price list for gate valves, please." }),
    )
    .await?;
    browser.wait_text("td a", &later).await?;
    browser.screenshot("inquiries-en").await?;

    // Filters: the country leaves only the Hamburg buyer; a bad country is named at its field.
    browser.fill("Country", "de").await?;
    browser.click_text("Filter").await?;
    browser.wait_text(".count", "1 inquiry").await?;
    let list = browser.wait(".table-wrap").await?.text().await?;
    ensure!(!list.contains(&later), "{list}");
    // The filtered set as CSV.
    browser.click_text("Export CSV").await?;
    browser.wait_text(".notice", "Exported 1 inquiry").await?;
    browser.fill("Country", "xx").await?;
    browser.click_text("Filter").await?;
    browser.wait_text(".field-error", "country").await?;

    // The inquiry itself.
    browser.open("/studio/inquiries").await?;
    browser.wait_text("td a", &real).await?.click().await?;
    browser.wait_text("h1", &real).await?;
    for shown in [
        "Jonas Becker",
        "jonas@becker-armaturen.example",
        "Becker Armaturen GmbH",
        "+49401234567",
        "We need 2,000 DN50 ball valves",
        "https://valves.example.com/products/ball-valve-dn50",
        "valves-eu",
        "cpc",
    ] {
        browser.wait_text("main", shown).await?;
    }
    browser.wait_text("td", "2,000").await?;
    // Status with a note, an internal note, an assignment.
    browser
        .field("Status")
        .await?
        .select_by_value("OPEN")
        .await?;
    browser
        .fill("Note with the change", "Called Jonas, he wants brass.")
        .await?;
    browser.click_text("Change status").await?;
    browser.wait_text(".status-line .badge", "Open").await?;
    browser
        .fill("Internal note", "Quote sent: USD 6.80 FOB Ningbo.")
        .await?;
    browser.click_text("Add note").await?;
    browser
        .wait_text(".timeline", "Quote sent: USD 6.80 FOB Ningbo.")
        .await?;
    browser
        .field("Assigned to")
        .await?
        .select_by_index(1)
        .await?;
    browser.click_text("Assign").await?;
    browser.wait_text(".timeline", "to Li Wei 李伟").await?;
    // The picture shows the page, not the notices over it.
    browser
        .js(
            "document.getElementById('notices')?.replaceChildren()",
            vec![],
        )
        .await?;
    browser.screenshot("inquiry-en").await?;
    let handled = read(&app, &token, &real).await?;
    ensure!(handled["status"] == "OPEN", "{handled}");
    ensure!(!handled["assignee"].is_null(), "{handled}");
    let history = handled["history"].to_string();
    for part in [
        "\"kind\":\"STATUS\"",
        "Called Jonas, he wants brass.",
        "Quote sent: USD 6.80 FOB Ningbo.",
        "\"kind\":\"ASSIGNED\"",
        "Li Wei 李伟",
    ] {
        ensure!(history.contains(part), "{part} not in {history}");
    }

    // The spam folder: the held inquiry, its reason, and back to the inbox.
    browser.click_text("All inquiries").await?;
    browser
        .field("Folder")
        .await?
        .select_by_value("SPAM")
        .await?;
    browser.wait_text("td a", &spam).await?.click().await?;
    browser.wait_text(".spam-reasons", "honeypot").await?;
    browser.click_text("Not spam").await?;
    browser.wait_text(".status-line .badge", "New").await?;
    let rescued = read(&app, &token, &spam).await?;
    ensure!(rescued["status"] == "NEW", "{rescued}");
    let history = rescued["history"].as_array().cloned().unwrap_or_default();
    ensure!(
        history.iter().any(|e| e["fromStatus"] == "SPAM"
            && e["toStatus"] == "NEW"
            && e["actor"]["displayName"] == "Li Wei 李伟"),
        "who took it out of the spam folder is in its history: {history:?}"
    );
    browser.click_text("All inquiries").await?;
    browser.wait_text("td a", &spam).await?;
    browser.assert_clean().await?;
    browser.close().await
}

async fn the_inbox_speaks_chinese_and_fits_a_phone(app: TestApp) -> Result<()> {
    let (email, _token, _site, product) = shop(&app).await?;
    let real = submit(&app, hamburg(&product)).await?;
    submit(
        &app,
        json!({ "site": SITE, "name": "王芳", "email": "wangfang@jinhua-trade.example",
                "company": "金华贸易有限公司", "country": "CN",
                "message": "请报价：DN50 球阀 500 个，含税到厂价。", "locale": "zh-CN",
                "items": [{ "productId": product, "quantity": 500 }] }),
    )
    .await?;
    let spam = submit(&app, held_as_spam()).await?;
    let Some(browser) = Browser::start(&app, Lang::Chinese).await? else {
        return Ok(());
    };
    browser.sign_in(&email, PASSWORD).await?;
    browser.open("/studio/inquiries").await?;
    browser.wait_text("h1", "询盘").await?;
    browser.wait_text("td", "金华贸易有限公司").await?;
    browser.wait_text(".badge", "新询盘").await?;
    browser.screenshot("inquiries-zh").await?;
    browser.open("/studio/inquiries?status=SPAM").await?;
    browser.wait_text("td a", &spam).await?.click().await?;
    browser
        .wait_text(".spam-reasons h2", "被判为垃圾询盘的原因")
        .await?;
    browser.wait_text("button", "不是垃圾询盘").await?;
    browser.screenshot("inquiry-spam-zh").await?;
    browser.open("/studio/inquiries").await?;
    browser.wait_text("td a", &real).await?.click().await?;
    browser.wait_text("h2", "历史记录").await?;
    browser.wait_text("button", "更改状态").await?;
    browser.screenshot("inquiry-zh").await?;

    // At a phone's width: no sideways scroll on the list or the inquiry.
    browser.resize(375, 812).await?;
    browser.client.refresh().await?;
    browser.wait_text("h1", &real).await?;
    ensure!(
        overflow(&browser).await? <= 0,
        "the inquiry scrolls sideways"
    );
    browser.open("/studio/inquiries").await?;
    browser.wait_text("td", "金华贸易有限公司").await?;
    ensure!(overflow(&browser).await? <= 0, "the inbox scrolls sideways");
    browser.screenshot("inquiries-phone").await?;
    browser.assert_clean().await?;
    browser.close().await
}
