//! Markdown (CommonMark with tables, footnotes, strikethrough and task lists) to sanitized HTML,
//! with anchors on headings and the table of contents built from the same anchors.
use super::anchors::Anchors;
use super::sanitize::sanitize;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// One heading in the table of contents, with the headings nested under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TocEntry {
    /// 1 for `#`, 2 for `##`, …
    pub level: u8,
    /// The heading's text, without markup.
    pub text: String,
    /// The `id` of the heading in the HTML (link to `#anchor`).
    pub anchor: String,
    /// Deeper headings until the next heading of this level or higher.
    pub children: Vec<TocEntry>,
}

/// What rendering an article gives.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// Sanitized HTML.
    pub html: String,
    /// The table of contents, nested by heading level.
    pub toc: Vec<TocEntry>,
    /// The text of the paragraphs (no markup), blocks separated by newlines.
    pub paragraphs: String,
    /// All readable text (headings, paragraphs, lists, tables, code).
    pub text: String,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

fn heading_level(level: pulldown_cmark::HeadingLevel) -> u8 {
    level as u8
}

/// Adds an entry under the last entry of a lower level, or at this depth.
fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
    match list.last_mut() {
        Some(last) if last.level < entry.level => insert(&mut last.children, entry),
        _ => list.push(entry),
    }
}

/// How deep blocks and inline spans may nest. Deeper containers are flattened into the one at
/// this depth (their text is kept), as browsers flatten the DOM past a fixed depth (Blink at
/// 512): a line of 32,000 `>` or `- ` is one quote or list 32 levels deep. HTML parsers check
/// "is this element in scope" by walking the open elements, so without a cap the sanitizer's
/// time grows with depth × length. No real article nests anywhere near this deep.
pub const MAX_NESTING: usize = 32;

/// How many events pass between two looks at the clock when a deadline is set.
const DEADLINE_EVERY: usize = 4096;

/// Rendering stopped at its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooSlow;

/// Tags that never contain another of their kind and keep the text's shape (paragraph breaks,
/// headings for the table of contents): kept at any depth, they add one level at most.
fn is_leaf_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::MetadataBlock(_)
    )
}

/// The parser's events with containers past [`MAX_NESTING`] dropped (their content kept).
fn capped_events(
    markdown: &str,
    deadline: Option<std::time::Instant>,
) -> Result<Vec<Event<'_>>, TooSlow> {
    let mut events = Vec::new();
    // For each open tag: whether its start was kept (so its end is kept too).
    let mut open: Vec<bool> = Vec::new();
    let mut depth = 0usize;
    for (n, event) in Parser::new_ext(markdown, options()).enumerate() {
        if n % DEADLINE_EVERY == DEADLINE_EVERY - 1
            && deadline.is_some_and(|d| std::time::Instant::now() > d)
        {
            return Err(TooSlow);
        }
        match event {
            Event::Start(tag) => {
                let keep = is_leaf_block(&tag) || depth < MAX_NESTING;
                open.push(keep);
                if keep {
                    depth += 1;
                    events.push(Event::Start(tag));
                }
            }
            Event::End(end) => {
                if open.pop().unwrap_or(true) {
                    depth = depth.saturating_sub(1);
                    events.push(Event::End(end));
                }
            }
            other => events.push(other),
        }
    }
    Ok(events)
}

/// Renders markdown, in time linear in its length for every construct.
pub fn render(markdown: &str) -> Rendered {
    // Without a deadline rendering never stops early.
    render_until(markdown, None).unwrap_or_default()
}

