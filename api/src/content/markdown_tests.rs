//! Tests of markdown rendering.
use super::*;

const CHINESE: &str = "# 扩散模型综述\n\n引言段落。\n\n## 一、简介\n\n正文。\n\n## 三、基础\n\n### 3.1 基本模型\n\n内容\n\n### 3.2 训练\n\n## 四、应用\n\n### 4.1 语言\n\n#### 4.1.1 生成式语言模型\n\n#### 4.1.2 生成式语言模型\n\n## 一、简介\n";

fn shape(toc: &[TocEntry]) -> Vec<(u8, String, usize)> {
    toc.iter()
        .map(|e| (e.level, e.anchor.clone(), e.children.len()))
        .collect()
}

#[test]
fn chinese_headings_nest_and_get_unique_anchors_matching_the_html() {
    let r = render(CHINESE);
    assert_eq!(shape(&r.toc), vec![(1, "扩散模型综述".into(), 4)]);
    let sections = &r.toc[0].children;
    assert_eq!(
        shape(sections),
        vec![
            (2, "一-简介".into(), 0),
            (2, "三-基础".into(), 2),
            (2, "四-应用".into(), 1),
            (2, "一-简介-2".into(), 0)
        ]
    );
    assert_eq!(sections[1].children[0].text, "3.1 基本模型");
    assert_eq!(sections[1].children[0].anchor, "3-1-基本模型");
    let deep = &sections[2].children[0].children;
    assert_eq!(
        deep.iter().map(|e| e.anchor.as_str()).collect::<Vec<_>>(),
        vec!["4-1-1-生成式语言模型", "4-1-2-生成式语言模型"]
    );
    for anchor in [
        "扩散模型综述",
        "一-简介",
        "3-1-基本模型",
        "4-1-1-生成式语言模型",
        "一-简介-2",
    ] {
        assert!(
            r.html.contains(&format!("id=\"{anchor}\"")),
            "{anchor} missing in {}",
            r.html
        );
    }
}

#[test]
fn gfm_extensions_render() {
    let md = "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n~~old~~ and [^1]\n\n- [x] done\n- [ ] todo\n\n[^1]: note\n\n```rust\nfn main() {}\n```\n";
    let r = render(md);
    assert!(r.html.contains("<table>"), "{}", r.html);
    assert!(r.html.contains("<del>old</del>"));
    assert!(r.html.contains("type=\"checkbox\""));
    assert!(r.html.contains("footnote"));
    assert!(r.html.contains("class=\"language-rust\""));
}

#[test]
fn raw_html_in_markdown_is_sanitized() {
    let r = render(
        "Hello <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))\n\n<iframe src=//evil></iframe>",
    );
    let html = r.html.to_lowercase();
    assert!(
        !html.contains("<script")
            && !html.contains("onerror")
            && !html.contains("javascript:")
            && !html.contains("<iframe"),
        "{html}"
    );
}

/// The deepest nesting of elements in `html` (void elements such as `<input>` not counted).
fn depth(html: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if tag.starts_with('/') {
            depth = depth.saturating_sub(1);
        } else if !tag.ends_with('/')
            && !["input", "br", "hr", "img"]
                .iter()
                .any(|v| tag.starts_with(v))
        {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

#[test]
fn nesting_is_capped_for_quotes_lists_and_emphasis() {
    // Before the cap, each of these made an HTML tree as deep as the input was long, and the
    // sanitizer's time grew with its square (32,000 `>`: 4.7 s).
    for body in [
        ">".repeat(20_000) + " deep",
        "- ".repeat(20_000) + "deep",
        "1. ".repeat(10_000) + "deep",
        "> - ".repeat(10_000) + "deep",
        "*a ".repeat(5_000) + &"b* ".repeat(5_000),
    ] {
        let r = render(&body);
        assert!(
            depth(&r.html) <= MAX_NESTING + 2,
            "{} deep for {:?}",
            depth(&r.html),
            &body[..12]
        );
        assert!(r.html.contains("deep") || r.html.contains('b'), "text kept");
    }
}

#[test]
fn shallow_nesting_is_left_alone() {
    let r = render("> quote\n>\n> - item\n>   - inner **bold *both***\n");
    assert_eq!(
        r.html,
        "<blockquote>\n<p>quote</p>\n<ul>\n<li>item\n<ul>\n<li>inner <strong>bold <em>both</em></strong></li>\n</ul>\n</li>\n</ul>\n</blockquote>\n"
    );
}

#[test]
fn a_passed_deadline_stops_rendering() {
    let body = "# h\n".repeat(50_000);
    let past = std::time::Instant::now() - std::time::Duration::from_millis(1);
    assert_eq!(render_until(&body, Some(past)).err(), Some(TooSlow));
    let r = render(&body);
    assert_eq!(r.toc.len(), 50_000);
    assert_eq!(r.toc[49_999].anchor, "h-50000");
}

#[test]
fn random_markdown_renders_with_capped_depth_and_unique_anchors() {
    // A deterministic mixture of every construct (`content::random_markdown`, shared with the bench):
    // twenty bodies of 32 KiB and two of the full 1 MiB an article may have. Their speed is
    // measured in the render benchmark (`random_mixture_*`), not here.
    let sizes = (1..=20u64)
        .map(|seed| (seed, 32 * 1024))
        .chain([(21, 1024 * 1024), (22, 1024 * 1024)]);
    for (seed, len) in sizes {
        let body = super::super::random_markdown(seed, len);
        let r = render(&body);
        let mut anchors = std::collections::HashSet::new();
        fn walk<'a>(toc: &'a [TocEntry], out: &mut std::collections::HashSet<&'a str>) -> bool {
            toc.iter()
                .all(|e| out.insert(e.anchor.as_str()) && walk(&e.children, out))
        }
        assert!(walk(&r.toc, &mut anchors), "anchors repeat");
        // Markdown containers stay within their cap, raw HTML within the balancer's.
        assert!(
            depth(&r.html) <= crate::content::balance::MAX_DEPTH + 2,
            "{} deep",
            depth(&r.html)
        );
        assert!(r.html.len() < body.len() * 12, "output grows linearly");
    }
}

#[test]
fn headings_with_inline_markup_use_their_text() {
    let r = render("## Hello **world** `code`\n");
    assert_eq!(r.toc[0].text, "Hello world code");
    assert_eq!(r.toc[0].anchor, "hello-world-code");
}
