//! The backlink checker against a local server playing partner sites: charsets, content
//! encodings, link forms, rel values, robots signals, redirects, limits and the SSRF guard. No
//! database involved.
use anyhow::Result;
use std::time::Duration;
use wharf::linkcheck::{Checker, CheckerConfig, LinkReport};
use wharf::net::guard::Guard;
use wharf_tests::{Page, PartnerServer};

const SITE: &str = "blog.test";

async fn setup(allow: &[&str]) -> Result<(PartnerServer, Checker)> {
    let server = PartnerServer::start().await?;
    let mut resolve = server.resolve_entries(&[SITE, "other.test"]);
    resolve.push("internal.test=10.1.2.3:80".into());
    let allow: Vec<String> = allow.iter().map(|s| s.to_string()).collect();
    let checker = Checker::new(
        CheckerConfig {
            timeout: Duration::from_millis(1500),
            max_body_bytes: 64 * 1024,
            max_redirects: 3,
            user_agent: "WharfLinkChecker/test".into(),
        },
        Guard::new(&allow, &resolve)?,
    )?;
    Ok((server, checker))
}

async fn check(server: &PartnerServer, checker: &Checker, page: Page) -> LinkReport {
    server.set(SITE, "/links", page);
    checker
        .check_link(&format!("http://{SITE}/links"), "partner.com")
        .await
}

#[tokio::test]
async fn gbk_big5_and_shift_jis_pages_are_decoded_from_meta_or_header() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    let (gbk, _, _) = encoding_rs::GBK.encode(
        "<html><head><meta charset=\"gb2312\"></head><body><a href=\"https://partner.com/\">外贸 伙伴</a></body></html>",
    );
    let r = check(
        &server,
        &checker,
        Page::bytes("text/html", gbk.into_owned()),
    )
    .await;
    assert!(r.live, "{r:?}");
    assert_eq!(r.anchor_text.as_deref(), Some("外贸 伙伴"));

    let (big5, _, _) = encoding_rs::BIG5.encode("<a href=\"https://partner.com/\">貿易夥伴</a>");
    let r = check(
        &server,
        &checker,
        Page::bytes("text/html; charset=Big5", big5.into_owned()),
    )
    .await;
    assert_eq!(r.anchor_text.as_deref(), Some("貿易夥伴"));

    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"><a href=\"https://partner.com/\">取引先</a>",
    );
    let r = check(
        &server,
        &checker,
        Page::bytes("text/html", sjis.into_owned()),
    )
    .await;
    assert_eq!(r.anchor_text.as_deref(), Some("取引先"));

    // The header's charset wins over a contradicting meta tag.
    let (gb, _, _) = encoding_rs::GBK
        .encode("<meta charset=\"utf-8\"><a href=\"https://partner.com/\">友链</a>");
    let r = check(
        &server,
        &checker,
        Page::bytes("text/html; charset=GBK", gb.into_owned()),
    )
    .await;
    assert_eq!(r.anchor_text.as_deref(), Some("友链"));
    Ok(())
}

#[tokio::test]
async fn links_in_comments_scripts_and_templates_do_not_count() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    let r = check(
        &server,
        &checker,
        Page::html(
            "<!-- <a href=\"https://partner.com/\">x</a> --><script>var a='<a href=\"https://partner.com/\">y</a>'</script>\
             <template><a href=\"https://partner.com/\">z</a></template><a href=\"https://partner.co/\">near miss</a>",
        ),
    )
    .await;
    assert!(!r.link_found && !r.live, "{r:?}");
    assert_eq!(r.http_status, Some(200));
    Ok(())
}

#[tokio::test]
async fn base_href_protocol_relative_idn_and_www_links_are_found() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    let r = check(
        &server,
        &checker,
        Page::html("<head><base href=\"https://www.partner.com/zh/\"></head><a href=\"products\">  产品\n  目录 </a>"),
    )
    .await;
    assert!(r.live, "{r:?}");
    assert_eq!(r.anchor_text.as_deref(), Some("产品 目录"));
    let r = check(
        &server,
        &checker,
        Page::html("<a href=\"//www.partner.com\">p</a>"),
    )
    .await;
    assert!(r.live, "{r:?}");
    server.set(
        SITE,
        "/idn",
        Page::html("<a href=\"http://www.例子.中国/\">例子</a>"),
    );
    let r = checker
        .check_link(&format!("http://{SITE}/idn"), "xn--fsqu00a.xn--fiqs8s")
        .await;
    assert!(r.live, "{r:?}");
    Ok(())
}

