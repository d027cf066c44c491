//! A listed product is answered in one pass from what its page read (`types/product_flat.rs`);
//! a product read alone goes through async-graphql's resolvers. Both must give the same answer
//! for every shape of selection a storefront writes: plain fields, nested objects and lists,
//! aliases, fragments, `__typename`, and fields only the resolvers can answer.
use crate::products::{SITE, category, create_product, image, publish, shop};
use anyhow::{Result, ensure};
use serde_json::json;
use wharf_tests::{TestApp, e2e, ok, str_at};

e2e!(a_listed_product_reads_exactly_as_the_product_read_alone,);

/// Selections, each asked of the list and of `product(id:)`.
const SHAPES: &[&str] = &[
    "id locale slug name modelNumber summary description status publishedAt scheduledAt leadTimeDays \
     supplyAbility packaging hsCode originCountry metaTitle metaDescription canonicalUrl translationGroupId \
     version createdAt updatedAt certifications",
    "id price { min max currency } cover { id url width height alt blurhash __typename } \
     ogImage { id contentType } categories { id slug name locale parentId } specs { group name value unit } \
     tags { slug name } gallery { id filename } attachments { id contentType }",
    "__typename a: name b: name first: specs { n: name } ...P cover { ...M } \
     ... on Product { categories { slug } }",
    // Fields only the resolvers answer, beside plain ones: the product takes the normal path.
    "id name html excerpt toc { text } breadcrumbs { slug } jsonLd cover { url(width: 320) }",
    "id cover @include(if: true) { id } specs { name @skip(if: true) value }",
];

const FRAGMENTS: &str =
    "fragment P on Product { modelNumber price { currency } } fragment M on Media { id size }";

async fn a_listed_product_reads_exactly_as_the_product_read_alone(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let valves = category(&app, &token, &site, None, "Valves", "阀门").await?;
    let ball = category(&app, &token, &site, Some(&valves), "Ball valves", "球阀").await?;
    let cover = image(&app, &token, &site, "cover.png").await?;
    let side = image(&app, &token, &site, "side.png").await?;
    let sheet = crate::media::upload_ok(
        &app,
        &token,
        &site,
        "sheet.pdf",
        "application/pdf",
        crate::media::pdf(),
    )
    .await?;
    let sheet = str_at(&sheet, "/id")?;
    // One product with everything, one with nothing optional, one translation.
    let full = create_product(
        &app,
        &token,
        json!({ "siteId": site, "name": "不锈钢球阀 DN50", "modelNumber": "BV-50", "summary": "Full bore",
                "description": "# 概述\n\n## 规格\n\nText", "categoryIds": [ball, valves], "tags": ["阀门", "valves"],
                "certifications": ["CE", "ISO 9001"], "priceMin": "12.5", "priceMax": "20", "currency": "USD",
                "incoterm": "FOB", "incotermPlace": "Ningbo", "leadTimeDays": 30, "hsCode": "84818099",
                "originCountry": "CN", "metaTitle": "球阀", "ogImageId": side }),
    )
    .await?;
    let full = str_at(ok(&full)?, "/createProduct/id")?;
    ok(&app
        .graphql_as(
            &token,
            "mutation($p: ID!, $g: [ID!], $a: [ID!], $c: ID) { setProductMedia(productId: $p, gallery: $g, attachments: $a, coverId: $c) { id } }",
            json!({ "p": full, "g": [side, cover], "a": [sheet], "c": cover }),
        )
        .await?)?;
    ok(&app
        .graphql_as(
            &token,
            "mutation($p: ID!) { setProductSpecs(productId: $p, rows: [{group: \"Body\", name: \"Size\", value: \"DN50\", unit: \"mm\"}, {name: \"材质\", value: \"CF8M\"}]) { id } }",
            json!({ "p": full }),
        )
        .await?)?;
    let bare = create_product(&app, &token, json!({ "siteId": site, "name": "Plain" })).await?;
    let bare = str_at(ok(&bare)?, "/createProduct/id")?;
    for id in [&full, &bare] {
        publish(&app, &token, id).await?;
    }

    for shape in SHAPES {
        // Only the shape that spreads them may carry the fragments (unused ones are refused).
        let fragments = if shape.contains("...P") {
            FRAGMENTS
        } else {
            ""
        };
        // `key: id` finds each listed product's own read (and is one more alias).
        let list = app
            .graphql(
                &format!(
                    "{{ products(first: 10, filter: {{site: \"{SITE}\"}}, orderBy: {{field: NAME, direction: ASC}}) {{ nodes {{ key: id {shape} }} }} }} {fragments}"
                ),
                json!({}),
            )
            .await?;
        let nodes = ok(&list)?["products"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        ensure!(nodes.len() == 2, "two products listed for {shape}: {list}");
        for node in nodes {
            let alone = app
                .graphql(
                    &format!(
                        "query($id: ID!) {{ product(id: $id) {{ key: id {shape} }} }} {fragments}"
                    ),
                    json!({ "id": str_at(&node, "/key")? }),
                )
                .await?;
            let alone = ok(&alone)?["product"].clone();
            ensure!(
                node == alone,
                "listed and alone differ for {shape}:\nlisted: {node}\nalone:  {alone}"
            );
        }
    }
    // The list's answer holds what was written (the comparisons were not of empty answers).
    let list = app
        .graphql(
            &format!("{{ products(first: 10, filter: {{site: \"{SITE}\"}}, orderBy: {{field: NAME, direction: ASC}}) {{ nodes {{ {} }} }} }}", SHAPES[1]),
            json!({}),
        )
        .await?;
    let nodes = &ok(&list)?["products"]["nodes"];
    // By code point, "Plain" comes before "不锈钢球阀".
    let (plain, first) = (&nodes[0], &nodes[1]);
    ensure!(
        str_at(first, "/id")? == full && str_at(plain, "/id")? == bare,
        "{nodes}"
    );
    ensure!(
        plain["cover"].is_null() && plain["specs"] == json!([]),
        "{plain}"
    );
    ensure!(first["specs"][1]["name"] == "材质", "{first}");
    ensure!(first["categories"][0]["name"] == "Ball valves", "{first}");
    ensure!(
        first["gallery"].as_array().map(Vec::len) == Some(2),
        "{first}"
    );
    ensure!(
        first["attachments"][0]["contentType"] == "application/pdf",
        "{first}"
    );
    ensure!(first["price"]["currency"] == "USD", "{first}");
    ensure!(first["ogImage"]["id"] == side.as_str(), "{first}");
    ensure!(!str_at(first, "/cover/url")?.is_empty(), "{first}");
    Ok(())
}
