//! Buyer inquiries (issue 20): a real submission from form token to the team's inbox and the
//! site's webhook, malformed input refused by field with nothing stored, every spam signal
//! stored in the spam folder with its reason (never dropped), the rate limits, the inbox's
//! filters and pages, the history of a handled inquiry, and who may read and handle what.
use anyhow::{Context, Result, bail};
use chrono::{Duration, Utc};
use entities::{inquiry, inquiry_event, inquiry_item, outbox};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{Value, json};
use std::sync::atomic::Ordering;
use wharf::services::inquiry::FormKeys;
use wharf_tests::WsClient;
use wharf_tests::receiver::Receiver;
use wharf_tests::{TEST_JWT_SECRET, TestApp, e2e, error_code, error_field, ok, str_at};

e2e!(
    settings = quick_tokens;
    a_buyer_submits_through_the_form_and_the_team_reads_it_with_its_reference,
    the_webhook_hears_real_inquiries_once_the_receiver_is_back_and_never_spam,
    malformed_fields_are_refused_naming_the_field_and_nothing_is_stored,
    each_spam_signal_stores_the_inquiry_in_the_spam_folder_with_its_reason,
    a_reused_token_and_a_duplicate_message_are_kept_as_spam,
    the_inbox_filters_and_pages_a_sites_inquiries,
    handling_an_inquiry_keeps_its_history_and_marking_spam_blocks_the_sender,
    only_members_and_tokens_with_the_scope_read_and_handle_inquiries,
    members_hear_real_inquiries_live_and_strangers_are_refused,
    a_filtered_csv_export_opens_in_excel_with_chinese_intact,
    twenty_buyers_at_once_get_twenty_references_and_one_token_counts_once,
    a_page_of_the_inbox_costs_the_same_statements_at_any_size,
    a_site_that_asks_for_proof_of_work_keeps_inquiries_without_it_as_spam,
);

e2e!(settings = long_cache; inquiries_leave_the_storefronts_cached_reads_in_the_cache);

/// Anonymous reads stay cached for a minute, longer than any wait of the test.
fn long_cache(s: &mut wharf::Settings) {
    quick_tokens(s);
    s.response_cache_ttl_ms = 60_000;
}

e2e!(settings = strict_limits; rate_limits_put_further_inquiries_in_the_spam_folder);

e2e!(settings = one_day_retention; closed_and_spam_inquiries_past_retention_are_purged_and_open_ones_kept);

/// Closed and spam inquiries are kept one day; the purge looks every 100 ms.
fn one_day_retention(s: &mut wharf::Settings) {
    quick_tokens(s);
    s.inquiry_retention_days = 1;
    s.inquiry_purge_poll_ms = 100;
}

/// Tokens count after one second; the per-sender limits are out of the way.
pub(crate) fn quick_tokens(s: &mut wharf::Settings) {
    s.inquiry_token_min_age_secs = 1;
    s.inquiry_ip_per_hour = 1000;
    s.inquiry_email_per_hour = 1000;
}

/// Three inquiries per hour from one IP, two from one email.
fn strict_limits(s: &mut wharf::Settings) {
    quick_tokens(s);
    s.inquiry_ip_per_hour = 3;
    s.inquiry_email_per_hour = 2;
}

pub(crate) const SITE: &str = "valves.example.com";
const SUBMIT: &str =
    "mutation($i: SubmitInquiryInput!) { submitInquiry(input: $i) { reference receivedAt } }";
const FIELDS: &str = "id reference status spamReasons name email company country phone message locale sourceUrl \
    utm { source medium campaign term content } assignee { id } items { productName quantity product { id } } \
    history { kind fromStatus toStatus note actor { id } assignee { id } }";

/// The owner's token and user ID, the site's ID and a published product's ID.
pub(crate) struct Shop {
    pub(crate) owner: String,
    pub(crate) owner_id: String,
    pub(crate) site: String,
    pub(crate) valve: String,
}

pub(crate) async fn shop(app: &TestApp) -> Result<Shop> {
    let owner = app.signup("owner@valves.example.com").await?;
    let site = app
        .create_site(&owner.token, SITE, &["en", "zh-CN"])
        .await?;
    let valve = product(app, &owner.token, &site, "Ball valve DN50", true).await?;
    Ok(Shop {
        owner: owner.token,
        owner_id: owner.user_id,
        site,
        valve,
    })
}

/// A receiver started for the test, and a webhook of the shop's site sending it
/// `inquiry.received`.
pub(crate) async fn inquiry_webhook(app: &TestApp, s: &Shop) -> Result<Receiver> {
    let receiver = Receiver::start()?;
    ok(&app
        .graphql_as(
            &s.owner,
            "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { id } }",
            json!({ "i": { "siteId": s.site, "url": receiver.url, "events": ["inquiry.received"] } }),
        )
        .await?)?;
    Ok(receiver)
}

/// Creates a product (published when asked); returns its ID.
async fn product(
    app: &TestApp,
    token: &str,
    site: &str,
    name: &str,
    publish: bool,
) -> Result<String> {
    let body = app
        .graphql_as(
            token,
            "mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }",
            json!({ "i": { "siteId": site, "name": name, "description": "A product." } }),
        )
        .await?;
    let id = str_at(ok(&body)?, "/createProduct/id")?;
    if publish {
        ok(&app
            .graphql_as(
                token,
                "mutation($id: ID!) { publishProduct(id: $id) { status } }",
                json!({ "id": id }),
            )
            .await?)?;
    }
    Ok(id)
}

/// A form token for `site` issued `age` ago, signed as the test server signs them.
pub(crate) fn token_aged(site: &str, age: Duration) -> Result<String> {
    let site = site.parse().context("a site ID")?;
    Ok(FormKeys::new(TEST_JWT_SECRET.as_bytes()).issue_at(site, Utc::now() - age, 0))
}

/// A complete, valid inquiry with a token old enough.
pub(crate) fn inquiry_input(site: &str, email: &str, message: &str) -> Result<Value> {
    Ok(json!({
        "site": site, "name": "Jonas Becker", "email": email, "company": "Becker Armaturen GmbH",
        "country": "de", "message": message, "formToken": token_aged(site, Duration::seconds(30))?,
    }))
}

