//! The product CSV (issue 19, point 7): a Chinese and English file with specs, categories and
//! images imported through GraphQL multipart, the same file again changing nothing, a file
//! with bad rows refused whole with each line named, export then import into another site
//! giving the same catalogue, formula-like cells neutralized, and who may import.
use anyhow::Result;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use wharf_tests::{TestApp, e2e, error_code, ok, str_at};

e2e!(
    a_chinese_and_english_file_with_a_bom_imports_and_importing_it_again_changes_nothing,
    a_file_with_bad_rows_is_refused_whole_and_each_bad_line_is_named,
    an_export_imported_into_another_site_gives_the_same_catalogue_and_formulas_stay_text,
    only_writers_and_content_write_tokens_import_and_members_export,
);

const REPORT: &str =
    "rows created updated unchanged written errors { line column code reason message }";

/// The example of README's "Product CSV" section, with a multi-line description.
const FILE: &str = "model_number,locale,slug,name,summary,description,status,categories,tags,price_min,price_max,currency,incoterm,incoterm_place,moq_quantity,moq_unit,lead_time_days,hs_code,origin_country,certifications,images,spec:Body:Material,spec:Body:Nominal size[mm],spec:阀体:材质
BV-100,en,ball-valve-dn50,Ball valve DN50,Full bore,\"## Features
- Full bore
- PTFE seats\",published,valves/ball,valves;steel,12.50,18,USD,FOB,Ningbo,100,pieces,30,848180,CN,CE;ISO 9001,valve-front.png;valve-side.png,Stainless steel 316,50,
BV-100,zh-CN,qiu-fa-dn50,球阀 DN50,全通径,\"## 特点
- 全通径\",published,valves/ball,阀门,12.50,18,USD,FOB,宁波,100,件,30,848180,CN,CE,valve-front.png,,,不锈钢 316
GV-200,en,gate-valve,Gate valve,,Cast iron gate valve.,draft,valves,,,,,,,,,,,,,,Cast iron,80,
";

/// The owner's token and the site's ID, with the categories `valves` and `valves/ball` and the
/// images `valve-front.png` and `valve-side.png`.
async fn shop(app: &TestApp, email: &str, domain: &str) -> Result<(String, String)> {
    let owner = app.signup(email).await?;
    let site = app
        .create_site(&owner.token, domain, &["en", "zh-CN"])
        .await?;
    let create = "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { id } }";
    let valves = app
        .graphql_as(
            &owner.token,
            create,
            json!({ "i": { "siteId": site, "slug": "valves", "translations": [{ "locale": "en", "name": "Valves" }, { "locale": "zh-CN", "name": "阀门" }] } }),
        )
        .await?;
    let valves = str_at(ok(&valves)?, "/createCategory/id")?;
    ok(&app
        .graphql_as(
            &owner.token,
            create,
            json!({ "i": { "siteId": site, "parentId": valves, "slug": "ball", "translations": [{ "locale": "en", "name": "Ball valves" }] } }),
        )
        .await?)?;
    for (name, len) in [("valve-front.png", 300), ("valve-side.png", 400)] {
        crate::media::upload_ok(
            app,
            &owner.token,
            &site,
            name,
            "image/png",
            crate::media::png(8, 6, len),
        )
        .await?;
    }
    Ok((owner.token, site))
}

