//! The sitemap (issue 19, point 6): `GET /sitemap.xml?site=` as XML that a real parser reads
//! back, with articles, products and categories, `hreflang` alternates and `x-default`, no
//! drafts or scheduled content, a sitemap index past the page size; and the same entries
//! through GraphQL.
use crate::products::{category, create_product, publish, shop};
use anyhow::{Context, Result};
use quick_xml::events::Event;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use wharf_tests::{TestApp, e2e, ok, str_at};

e2e!(
    the_xml_sitemap_lists_published_articles_products_and_categories_with_hreflang,
    an_unknown_site_or_a_bad_page_is_refused_clearly,
);
e2e!(settings = pages_of_two; a_sitemap_past_the_page_size_is_an_index_of_pages);
e2e!(settings = three_a_minute; sitemap_requests_count_against_the_anonymous_rate_limit);

fn pages_of_two(s: &mut wharf::Settings) {
    s.sitemap_page_size = 2;
}

fn three_a_minute(s: &mut wharf::Settings) {
    s.rate_limit_anonymous_per_minute = 3;
}

/// An XML element: name as written (`xhtml:link`), attributes, text, children.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attrs: BTreeMap<String, String>,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

fn element(e: &quick_xml::events::BytesStart<'_>) -> Result<Element> {
    let mut out = Element {
        name: String::from_utf8(e.name().as_ref().to_vec())?,
        ..Element::default()
    };
    for attr in e.attributes() {
        let attr = attr?;
        out.attrs.insert(
            String::from_utf8(attr.key.as_ref().to_vec())?,
            attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)?
                .into_owned(),
        );
    }
    Ok(out)
}

