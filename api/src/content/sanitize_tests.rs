//! Raw HTML sanitizing, checked on its own and through `render`, and checked the way a browser
//! reads the result: every output is parsed by a real HTML5 parser (html5ever, through scraper)
//! and no element, attribute or URL outside the allowed set may appear in the parsed tree.
use super::super::balance::balance;
use super::*;
use crate::content::render;
use scraper::{Html, Node};

fn sanitize(raw: &str) -> String {
    let mut out = String::new();
    RawHtml::default().clean_into(raw, &mut out);
    balance(&out)
}

/// Known XSS payloads (OWASP cheat sheet and friends): none may keep an executable part.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<a href=\"&#0000106&#0000097vascript:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"jav&Tab;ascript&colon;alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"\u{1}javascript:alert(1)\">x</a>",
    "<a href=javascript:alert(1)>x</a>",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<body onload=alert(1)>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<img src=\"x\" style=\"x:expression(alert(1))\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<img/src=x/onerror=alert(1)>",
    "<img src=x onerror\n=alert(1)>",
    "<img src=`x` onerror=alert(1)>",
    "<a href=\"#\" title=\"x\"onclick=\"alert(1)\">x</a>",
    "<p title=\"a\" title=\"b\" onclick=alert(1)>x</p>",
    "<style>@import 'x';</style><b>ok</b>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<!--><img src=x onerror=alert(1)>-->",
    "<![CDATA[<img src=x onerror=alert(1)>]]>",
    "<?xml <img src=x onerror=alert(1)> ?>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<table><td><svg><foreignObject><img src=x onerror=alert(1)>",
    "<a href=\"https://ok.example/\"><a href=\"javascript:alert(1)\">x</a></a>",
    "<img src=\"x\" alt=\"\" onerror=\"alert(1)\" >",
    "<input type=\"checkbox\" onclick=\"alert(1)\">",
    "<input type=\"text\" value=\"x\">",
    "<a href=\"java\u{0}script:alert(1)\">x</a>",
];

const ALLOWED_SCHEMES: &[&str] = &[
    "http:", "https:", "mailto:", "tel:", "sms:", "ftp:", "ftps:", "xmpp:", "irc:", "ircs:",
    "magnet:", "geo:", "webcal:",
];

/// Parses `html` as a browser would (a fragment in a `<div>`) and fails on anything unsafe.
pub fn assert_safe_as_parsed(html: &str, source: &str) {
    let doc = Html::parse_fragment(html);
    for node in doc.tree.nodes() {
        let Node::Element(element) = node.value() else {
            continue;
        };
        let tag = element.name();
        // The parser makes `html` and `body` around a fragment; their attributes are still
        // checked (a stray `<body onload>` would add its attributes to the parser's body).
        assert!(
            matches!(tag, "html" | "body") || allowed_attributes(tag).is_some(),
            "<{tag}> survived from {source:?}: {html}"
        );
        for (name, value) in element.attrs() {
            assert!(
                !name.starts_with("on"),
                "attribute {name} on <{tag}> survived from {source:?}: {html}"
            );
            if is_url_attribute(name) {
                let lower = value.to_ascii_lowercase();
                let scheme = lower.split_once(':').map(|(s, _)| s);
                let has_scheme = scheme.is_some_and(|s| !s.contains(['/', '?', '#']));
                assert!(
                    !has_scheme || ALLOWED_SCHEMES.iter().any(|s| lower.starts_with(s)),
                    "{name}={value:?} survived from {source:?}: {html}"
                );
            }
            if name == "style" {
                assert!(
                    matches!(tag, "th" | "td") && value.starts_with("text-align: "),
                    "style {value:?} on <{tag}> from {source:?}"
                );
            }
        }
    }
}

#[test]
fn no_known_xss_payload_survives() {
    for payload in PAYLOADS {
        let clean = sanitize(payload);
        assert_safe_as_parsed(&clean, payload);
        let lower = clean.to_lowercase();
        // Text may mention anything once escaped (a title can read `onerror=`); tags may not.
        for bad in [
            "<script",
            "<iframe",
            "<svg",
            "<style",
            "<object",
            "<form",
            "<meta",
            "<base",
            "<math",
            "<template",
            "<textarea",
            "<xmp",
            "<noscript",
            "<body",
        ] {
            assert!(
                !lower.contains(bad),
                "{payload:?} left {bad:?} in {clean:?}"
            );
        }
    }
}