/// Renders markdown, giving up with [`TooSlow`] once `deadline` has passed (checked every few
/// thousand events, so the overrun is a fraction of a millisecond of parsing plus at most one
/// sanitizer pass, itself linear).
pub fn render_until(
    markdown: &str,
    deadline: Option<std::time::Instant>,
) -> Result<Rendered, TooSlow> {
    let mut events = capped_events(markdown, deadline)?;
    let mut anchors = Anchors::default();
    let mut out = Rendered::default();
    let mut heading_start: Option<usize> = None;
    let mut heading_text = String::new();
    let mut in_paragraph = 0usize;
    for i in 0..events.len() {
        if i % DEADLINE_EVERY == DEADLINE_EVERY - 1
            && deadline.is_some_and(|d| std::time::Instant::now() > d)
        {
            return Err(TooSlow);
        }
        match &events[i] {
            Event::Start(Tag::Heading { .. }) => {
                heading_start = Some(i);
                heading_text.clear();
            }
            Event::End(TagEnd::Heading(level)) => {
                let level = heading_level(*level);
                let text = heading_text
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let anchor = anchors.anchor_for(&text);
                if let Some(start) = heading_start.take()
                    && let Event::Start(Tag::Heading {
                        level: l,
                        classes,
                        attrs,
                        ..
                    }) = &events[start]
                {
                    events[start] = Event::Start(Tag::Heading {
                        level: *l,
                        id: Some(CowStr::from(anchor.clone())),
                        classes: classes.clone(),
                        attrs: attrs.clone(),
                    });
                }
                out.text.push_str(&text);
                out.text.push('\n');
                insert(
                    &mut out.toc,
                    TocEntry {
                        level,
                        text,
                        anchor,
                        children: Vec::new(),
                    },
                );
            }
            Event::Start(Tag::Paragraph) => in_paragraph += 1,
            Event::End(TagEnd::Paragraph) => {
                in_paragraph = in_paragraph.saturating_sub(1);
                out.paragraphs.push('\n');
                out.text.push('\n');
            }
            Event::End(TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock) => out.text.push('\n'),
            Event::Text(t) | Event::Code(t) => {
                if heading_start.is_some() {
                    heading_text.push_str(t);
                } else {
                    out.text.push_str(t);
                    if in_paragraph > 0 {
                        out.paragraphs.push_str(t);
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if heading_start.is_some() {
                    heading_text.push(' ');
                } else {
                    out.text.push(' ');
                    if in_paragraph > 0 {
                        out.paragraphs.push(' ');
                    }
                }
            }
            _ => {}
        }
    }
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, events.into_iter());
    if deadline.is_some_and(|d| std::time::Instant::now() > d) {
        return Err(TooSlow);
    }
    out.html = sanitize(&raw);
    Ok(out)
}

#[cfg(test)]
mod tests {
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
        // A deterministic mixture of every construct (xorshift, so a failure reproduces);
        // speed on 1 MiB mixtures is measured in the render benchmark, not here.
        const PIECES: &[&str] = &[
            "# h\n",
            "## 标题\n",
            "> ",
            ">",
            "- ",
            "1. ",
            "  ",
            "*",
            "_",
            "**",
            "`",
            "[",
            "]",
            "(",
            ")",
            "![",
            "<div>",
            "</div>",
            "|",
            "|-",
            "\n",
            "\n\n",
            "text ",
            "[^a]",
            "~~",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20 {
            let mut body = String::new();
            while body.len() < 32 * 1024 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let piece = PIECES[(state % PIECES.len() as u64) as usize];
                body.push_str(&piece.repeat(1 + (state >> 32) as usize % 40));
            }
            let r = render(&body);
            let mut anchors = std::collections::HashSet::new();
            fn walk<'a>(toc: &'a [TocEntry], out: &mut std::collections::HashSet<&'a str>) -> bool {
                toc.iter()
                    .all(|e| out.insert(e.anchor.as_str()) && walk(&e.children, out))
            }
            assert!(walk(&r.toc, &mut anchors), "anchors repeat");
            // Raw `<div>`s in the markdown pass through to the sanitizer uncapped, each level
            // closed by the parser's own rules; markdown containers stay within the cap.
            assert!(r.html.len() < body.len() * 12, "output grows linearly");
        }
    }

    #[test]
    fn headings_with_inline_markup_use_their_text() {
        let r = render("## Hello **world** `code`\n");
        assert_eq!(r.toc[0].text, "Hello world code");
        assert_eq!(r.toc[0].anchor, "hello-world-code");
    }
}
