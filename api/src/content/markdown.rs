//! Markdown (CommonMark with tables, footnotes, strikethrough and task lists) to sanitized HTML,
//! with anchors on headings and the table of contents built from the same anchors.
use super::anchors::Anchors;
use super::balance::balance;
use super::safe_events::make_safe;
use pulldown_cmark::{CowStr, Event, InlineStr, Options, Parser, Tag, TagEnd, html};

/// One heading in the table of contents, with the headings nested under it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    let mut text = TextRun::default();
    for (n, event) in Parser::new_ext(markdown, options()).enumerate() {
        if n % DEADLINE_EVERY == DEADLINE_EVERY - 1
            && deadline.is_some_and(|d| std::time::Instant::now() > d)
        {
            return Err(TooSlow);
        }
        match event {
            Event::Text(t) => {
                text.add(t);
                continue;
            }
            Event::Start(tag) => {
                let keep = is_leaf_block(&tag) || depth < MAX_NESTING;
                open.push(keep);
                if keep {
                    depth += 1;
                    text.flush(&mut events);
                    events.push(Event::Start(tag));
                }
            }
            Event::End(end) => {
                if open.pop().unwrap_or(true) {
                    depth = depth.saturating_sub(1);
                    text.flush(&mut events);
                    events.push(Event::End(end));
                }
            }
            other => {
                text.flush(&mut events);
                events.push(other);
            }
        }
    }
    text.flush(&mut events);
    Ok(events)
}

/// Consecutive text events joined into one. The parser gives a run of `*`, `[` or `](` that
/// forms nothing as one event per delimiter (a MiB of them: a million events), and every later
/// pass pays per event; joined, they cost one.
#[derive(Default)]
struct TextRun<'a> {
    first: Option<CowStr<'a>>,
    /// The run so far once it has more than one piece.
    joined: String,
}

impl<'a> TextRun<'a> {
    fn add(&mut self, text: CowStr<'a>) {
        match &self.first {
            None => self.first = Some(text),
            Some(first) => {
                if self.joined.is_empty() {
                    self.joined.push_str(first);
                }
                self.joined.push_str(&text);
            }
        }
    }

    fn flush(&mut self, events: &mut Vec<Event<'a>>) {
        let Some(first) = self.first.take() else {
            return;
        };
        if self.joined.is_empty() {
            events.push(Event::Text(first));
        } else {
            events.push(Event::Text(CowStr::from(std::mem::take(&mut self.joined))));
        }
    }
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
                let mut text = String::with_capacity(heading_text.len());
                for word in heading_text.split_whitespace() {
                    if !text.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(word);
                }
                let anchor = anchors.anchor_for(&text);
                // Short anchors (most) live inline in the event, without an allocation.
                let id = InlineStr::try_from(anchor.as_str())
                    .map_or_else(|_| CowStr::from(anchor.clone()), CowStr::Inlined);
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
                        id: Some(id),
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
    // Safe by construction: pulldown-cmark escapes all text, `make_safe` re-writes raw HTML and
    // drops unsafe URLs and writes links, and `balance` closes what raw HTML left open (markdown's own
    // tags always close). At most three linear passes.
    let safe = make_safe(events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html, safe.events.into_iter());
    if deadline.is_some_and(|d| std::time::Instant::now() > d) {
        return Err(TooSlow);
    }
    out.html = if safe.has_raw_html {
        balance(&html)
    } else {
        html
    };
    Ok(out)
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