#[tokio::test]
async fn rel_values_and_robots_signals_decide_whether_a_link_is_live() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    for rel in ["nofollow", "sponsored", "ugc"] {
        let r = check(
            &server,
            &checker,
            Page::html(&format!(
                "<a rel=\"{rel}\" href=\"https://partner.com/\">p</a>"
            )),
        )
        .await;
        assert!(r.link_found && !r.live, "{rel}: {r:?}");
        assert_eq!(r.rel.as_deref(), Some(rel));
    }
    let r = check(
        &server,
        &checker,
        Page::html("<a rel=\"noopener\" href=\"https://partner.com/\">p</a>"),
    )
    .await;
    assert_eq!(r.rel.as_deref(), Some("follow"));
    assert!(r.live);

    let r = check(
        &server,
        &checker,
        Page::html(
            "<meta name=\"robots\" content=\"noindex\"><a href=\"https://partner.com/\">p</a>",
        ),
    )
    .await;
    assert!(r.link_found && r.noindex && !r.live, "{r:?}");
    let r = check(
        &server,
        &checker,
        Page::html(
            "<meta name=\"robots\" content=\"nofollow\"><a href=\"https://partner.com/\">p</a>",
        ),
    )
    .await;
    assert!(r.nofollow_page && !r.live, "{r:?}");
    let r = check(
        &server,
        &checker,
        Page::html("<a href=\"https://partner.com/\">p</a>").header("X-Robots-Tag", "noindex"),
    )
    .await;
    assert!(r.noindex && !r.live, "{r:?}");
    Ok(())
}

#[tokio::test]
async fn a_page_disallowed_by_robots_txt_is_not_live() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    server.set(
        SITE,
        "/robots.txt",
        Page::bytes("text/plain", b"User-agent: *\nDisallow: /links\n".to_vec()),
    );
    let r = check(
        &server,
        &checker,
        Page::html("<a href=\"https://partner.com/\">p</a>"),
    )
    .await;
    assert!(r.link_found && r.robots_blocked && !r.live, "{r:?}");
    // robots.txt is cached per origin: a second check does not fetch it again.
    let _ = check(
        &server,
        &checker,
        Page::html("<a href=\"https://partner.com/\">p</a>"),
    )
    .await;
    assert_eq!(server.hits(SITE, "/robots.txt"), 1);
    Ok(())
}

#[tokio::test]
async fn redirects_are_recorded_and_limited() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    server.set(SITE, "/old", Page::redirect(301, "/older"));
    server.set(
        SITE,
        "/older",
        Page::redirect(302, "http://other.test/final"),
    );
    server.set(
        "other.test",
        "/final",
        Page::html("<a href=\"https://partner.com/\">p</a>"),
    );
    let r = checker
        .check_link(&format!("http://{SITE}/old"), "partner.com")
        .await;
    assert!(r.live, "{r:?}");
    assert_eq!(
        r.redirect_chain,
        [
            format!("http://{SITE}/old"),
            format!("http://{SITE}/older"),
            "http://other.test/final".to_owned()
        ]
    );
    for i in 0..5 {
        server.set(
            SITE,
            &format!("/loop{i}"),
            Page::redirect(302, &format!("/loop{}", i + 1)),
        );
    }
    let r = checker
        .check_link(&format!("http://{SITE}/loop0"), "partner.com")
        .await;
    assert!(!r.live);
    assert_eq!(r.error.as_deref(), Some("more than 3 redirects"));
    assert_eq!(r.redirect_chain.len(), 4);
    Ok(())
}

