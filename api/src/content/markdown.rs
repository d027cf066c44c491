//! Markdown (CommonMark with tables, footnotes, strikethrough and task lists) to sanitized HTML,
//! with anchors on headings and the table of contents built from the same anchors.
use super::anchors::Anchors;
use super::balance::balance;
use super::safe_events::SafeEvents;
use pulldown_cmark::{CowStr, Event, InlineStr, Options, Parser, Tag, TagEnd, html};
use std::collections::VecDeque;

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

/// The parser's events on their way to the HTML writer, one at a time: containers past
/// [`MAX_NESTING`] dropped (their content kept), runs of text joined, headings given their
/// anchors, the table of contents and the plain text collected, and every event made safe.
/// Only a heading's own events are held back (its anchor goes on its start tag, and comes from
/// its text); nothing else is buffered, so memory stays at the output's size.
struct Pipeline<'a> {
    parser: Parser<'a>,
    /// Parser events read so far (the clock is read every [`DEADLINE_EVERY`]).
    read: usize,
    deadline: Option<std::time::Instant>,
    /// The deadline passed: the output is cut short and must be thrown away.
    too_slow: bool,
    finished: bool,
    /// For each open tag: whether its start was kept (so its end is kept too).
    open: Vec<bool>,
    depth: usize,
    text: TextRun<'a>,
    /// Whether a heading is being read, and its events from its start tag (the list is
    /// reused from heading to heading).
    in_heading: bool,
    heading: Vec<Event<'a>>,
    heading_text: String,
    anchors: Anchors,
    in_paragraph: usize,
    out: Rendered,
    safe: SafeEvents<'a>,
    /// Safe events ready for the writer.
    ready: VecDeque<Event<'a>>,
}

impl<'a> Pipeline<'a> {
    fn new(markdown: &'a str, deadline: Option<std::time::Instant>) -> Self {
        Self {
            parser: Parser::new_ext(markdown, options()),
            read: 0,
            deadline,
            too_slow: false,
            finished: false,
            open: Vec::new(),
            depth: 0,
            text: TextRun::default(),
            in_heading: false,
            heading: Vec::new(),
            heading_text: String::new(),
            anchors: Anchors::default(),
            in_paragraph: 0,
            out: Rendered::default(),
            safe: SafeEvents::default(),
            ready: VecDeque::new(),
        }
    }

    /// Reads one parser event and passes on what it completes.
    fn pull(&mut self) {
        self.read += 1;
        if self.read.is_multiple_of(DEADLINE_EVERY)
            && self.deadline.is_some_and(|d| std::time::Instant::now() > d)
        {
            self.too_slow = true;
            self.finished = true;
            self.ready.clear();
            return;
        }
        let Some(event) = self.parser.next() else {
            self.flush_text();
            self.finished = true;
            return;
        };
        match event {
            Event::Text(t) => self.text.add(t),
            Event::Start(tag) => {
                let keep = is_leaf_block(&tag) || self.depth < MAX_NESTING;
                self.open.push(keep);
                if keep {
                    self.depth += 1;
                    self.flush_text();
                    self.collect(Event::Start(tag));
                }
            }
            Event::End(end) => {
                if self.open.pop().unwrap_or(true) {
                    self.depth = self.depth.saturating_sub(1);
                    self.flush_text();
                    self.collect(Event::End(end));
                }
            }
            other => {
                self.flush_text();
                self.collect(other);
            }
        }
    }

    fn flush_text(&mut self) {
        if let Some(text) = self.text.take() {
            self.collect(text);
        }
    }