/// Parses a whole document with quick-xml into its root element (fails on any XML error).
fn parse(xml: &str) -> Result<Element> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        match reader.read_event()? {
            Event::Start(e) => stack.push(element(&e)?),
            Event::Empty(e) => {
                let done = element(&e)?;
                stack.last_mut().context("open")?.children.push(done);
            }
            Event::End(_) => {
                let done = stack.pop().context("balanced")?;
                stack.last_mut().context("a parent")?.children.push(done);
            }
            Event::Text(t) => stack.last_mut().context("open")?.text += t.decode()?.trim(),
            Event::GeneralRef(r) => {
                let raw = format!("&{};", r.decode()?);
                stack.last_mut().context("open")?.text += &quick_xml::escape::unescape(&raw)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    anyhow::ensure!(stack.len() == 1, "unclosed elements");
    stack
        .pop()
        .and_then(|mut d| d.children.pop())
        .context("a root element")
}

/// GET a URL: (status, content type, body).
async fn get(app: &TestApp, url: &str) -> Result<(u16, String, String)> {
    let resp = app.client.get(url).send().await?;
    let status = resp.status().as_u16();
    let kind = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Ok((status, kind, resp.text().await?))
}

/// Each `<url>`'s `loc` with its `hreflang` → `href` links.
fn urls(set: &Element) -> Result<BTreeMap<String, BTreeMap<String, String>>> {
    anyhow::ensure!(set.name == "urlset", "a urlset: {}", set.name);
    anyhow::ensure!(
        set.attrs.get("xmlns:xhtml").map(String::as_str) == Some("http://www.w3.org/1999/xhtml")
    );
    let mut out = BTreeMap::new();
    for url in set.all("url") {
        let loc = url.child("loc").context("loc")?.text.clone();
        anyhow::ensure!(
            url.child("lastmod")
                .is_some_and(|l| chrono::DateTime::parse_from_rfc3339(&l.text).is_ok()),
            "lastmod of {loc}"
        );
        let links = url
            .all("xhtml:link")
            .map(|l| {
                assert_eq!(l.attrs.get("rel").map(String::as_str), Some("alternate"));
                (
                    l.attrs.get("hreflang").cloned().unwrap_or_default(),
                    l.attrs.get("href").cloned().unwrap_or_default(),
                )
            })
            .collect();
        anyhow::ensure!(out.insert(loc.clone(), links).is_none(), "{loc} twice");
    }
    Ok(out)
}

async fn the_xml_sitemap_lists_published_articles_products_and_categories_with_hreflang(
    app: TestApp,
) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let about = app
        .create_article(
            &token,
            json!({ "siteId": site, "locale": "en", "title": "About us", "slug": "about" }),
        )
        .await?;
    let about = str_at(&about, "/id")?;
    let zh = app.create_article(&token, json!({ "siteId": site, "locale": "zh-CN", "title": "关于我们", "slug": "关于", "translationOf": about })).await?;
    for id in [about.clone(), str_at(&zh, "/id")?] {
        app.publish(&token, &id).await?;
    }
    app.create_article(
        &token,
        json!({ "siteId": site, "title": "Draft", "slug": "draft" }),
    )
    .await?;
    let later = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "Later", "slug": "later" }),
        )
        .await?;
    ok(&app.graphql_as(&token, "mutation($id: ID!) { publishArticle(id: $id, at: \"2030-12-24T08:00:00Z\") { status } }", json!({ "id": str_at(&later, "/id")? })).await?)?;
    let valves = category(&app, &token, &site, None, "Valves", "阀门").await?;
    let p = create_product(&app, &token, json!({ "siteId": site, "locale": "en", "name": "Ball valve", "slug": "ball-valve", "categoryIds": [valves] })).await?;
    let p = str_at(ok(&p)?, "/createProduct/id")?;
    let pz = create_product(&app, &token, json!({ "siteId": site, "locale": "zh-CN", "name": "球阀", "slug": "球阀", "translationOf": p })).await?;
    publish(&app, &token, &p).await?;
    publish(&app, &token, &str_at(ok(&pz)?, "/createProduct/id")?).await?;
    create_product(
        &app,
        &token,
        json!({ "siteId": site, "locale": "en", "name": "Secret valve", "slug": "secret" }),
    )
    .await?;

    let url = format!("{}/sitemap.xml?site=www.Valves.example.com", app.address);
    let resp = app.client.get(&url).send().await?;
    assert_eq!(resp.status().as_u16(), 200);
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        header("content-type").starts_with("application/xml"),
        "{}",
        header("content-type")
    );
    assert!(
        header("cache-control").contains("max-age"),
        "{}",
        header("cache-control")
    );
    let etag = header("etag");
    let xml = resp.text().await?;
    let found = urls(&parse(&xml)?)?;
    let base = "https://valves.example.com";
    let about_en = format!("{base}/about");
    let about_zh = format!("{base}/zh-CN/%E5%85%B3%E4%BA%8E");
    let valve_en = format!("{base}/products/ball-valve");
    let valve_zh = format!("{base}/zh-CN/products/%E7%90%83%E9%98%80");
    let cat_en = format!("{base}/categories/valves");
    let cat_zh = format!("{base}/zh-CN/categories/valves");
    let expected: BTreeSet<&String> =
        [&about_en, &about_zh, &valve_en, &valve_zh, &cat_en, &cat_zh].into();
    assert_eq!(
        found.keys().collect::<BTreeSet<_>>(),
        expected,
        "drafts and scheduled are absent: {xml}"
    );
    for (en, zh) in [
        (&about_en, &about_zh),
        (&valve_en, &valve_zh),
        (&cat_en, &cat_zh),
    ] {
        let links: BTreeMap<String, String> = [("en", en), ("zh-CN", zh), ("x-default", en)]
            .into_iter()
            .map(|(l, u)| (l.to_owned(), u.clone()))
            .collect();
        assert_eq!(found[en], links, "{en}");
        assert_eq!(found[zh], links, "{zh}");
    }

    // Unchanged: 304 to its ETag.
    let again = app
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await?;
    assert_eq!(again.status().as_u16(), 304);
    // HEAD: the same headers, no body.
    let head = app.client.head(&url).send().await?;
    assert_eq!(head.status().as_u16(), 200);
    assert_eq!(
        head.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some(etag.as_str())
    );
    assert!(head.bytes().await?.is_empty());

    // GraphQL: the same entries, with kinds, URLs and x-default.
    let body = app.graphql("{ sitemap(site: \"valves.example.com\") { kind path url locale alternates { locale url } xDefault { url } } }", json!({})).await?;
    let entries = ok(&body)?["sitemap"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let kinds: Vec<&str> = entries.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "ARTICLE", "ARTICLE", "PRODUCT", "PRODUCT", "CATEGORY", "CATEGORY"
        ]
    );
    let zh_product = entries
        .iter()
        .find(|e| e["url"] == json!(valve_zh))
        .context("the Chinese product")?;
    assert_eq!(zh_product["path"], "/zh-CN/products/%E7%90%83%E9%98%80");
    assert_eq!(
        zh_product["alternates"],
        json!([{ "locale": "en", "url": valve_en }])
    );
    assert_eq!(zh_product["xDefault"]["url"], json!(valve_en));
    Ok(())
}

