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

/// Makes events safe one at a time, as they stream from the parser to the HTML writer (no list
/// of all events is ever held: a MiB of markdown is about a million events of 80 bytes each).
#[derive(Default)]
pub struct SafeEvents<'a> {
    raw: RawHtml,
    /// Whether any raw HTML passed (only then can the HTML be unbalanced: markdown's own tags
    /// always close, and their depth is capped before this point).
    pub has_raw_html: bool,
    /// For each open link or image: what its end becomes (nothing when the tag was dropped).
    ends: Vec<Option<Event<'a>>>,
    /// Inside an image, links are text of its `alt` and stay events for pulldown-cmark.
    images: usize,
    /// The raw HTML of the current HTML block (its lines arrive as separate events).
    block: Option<String>,
}

impl<'a> SafeEvents<'a> {
    /// Passes `event` to `out` with every unsafe part removed or re-written.
    pub fn push(&mut self, event: Event<'a>, out: &mut impl Extend<Event<'a>>) {
        match event {
            Event::Start(Tag::HtmlBlock) => {
                self.has_raw_html = true;
                self.block = Some(String::new());
                out.extend([Event::Start(Tag::HtmlBlock)]);
            }
            Event::Html(html) | Event::InlineHtml(html) if self.block.is_some() => {
                if let Some(block) = self.block.as_mut() {
                    block.push_str(&html);
                }
            }
            Event::End(TagEnd::HtmlBlock) => {
                let mut clean = String::new();
                self.raw
                    .clean_into(&self.block.take().unwrap_or_default(), &mut clean);
                self.raw.end_block();
                out.extend([
                    Event::Html(CowStr::from(clean)),
                    Event::End(TagEnd::HtmlBlock),
                ]);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                self.has_raw_html = true;
                let mut clean = String::new();
                self.raw.clean_into(&html, &mut clean);
                out.extend([Event::InlineHtml(CowStr::from(clean))]);
            }
            Event::Text(_) | Event::Code(_) if self.raw.skipping() => {}
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match safe_url(&dest_url) {
                Some(url) if self.images == 0 => {
                    out.extend([Event::InlineHtml(CowStr::from(link_start(
                        link_type, &url, &title,
                    )))]);
                    self.ends
                        .push(Some(Event::InlineHtml(CowStr::Borrowed("</a>"))));
                }
                Some(url) => {
                    out.extend([Event::Start(Tag::Link {
                        link_type,
                        dest_url: CowStr::from(url),
                        title,
                        id,
                    })]);
                    self.ends.push(Some(Event::End(TagEnd::Link)));
                }
                None => self.ends.push(None),
            },
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => match safe_url(&dest_url) {
                Some(url) => {
                    self.images += 1;
                    out.extend([Event::Start(Tag::Image {
                        link_type,
                        dest_url: CowStr::from(url),
                        title,
                        id,
                    })]);
                    self.ends.push(Some(Event::End(TagEnd::Image)));
                }
                None => self.ends.push(None),
            },
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(end) = self.ends.pop().flatten() {
                    if matches!(end, Event::End(TagEnd::Image)) {
                        self.images = self.images.saturating_sub(1);
                    }
                    out.extend([end]);
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let lang = info.split(' ').next().unwrap_or_default();
                let info = if is_language(lang) {
                    info
                } else {
                    CowStr::Borrowed("")
                };
                out.extend([Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))]);
            }
            Event::End(end) => {
                if ends_block(&end) {
                    self.raw.end_block();
                }
                out.extend([Event::End(end)]);
            }
            other => out.extend([other]),
        }
    }
}