    /// Takes the text and headings out of an event on its way to the writer.
    fn collect(&mut self, event: Event<'a>) {
        if self.in_heading {
            match &event {
                Event::Text(t) | Event::Code(t) => self.heading_text.push_str(t),
                Event::SoftBreak | Event::HardBreak => self.heading_text.push(' '),
                _ => {}
            }
            let end = matches!(event, Event::End(TagEnd::Heading(_)));
            self.heading.push(event);
            if end {
                self.finish_heading();
            }
            return;
        }
        match &event {
            Event::Start(Tag::Heading { .. }) => {
                self.heading_text.clear();
                self.heading.clear();
                self.heading.push(event);
                self.in_heading = true;
                return;
            }
            Event::Start(Tag::Paragraph) => self.in_paragraph += 1,
            Event::End(TagEnd::Paragraph) => {
                self.in_paragraph = self.in_paragraph.saturating_sub(1);
                self.out.paragraphs.push('\n');
                self.out.text.push('\n');
            }
            Event::End(TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock) => {
                self.out.text.push('\n')
            }
            Event::Text(t) | Event::Code(t) => {
                self.out.text.push_str(t);
                if self.in_paragraph > 0 {
                    self.out.paragraphs.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                self.out.text.push(' ');
                if self.in_paragraph > 0 {
                    self.out.paragraphs.push(' ');
                }
            }
            _ => {}
        }
        self.safe.push(event, &mut self.ready);
    }

    /// Gives the heading just read its anchor and its entry in the table of contents.
    fn finish_heading(&mut self) {
        self.in_heading = false;
        let mut text = String::with_capacity(self.heading_text.len());
        for word in self.heading_text.split_whitespace() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(word);
        }
        let anchor = self.anchors.anchor_for(&text);
        let mut level = 1;
        let mut events = std::mem::take(&mut self.heading);
        for (i, event) in events.drain(..).enumerate() {
            let event = match event {
                Event::Start(Tag::Heading {
                    level: l,
                    classes,
                    attrs,
                    ..
                }) if i == 0 => {
                    level = heading_level(l);
                    // Short anchors (most) live inline in the event, without an allocation.
                    let id = InlineStr::try_from(anchor.as_str())
                        .map_or_else(|_| CowStr::from(anchor.clone()), CowStr::Inlined);
                    Event::Start(Tag::Heading {
                        level: l,
                        id: Some(id),
                        classes,
                        attrs,
                    })
                }
                other => other,
            };
            self.safe.push(event, &mut self.ready);
        }
        self.heading = events;
        self.out.text.push_str(&text);
        self.out.text.push('\n');
        insert(
            &mut self.out.toc,
            TocEntry {
                level,
                text,
                anchor,
                children: Vec::new(),
            },
        );
    }
}

impl<'a> Iterator for Pipeline<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            if let Some(event) = self.ready.pop_front() {
                return Some(event);
            }
            if self.finished {
                // A heading cut off by the end of input (never happens: the parser closes it).
                if self.in_heading {
                    self.finish_heading();
                    continue;
                }
                return None;
            }
            self.pull();
        }
    }
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

    /// The run as one event, if there is one.
    fn take(&mut self) -> Option<Event<'a>> {
        let first = self.first.take()?;
        Some(if self.joined.is_empty() {
            Event::Text(first)
        } else {
            Event::Text(CowStr::from(std::mem::take(&mut self.joined)))
        })
    }
}

/// Renders markdown, in time linear in its length for every construct.
pub fn render(markdown: &str) -> Rendered {
    // Without a deadline rendering never stops early.
    render_until(markdown, None).unwrap_or_default()
}

/// Renders markdown, giving up with [`TooSlow`] once `deadline` has passed (checked every few
/// thousand events, so the overrun is a fraction of a millisecond of work).
///
/// Safe by construction: pulldown-cmark escapes all text, [`SafeEvents`] re-writes raw HTML,
/// drops unsafe URLs and writes links, and `balance` closes what raw HTML left open (markdown's
/// own tags always close). One pass from parser to writer, then `balance` when there was raw HTML.
pub fn render_until(
    markdown: &str,
    deadline: Option<std::time::Instant>,
) -> Result<Rendered, TooSlow> {
    let mut pipeline = Pipeline::new(markdown, deadline);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html, &mut pipeline);
    if pipeline.too_slow || deadline.is_some_and(|d| std::time::Instant::now() > d) {
        return Err(TooSlow);
    }
    let mut out = pipeline.out;
    out.html = if pipeline.safe.has_raw_html {
        balance(&html)
    } else {
        html
    };
    Ok(out)
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