#[test]
fn payloads_stay_harmless_inline_in_blocks_and_in_markdown_links() {
    for payload in PAYLOADS {
        for body in [
            format!("Text {payload} more text"),
            format!("{payload}\n\n# After"),
            format!("<div>\n{payload}\n</div>\n\n- item {payload}"),
            format!("> {payload}\n\n| a |\n|---|\n| {payload} |"),
        ] {
            let r = render(&body);
            assert_safe_as_parsed(&r.html, &body);
            assert!(!r.html.to_lowercase().contains("<script"), "{}", r.html);
        }
    }
    for link in [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](data:text/html;base64,xx)",
        "![x](javascript:alert(1))",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: vbscript:msgbox",
        "[x](<java\tscript:alert(1)>)",
    ] {
        let r = render(link);
        assert_safe_as_parsed(&r.html, link);
        assert!(
            r.html.contains('x') || link.starts_with('<'),
            "text kept: {}",
            r.html
        );
    }
}

#[test]
fn safe_markup_is_kept_in_canonical_form() {
    assert_eq!(sanitize("<h2 id=\"a-b\">T</h2>"), "<h2 id=\"a-b\">T</h2>");
    assert_eq!(
        sanitize("<code class=\"language-rust\">x</code>"),
        "<code class=\"language-rust\">x</code>"
    );
    assert_eq!(sanitize("<code class=\"evil\">x</code>"), "<code>x</code>");
    assert_eq!(
        sanitize("<input type=\"checkbox\" checked disabled>"),
        "<input type=\"checkbox\" checked=\"\" disabled=\"\">"
    );
    assert_eq!(sanitize("<input type=\"text\">"), "");
    assert_eq!(
        sanitize("<A HREF='https://例子.cn/?a=1&b=2' TITLE=\"x&quot;y\">链接</A>"),
        "<a href=\"https://例子.cn/?a=1&amp;b=2\" title=\"x&quot;y\" rel=\"noopener noreferrer\">链接</a>"
    );
    assert_eq!(
        sanitize("<p>caf&eacute; &amp; 1 < 2 &copy 2026</p>"),
        "<p>café &amp; 1 &lt; 2 © 2026</p>"
    );
    assert_eq!(
        sanitize("<details><summary>更多</summary>内容</details>"),
        "<details><summary>更多</summary>内容</details>"
    );
}

#[test]
fn raw_html_around_markdown_keeps_its_structure() {
    let r =
        render("<details>\n<summary>More</summary>\n\nSome **markdown**.\n\n</details>\n\nafter");
    assert_eq!(
        r.html,
        "<details>\n<summary>More</summary>\n<p>Some <strong>markdown</strong>.</p>\n</details>\n<p>after</p>\n"
    );
    let r = render("<div align=\"center\">\n\n# Title\n\n</div>\n</div></div>\n\ntext");
    assert!(
        r.html
            .starts_with("<div>\n<h1 id=\"title\">Title</h1>\n</div>"),
        "{}",
        r.html
    );
    assert_eq!(r.html.matches("</div>").count(), 1, "{}", r.html);
}

#[test]
fn script_content_is_dropped_up_to_its_end_or_its_block() {
    let r = render("a <script>alert(1)</script> b\n\n<style>\np { color: red }\n</style>\n\nc");
    assert!(
        !r.html.contains("alert") && !r.html.contains("color"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("a  b") && r.html.contains('c'),
        "{}",
        r.html
    );
    let r = render("a <script> never closed\n\nnext paragraph");
    assert!(r.html.contains("next paragraph"), "{}", r.html);
}

#[test]
fn deep_and_long_raw_html_is_linear_and_capped() {
    use super::super::balance::MAX_DEPTH;
    let divs = render(&"<div>".repeat(200_000));
    assert_eq!(divs.html.matches("<div>").count(), MAX_DEPTH);
    assert_eq!(divs.html.matches("</div>").count(), MAX_DEPTH);
    let inline = render(&format!("{}x", "<b><i>".repeat(100_000)));
    assert!(inline.html.matches("<b>").count() <= MAX_DEPTH);
    let attrs = sanitize(&format!("<p {}>x</p>", "a=1 ".repeat(100_000)));
    assert_eq!(attrs, "<p>x</p>");
    let unclosed = sanitize(&format!("<p title=\"{}", "x".repeat(100_000)));
    assert!(
        unclosed.starts_with("&lt;p title=&quot;xxx"),
        "{}",
        &unclosed[..20]
    );
}