#[tokio::test]
async fn oversized_slow_and_missing_pages_fail_the_check() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    let big = format!(
        "<a href=\"https://partner.com/\">p</a>{}",
        "x".repeat(100 * 1024)
    );
    let r = check(&server, &checker, Page::html(&big)).await;
    assert_eq!(r.error.as_deref(), Some("page larger than 65536 bytes"));
    assert!(!r.live);
    let r = check(
        &server,
        &checker,
        Page::html("<a href=\"https://partner.com/\">p</a>").delay(Duration::from_secs(5)),
    )
    .await;
    assert_eq!(r.error.as_deref(), Some("timed out"));
    let r = check(
        &server,
        &checker,
        Page::html("<a href=\"https://partner.com/\">p</a>").status(404),
    )
    .await;
    assert_eq!(r.http_status, Some(404));
    assert!(r.link_found && !r.live, "{r:?}");
    server.remove(SITE, "/links");
    let r = checker
        .check_link(&format!("http://{SITE}/links"), "partner.com")
        .await;
    assert_eq!(r.http_status, Some(404));
    Ok(())
}

#[tokio::test]
async fn private_addresses_are_refused_directly_after_dns_and_on_redirects() -> Result<()> {
    let (server, closed) = setup(&[]).await?;
    server.set(
        SITE,
        "/links",
        Page::html("<a href=\"https://partner.com/\">p</a>"),
    );
    // Loopback by name (resolved) and by literal, without the allow-list.
    for url in [
        format!("http://{SITE}/links"),
        format!("http://127.0.0.1:{}/links", server.port),
    ] {
        let r = closed.check_link(&url, "partner.com").await;
        assert!(
            r.error.as_deref().is_some_and(|e| e.starts_with("refused")),
            "{url}: {r:?}"
        );
    }
    assert_eq!(
        server.hits(SITE, "/links"),
        0,
        "nothing may reach the server"
    );

    let (server, open) = setup(&["127.0.0.1", "169.254.0.0/16"]).await?;
    for target in [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://internal.test/",
        "http://[::1]/",
    ] {
        server.set(SITE, "/hop", Page::redirect(302, target));
        let r = open
            .check_link(&format!("http://{SITE}/hop"), "partner.com")
            .await;
        assert!(
            r.error.as_deref().is_some_and(|e| e.starts_with("refused")),
            "{target}: {r:?}"
        );
        assert_eq!(r.redirect_chain.len(), 2, "{r:?}");
    }
    Ok(())
}

#[tokio::test]
async fn the_checker_sends_one_request_at_a_time_per_host() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    let slow =
        Page::html("<a href=\"https://partner.com/\">p</a>").delay(Duration::from_millis(150));
    for i in 0..4 {
        server.set(SITE, &format!("/p{i}"), slow.clone());
        server.set("other.test", &format!("/p{i}"), slow.clone());
    }
    let urls: Vec<String> = (0..4)
        .flat_map(|i| {
            [
                format!("http://{SITE}/p{i}"),
                format!("http://other.test/p{i}"),
            ]
        })
        .collect();
    let reports =
        futures_util::future::join_all(urls.iter().map(|u| checker.check_link(u, "partner.com")))
            .await;
    assert!(reports.iter().all(|r| r.live), "{reports:?}");
    assert_eq!(server.max_in_flight(SITE), 1);
    assert_eq!(server.max_in_flight("other.test"), 1);
    Ok(())
}

#[tokio::test]
async fn hidden_links_and_placements_that_redirect_off_the_site_do_not_count() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    let r = check(
        &server,
        &checker,
        Page::html("<div style=\"display: none\"><a href=\"https://partner.com/\">p</a></div>"),
    )
    .await;
    assert!(r.link_found && !r.live, "{r:?}");
    assert!(
        r.error.as_deref().is_some_and(|e| e.contains("hidden")),
        "{r:?}"
    );

    server.set(
        "other.test",
        "/final",
        Page::html("<a href=\"https://partner.com/\">p</a>"),
    );
    server.set(
        SITE,
        "/away",
        Page::redirect(302, "http://other.test/final"),
    );
    let away = checker
        .check_placement(&format!("http://{SITE}/away"), SITE, "partner.com")
        .await;
    assert!(!away.live, "{away:?}");
    assert_eq!(
        away.error.as_deref(),
        Some("the page redirects off blog.test to other.test")
    );
    server.set(
        SITE,
        "/moved",
        Page::redirect(301, &format!("http://www.{SITE}/links")),
    );
    server.set(
        SITE,
        "/links",
        Page::html("<a href=\"https://partner.com/\">p</a>"),
    );
    let moved = checker
        .check_placement(&format!("http://{SITE}/moved"), SITE, "partner.com")
        .await;
    assert!(moved.live, "a redirect within the site is fine: {moved:?}");
    Ok(())
}

