//! A sweep of bad input over the catalogue's, the inquiries', the lists' and the market's
//! operations: every refusal must carry a reason the server declares (and so the Studio words),
//! the one expected for that input. A refusal added without a reason fails here, as it fails
//! the source scan of `error/reason.rs`.
use crate::inquiries::{inquiry_input, quick_tokens, shop, stored, submit};
use anyhow::{Result, ensure};
use serde_json::{Value, json};
use std::collections::HashSet;
use wharf::error::Reason;
use wharf_tests::{TestApp, e2e, ok, str_at};

e2e!(settings = quick_tokens; every_refused_input_carries_a_declared_reason);

const CREATE_PRODUCT: &str =
    "mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }";
const CREATE_CATEGORY: &str =
    "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { id } }";

/// The reason of every error of `body`, or why one has none.
fn reasons(body: &Value, known: &HashSet<&str>) -> Result<Vec<String>> {
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    ensure!(!errors.is_empty(), "accepted: {body}");
    errors
        .iter()
        .map(|e| {
            let ext = &e["extensions"];
            ensure!(ext["code"] != "INTERNAL", "internal error: {e}");
            let reason = ext["reason"].as_str().unwrap_or_default();
            ensure!(known.contains(reason), "no declared reason: {e}");
            Ok(reason.to_owned())
        })
        .collect()
}