/// Submits; returns the reference (fails on any error).
pub(crate) async fn submit(app: &TestApp, input: Value) -> Result<String> {
    let body = app.graphql(SUBMIT, json!({ "i": input })).await?;
    str_at(ok(&body)?, "/submitInquiry/reference")
}

/// The stored inquiry with this reference.
pub(crate) async fn stored(app: &TestApp, reference: &str) -> Result<inquiry::Model> {
    inquiry::Entity::find()
        .filter(inquiry::Column::Reference.eq(reference))
        .one(&app.db)
        .await?
        .with_context(|| format!("no inquiry {reference}"))
}

/// The references of `inquiry.received` events in the outbox.
async fn received_events(app: &TestApp) -> Result<Vec<String>> {
    let rows = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("webhook.event"))
        .all(&app.db)
        .await?;
    Ok(rows
        .iter()
        .filter(|r| r.payload["event"] == "inquiry.received")
        .filter_map(|r| {
            r.payload["data"]["inquiry"]["reference"]
                .as_str()
                .map(str::to_owned)
        })
        .collect())
}

async fn count_inquiries(app: &TestApp) -> Result<u64> {
    Ok(inquiry::Entity::find().count(&app.db).await?)
}

/// One inquiry as the team reads it.
async fn read(app: &TestApp, token: &str, id: &str) -> Result<Value> {
    let body = app
        .graphql_as(
            token,
            &format!("query($id: ID!) {{ inquiry(id: $id) {{ {FIELDS} }} }}"),
            json!({ "id": id }),
        )
        .await?;
    Ok(ok(&body)?["inquiry"].clone())
}

async fn a_buyer_submits_through_the_form_and_the_team_reads_it_with_its_reference(
    app: TestApp,
) -> Result<()> {
    let s = shop(&app).await?;
    // The storefront fetches a token anonymously, by the site's domain.
    let form = app
        .graphql(
            "mutation($s: String!) { inquiryForm(site: $s) { token notBefore expiresAt honeypotField } }",
            json!({ "s": SITE }),
        )
        .await?;
    let form = ok(&form)?["inquiryForm"].clone();
    assert_eq!(form["honeypotField"], "website");
    // Every visitor gets a token of their own: the anonymous response cache never serves one.
    let form_query = "mutation($s: String!) { inquiryForm(site: $s) { token notBefore expiresAt honeypotField } }";
    let again = app.graphql(form_query, json!({ "s": SITE })).await?;
    assert_ne!(
        str_at(ok(&again)?, "/inquiryForm/token")?,
        str_at(&form, "/token")?
    );
    let token = str_at(&form, "/token")?;
    // A person takes longer than the token's minimum age (one second here) to type.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let input = json!({
        "site": SITE, "items": [{ "productId": s.valve, "quantity": 2000 }],
        "name": "Jonas Becker", "email": "Jonas@Becker-Armaturen.de", "company": "Becker Armaturen GmbH",
        "country": "de", "phone": "+49 40 1234 567",
        "message": "We need 2,000 DN50 ball valves, FOB Ningbo. Please quote. 我们需要报价。",
        "locale": "de", "sourceUrl": "https://valves.example.com/products/ball-valve-dn50",
        "utm": { "source": "google", "medium": "cpc", "campaign": "dn50-de" },
        "formToken": token, "website": "",
    });
    let body = app.graphql(SUBMIT, json!({ "i": input })).await?;
    let reference = str_at(ok(&body)?, "/submitInquiry/reference")?;
    let year = Utc::now().format("%Y").to_string();
    assert_eq!(reference, format!("INQ-{year}-000001"));
    // The next one of the site gets the next number.
    let second = submit(
        &app,
        inquiry_input(&s.site, "ann@shop.example.com", "Do you ship to Chile?")?,
    )
    .await?;
    assert_eq!(second, format!("INQ-{year}-000002"));

    let row = stored(&app, &reference).await?;
    assert_eq!(row.status, inquiry::InquiryStatus::New);
    // The IP is kept only as a keyed hash.
    let hash = row.ip_hash.clone().unwrap_or_default();
    assert!(
        hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{hash}"
    );
    assert_eq!(
        Some(hash),
        Some(FormKeys::new(TEST_JWT_SECRET.as_bytes()).ip_hash(row.site_id, [127, 0, 0, 1].into()))
    );

    let got = read(&app, &s.owner, &row.id.to_string()).await?;
    assert_eq!(got["reference"], reference.as_str());
    assert_eq!(got["status"], "NEW");
    assert_eq!(got["spamReasons"], json!([]));
    assert_eq!(
        (
            got["email"].clone(),
            got["country"].clone(),
            got["phone"].clone()
        ),
        (
            json!("jonas@becker-armaturen.de"),
            json!("DE"),
            json!("+49401234567")
        )
    );
    assert_eq!(
        got["message"],
        "We need 2,000 DN50 ball valves, FOB Ningbo. Please quote. 我们需要报价。"
    );
    assert_eq!(
        got["utm"],
        json!({ "source": "google", "medium": "cpc", "campaign": "dn50-de", "term": null, "content": null })
    );
    assert_eq!(
        got["items"],
        json!([{ "productName": "Ball valve DN50", "quantity": 2000, "product": { "id": s.valve } }])
    );
    assert_eq!(
        got["history"],
        json!([{ "kind": "RECEIVED", "fromStatus": null, "toStatus": "NEW", "note": null, "actor": null, "assignee": null }])
    );
    // Both real inquiries are announced through the outbox, written with them.
    let mut events = received_events(&app).await?;
    events.sort();
    assert_eq!(events, vec![reference, second]);
    Ok(())
}