const LINK: &str = "<a href=\"https://partner.com/\">p</a>";

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn gzip_deflate_and_brotli_pages_are_asked_for_and_decoded() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    // Long enough to be compressed for real: a short page would go in a stored block, where
    // the link can be read without decoding.
    let html = format!(
        "<html><body>{}<a href=\"https://partner.com/\">外贸 伙伴</a></body></html>",
        "<p>友情链接 partners</p>".repeat(50)
    );
    for coding in ["gzip", "x-gzip", "deflate", "deflate-raw", "br"] {
        let page = Page::html(&html).encoded(coding);
        assert!(!contains(&page.body, b"partner.com"), "{coding}");
        let r = check(&server, &checker, page).await;
        assert!(r.live, "{coding}: {r:?}");
        assert_eq!(r.anchor_text.as_deref(), Some("外贸 伙伴"), "{coding}");
        assert_eq!(
            server
                .last_header(SITE, "/links", "accept-encoding")
                .as_deref(),
            Some("gzip, deflate, br")
        );
    }
    // The charset is read from the decoded bytes.
    let text = format!(
        "<meta charset=\"gbk\">{}<a href=\"https://partner.com/\">外贸伙伴</a>",
        "<p>友情链接</p>".repeat(50)
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let page = Page::bytes("text/html", gbk.into_owned()).encoded("br");
    assert!(!contains(&page.body, b"partner.com"));
    let r = check(&server, &checker, page).await;
    assert_eq!(r.anchor_text.as_deref(), Some("外贸伙伴"), "{r:?}");
    // Under the limit once decoded (60 of 64 KiB): read whole, the link at its end found.
    let page = format!("{}{LINK}", "x".repeat(60 * 1024));
    let r = check(&server, &checker, Page::html(&page).encoded("gzip")).await;
    assert!(r.live, "{r:?}");
    Ok(())
}

#[tokio::test]
async fn compression_bombs_fail_with_the_size_limit_outcome() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    // A link, then 10 MiB of zeros: about 10 KB on the wire, 160 times the limit decoded.
    let mut bomb = LINK.as_bytes().to_vec();
    bomb.resize(10 * 1024 * 1024, 0);
    for coding in ["gzip", "deflate", "deflate-raw", "br"] {
        let page = Page::bytes("text/html", bomb.clone()).encoded(coding);
        assert!(page.body.len() < 64 * 1024, "{coding}: {}", page.body.len());
        let r = check(&server, &checker, page).await;
        assert_eq!(
            r.error.as_deref(),
            Some("page larger than 65536 bytes"),
            "{coding}: {r:?}"
        );
        assert!(!r.live && !r.link_found, "{coding}: {r:?}");
    }
    // Just over the limit once decoded is over the limit.
    let page = format!("{LINK}{}", "x".repeat(64 * 1024));
    let r = check(&server, &checker, Page::html(&page).encoded("gzip")).await;
    assert_eq!(r.error.as_deref(), Some("page larger than 65536 bytes"));
    Ok(())
}

#[tokio::test]
async fn unknown_or_corrupt_content_encodings_fail_clearly() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    let r = check(
        &server,
        &checker,
        Page::html(LINK).header("Content-Encoding", "zstd"),
    )
    .await;
    assert_eq!(
        r.error.as_deref(),
        Some("unsupported Content-Encoding: zstd"),
        "{r:?}"
    );
    assert!(!r.live && !r.link_found, "{r:?}");
    // Two codings stacked are not taken apart either.
    let r = check(
        &server,
        &checker,
        Page::html(LINK).encoded("gzip").encoded("br"),
    )
    .await;
    assert_eq!(
        r.error.as_deref(),
        Some("unsupported Content-Encoding: gzip, br"),
        "{r:?}"
    );
    // Plain bytes labelled gzip.
    let r = check(
        &server,
        &checker,
        Page::html(LINK).header("Content-Encoding", "gzip"),
    )
    .await;
    assert!(
        r.error
            .as_deref()
            .is_some_and(|e| e.starts_with("the gzip body could not be decoded")),
        "{r:?}"
    );
    assert!(!r.live && !r.link_found, "{r:?}");
    // `identity` is no coding at all.
    let r = check(
        &server,
        &checker,
        Page::html(LINK).header("Content-Encoding", "identity"),
    )
    .await;
    assert!(r.live, "{r:?}");
    Ok(())
}

