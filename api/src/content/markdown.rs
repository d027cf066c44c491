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

/// Renders markdown.
pub fn render(markdown: &str) -> Rendered {
    let mut events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    let mut anchors = Anchors::default();
    let mut out = Rendered::default();
    let mut heading_start: Option<usize> = None;
    let mut heading_text = String::new();
    let mut in_paragraph = 0usize;
    for i in 0..events.len() {
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
    out.html = sanitize(&raw);
    out
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

    #[test]
    fn headings_with_inline_markup_use_their_text() {
        let r = render("## Hello **world** `code`\n");
        assert_eq!(r.toc[0].text, "Hello world code");
        assert_eq!(r.toc[0].anchor, "hello-world-code");
    }
}
