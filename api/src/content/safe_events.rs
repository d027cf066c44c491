//! Markdown events made safe before they are written as HTML: links and images with a scheme
//! outside the allowed list lose their tag (their text stays), code-block languages keep only
//! the characters a `language-…` class uses, and raw HTML is re-written by [`super::sanitize`].
//! Everything else pulldown-cmark writes itself, escaped.
use super::sanitize::{RawHtml, safe_url};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

/// The start tag pulldown-cmark would write for a link, with `rel="noopener noreferrer"` (links
/// point to other sites; the page they open gets no handle on the reader's page).
fn link_start(link_type: LinkType, url: &str, title: &str) -> String {
    let mut tag = String::with_capacity(url.len() + title.len() + 48);
    tag.push_str("<a href=\"");
    if link_type == LinkType::Email {
        tag.push_str("mailto:");
    }
    let _ = escape_href(&mut tag, url);
    if !title.is_empty() {
        tag.push_str("\" title=\"");
        let _ = escape_html(&mut tag, title);
    }
    tag.push_str("\" rel=\"noopener noreferrer\">");
    tag
}

/// Whether a fenced block's language may become `class="language-…"`.
fn is_language(lang: &str) -> bool {
    lang.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '#'))
}

/// Ends of blocks: an unclosed `<script>` hides text up to the end of its block at most.
fn ends_block(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::HtmlBlock
            | TagEnd::TableCell
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::FootnoteDefinition
    )
}

/// Safe events, and whether any raw HTML was among them (only then can the HTML be unbalanced:
/// markdown's own tags always close, and their depth is capped before this point).
pub struct SafeEvents<'a> {
    pub events: Vec<Event<'a>>,
    pub has_raw_html: bool,
}

/// The events with every unsafe part removed or re-written.
pub fn make_safe(events: Vec<Event<'_>>) -> SafeEvents<'_> {
    let mut out = Vec::with_capacity(events.len());
    let mut raw = RawHtml::default();
    let mut has_raw_html = false;
    // For each open link or image: what its end becomes (nothing when the tag was dropped).
    let mut ends: Vec<Option<Event<'_>>> = Vec::new();
    // Inside an image, links are text of its `alt` and stay events for pulldown-cmark.
    let mut images = 0usize;
    // The raw HTML of the current HTML block (its lines arrive as separate events).
    let mut block: Option<String> = None;
    for event in events {
        match event {
            Event::Start(Tag::HtmlBlock) => {
                has_raw_html = true;
                block = Some(String::new());
                out.push(Event::Start(Tag::HtmlBlock));
            }
            Event::Html(html) | Event::InlineHtml(html) if block.is_some() => {
                if let Some(block) = block.as_mut() {
                    block.push_str(&html);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                let mut clean = String::new();
                raw.clean_into(&block.take().unwrap_or_default(), &mut clean);
                raw.end_block();
                out.push(Event::Html(CowStr::from(clean)));
                out.push(Event::End(TagEnd::HtmlBlock));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                has_raw_html = true;
                let mut clean = String::new();
                raw.clean_into(&html, &mut clean);
                out.push(Event::InlineHtml(CowStr::from(clean)));
            }
            Event::Text(_) | Event::Code(_) if raw.skipping() => {}
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match safe_url(&dest_url) {
                Some(url) if images == 0 => {
                    out.push(Event::InlineHtml(CowStr::from(link_start(
                        link_type, &url, &title,
                    ))));
                    ends.push(Some(Event::InlineHtml(CowStr::Borrowed("</a>"))));
                }
                Some(url) => {
                    out.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url: CowStr::from(url),
                        title,
                        id,
                    }));
                    ends.push(Some(Event::End(TagEnd::Link)));
                }
                None => ends.push(None),
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => match safe_url(&dest_url) {
                Some(url) => {
                    images += 1;
                    out.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url: CowStr::from(url),
                        title,
                        id,
                    }));
                    ends.push(Some(Event::End(TagEnd::Image)));
                }
                None => ends.push(None),
            },
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(end) = ends.pop().flatten() {
                    if matches!(end, Event::End(TagEnd::Image)) {
                        images = images.saturating_sub(1);
                    }
                    out.push(end);
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let lang = info.split(' ').next().unwrap_or_default();
                let info = if is_language(lang) {
                    info
                } else {
                    CowStr::Borrowed("")
                };
                out.push(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))));
            }
            Event::End(end) => {
                if ends_block(&end) {
                    raw.end_block();
                }
                out.push(Event::End(end));
            }
            other => out.push(other),
        }
    }
    SafeEvents {
        events: out,
        has_raw_html,
    }
}
