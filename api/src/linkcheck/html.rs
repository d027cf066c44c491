//! Reading a fetched page: decoding its charset and finding links with a real HTML parser.
//!
//! Links inside comments, `<script>` and `<template>` are never seen: comments and script text
//! are not elements to the parser, and template subtrees are skipped.
use super::directives::Directives;
use encoding_rs::Encoding;
use scraper::{ElementRef, Html, Node};
use url::Url;

/// The meta tag name a site owner puts on the home page to prove ownership.
pub const VERIFICATION_META: &str = "wharf-site-verification";

/// Decodes a body: a byte-order mark, else the `charset` of the `Content-Type` header, else a
/// `<meta>` charset in the first bytes, else UTF-8.
pub fn decode(body: &[u8], content_type: Option<&str>) -> (String, &'static Encoding) {
    let encoding = Encoding::for_bom(body)
        .map(|(e, _)| e)
        .or_else(|| content_type.and_then(header_charset))
        .or_else(|| meta_charset(body))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, used, _) = encoding.decode(body);
    (text.into_owned(), used)
}

fn header_charset(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        Encoding::for_label(value.trim().trim_matches(['"', '\'']).as_bytes())
    })
}

/// The HTML prescan, simplified: the first `<meta>` in the first 4 KiB that names a charset,
/// either `<meta charset=X>` or `<meta http-equiv=Content-Type content="…; charset=X">`.
fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(4096)];
    // Charset labels are ASCII, and every encoding we decode keeps ASCII bytes as they are.
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut at = 0;
    while let Some(start) = find(&lower[at..], b"<meta").map(|i| at + i) {
        let end = find(&lower[start..], b">").map_or(lower.len(), |i| start + i);
        let tag = &lower[start..end];
        if let Some(pos) = find(tag, b"charset") {
            let rest = &tag[pos + 7..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label: Vec<u8> = rest
                    .iter()
                    .copied()
                    .take_while(|b| !matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .collect();
                if let Some(encoding) = Encoding::for_label(&label) {
                    // UTF-16 labels in a meta tag mean UTF-8 (the page was readable as ASCII).
                    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                        return Some(encoding_rs::UTF_8);
                    }
                    return Some(encoding);
                }
            }
        }
        at = end.max(start + 5);
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// A link to the partner's domain found on a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundLink {
    /// The absolute URL the link points to.
    pub href: String,
    /// `follow`, or the space-separated `nofollow`/`sponsored`/`ugc` values of `rel`.
    pub rel: String,
    /// The anchor text with whitespace collapsed (an image's `alt` when there is no text).
    pub anchor_text: String,
    /// The link or an ancestor is hidden (`hidden` attribute, or an inline style with
    /// `display: none` or `visibility: hidden`): readers never see it.
    pub hidden: bool,
}

impl FoundLink {
    /// Whether search engines follow the link.
    pub fn is_followed(&self) -> bool {
        self.rel == "follow"
    }
}

/// What a page says about links to one domain.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageLinks {
    /// Links to the domain, in document order.
    pub links: Vec<FoundLink>,
    /// What `<meta name="robots">` and `<meta name="googlebot">` say (other crawlers' meta
    /// tags are left out).
    pub robots: Directives,
}

/// Normalizes a URL host the way sites' domains are stored: lowercase punycode without `www.`.
pub fn site_host(url: &Url) -> Option<String> {
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    Some(host.strip_prefix("www.").map(str::to_owned).unwrap_or(host))
}

/// Finds the links on `html` (fetched from `page_url`) that point at `domain` (normalized:
/// punycode, no `www.`), over http or https, absolute, protocol-relative or relative to
/// `<base href>`.
pub fn find_links(html: &str, page_url: &Url, domain: &str) -> PageLinks {
    let doc = Html::parse_document(html);
    let mut base = page_url.clone();
    let mut out = PageLinks::default();
    let mut base_seen = false;
    for el in elements(&doc) {
        match el.value().name() {
            "base" if !base_seen => {
                if let Some(href) = el.value().attr("href") {
                    base_seen = true;
                    if let Ok(b) = page_url.join(href.trim()) {
                        base = b;
                    }
                }
            }
            "meta" => {
                out.robots.add_meta(
                    el.value().attr("name").unwrap_or_default(),
                    el.value().attr("content").unwrap_or_default(),
                );
            }
            "a" => {
                let Some(href) = el.value().attr("href") else {
                    continue;
                };
                let Ok(target) = base.join(href.trim()) else {
                    continue;
                };
                if !matches!(target.scheme(), "http" | "https") {
                    continue;
                }
                if site_host(&target).as_deref() != Some(domain) {
                    continue;
                }
                out.links.push(FoundLink {
                    href: target.to_string(),
                    rel: rel_of(el.value().attr("rel").unwrap_or_default()),
                    anchor_text: anchor_text(el),
                    hidden: is_hidden(el),
                });
            }
            _ => {}
        }
    }
    out
}

/// The content of `<meta name="wharf-site-verification">`, if the page has one.
pub fn verification_tokens(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    elements(&doc)
        .filter(|el| el.value().name() == "meta")
        .filter(|el| {
            el.value()
                .attr("name")
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(VERIFICATION_META))
        })
        .filter_map(|el| el.value().attr("content").map(|c| c.trim().to_owned()))
        .collect()
}

/// Every element in document order, except the insides of `<template>` (and of `<script>`,
/// whose text the parser never turns into elements anyway).
fn elements(doc: &Html) -> impl Iterator<Item = ElementRef<'_>> {
    let mut stack = vec![doc.tree.root()];
    std::iter::from_fn(move || {
        while let Some(node) = stack.pop() {
            let skip = match node.value() {
                Node::Element(el) => matches!(el.name(), "template" | "script" | "style"),
                Node::Comment(_) => true,
                _ => false,
            };
            if !skip {
                // Children pushed in reverse so they pop in document order.
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev());
            }
            if let Some(el) = ElementRef::wrap(node)
                && !skip
            {
                return Some(el);
            }
        }
        None
    })
}