async fn the_webhook_hears_real_inquiries_once_the_receiver_is_back_and_never_spam(
    app: TestApp,
) -> Result<()> {
    let s = shop(&app).await?;
    let receiver = inquiry_webhook(&app, &s).await?;
    // The receiver is down when the inquiry arrives: the inquiry is stored all the same, and
    // its event waits in the outbox.
    receiver.down.store(true, Ordering::SeqCst);
    let mut spam = inquiry_input(&s.site, "bot@spam.example.com", "cheap pills")?;
    spam["website"] = json!("http://pills.example.com");
    submit(&app, spam).await?;
    let real = submit(
        &app,
        inquiry_input(&s.site, "ann@shop.example.com", "Price for 500 pieces?")?,
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(receiver.hits().is_empty());
    receiver.down.store(false, Ordering::SeqCst);
    let hits = receiver.wait_for(1, 30).await?;
    assert_eq!(hits[0].header("x-wharf-event"), Some("inquiry.received"));
    let body: Value = serde_json::from_str(&hits[0].body)?;
    assert_eq!(body["data"]["inquiry"]["reference"], real.as_str());
    assert_eq!(body["data"]["inquiry"]["email"], "ann@shop.example.com");
    // The spam inquiry never reaches the receiver.
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert_eq!(receiver.hits().len(), 1, "{:?}", receiver.hits());
    Ok(())
}

async fn malformed_fields_are_refused_naming_the_field_and_nothing_is_stored(
    app: TestApp,
) -> Result<()> {
    let s = shop(&app).await?;
    let draft = product(&app, &s.owner, &s.site, "Gate valve (draft)", false).await?;
    let other_site = app
        .create_site(&s.owner, "pumps.example.com", &["en"])
        .await?;
    let foreign = product(&app, &s.owner, &other_site, "Pump", true).await?;
    let long = |n: usize| "x".repeat(n);
    let item = |id: &str, q: i64| json!([{ "productId": id, "quantity": q }]);
    let many: Vec<Value> = (0..51)
        .map(|_| json!({ "productId": s.valve, "quantity": 1 }))
        .collect();
    let cases: Vec<(Value, &str)> = vec![
        (json!({ "name": "" }), "name"),
        (json!({ "name": "\u{200B}" }), "name"),
        (json!({ "name": long(201) }), "name"),
        (json!({ "email": "jonas-at-becker.de" }), "email"),
        (json!({ "email": "jonas@becker" }), "email"),
        (json!({ "company": long(201) }), "company"),
        (json!({ "country": "UK" }), "country"),
        (json!({ "country": "Germany" }), "country"),
        (json!({ "phone": "040 1234567" }), "phone"),
        (json!({ "phone": "+49 40 CALL-ME" }), "phone"),
        (json!({ "message": "   " }), "message"),
        (json!({ "message": long(5001) }), "message"),
        (json!({ "locale": "not a locale" }), "locale"),
        (json!({ "sourceUrl": "javascript:alert(1)" }), "sourceUrl"),
        (json!({ "sourceUrl": long(2049) }), "sourceUrl"),
        (json!({ "utm": { "source": long(201) } }), "utm.source"),
        (json!({ "formToken": long(2049) }), "formToken"),
        (json!({ "items": item(&s.valve, 0) }), "items.0.quantity"),
        (
            json!({ "items": item(&s.valve, 1_000_001) }),
            "items.0.quantity",
        ),
        (
            json!({ "items": item("not-an-id", 1) }),
            "items.0.productId",
        ),
        (json!({ "items": item(&draft, 1) }), "items.0.productId"),
        (json!({ "items": item(&foreign, 1) }), "items.0.productId"),
        (
            json!({ "items": [{ "productId": s.valve, "quantity": 1 }, { "productId": s.valve, "quantity": 2 }] }),
            "items.1.productId",
        ),
        (json!({ "items": many }), "items"),
    ];
    for (patch, field) in cases {
        let mut input = inquiry_input(&s.site, "jonas@becker-armaturen.de", "Please quote.")?;
        for (k, v) in patch.as_object().context("a patch")? {
            input[k] = v.clone();
        }
        let body = app.graphql(SUBMIT, json!({ "i": input })).await?;
        assert_eq!(
            (error_code(&body)?, error_field(&body)),
            ("BAD_USER_INPUT".to_owned(), Some(field.to_owned())),
            "{patch}: {body}"
        );
    }
    let mut unknown = inquiry_input(&s.site, "jonas@becker-armaturen.de", "Please quote.")?;
    unknown["site"] = json!("nowhere.example.com");
    assert_eq!(
        error_code(&app.graphql(SUBMIT, json!({ "i": unknown })).await?)?,
        "NOT_FOUND"
    );
    assert_eq!(count_inquiries(&app).await?, 0, "nothing is stored");
    assert_eq!(inquiry_item::Entity::find().count(&app.db).await?, 0);
    assert!(received_events(&app).await?.is_empty());
    Ok(())
}

async fn each_spam_signal_stores_the_inquiry_in_the_spam_folder_with_its_reason(
    app: TestApp,
) -> Result<()> {
    let s = shop(&app).await?;
    let other_site = app
        .create_site(&s.owner, "pumps.example.com", &["en"])
        .await?;
    // Issued "in a minute": younger than any minimum age however slow the run.
    let fresh = token_aged(&s.site, Duration::seconds(-60))?;
    let stale = token_aged(&s.site, Duration::hours(25))?;
    let foreign = token_aged(&other_site, Duration::seconds(30))?;
    let good = token_aged(&s.site, Duration::seconds(30))?;
    let forged = FormKeys::new(b"not the server secret").issue_at(
        s.site.parse()?,
        Utc::now() - Duration::seconds(30),
        0,
    );
    let cases: Vec<(&str, Value)> = vec![
        ("honeypot", json!({ "website": "https://seo.example.com" })),
        ("token_missing", json!({ "formToken": null })),
        ("token_invalid", json!({ "formToken": forged })),
        ("token_invalid", json!({ "formToken": foreign })),
        ("token_invalid", json!({ "formToken": format!("{good}x") })),
        ("token_too_young", json!({ "formToken": fresh })),
        ("token_too_old", json!({ "formToken": stale })),
        (
            "too_many_links",
            json!({ "message": "Visit https://a.example.com, http://b.example.com and www.c.example.com" }),
        ),
        (
            "repeated_text",
            json!({ "message": "buy buy buy buy buy buy buy buy buy now" }),
        ),
        (
            "repeated_text",
            json!({ "message": "好好好好好好好好好好好好好好" }),
        ),
    ];
    for (n, (reason, patch)) in cases.iter().enumerate() {
        let email = format!("buyer{n}@example.com");
        let mut input = inquiry_input(&s.site, &email, &format!("Quote for {n} valves, please."))?;
        for (k, v) in patch.as_object().context("a patch")? {
            input[k] = v.clone();
        }
        // The sender gets a reference as for any inquiry: nothing tells a bot it was caught.
        let reference = submit(&app, input).await?;
        let row = stored(&app, &reference).await?;
        assert_eq!(row.status, inquiry::InquiryStatus::Spam, "{reason}");
        assert_eq!(row.spam_reasons, json!([reason]), "{patch}");
    }
    // A clean one for contrast.
    let clean = submit(
        &app,
        inquiry_input(&s.site, "ann@shop.example.com", "Quote for 10 valves.")?,
    )
    .await?;
    assert_eq!(
        stored(&app, &clean).await?.status,
        inquiry::InquiryStatus::New
    );

    // The inbox leaves the spam folder out unless asked for it.
    let list = |filter: Value| {
        app.graphql_as(
            &s.owner,
            "query($s: String!, $f: InquiryFilter) { inquiries(site: $s, filter: $f) { totalCount nodes { reference spamReasons } } }",
            json!({ "s": s.site, "f": filter }),
        )
    };
    let inbox = list(json!(null)).await?;
    assert_eq!(ok(&inbox)?["inquiries"]["totalCount"], 1);
    assert_eq!(
        ok(&inbox)?["inquiries"]["nodes"][0]["reference"],
        clean.as_str()
    );
    let folder = list(json!({ "status": "SPAM" })).await?;
    assert_eq!(ok(&folder)?["inquiries"]["totalCount"], cases.len());
    // Only the real one is announced.
    assert_eq!(received_events(&app).await?, vec![clean]);
    Ok(())
}

async fn a_reused_token_and_a_duplicate_message_are_kept_as_spam(app: TestApp) -> Result<()> {
    let s = shop(&app).await?;
    let token = token_aged(&s.site, Duration::seconds(30))?;
    let mut first = inquiry_input(&s.site, "ann@shop.example.com", "Price for 500 pieces?")?;
    first["formToken"] = json!(token);
    let a = submit(&app, first).await?;
    assert_eq!(stored(&app, &a).await?.status, inquiry::InquiryStatus::New);
    // The same token again, for another message and sender: a replay.
    let mut replay = inquiry_input(&s.site, "bob@shop.example.com", "Price for 900 pieces?")?;
    replay["formToken"] = json!(token);
    let b = submit(&app, replay).await?;
    assert_eq!(
        stored(&app, &b).await?.spam_reasons,
        json!(["token_reused"])
    );
    // The same email and message again with a new token (other spacing and case): a duplicate.
    let again = inquiry_input(&s.site, "ANN@shop.example.com", "price  for 500 pieces?")?;
    let c = submit(&app, again).await?;
    let row = stored(&app, &c).await?;
    assert_eq!(
        (row.status, row.spam_reasons),
        (inquiry::InquiryStatus::Spam, json!(["duplicate"]))
    );
    // All three are kept.
    assert_eq!(count_inquiries(&app).await?, 3);
    Ok(())
}

async fn rate_limits_put_further_inquiries_in_the_spam_folder(app: TestApp) -> Result<()> {
    let s = shop(&app).await?;
    let ann = |n: u32| {
        inquiry_input(
            &s.site,
            "ann@shop.example.com",
            &format!("Order number {n}"),
        )
    };
    // Two per hour from one email.
    let a = submit(&app, ann(1)?).await?;
    let b = submit(&app, ann(2)?).await?;
    let c = submit(&app, ann(3)?).await?;
    assert_eq!(stored(&app, &a).await?.spam_reasons, json!([]));
    assert_eq!(stored(&app, &b).await?.spam_reasons, json!([]));
    assert_eq!(
        stored(&app, &c).await?.spam_reasons,
        json!(["rate_limit_email"])
    );
    // Three per hour from one IP (all of the test's requests come from 127.0.0.1).
    let d = submit(
        &app,
        inquiry_input(&s.site, "bob@shop.example.com", "Order number 4")?,
    )
    .await?;
    assert_eq!(
        stored(&app, &d).await?.spam_reasons,
        json!(["rate_limit_ip"])
    );
    assert_eq!(
        count_inquiries(&app).await?,
        4,
        "limited inquiries are kept"
    );
    Ok(())
}

/// The references of one inbox page and its end cursor.
async fn page(
    app: &TestApp,
    token: &str,
    site: &str,
    filter: Value,
    first: i32,
    after: Option<String>,
) -> Result<(Vec<String>, u64, bool, Option<String>)> {
    let body = app
        .graphql_as(
            token,
            "query($s: String!, $f: InquiryFilter, $n: Int, $a: String) { inquiries(site: $s, filter: $f, first: $n, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { reference } } } }",
            json!({ "s": site, "f": filter, "n": first, "a": after }),
        )
        .await?;
    let c = &ok(&body)?["inquiries"];
    let refs = c["edges"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|e| e["node"]["reference"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok((
        refs,
        c["totalCount"].as_u64().unwrap_or(u64::MAX),
        c["pageInfo"]["hasNextPage"].as_bool().unwrap_or(false),
        c["pageInfo"]["endCursor"].as_str().map(str::to_owned),
    ))
}

async fn the_inbox_filters_and_pages_a_sites_inquiries(app: TestApp) -> Result<()> {
    let s = shop(&app).await?;
    let pump = product(&app, &s.owner, &s.site, "Pump", true).await?;
    let mut refs = Vec::new();
    for (n, (country, message, product)) in [
        ("DE", "Ball valves for Hamburg", Some(&s.valve)),
        ("FR", "Pompes pour Lyon", Some(&pump)),
        ("DE", "Gate valves, FOB Ningbo", None),
        ("CN", "需要球阀报价", Some(&s.valve)),
        ("US", "Valves for a refinery in hamburg, NY", None),
    ]
    .into_iter()
    .enumerate()
    {
        let mut input = inquiry_input(&s.site, &format!("buyer{n}@example.com"), message)?;
        input["country"] = json!(country);
        if let Some(p) = product {
            input["items"] = json!([{ "productId": p, "quantity": 10 }]);
        }
        refs.push(submit(&app, input).await?);
    }
    let newest_first: Vec<String> = refs.iter().rev().cloned().collect();
    let filtered = |f: Value| page(&app, &s.owner, &s.site, f, 50, None);
    assert_eq!(filtered(json!(null)).await?.0, newest_first);
    assert_eq!(
        filtered(json!({ "country": "de" })).await?.0,
        vec![refs[2].clone(), refs[0].clone()]
    );
    assert_eq!(
        filtered(json!({ "product": s.valve })).await?.0,
        vec![refs[3].clone(), refs[0].clone()]
    );
    assert_eq!(
        filtered(json!({ "text": "HAMBURG" })).await?.0,
        vec![refs[4].clone(), refs[0].clone()]
    );
    assert_eq!(
        filtered(json!({ "text": "球阀" })).await?.0,
        vec![refs[3].clone()]
    );
    assert_eq!(
        filtered(json!({ "text": "Becker Armaturen" })).await?.1,
        5,
        "the company is searched"
    );
    assert_eq!(filtered(json!({ "status": "OPEN" })).await?.1, 0);
    let future = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let past = (Utc::now() - Duration::hours(1)).to_rfc3339();
    assert_eq!(filtered(json!({ "from": future })).await?.1, 0);
    assert_eq!(filtered(json!({ "from": past, "to": future })).await?.1, 5);
    let bad = app
        .graphql_as(
            &s.owner,
            "query($s: String!) { inquiries(site: $s, filter: { country: \"XX\" }) { totalCount } }",
            json!({ "s": s.site }),
        )
        .await?;
    assert_eq!(
        (error_code(&bad)?, error_field(&bad)),
        (
            "BAD_USER_INPUT".to_owned(),
            Some("filter.country".to_owned())
        )
    );

    // Pages of two: every inquiry once, in order, and the total on each page.
    let mut seen = Vec::new();
    let mut after = None;
    for expected_next in [true, true, false] {
        let (refs, total, next, cursor) =
            page(&app, &s.owner, &s.site, json!(null), 2, after).await?;
        assert_eq!((total, next), (5, expected_next));
        seen.extend(refs);
        after = cursor;
    }
    assert_eq!(seen, newest_first);
    Ok(())
}

async fn handling_an_inquiry_keeps_its_history_and_marking_spam_blocks_the_sender(
    app: TestApp,
) -> Result<()> {
    let s = shop(&app).await?;
    let editor = app.signup("li@valves.example.com").await?;
    ok(&app
        .graphql_as(
            &s.owner,
            "mutation($s: ID!) { setSiteMember(siteId: $s, email: \"li@valves.example.com\", role: EDITOR) { role } }",
            json!({ "s": s.site }),
        )
        .await?)?;
    let stranger = app.signup("stranger@example.com").await?;
    let reference = submit(
        &app,
        inquiry_input(&s.site, "ann@shop.example.com", "Price for 500 pieces?")?,
    )
    .await?;
    let id = stored(&app, &reference).await?.id.to_string();
    let call = |token: &str, query: &str, vars: Value| {
        let (token, query) = (token.to_owned(), query.to_owned());
        let app = &app;
        async move { app.graphql_as(&token, &query, vars).await }
    };
    let status = "mutation($id: ID!, $s: InquiryStatus!, $n: String) { setInquiryStatus(id: $id, status: $s, note: $n) { status } }";
    let assign =
        "mutation($id: ID!, $a: ID) { assignInquiry(id: $id, assigneeId: $a) { assignee { id } } }";
    ok(&call(
        &s.owner,
        status,
        json!({ "id": id, "s": "OPEN", "n": "Li, please quote." }),
    )
    .await?)?;
    let a = call(&s.owner, assign, json!({ "id": id, "a": editor.user_id })).await?;
    assert_eq!(
        ok(&a)?["assignInquiry"]["assignee"]["id"],
        editor.user_id.as_str()
    );
    let refused = call(&s.owner, assign, json!({ "id": id, "a": stranger.user_id })).await?;
    assert_eq!(
        (error_code(&refused)?, error_field(&refused)),
        ("BAD_USER_INPUT".to_owned(), Some("assigneeId".to_owned()))
    );
    ok(&call(
        &editor.token,
        "mutation($id: ID!) { addInquiryNote(id: $id, note: \"Sent a quote: USD 12.50 FOB Ningbo.\") { id } }",
        json!({ "id": id }),
    )
    .await?)?;
    ok(&call(&editor.token, status, json!({ "id": id, "s": "REPLIED" })).await?)?;
    let spam_status = call(&s.owner, status, json!({ "id": id, "s": "SPAM" })).await?;
    assert_eq!(error_field(&spam_status).as_deref(), Some("status"));

    let got = read(&app, &s.owner, &id).await?;
    assert_eq!(got["status"], "REPLIED");
    let history: Vec<Value> = got["history"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| {
            json!([
                e["kind"],
                e["fromStatus"],
                e["toStatus"],
                e["note"],
                e["actor"]["id"],
                e["assignee"]["id"]
            ])
        })
        .collect();
    assert_eq!(
        history,
        vec![
            json!(["RECEIVED", null, "NEW", null, null, null]),
            json!([
                "STATUS",
                "NEW",
                "OPEN",
                "Li, please quote.",
                s.owner_id,
                null
            ]),
            json!(["ASSIGNED", null, null, null, s.owner_id, editor.user_id]),
            json!([
                "NOTE",
                null,
                null,
                "Sent a quote: USD 12.50 FOB Ningbo.",
                editor.user_id,
                null
            ]),
            json!(["STATUS", "OPEN", "REPLIED", null, editor.user_id, null]),
        ]
    );

    // Marked as spam: the sender is blocked, so the next inquiry from them goes to the folder.
    let marked = call(
        &s.owner,
        "mutation($id: ID!) { markInquirySpam(id: $id) { status spamReasons } }",
        json!({ "id": id }),
    )
    .await?;
    assert_eq!(
        ok(&marked)?["markInquirySpam"],
        json!({ "status": "SPAM", "spamReasons": ["marked_by_member"] })
    );
    // A spam inquiry changes status only by leaving the folder.
    let held = call(&s.owner, status, json!({ "id": id, "s": "OPEN" })).await?;
    assert_eq!(
        (error_code(&held)?, error_field(&held)),
        ("CONFLICT".to_owned(), Some("status".to_owned()))
    );
    let next = submit(
        &app,
        inquiry_input(&s.site, "ann@shop.example.com", "Another question")?,
    )
    .await?;
    assert_eq!(
        stored(&app, &next).await?.spam_reasons,
        json!(["blocked_sender"])
    );
    assert_eq!(received_events(&app).await?, vec![reference.clone()]);
    // Taken out again: back to NEW, announced again, the sender unblocked.
    let back = call(
        &s.owner,
        "mutation($id: ID!) { markInquiryNotSpam(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await?;
    assert_eq!(ok(&back)?["markInquiryNotSpam"]["status"], "NEW");
    assert_eq!(
        received_events(&app).await?,
        vec![reference.clone(), reference.clone()]
    );
    let later = submit(
        &app,
        inquiry_input(&s.site, "ann@shop.example.com", "A third question")?,
    )
    .await?;
    assert_eq!(stored(&app, &later).await?.spam_reasons, json!([]));

    // Erasure: the inquiry, its items and its history are gone for good.
    let erased = call(
        &s.owner,
        "mutation($id: ID!) { deleteInquiry(id: $id) }",
        json!({ "id": id }),
    )
    .await?;
    assert_eq!(ok(&erased)?["deleteInquiry"], id.as_str());
    let gone = call(
        &s.owner,
        "query($id: ID!) { inquiry(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await?;
    assert_eq!(error_code(&gone)?, "NOT_FOUND");
    let uuid: uuid::Uuid = id.parse()?;
    assert_eq!(
        inquiry_event::Entity::find()
            .filter(inquiry_event::Column::InquiryId.eq(uuid))
            .count(&app.db)
            .await?,
        0
    );
    Ok(())
}

async fn only_members_and_tokens_with_the_scope_read_and_handle_inquiries(
    app: TestApp,
) -> Result<()> {
    let s = shop(&app).await?;
    let rival = app.signup("owner@rival.example.com").await?;
    let rival_site = app
        .create_site(&rival.token, "rival.example.com", &["en"])
        .await?;
    let reference = submit(
        &app,
        inquiry_input(&s.site, "ann@shop.example.com", "Price for 500 pieces?")?,
    )
    .await?;
    let id = stored(&app, &reference).await?.id.to_string();
    let token = |session: String, scopes: Value, site: String| {
        let app = &app;
        async move {
            let body = app
                .graphql_as(
                    &session,
                    "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }",
                    json!({ "i": { "name": "crm", "scopes": scopes, "siteId": site } }),
                )
                .await?;
            str_at(ok(&body)?, "/createApiToken/token")
        }
    };
    let content_only = token(s.owner.clone(), json!(["content:write"]), s.site.clone()).await?;
    let reader = token(s.owner.clone(), json!(["inquiries:read"]), s.site.clone()).await?;
    let writer = token(s.owner.clone(), json!(["inquiries:write"]), s.site.clone()).await?;
    let rival_writer = token(rival.token.clone(), json!(["inquiries:write"]), rival_site).await?;

    let list = "query($s: String!) { inquiries(site: $s) { totalCount } }";
    let one = "query($id: ID!) { inquiry(id: $id) { reference } }";
    let close = "mutation($id: ID!) { setInquiryStatus(id: $id, status: CLOSED) { status } }";
    let code = |who: Option<String>, query: &'static str| {
        let app = &app;
        let vars = json!({ "s": SITE, "id": id });
        async move {
            let body = app.gql(who.as_deref(), query, vars).await?;
            Ok::<_, anyhow::Error>(match body.get("errors") {
                Some(_) => error_code(&body)?,
                None => "OK".to_owned(),
            })
        }
    };
    for (who, name, expected) in [
        (None, "anonymous", ["UNAUTHENTICATED"; 3]),
        (
            Some(rival.token.clone()),
            "another site's owner",
            ["NOT_FOUND"; 3],
        ),
        (
            Some(rival_writer.clone()),
            "another site's token",
            ["NOT_FOUND"; 3],
        ),
        (
            Some(content_only.clone()),
            "a token without the scope",
            ["FORBIDDEN"; 3],
        ),
        (
            Some(reader.clone()),
            "an inquiries:read token",
            ["OK", "OK", "FORBIDDEN"],
        ),
        (Some(writer.clone()), "an inquiries:write token", ["OK"; 3]),
        (Some(s.owner.clone()), "the owner", ["OK"; 3]),
    ] {
        let got = [
            code(who.clone(), list).await?,
            code(who.clone(), one).await?,
            code(who.clone(), close).await?,
        ];
        if got != expected {
            bail!("{name}: expected {expected:?}, got {got:?}");
        }
    }
    // Submitting needs no sign-in at all (done above), and the form is public too.
    let form = app
        .graphql(
            "mutation($s: String!) { inquiryForm(site: $s) { token } }",
            json!({ "s": SITE }),
        )
        .await?;
    ok(&form)?;
    let nowhere = app
        .graphql(
            "mutation { inquiryForm(site: \"nowhere.example.com\") { token } }",
            json!({}),
        )
        .await?;
    assert_eq!(error_code(&nowhere)?, "NOT_FOUND");
    Ok(())
}

async fn members_hear_real_inquiries_live_and_strangers_are_refused(app: TestApp) -> Result<()> {
    let s = shop(&app).await?;
    let stranger = app.signup("stranger@example.com").await?;
    let query = "subscription($s: String!) { inquiryEvents(site: $s) { event reference name company country } }";
    let mut outsider = WsClient::connect_as(&app.address, &stranger.token).await?;
    let id = outsider.start(query, json!({ "s": SITE })).await?;
    let refused = outsider.result_of(&id).await?;
    assert_eq!(error_code(&refused)?, "NOT_FOUND", "{refused}");

    let mut ws = WsClient::connect_as(&app.address, &s.owner).await?;
    let id = ws.start(query, json!({ "s": SITE })).await?;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mut spam = inquiry_input(&s.site, "bot@spam.example.com", "cheap pills")?;
    spam["website"] = json!("filled by a bot");
    submit(&app, spam).await?;
    let real = submit(
        &app,
        inquiry_input(&s.site, "ann@shop.example.com", "Price for 500 pieces?")?,
    )
    .await?;
    // The first event to arrive is the real inquiry's: spam is never announced.
    let heard = ws.result_of(&id).await?;
    assert_eq!(
        ok(&heard)?["inquiryEvents"],
        json!({ "event": "inquiry.received", "reference": real, "name": "Jonas Becker",
                "company": "Becker Armaturen GmbH", "country": "DE" })
    );
    Ok(())
}

async fn closed_and_spam_inquiries_past_retention_are_purged_and_open_ones_kept(
    app: TestApp,
) -> Result<()> {
    let s = shop(&app).await?;
    let mut refs = Vec::new();
    for (n, message) in [
        "old and closed",
        "old spam",
        "old and new",
        "recent and closed",
    ]
    .into_iter()
    .enumerate()
    {
        let mut input = inquiry_input(&s.site, &format!("buyer{n}@example.com"), message)?;
        if message == "old spam" {
            input["website"] = json!("bot");
        }
        refs.push(submit(&app, input).await?);
    }
    for r in [&refs[0], &refs[3]] {
        let id = stored(&app, r).await?.id.to_string();
        ok(&app
            .graphql_as(
                &s.owner,
                "mutation($id: ID!) { setInquiryStatus(id: $id, status: CLOSED) { status } }",
                json!({ "id": id }),
            )
            .await?)?;
    }
    // Three of them were last changed two days ago.
    for r in &refs[..3] {
        let mut row = stored(&app, r).await?.into_active_model();
        row.updated_at = Set(Utc::now() - Duration::days(2));
        row.update(&app.db).await?;
    }
    let mut left = Vec::new();
    for _ in 0..200 {
        left = inquiry::Entity::find()
            .all(&app.db)
            .await?
            .into_iter()
            .map(|i| i.reference)
            .collect::<Vec<_>>();
        left.sort();
        if left.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(
        left,
        vec![refs[2].clone(), refs[3].clone()],
        "open and recent inquiries stay"
    );
    // The purged ones' history went with them.
    let kept_ids: Vec<uuid::Uuid> = inquiry::Entity::find()
        .all(&app.db)
        .await?
        .iter()
        .map(|i| i.id)
        .collect();
    let orphans = inquiry_event::Entity::find()
        .filter(inquiry_event::Column::InquiryId.is_not_in(kept_ids))
        .count(&app.db)
        .await?;
    assert_eq!(orphans, 0);
    Ok(())
}

async fn a_filtered_csv_export_opens_in_excel_with_chinese_intact(app: TestApp) -> Result<()> {
    let s = shop(&app).await?;
    let mut zh = inquiry_input(&s.site, "wang@example.cn", "需要两千个球阀, FOB 宁波")?;
    zh["name"] = json!("王伟");
    zh["country"] = json!("CN");
    zh["items"] = json!([{ "productId": s.valve, "quantity": 2000 }]);
    let zh_ref = submit(&app, zh).await?;
    let mut formula = inquiry_input(&s.site, "eve@example.com", "Hello")?;
    formula["company"] = json!("=HYPERLINK(\"http://evil.example.com\")");
    submit(&app, formula).await?;
    let query = "query($s: String!, $f: InquiryFilter) { exportInquiries(site: $s, filter: $f) { filename contentType csv rows truncated } }";
    let body = app
        .graphql_as(
            &s.owner,
            query,
            json!({ "s": SITE, "f": { "country": "CN" } }),
        )
        .await?;
    let export = ok(&body)?["exportInquiries"].clone();
    assert_eq!(
        (export["rows"].clone(), export["truncated"].clone()),
        (json!(1), json!(false))
    );
    assert_eq!(export["contentType"], "text/csv; charset=utf-8");
    assert!(str_at(&export, "/filename")?.starts_with("inquiries-valves.example.com-"));
    let csv = str_at(&export, "/csv")?;
    assert!(
        csv.starts_with("\u{FEFF}reference,received_at,status,name,email,"),
        "{csv}"
    );
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines.len(),
        3,
        "header, one inquiry, and the empty end: {csv:?}"
    );
    assert!(lines[1].starts_with(&format!("{zh_ref},")), "{}", lines[1]);
    assert!(lines[1].contains(",new,王伟,wang@example.cn,Becker Armaturen GmbH,CN,,\"需要两千个球阀, FOB 宁波\",Ball valve DN50 × 2000,"), "{}", lines[1]);
    // A buyer's formula is written as text.
    let all = app
        .graphql_as(&s.owner, query, json!({ "s": SITE }))
        .await?;
    let csv = str_at(ok(&all)?, "/exportInquiries/csv")?;
    assert!(
        csv.contains(",\"'=HYPERLINK(\"\"http://evil.example.com\"\")\","),
        "{csv}"
    );
    // Strangers get nothing.
    let stranger = app.signup("stranger@example.com").await?;
    let refused = app
        .graphql_as(&stranger.token, query, json!({ "s": SITE }))
        .await?;
    assert_eq!(error_code(&refused)?, "NOT_FOUND");
    Ok(())
}

async fn twenty_buyers_at_once_get_twenty_references_and_one_token_counts_once(
    app: TestApp,
) -> Result<()> {
    let s = shop(&app).await?;
    let shared = token_aged(&s.site, Duration::seconds(30))?;
    let inputs: Vec<Value> = (0..20)
        .map(|n| {
            let mut input = inquiry_input(
                &s.site,
                &format!("buyer{n}@example.com"),
                &format!("Quote {n}"),
            )?;
            input["formToken"] = json!(shared);
            Ok(input)
        })
        .collect::<Result<_>>()?;
    let answers = futures_util::future::join_all(inputs.into_iter().map(|i| submit(&app, i))).await;
    let mut references = answers.into_iter().collect::<Result<Vec<_>>>()?;
    references.sort();
    let year = Utc::now().format("%Y").to_string();
    let expected: Vec<String> = (1..=20).map(|n| format!("INQ-{year}-{n:06}")).collect();
    assert_eq!(
        references, expected,
        "every inquiry stored, numbers without gaps or repeats"
    );
    // The shared token was spent by exactly one of them; the other nineteen are replays.
    let rows = inquiry::Entity::find().all(&app.db).await?;
    let clean = rows.iter().filter(|r| r.spam_reasons == json!([])).count();
    let replays = rows
        .iter()
        .filter(|r| r.spam_reasons == json!(["token_reused"]))
        .count();
    assert_eq!((clean, replays), (1, 19));
    let counter = entities::inquiry_counter::Entity::find()
        .all(&app.db)
        .await?;
    assert_eq!(
        counter
            .iter()
            .map(|c| (c.year.to_string(), c.last_number))
            .collect::<Vec<_>>(),
        vec![(year, 20)]
    );
    Ok(())
}

/// Waits until the outbox is empty (up to 10 s).
pub(crate) async fn outbox_drained(app: &TestApp) -> Result<()> {
    for _ in 0..200 {
        let (pending, _) = wharf::services::outbox::backlog(&app.db)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        if pending == 0 {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    bail!("the outbox was not drained")
}

/// The statements an anonymous read of `query` costs (0: answered from the cache).
async fn cost_of(app: &TestApp, query: &str) -> Result<u64> {
    let (_, n) = app
        .queries_during(async { Ok(ok(&app.graphql(query, json!({})).await?)?.clone()) })
        .await?;
    Ok(n)
}

async fn inquiries_leave_the_storefronts_cached_reads_in_the_cache(app: TestApp) -> Result<()> {
    let s = shop(&app).await?;
    let receiver = inquiry_webhook(&app, &s).await?;
    let read =
        "{ products(filter: { site: \"valves.example.com\" }) { totalCount nodes { slug } } }";
    // Once the setup's own work and cache notifications are through, the read is a hit.
    outbox_drained(&app).await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    cost_of(&app, read).await?;
    assert_eq!(
        cost_of(&app, read).await?,
        0,
        "the second read is a cache hit"
    );
    // A buyer's form and inquiry change nothing a reader sees: the cache stays, also once the
    // inquiry's event was fanned out and delivered.
    ok(&app
        .graphql(
            "mutation { inquiryForm(site: \"valves.example.com\") { token } }",
            json!({}),
        )
        .await?)?;
    submit(
        &app,
        inquiry_input(&s.site, "ann@shop.example.com", "Price for 500 pieces?")?,
    )
    .await?;
    receiver.wait_for(1, 20).await?;
    outbox_drained(&app).await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        cost_of(&app, read).await?,
        0,
        "still a cache hit after the inquiry"
    );
    // A content change still empties it.
    product(&app, &s.owner, &s.site, "Pump", true).await?;
    assert!(cost_of(&app, read).await? > 0, "read again after a change");
    Ok(())
}

async fn a_page_of_the_inbox_costs_the_same_statements_at_any_size(app: TestApp) -> Result<()> {
    let s = shop(&app).await?;
    for n in 0..6 {
        let mut input = inquiry_input(
            &s.site,
            &format!("buyer{n}@example.com"),
            &format!("Quote {n}"),
        )?;
        input["items"] = json!([{ "productId": s.valve, "quantity": 10 + n }]);
        let reference = submit(&app, input).await?;
        let id = stored(&app, &reference).await?.id.to_string();
        ok(&app
            .graphql_as(
                &s.owner,
                "mutation($id: ID!, $a: ID) { assignInquiry(id: $id, assigneeId: $a) { id } }",
                json!({ "id": id, "a": s.owner_id }),
            )
            .await?)?;
    }
    let query = "query($s: String!, $n: Int) { inquiries(site: $s, first: $n) { totalCount nodes { reference site { domain } assignee { displayName } items { productName quantity } history { kind actor { displayName } } } } }";
    let cost = |n: i32| {
        let app = &app;
        let token = s.owner.clone();
        async move {
            let (body, statements) = app
                .queries_during(app.graphql_as(&token, query, json!({ "s": SITE, "n": n })))
                .await?;
            let nodes = ok(&body)?["inquiries"]["nodes"].as_array().map(Vec::len);
            Ok::<_, anyhow::Error>((nodes, statements))
        }
    };
    let (two, small) = cost(2).await?;
    let (six, large) = cost(6).await?;
    assert_eq!((two, six), (Some(2), Some(6)));
    assert_eq!(
        small, large,
        "a page of 2 and a page of 6 cost the same statements"
    );
    Ok(())
}

async fn a_site_that_asks_for_proof_of_work_keeps_inquiries_without_it_as_spam(
    app: TestApp,
) -> Result<()> {
    let s = shop(&app).await?;
    let set = "mutation($s: String!, $b: Int!) { setInquiryProofOfWork(site: $s, bits: $b) }";
    let editor = app.signup("li@valves.example.com").await?;
    let refused = app
        .graphql_as(&editor.token, set, json!({ "s": SITE, "b": 8 }))
        .await?;
    assert_eq!(error_code(&refused)?, "FORBIDDEN", "{refused}");
    let too_hard = app
        .graphql_as(&s.owner, set, json!({ "s": SITE, "b": 25 }))
        .await?;
    assert_eq!(error_field(&too_hard).as_deref(), Some("bits"));
    let on = app
        .graphql_as(&s.owner, set, json!({ "s": SITE, "b": 8 }))
        .await?;
    assert_eq!(ok(&on)?["setInquiryProofOfWork"], 8);

    let form = "mutation($s: String!) { inquiryForm(site: $s) { token proofOfWorkBits } }";
    let mut references = Vec::new();
    for answer in ["solved", "wrong", "none"] {
        let body = app.graphql(form, json!({ "s": SITE })).await?;
        assert_eq!(ok(&body)?["inquiryForm"]["proofOfWorkBits"], 8);
        let token = str_at(&body, "/data/inquiryForm/token")?;
        let solution = (0u32..)
            .map(|n| n.to_string())
            .find(|a| wharf::services::inquiry::proof_of_work_holds(&token, a, 8))
            .unwrap_or_default();
        let wrong = (0u32..)
            .map(|n| n.to_string())
            .find(|a| !wharf::services::inquiry::proof_of_work_holds(&token, a, 8))
            .unwrap_or_default();
        let mut input = inquiry_input(
            &s.site,
            &format!("{answer}@example.com"),
            &format!("Quote ({answer})"),
        )?;
        input["formToken"] = json!(token);
        match answer {
            "solved" => input["proofOfWork"] = json!(solution),
            "wrong" => input["proofOfWork"] = json!(wrong),
            _ => {}
        }
        references.push(submit_when_old_enough(&app, input).await?);
    }
    let reasons: Vec<Value> = {
        let mut out = Vec::new();
        for r in &references {
            out.push(stored(&app, r).await?.spam_reasons);
        }
        out
    };
    assert_eq!(
        reasons,
        vec![
            json!([]),
            json!(["proof_of_work"]),
            json!(["proof_of_work"])
        ]
    );
    // Switched off: forms no longer ask.
    ok(&app
        .graphql_as(&s.owner, set, json!({ "s": SITE, "b": 0 }))
        .await?)?;
    let body = app.graphql(form, json!({ "s": SITE })).await?;
    assert_eq!(ok(&body)?["inquiryForm"]["proofOfWorkBits"], 0);
    Ok(())
}

/// Submits once the token is past the minimum age (one second in these tests).
async fn submit_when_old_enough(app: &TestApp, input: Value) -> Result<String> {
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    submit(app, input).await
}