async fn an_unknown_site_or_a_bad_page_is_refused_clearly(app: TestApp) -> Result<()> {
    let (_token, _site) = shop(&app).await?;
    let (status, kind, body) = get(
        &app,
        &format!("{}/sitemap.xml?site=nowhere.example.com", app.address),
    )
    .await?;
    assert_eq!(status, 404, "{body}");
    assert!(
        kind.starts_with("application/json") && body.contains("site not found"),
        "{kind} {body}"
    );
    let (status, _, body) = get(&app, &format!("{}/sitemap.xml", app.address)).await?;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("REQUIRED"), "{body}");
    for page in ["0", "x", "2"] {
        let (status, _, body) = get(
            &app,
            &format!(
                "{}/sitemap.xml?site=valves.example.com&page={page}",
                app.address
            ),
        )
        .await?;
        assert_eq!(status, 400, "page {page}: {body}");
        assert!(body.contains("OUT_OF_RANGE"), "{body}");
    }
    // An empty site has one empty page.
    let (status, _, body) = get(
        &app,
        &format!("{}/sitemap.xml?site=valves.example.com", app.address),
    )
    .await?;
    assert_eq!(status, 200);
    assert!(urls(&parse(&body)?)?.is_empty(), "{body}");
    Ok(())
}

async fn a_sitemap_past_the_page_size_is_an_index_of_pages(app: TestApp) -> Result<()> {
    let (token, site) = shop(&app).await?;
    let a = app
        .create_article(
            &token,
            json!({ "siteId": site, "title": "News", "slug": "news" }),
        )
        .await?;
    app.publish(&token, &str_at(&a, "/id")?).await?;
    category(&app, &token, &site, None, "Pumps", "泵").await?;
    for slug in ["one", "two"] {
        let p = create_product(
            &app,
            &token,
            json!({ "siteId": site, "locale": "en", "name": slug, "slug": slug }),
        )
        .await?;
        publish(&app, &token, &str_at(ok(&p)?, "/createProduct/id")?).await?;
    }
    // 1 article + 2 products + 1 category in 2 locales = 5 URLs: 3 pages of at most 2.
    let (status, kind, xml) = get(
        &app,
        &format!("{}/sitemap.xml?site=valves.example.com", app.address),
    )
    .await?;
    assert_eq!(status, 200);
    assert!(kind.starts_with("application/xml"));
    let index = parse(&xml)?;
    assert_eq!(index.name, "sitemapindex", "{xml}");
    let locs: Vec<String> = index
        .all("sitemap")
        .filter_map(|s| s.child("loc"))
        .map(|l| l.text.clone())
        .collect();
    let wanted: Vec<String> = (1..=3)
        .map(|n| {
            format!(
                "{}/sitemap.xml?site=valves.example.com&page={n}",
                app.address
            )
        })
        .collect();
    assert_eq!(locs, wanted);
    let mut all = BTreeSet::new();
    for loc in &locs {
        // Bounded work per page: the site, three counts, and per kind on the page its rows
        // and their alternates, whatever the size of the site.
        let ((status, _, page), statements) = app.queries_during(get(&app, loc)).await?;
        assert!(statements <= 8, "{loc}: {statements} statements");
        assert_eq!(status, 200, "{loc}");
        let found = urls(&parse(&page)?)?;
        assert!((1..=2).contains(&found.len()), "{loc}: {page}");
        for url in found.into_keys() {
            assert!(all.insert(url.clone()), "{url} on two pages");
        }
    }
    assert_eq!(all.len(), 5, "{all:?}");
    assert!(all.contains("https://valves.example.com/zh-CN/categories/pumps"));
    let (status, _, _) = get(
        &app,
        &format!("{}/sitemap.xml?site=valves.example.com&page=4", app.address),
    )
    .await?;
    assert_eq!(status, 400);
    // GraphQL pages the same way.
    let body = app
        .graphql(
            "{ sitemap(site: \"valves.example.com\", page: 3) { url } }",
            json!({}),
        )
        .await?;
    assert_eq!(ok(&body)?["sitemap"].as_array().map(Vec::len), Some(1));
    Ok(())
}

async fn sitemap_requests_count_against_the_anonymous_rate_limit(app: TestApp) -> Result<()> {
    let url = format!("{}/sitemap.xml?site=nowhere.example.com", app.address);
    for _ in 0..3 {
        assert_eq!(get(&app, &url).await?.0, 404);
    }
    let resp = app.client.get(&url).send().await?;
    assert_eq!(resp.status().as_u16(), 429);
    assert!(resp.headers().contains_key("retry-after"));
    Ok(())
}