/// Sends `importProducts` as a GraphQL multipart request.
pub(crate) async fn import(
    app: &TestApp,
    token: Option<&str>,
    site: &str,
    file: &[u8],
) -> Result<Value> {
    let operations = json!({
        "query": format!("mutation($site: String!, $file: Upload!) {{ importProducts(site: $site, file: $file) {{ {REPORT} }} }}"),
        "variables": { "site": site, "file": null },
    });
    let form = Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part(
            "0",
            Part::bytes(file.to_vec())
                .file_name("products.csv")
                .mime_str("text/csv")?,
        );
    let mut request = app.client.post(format!("{}/graphql", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    Ok(request.multipart(form).send().await?.json().await?)
}

async fn export(app: &TestApp, token: &str, site: &str) -> Result<String> {
    let body = app
        .graphql_as(
            token,
            "query($s: String!) { exportProducts(site: $s) { csv rows contentType } }",
            json!({ "s": site }),
        )
        .await?;
    str_at(ok(&body)?, "/exportProducts/csv")
}

const READ: &str = "query($s: String!, $slug: String!, $l: String) { product(site: $s, slug: $slug, locale: $l) { \
    locale slug name modelNumber summary description status version price { min max currency } incoterm { rule place } \
    minimumOrder { quantity unit } leadTimeDays hsCode originCountry certifications specs { group name value unit } \
    categories { slug } tags { name } cover { filename } gallery { filename } translations { locale slug } } }";

async fn read(app: &TestApp, token: &str, domain: &str, slug: &str, locale: &str) -> Result<Value> {
    let body = app
        .graphql_as(
            token,
            READ,
            json!({ "s": domain, "slug": slug, "l": locale }),
        )
        .await?;
    Ok(ok(&body)?["product"].clone())
}

async fn a_chinese_and_english_file_with_a_bom_imports_and_importing_it_again_changes_nothing(
    app: TestApp,
) -> Result<()> {
    let domain = "csv.example.com";
    let (token, site) = shop(&app, "owner@csv.example.com", domain).await?;
    // Excel's "CSV UTF-8" starts with a byte-order mark and ends lines with CRLF.
    let file = format!("\u{FEFF}{}", FILE.replace('\n', "\r\n"));
    let first = import(&app, Some(&token), &site, file.as_bytes()).await?;
    assert_eq!(
        ok(&first)?["importProducts"],
        json!({ "rows": 3, "created": 3, "updated": 0, "unchanged": 0, "written": true, "errors": [] })
    );
    let en = read(&app, &token, domain, "ball-valve-dn50", "en").await?;
    assert_eq!(en["name"], "Ball valve DN50");
    assert_eq!(en["modelNumber"], "BV-100");
    assert_eq!(en["status"], "PUBLISHED");
    assert_eq!(en["description"], "## Features\n- Full bore\n- PTFE seats");
    assert_eq!(
        en["price"],
        json!({ "min": "12.50", "max": "18.00", "currency": "USD" })
    );
    assert_eq!(en["incoterm"], json!({ "rule": "FOB", "place": "Ningbo" }));
    assert_eq!(
        en["minimumOrder"],
        json!({ "quantity": 100, "unit": "pieces" })
    );
    assert_eq!(
        (&en["leadTimeDays"], &en["hsCode"], &en["originCountry"]),
        (&json!(30), &json!("848180"), &json!("CN"))
    );
    assert_eq!(en["certifications"], json!(["CE", "ISO 9001"]));
    assert_eq!(
        en["specs"],
        json!([
            { "group": "Body", "name": "Material", "value": "Stainless steel 316", "unit": null },
            { "group": "Body", "name": "Nominal size", "value": "50", "unit": "mm" }
        ])
    );
    assert_eq!(en["categories"], json!([{ "slug": "ball" }]));
    assert_eq!(
        en["tags"],
        json!([{ "name": "valves" }, { "name": "steel" }])
    );
    assert_eq!(en["cover"]["filename"], "valve-front.png");
    assert_eq!(
        en["gallery"],
        json!([{ "filename": "valve-front.png" }, { "filename": "valve-side.png" }])
    );
    let zh = read(&app, &token, domain, "qiu-fa-dn50", "zh-CN").await?;
    assert_eq!(
        (&zh["name"], &zh["locale"]),
        (&json!("球阀 DN50"), &json!("zh-CN"))
    );
    assert_eq!(zh["incoterm"]["place"], "宁波");
    assert_eq!(
        zh["specs"],
        json!([{ "group": "阀体", "name": "材质", "value": "不锈钢 316", "unit": null }])
    );
    assert_eq!(
        zh["translations"],
        json!([{ "locale": "en", "slug": "ball-valve-dn50" }])
    );
    assert_eq!(zh["gallery"], json!([{ "filename": "valve-front.png" }]));
    let gate = read(&app, &token, domain, "gate-valve", "en").await?;
    assert_eq!(
        (&gate["status"], &gate["price"]),
        (&json!("DRAFT"), &Value::Null)
    );

    // The same file again: every product matches, nothing is written, no version moves.
    let versions = [
        en["version"].clone(),
        zh["version"].clone(),
        gate["version"].clone(),
    ];
    let again = import(&app, Some(&token), &site, file.as_bytes()).await?;
    assert_eq!(
        ok(&again)?["importProducts"],
        json!({ "rows": 3, "created": 0, "updated": 0, "unchanged": 3, "written": true, "errors": [] })
    );
    for (slug, locale, version) in [
        ("ball-valve-dn50", "en", &versions[0]),
        ("qiu-fa-dn50", "zh-CN", &versions[1]),
        ("gate-valve", "en", &versions[2]),
    ] {
        assert_eq!(
            &read(&app, &token, domain, slug, locale).await?["version"],
            version
        );
    }

    // A changed cell updates that product through the normal path: its version moves on.
    let changed = FILE.replace("Cast iron gate valve.", "Ductile iron gate valve.");
    let third = import(&app, Some(&token), &site, changed.as_bytes()).await?;
    assert_eq!(
        (
            ok(&third)?["importProducts"]["updated"].clone(),
            ok(&third)?["importProducts"]["unchanged"].clone()
        ),
        (json!(1), json!(2))
    );
    let gate2 = read(&app, &token, domain, "gate-valve", "en").await?;
    assert_eq!(gate2["description"], "Ductile iron gate valve.");
    assert_eq!(
        gate2["version"].as_i64(),
        versions[2].as_i64().map(|v| v + 1)
    );
    Ok(())
}

async fn a_file_with_bad_rows_is_refused_whole_and_each_bad_line_is_named(
    app: TestApp,
) -> Result<()> {
    let (token, site) = shop(&app, "owner@bad-csv.example.com", "bad-csv.example.com").await?;
    // Line 2-3: a good row (its description spans two lines); 4: a currency that does not
    // exist; 5: an HS code of 3 digits; 6: no name.
    let file = "model_number,name,description,price_min,currency,hs_code
OK-1,Good valve,\"two
lines\",10,USD,848180
BAD-1,Bad currency,,10,XYZ,
BAD-2,Bad HS code,,,,848
BAD-3,,,,,
";
    let body = import(&app, Some(&token), &site, file.as_bytes()).await?;
    let report = &ok(&body)?["importProducts"];
    assert_eq!(report["written"], false);
    let errors: Vec<(i64, String, String)> = report["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["line"].as_i64().unwrap_or_default(),
                        e["column"].as_str().unwrap_or_default().to_owned(),
                        e["code"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        errors,
        vec![
            (4, "currency".into(), "BAD_USER_INPUT".into()),
            (5, "hs_code".into(), "BAD_USER_INPUT".into()),
            (6, "name".into(), "BAD_USER_INPUT".into()),
        ]
    );
    assert_eq!(report["errors"][0]["reason"], "INVALID_CURRENCY");
    assert_eq!(report["errors"][1]["reason"], "INVALID_HS_CODE");
    assert!(report["errors"][2]["reason"].is_string());
    // Nothing was written, not even the good row.
    let count = app
        .graphql_as(
            &token,
            "query { products(filter: {status: DRAFT}) { totalCount } }",
            json!({}),
        )
        .await?;
    assert_eq!(ok(&count)?["products"]["totalCount"], 0);

    // A product twice, a category and an image the site does not have, and a slug that an
    // earlier row of the same file took: each named, and the rows after them still checked.
    let file = "model_number,name,slug,categories,images
D-1,Dup one,,,
D-1,Dup again,,,
D-2,Bad category,,valves/nope,
D-3,Bad image,,,missing.png
D-4,Slug clash,dup-one,,
D-5,After the clash,,valves/ball,valve-side.png
";
    let body = import(&app, Some(&token), &site, file.as_bytes()).await?;
    let report = &ok(&body)?["importProducts"];
    let errors: Vec<(i64, String, String)> = report["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["line"].as_i64().unwrap_or_default(),
                        e["column"].as_str().unwrap_or_default().to_owned(),
                        e["reason"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        errors,
        vec![
            (3, "model_number".into(), "DUPLICATE".into()),
            (4, "categories".into(), "CATEGORY_NOT_ON_SITE".into()),
            (5, "images".into(), "MEDIA_NOT_ON_SITE".into()),
            (6, "slug".into(), "SLUG_TAKEN".into()),
        ]
    );
    assert_eq!(
        (&report["created"], &report["written"]),
        (&json!(2), &json!(false))
    );
    let count = app
        .graphql_as(
            &token,
            "query { products(filter: {status: DRAFT}) { totalCount } }",
            json!({}),
        )
        .await?;
    assert_eq!(ok(&count)?["products"]["totalCount"], 0);

    // A file that is not UTF-8 (Excel's legacy "CSV" in GBK) is refused naming its line.
    let gbk: &[u8] = b"model_number,name\nA-1,\xc7\xf2\xb7\xa7\n";
    let body = import(&app, Some(&token), &site, gbk).await?;
    assert_eq!(error_code(&body)?, "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["reason"], "CSV_UNREADABLE");
    assert_eq!(body["errors"][0]["extensions"]["params"]["line"], 2);
    Ok(())
}

async fn an_export_imported_into_another_site_gives_the_same_catalogue_and_formulas_stay_text(
    app: TestApp,
) -> Result<()> {
    let (token, site) = shop(&app, "owner@a.example.com", "a.example.com").await?;
    // A summary a spreadsheet would run as a formula, and a description starting with "-".
    let file = FILE
        .replace(
            "Full bore,",
            "\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",",
        )
        .replace("Cast iron gate valve.", "- cast iron body");
    let first = import(&app, Some(&token), &site, file.as_bytes()).await?;
    assert_eq!(ok(&first)?["importProducts"]["written"], true, "{first}");
    let csv = export(&app, &token, &site).await?;
    assert!(
        csv.starts_with('\u{FEFF}'),
        "Excel needs the BOM for Chinese text"
    );
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""),
        "{csv}"
    );
    assert!(csv.contains(",'- cast iron body,"), "{csv}");
    let mut reader =
        csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{FEFF}').as_bytes());
    for record in reader.records() {
        for cell in record?.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "{cell:?} would run as a formula"
            );
        }
    }

    // Into a second site with the same categories and images: the same catalogue.
    let (token_b, site_b) = shop(&app, "owner@b.example.com", "b.example.com").await?;
    let second = import(&app, Some(&token_b), &site_b, csv.as_bytes()).await?;
    assert_eq!(
        ok(&second)?["importProducts"],
        json!({ "rows": 3, "created": 3, "updated": 0, "unchanged": 0, "written": true, "errors": [] })
    );
    assert_eq!(export(&app, &token_b, &site_b).await?, csv);
    for (slug, locale) in [
        ("ball-valve-dn50", "en"),
        ("qiu-fa-dn50", "zh-CN"),
        ("gate-valve", "en"),
    ] {
        let a = read(&app, &token, "a.example.com", slug, locale).await?;
        let b = read(&app, &token_b, "b.example.com", slug, locale).await?;
        assert_eq!(a, b, "{slug} ({locale}) differs between the sites");
    }
    let a = read(&app, &token, "a.example.com", "ball-valve-dn50", "en").await?;
    assert_eq!(a["summary"], "=HYPERLINK(\"http://evil.example\",\"x\")");

    // After deleting a product, importing the export brings it back as it was.
    let gate = read(&app, &token, "a.example.com", "gate-valve", "en").await?;
    let id = app
        .graphql_as(
            &token,
            "query { product(site: \"a.example.com\", slug: \"gate-valve\") { id } }",
            json!({}),
        )
        .await?;
    let id = str_at(ok(&id)?, "/product/id")?;
    ok(&app
        .graphql_as(
            &token,
            "mutation($id: ID!) { deleteProduct(id: $id) }",
            json!({ "id": id }),
        )
        .await?)?;
    let back = import(&app, Some(&token), &site, csv.as_bytes()).await?;
    assert_eq!(
        (
            ok(&back)?["importProducts"]["created"].clone(),
            ok(&back)?["importProducts"]["unchanged"].clone()
        ),
        (json!(1), json!(2))
    );
    assert_eq!(
        read(&app, &token, "a.example.com", "gate-valve", "en").await?,
        gate
    );
    Ok(())
}

async fn only_writers_and_content_write_tokens_import_and_members_export(
    app: TestApp,
) -> Result<()> {
    let (token, site) = shop(&app, "owner@authz-csv.example.com", "authz-csv.example.com").await?;
    let file = "model_number,name\nT-1,Token valve\n";
    let stranger = app.signup("stranger@example.com").await?;
    let refused = import(&app, Some(&stranger.token), &site, file.as_bytes()).await?;
    assert_eq!(error_code(&refused)?, "FORBIDDEN");
    let anonymous = import(&app, None, &site, file.as_bytes()).await?;
    assert_eq!(error_code(&anonymous)?, "UNAUTHENTICATED");
    let exported = app
        .graphql_as(
            &stranger.token,
            "query($s: String!) { exportProducts(site: $s) { csv } }",
            json!({ "s": site }),
        )
        .await?;
    assert_eq!(error_code(&exported)?, "FORBIDDEN");

    let create = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }";
    let read_only = app
        .graphql_as(
            &token,
            create,
            json!({ "i": { "name": "ro", "scopes": ["content:read"] } }),
        )
        .await?;
    let read_only = str_at(ok(&read_only)?, "/createApiToken/token")?;
    let refused = import(&app, Some(&read_only), &site, file.as_bytes()).await?;
    assert_eq!(error_code(&refused)?, "FORBIDDEN");
    assert_eq!(
        refused["errors"][0]["extensions"]["reason"],
        "TOKEN_SCOPE_MISSING"
    );

    let writer = app
        .graphql_as(
            &token,
            create,
            json!({ "i": { "name": "pim", "scopes": ["content:write"] } }),
        )
        .await?;
    let writer = str_at(ok(&writer)?, "/createApiToken/token")?;
    let done = import(&app, Some(&writer), &site, file.as_bytes()).await?;
    assert_eq!(ok(&done)?["importProducts"]["created"], 1);
    assert!(export(&app, &token, &site).await?.contains("T-1,"));
    Ok(())
}