fn is_hidden(el: ElementRef<'_>) -> bool {
    std::iter::once(el)
        .chain(el.ancestors().filter_map(ElementRef::wrap))
        .any(|e| {
            let v = e.value();
            let style: String = v
                .attr("style")
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            v.attr("hidden").is_some()
                || style.contains("display:none")
                || style.contains("visibility:hidden")
        })
}

fn rel_of(rel: &str) -> String {
    let mut kinds: Vec<&str> = Vec::new();
    for token in rel.split_ascii_whitespace() {
        let token = token.to_ascii_lowercase();
        for known in ["nofollow", "sponsored", "ugc"] {
            if token == known && !kinds.contains(&known) {
                kinds.push(known);
            }
        }
    }
    if kinds.is_empty() {
        "follow".to_owned()
    } else {
        kinds.join(" ")
    }
}

fn anchor_text(el: ElementRef<'_>) -> String {
    let text: Vec<&str> = el.text().flat_map(str::split_whitespace).collect();
    if !text.is_empty() {
        return text.join(" ");
    }
    el.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "img")
        .find_map(|e| e.value().attr("alt"))
        .map(|alt| alt.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://blog.example.org/posts/partners.html")
            .unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn links_in_comments_scripts_and_templates_are_ignored() {
        let html = r#"<html><body>
            <!-- <a href="https://partner.com/">commented</a> -->
            <script>document.write('<a href="https://partner.com/">scripted</a>')</script>
            <template><a href="https://partner.com/">templated</a></template>
            <p>nothing else</p></body></html>"#;
        assert!(find_links(html, &page(), "partner.com").links.is_empty());
    }

    #[test]
    fn www_apex_protocol_relative_base_and_idn_links_are_found() {
        let html = r#"<html><head><base href="https://partner.com/shop/"></head><body>
            <a href="//www.partner.com/x">proto</a>
            <a href="HTTP://WWW.PARTNER.COM">upper</a>
            <a href="catalog">relative</a>
            <a href="https://other.com/">other</a>
            <a href="https://sub.partner.com/">sub</a>
            </body></html>"#;
        let found = find_links(html, &page(), "partner.com");
        let hrefs: Vec<&str> = found.links.iter().map(|l| l.href.as_str()).collect();
        assert_eq!(
            hrefs,
            [
                "https://www.partner.com/x",
                "http://www.partner.com/",
                "https://partner.com/shop/catalog"
            ]
        );
        let idn = r#"<a href="https://www.例子.中国/">  例子
            外贸  </a>"#;
        let found = find_links(idn, &page(), "xn--fsqu00a.xn--fiqs8s");
        assert_eq!(found.links.len(), 1);
        assert_eq!(found.links[0].anchor_text, "例子 外贸");
    }

    #[test]
    fn rel_values_and_meta_robots_are_reported() {
        let html = r#"<head><meta name="ROBOTS" content="NoIndex, follow"></head>
            <a href="https://partner.com/" rel="external NOFOLLOW sponsored">a</a>
            <a href="https://partner.com/" rel="ugc">b</a>
            <a href="https://partner.com/"><img alt=" Partner  logo "></a>"#;
        let found = find_links(html, &page(), "partner.com");
        assert!(found.robots.noindex && !found.robots.nofollow);
        let rels: Vec<&str> = found.links.iter().map(|l| l.rel.as_str()).collect();
        assert_eq!(rels, ["nofollow sponsored", "ugc", "follow"]);
        assert_eq!(found.links[2].anchor_text, "Partner logo");
        let hidden = r#"<div style="DISPLAY: none"><a href="https://partner.com/">a</a></div>
            <a hidden href="https://partner.com/">b</a><a href="https://partner.com/">c</a>"#;
        let found = find_links(hidden, &page(), "partner.com");
        let flags: Vec<bool> = found.links.iter().map(|l| l.hidden).collect();
        assert_eq!(flags, [true, true, false]);
        let bing =
            r#"<meta name="bingbot" content="noindex"><meta name="googlebot" content="nofollow">"#;
        let found = find_links(bing, &page(), "partner.com");
        assert!(!found.robots.noindex && found.robots.nofollow);
    }

    #[test]
    fn charsets_come_from_bom_header_or_meta() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset=\"gbk\"><a>外贸伙伴</a>");
        let (text, enc) = decode(&gbk, Some("text/html"));
        assert_eq!(enc, encoding_rs::GBK);
        assert!(text.contains("外贸伙伴"));
        let (big5, _, _) = encoding_rs::BIG5.encode("<p>貿易夥伴</p>");
        let (text, enc) = decode(&big5, Some("text/html; charset=\"Big5\""));
        assert_eq!(enc, encoding_rs::BIG5);
        assert!(text.contains("貿易夥伴"));
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"><p>取引先</p>",
        );
        assert!(decode(&sjis, None).0.contains("取引先"));
        // The header wins over the meta tag, as browsers do.
        let (gb, _, _) = encoding_rs::GBK.encode("<meta charset=\"utf-8\"><p>友链</p>");
        assert!(
            decode(&gb, Some("text/html; charset=gb2312"))
                .0
                .contains("友链")
        );
        assert_eq!(decode("<p>é</p>".as_bytes(), None).1, encoding_rs::UTF_8);
    }

    #[test]
    fn verification_meta_is_read() {
        let html = r#"<head><meta name="Wharf-Site-Verification" content=" tok-1 "></head>"#;
        assert_eq!(verification_tokens(html), ["tok-1"]);
    }
}