/// What a check says: (noindex, nofollow, live).
type Outcome = (bool, bool, bool);

/// Checks the link page served with these `X-Robots-Tag` headers.
async fn with_x_robots(server: &PartnerServer, checker: &Checker, values: &[&str]) -> Outcome {
    let page = values
        .iter()
        .fold(Page::html(LINK), |page, v| page.header("X-Robots-Tag", v));
    let r = check(server, checker, page).await;
    assert!(r.link_found && r.error.is_none(), "{values:?}: {r:?}");
    (r.noindex, r.nofollow_page, r.live)
}

#[tokio::test]
async fn x_robots_tag_counts_only_without_a_crawler_or_for_googlebot() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    let cases: &[(&[&str], Outcome)] = &[
        // Addressed to another crawler: the whole list after the name is theirs.
        (&["otherbot: noindex, nofollow"], (false, false, true)),
        (&["bingbot: none"], (false, false, true)),
        // Addressed to Googlebot, in any case.
        (&["googlebot: nofollow"], (false, true, false)),
        (&["GoogleBot: NoIndex"], (true, false, false)),
        // Addressed to every crawler.
        (&["noindex, nofollow"], (true, true, false)),
        (&["NONE"], (true, true, false)),
        (
            &["noarchive, max-snippet: 20, nofollow"],
            (false, true, false),
        ),
        // Several headers, each on its own.
        (
            &["googlebot: nofollow", "otherbot: noindex, nofollow"],
            (false, true, false),
        ),
        (&["otherbot: noindex", "nofollow"], (false, true, false)),
        // A name switches the crawler within one list (as when a proxy joins headers).
        (
            &["googlebot: noindex, otherbot: nofollow"],
            (true, false, false),
        ),
        (
            &["otherbot: noindex, googlebot: nofollow"],
            (false, true, false),
        ),
        // unavailable_after: noindex once the date has passed, in the usual date formats.
        (
            &["unavailable_after: 25 Jun 2010 15:00:00 PST"],
            (true, false, false),
        ),
        (
            &["unavailable_after: Friday, 25-Jun-10 15:00:00 GMT"],
            (true, false, false),
        ),
        (
            &["googlebot: unavailable_after: 2010-06-25"],
            (true, false, false),
        ),
        (
            &["unavailable_after: 2999-06-25T15:00:00Z"],
            (false, false, true),
        ),
        (
            &["otherbot: unavailable_after: 2010-06-25"],
            (false, false, true),
        ),
    ];
    for (values, want) in cases {
        assert_eq!(
            with_x_robots(&server, &checker, values).await,
            *want,
            "{values:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn meta_robots_counts_only_for_robots_or_googlebot() -> Result<()> {
    let (server, checker) = setup(&["127.0.0.1"]).await?;
    let cases = [
        ("robots", "noindex", (true, false)),
        ("GoogleBot", "NoFollow", (false, true)),
        ("googlebot", "none", (true, true)),
        ("googlebot", "unavailable_after: 2010-06-25", (true, false)),
        ("robots", "unavailable_after: 2999-06-25", (false, false)),
        ("bingbot", "noindex, nofollow", (false, false)),
        ("otherbot", "none", (false, false)),
        ("googlebot-news", "noindex", (false, false)),
    ];
    for (name, content, (noindex, nofollow)) in cases {
        let html = format!("<head><meta name=\"{name}\" content=\"{content}\"></head>{LINK}");
        let r = check(&server, &checker, Page::html(&html)).await;
        assert_eq!(
            (r.noindex, r.nofollow_page, r.live),
            (noindex, nofollow, !noindex && !nofollow),
            "{name}: {content}: {r:?}"
        );
    }
    Ok(())
}