async fn every_refused_input_carries_a_declared_reason(app: TestApp) -> Result<()> {
    let known: HashSet<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
    let s = shop(&app).await?;
    let stranger = app.signup("stranger@example.com").await?;
    let reference = submit(
        &app,
        inquiry_input(&s.site, "ann@shop.example.com", "Price for 500 pieces?")?,
    )
    .await?;
    let inquiry = stored(&app, &reference).await?.id.to_string();
    // A chain of eight categories, the deepest allowed.
    let mut parent: Option<String> = None;
    for depth in 1..=8 {
        let body = app
            .graphql_as(
                &s.owner,
                CREATE_CATEGORY,
                json!({ "i": { "siteId": s.site, "parentId": parent,
                    "translations": [{ "locale": "en", "name": format!("Level {depth}") }] } }),
            )
            .await?;
        parent = Some(str_at(ok(&body)?, "/createCategory/id")?);
    }
    let deepest = parent.unwrap_or_default();

    let nobody = "0190a000-0000-7000-8000-000000000000";
    let product = |patch: Value| {
        let mut input = json!({ "siteId": s.site, "name": "Gate valve" });
        for (k, v) in patch.as_object().into_iter().flatten() {
            input[k] = v.clone();
        }
        json!({ "i": input })
    };
    let category = |patch: Value| {
        let mut input =
            json!({ "siteId": s.site, "translations": [{ "locale": "en", "name": "Pumps" }] });
        for (k, v) in patch.as_object().into_iter().flatten() {
            input[k] = v.clone();
        }
        json!({ "i": input })
    };
    let inquiry_with = |patch: Value| -> Result<Value> {
        let mut input = inquiry_input(&s.site, "jonas@becker-armaturen.de", "Please quote.")?;
        for (k, v) in patch.as_object().into_iter().flatten() {
            input[k] = v.clone();
        }
        Ok(json!({ "i": input }))
    };
    let many = |n: usize, item: Value| Value::Array(vec![item; n]);
    let far = (chrono::Utc::now() + chrono::Duration::days(5000)).to_rfc3339();
    let soon = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let submit_q = "mutation($i: SubmitInquiryInput!) { submitInquiry(input: $i) { reference } }";
    let products_q = "query($f: ProductFilter, $first: Int) { products(first: $first, filter: $f) { totalCount } }";
    let inbox_q = "query($f: InquiryFilter) { inquiries(site: \"valves.example.com\", filter: $f) { totalCount } }";

    let owner = s.owner.as_str();
    let cases: Vec<(&str, &str, Value, &str)> = vec![
        // Products.
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "name": " " })),
            "EMPTY",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "slug": "Gate Valve" })),
            "SLUG_CHARACTERS",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "slug": "ball-valve-dn50" })),
            "SLUG_TAKEN",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "locale": "fr" })),
            "LOCALE_NOT_OFFERED",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "description": "a\u{0}b" })),
            "CONTROL_CHARACTERS",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "priceMin": "1", "currency": "EURO" })),
            "INVALID_CURRENCY",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "priceMin": "-1", "currency": "USD" })),
            "INVALID_AMOUNT",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "priceMin": "1,250.00", "currency": "USD" })),
            "INVALID_AMOUNT",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "priceMin": "99999999999999999999", "currency": "USD" })),
            "AMOUNT_TOO_LARGE",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "priceMin": "100", "currency": "JPY", "priceMax": "0.5" })),
            "TOO_MANY_DECIMALS",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "priceMax": "5", "currency": "USD" })),
            "REQUIRED",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "priceMin": "5" })),
            "REQUIRED",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "moqUnit": "sets" })),
            "REQUIRED",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "incoterm": "DAT" })),
            "UNKNOWN_VALUE",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "moqQuantity": 0, "moqUnit": "sets" })),
            "OUT_OF_RANGE",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "leadTimeDays": -1 })),
            "OUT_OF_RANGE",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "originCountry": "Germany" })),
            "INVALID_COUNTRY",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "hsCode": "84.81" })),
            "INVALID_HS_CODE",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(
                json!({ "certifications": (0..31).map(|i| format!("ISO {i}")).collect::<Vec<_>>() }),
            ),
            "TOO_MANY",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "categoryIds": [nobody] })),
            "CATEGORY_NOT_ON_SITE",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "categoryIds": many(21, json!(nobody)) })),
            "TOO_MANY",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "ogImageId": nobody })),
            "MEDIA_NOT_ON_SITE",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "translationOf": s.valve, "locale": "en" })),
            "TRANSLATION_EXISTS",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "translationOf": s.valve, "locale": "zh-CN", "modelNumber": "GV-1" })),
            "MODEL_NUMBER_SHARED",
        ),
        (
            owner,
            CREATE_PRODUCT,
            product(json!({ "categoryIds": ["not-an-id"] })),
            "INVALID_ID",
        ),
        (
            stranger.token.as_str(),
            CREATE_PRODUCT,
            product(json!({})),
            "WRITERS_ONLY",
        ),
        (
            owner,
            "mutation($id: ID!) { updateProduct(id: $id, input: { name: \"Ball valve\", expectedVersion: 99 }) { id } }",
            json!({ "id": s.valve }),
            "STALE_VERSION",
        ),
        (
            owner,
            "mutation($id: ID!, $at: DateTime) { publishProduct(id: $id, at: $at) { id } }",
            json!({ "id": s.valve, "at": far }),
            "SCHEDULE_TOO_FAR",
        ),
        (
            owner,
            "mutation($id: ID!, $at: DateTime) { publishProduct(id: $id, at: $at) { id } }",
            json!({ "id": s.valve, "at": soon }),
            "ALREADY_PUBLISHED",
        ),
        (
            owner,
            "mutation($id: ID!, $rows: [ProductSpecInput!]!) { setProductSpecs(productId: $id, rows: $rows) { id } }",
            json!({ "id": s.valve, "rows": many(201, json!({ "name": "DN", "value": "50" })) }),
            "TOO_MANY",
        ),
        (
            owner,
            "mutation($id: ID!, $g: [ID!]) { setProductMedia(productId: $id, gallery: $g) { id } }",
            json!({ "id": s.valve, "g": [nobody, nobody] }),
            "DUPLICATE",
        ),
        (
            owner,
            "mutation($id: ID!, $g: [ID!]) { setProductMedia(productId: $id, gallery: $g) { id } }",
            json!({ "id": s.valve, "g": [nobody] }),
            "MEDIA_NOT_ON_SITE",
        ),
        (
            owner,
            "query($id: ID) { product(id: $id, site: \"valves.example.com\", slug: \"ball-valve-dn50\") { id } }",
            json!({ "id": s.valve }),
            "AMBIGUOUS_LOOKUP",
        ),
        (
            owner,
            products_q,
            json!({ "f": { "site": "valves.example.com", "priceMin": "1" } }),
            "REQUIRED",
        ),
        (
            owner,
            products_q,
            json!({ "f": { "site": "valves.example.com", "priceMin": "9", "priceMax": "1", "currency": "USD" } }),
            "PRICE_MAX_BELOW_MIN",
        ),
        (
            owner,
            products_q,
            json!({ "f": { "category": "valves" } }),
            "SITE_REQUIRED",
        ),
        (owner, products_q, json!({ "first": 1000 }), "OUT_OF_RANGE"),
        // Categories.
        (
            owner,
            CREATE_CATEGORY,
            category(json!({ "parentId": nobody })),
            "CATEGORY_NOT_ON_SITE",
        ),
        (
            owner,
            CREATE_CATEGORY,
            category(json!({ "parentId": deepest })),
            "CATEGORY_TOO_DEEP",
        ),
        (
            owner,
            CREATE_CATEGORY,
            category(
                json!({ "translations": [{ "locale": "en", "name": "A" }, { "locale": "en", "name": "B" }] }),
            ),
            "DUPLICATE",
        ),
        (
            owner,
            CREATE_CATEGORY,
            category(
                json!({ "translations": [{ "locale": "en", "name": "A" }, { "locale": "fr", "name": "B" }] }),
            ),
            "LOCALE_NOT_OFFERED",
        ),
        (
            owner,
            CREATE_CATEGORY,
            category(json!({ "translations": [{ "locale": "en", "name": "!!!" }] })),
            "NO_LETTER_OR_DIGIT",
        ),
        (
            owner,
            CREATE_CATEGORY,
            category(json!({ "slug": "level-1" })),
            "SLUG_TAKEN",
        ),
        (
            owner,
            "mutation($id: ID!) { updateCategory(id: $id, input: { removeLocales: [\"en\"] }) { id } }",
            json!({ "id": deepest }),
            "DEFAULT_LOCALE_KEPT",
        ),
        // Inquiries.
        (
            "",
            submit_q,
            inquiry_with(json!({ "sourceUrl": "ftp://example.com/x" }))?,
            "INVALID_URL",
        ),
        (
            "",
            submit_q,
            inquiry_with(
                json!({ "items": many(51, json!({ "productId": s.valve, "quantity": 1 })) }),
            )?,
            "TOO_MANY",
        ),
        (
            "",
            submit_q,
            inquiry_with(json!({ "formToken": "t".repeat(2049) }))?,
            "TOO_LONG",
        ),
        (
            "",
            submit_q,
            inquiry_with(json!({ "website": "w".repeat(2049) }))?,
            "TOO_LONG",
        ),
        (
            "",
            submit_q,
            inquiry_with(json!({ "email": "jonas-at-becker.de" }))?,
            "INVALID_EMAIL",
        ),
        (
            owner,
            "mutation { setInquiryProofOfWork(site: \"valves.example.com\", bits: 99) }",
            json!({}),
            "OUT_OF_RANGE",
        ),
        (
            owner,
            "mutation($id: ID!) { addInquiryNote(id: $id, note: \" \") { id } }",
            json!({ "id": inquiry }),
            "EMPTY",
        ),
        (
            stranger.token.as_str(),
            "mutation($id: ID!) { addInquiryNote(id: $id, note: \"hi\") { id } }",
            json!({ "id": inquiry }),
            "NOT_FOUND",
        ),
        (
            owner,
            inbox_q,
            json!({ "f": { "country": "Germany" } }),
            "INVALID_COUNTRY",
        ),
        // Sessions and the market.
        (
            "",
            "mutation { refreshToken(refreshToken: \"wrt_x\") { accessToken } }",
            json!({}),
            "REFRESH_TOKEN_INVALID",
        ),
        (
            owner,
            "mutation($i: CreateLinkOfferInput!) { createLinkOffer(input: $i) { id } }",
            json!({ "i": { "siteId": s.site, "title": "Partners", "placement": "PARTNERS_PAGE", "kind": "RECIPROCAL" } }),
            "SITE_NOT_VERIFIED",
        ),
        (
            "",
            "query { linkOffers(filter: { status: PAUSED }) { totalCount } }",
            json!({}),
            "MEMBERS_ONLY",
        ),
    ];
    let mut wrong = Vec::new();
    for (who, query, vars, expected) in &cases {
        let token = (!who.is_empty()).then_some(*who);
        let body = app.gql(token, query, vars.clone()).await?;
        match reasons(&body, &known) {
            Ok(found) if found.iter().any(|r| r == expected) => {}
            Ok(found) => wrong.push(format!("{query} {vars}: {found:?}, not {expected}")),
            Err(why) => wrong.push(format!("{query} {vars}: {why}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    Ok(())
}
