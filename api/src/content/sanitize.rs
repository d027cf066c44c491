//! Raw HTML inside markdown, made safe in one pass without building a document tree.
//!
//! Each piece of raw HTML is read with the HTML tokenizer's rules (tags, attributes, quoted and
//! unquoted values, character references, comments) and written back in canonical form: allowed
//! elements with allowed attributes, every value decoded and re-escaped inside double quotes, URLs
//! checked against a list of schemes, and all other text escaped. A browser reading the output
//! therefore sees exactly the tags written here and nothing else. The output is balanced and its
//! depth capped by [`super::balance`]. Unlike a sanitizer that parses a whole DOM (html5ever took
//! 3 s for 32,000 nested `<div>`s, growing with the square), the work is linear in the input.
use super::entities::{Context, decode_into};
use std::fmt::Write as _;

/// Attributes kept from one tag at most (no allowed element has more than ten).
const MAX_ATTRIBUTES: usize = 32;

/// Attributes any allowed element may carry.
const GLOBAL_ATTRIBUTES: &[&str] = &["lang", "title"];

/// Elements with no end tag.
pub fn is_void(tag: &str) -> bool {
    matches!(tag, "br" | "col" | "hr" | "img" | "input" | "wbr")
}

/// The attributes an allowed element may carry (besides [`GLOBAL_ATTRIBUTES`]); `None` for an
/// element that is dropped (its text is kept, except inside `<script>` and `<style>`).
fn allowed_attributes(tag: &str) -> Option<&'static [&'static str]> {
    const CELL: &[&str] = &[
        "align", "char", "charoff", "colspan", "headers", "rowspan", "scope", "style",
    ];
    const ROWS: &[&str] = &["align", "char", "charoff"];
    Some(match tag {
        "a" => &["href", "hreflang"],
        "abbr" | "acronym" | "article" | "aside" | "b" | "bdi" | "br" | "caption" | "center"
        | "cite" | "data" | "dd" | "details" | "dfn" | "dl" | "dt" | "em" | "figcaption"
        | "figure" | "footer" | "header" | "hgroup" | "i" | "kbd" | "mark" | "nav" | "p"
        | "pre" | "rp" | "rt" | "rtc" | "ruby" | "s" | "samp" | "small" | "span" | "strike"
        | "strong" | "sub" | "summary" | "time" | "tt" | "u" | "ul" | "var" | "wbr" => &[],
        "bdo" => &["dir"],
        "blockquote" | "q" => &["cite"],
        "col" | "colgroup" => &["align", "char", "charoff", "span"],
        "del" | "ins" => &["cite", "datetime"],
        "hr" => &["align", "size", "width"],
        "img" => &["align", "alt", "height", "src", "width"],
        "ol" => &["start"],
        "table" => &["align", "char", "charoff", "summary"],
        "tbody" | "tfoot" | "thead" | "tr" => ROWS,
        "td" | "th" => CELL,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" => &["id"],
        "code" => &["class"],
        "div" | "sup" => &["class", "id"],
        "input" => &["type", "checked", "disabled"],
        _ => return None,
    })
}

/// URL schemes a link or image may use; relative URLs are always allowed.
const SCHEMES: &[&str] = &[
    "http", "https", "mailto", "tel", "sms", "ftp", "ftps", "xmpp", "irc", "ircs", "magnet", "geo",
    "webcal",
];

fn is_url_attribute(name: &str) -> bool {
    matches!(name, "href" | "src" | "cite")
}

/// A URL as a browser would read it (tabs and newlines removed, outer spaces and controls
/// trimmed), or `None` when its scheme is not in [`SCHEMES`].
pub fn safe_url(url: &str) -> Option<String> {
    let url: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(at) if url[at..].starts_with(':') => {
            let scheme = url[..at].to_ascii_lowercase();
            SCHEMES.contains(&scheme.as_str()).then_some(url)
        }
        _ => Some(url),
    }
}

/// Whether a value passes the per-attribute rules (classes Wharf itself uses, alignments,
/// checkboxes).
fn value_allowed(tag: &str, name: &str, value: &str) -> bool {
    match (tag, name) {
        ("code", "class") => value.split_whitespace().all(|c| {
            c.starts_with("language-")
                && c.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '+' | '#'))
        }),
        ("div" | "sup", "class") => matches!(
            value,
            "footnote-definition" | "footnote-reference" | "footnote-definition-label"
        ),
        ("th" | "td", "style") => matches!(
            value,
            "text-align: left" | "text-align: center" | "text-align: right"
        ),
        ("input", "type") => value.eq_ignore_ascii_case("checkbox"),
        _ => true,
    }
}

/// Appends `text` escaped for an element's content or a double-quoted attribute value.
pub fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (at, c) in text.char_indices() {
        let escaped = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\u{a0}' => "&nbsp;",
            _ => continue,
        };
        out.push_str(&text[last..at]);
        out.push_str(escaped);
        last = at + c.len_utf8();
    }
    out.push_str(&text[last..]);
}

/// Raw HTML read piece by piece. `<script>` and `<style>` lose their content too, including
/// content split over several pieces (an inline `<script>` is one piece, its text the next).
#[derive(Default)]
pub struct RawHtml {
    /// Inside `<script>` or `<style>`: the end tag that ends the skipped content.
    skipping: Option<&'static str>,
}

/// A tag read from raw HTML.
struct ParsedTag {
    name: String,
    end: bool,
    attributes: Vec<(String, String)>,
}

impl RawHtml {
    /// Whether text between raw pieces is being dropped (inside `<script>` or `<style>`).
    pub fn skipping(&self) -> bool {
        self.skipping.is_some()
    }

    /// Stops skipping at the end of a block, so an unclosed `<script>` hides nothing after it.
    pub fn end_block(&mut self) {
        self.skipping = None;
    }

    /// Writes the safe form of one piece of raw HTML to `out`.
    pub fn clean_into(&mut self, raw: &str, out: &mut String) {
        let bytes = raw.as_bytes();
        let mut at = 0;
        while at < raw.len() {
            if let Some(end_tag) = self.skipping {
                match find_ignore_case(&raw[at..], end_tag) {
                    Some(found) => {
                        at += found;
                        self.skipping = None;
                    }
                    None => return,
                }
            }
            let Some(lt) = raw[at..].find('<').map(|i| at + i) else {
                decode_into(&raw[at..], Context::Text, out, escape_into);
                return;
            };
            decode_into(&raw[at..lt], Context::Text, out, escape_into);
            match bytes.get(lt + 1) {
                Some(b'!') if raw[lt..].starts_with("<!--") => {
                    // A comment ends at the first `-->` (or `<!-->`, `<!--->`); unclosed, it runs
                    // to the end of the piece.
                    let body = lt + 4;
                    at = if raw[body..].starts_with('>') {
                        body + 1
                    } else if raw[body..].starts_with("->") {
                        body + 2
                    } else {
                        raw[body..].find("-->").map_or(raw.len(), |i| body + i + 3)
                    };
                }
                Some(b'!' | b'?') => {
                    at = raw[lt..].find('>').map_or(raw.len(), |i| lt + i + 1);
                }
                Some(b'/') if bytes.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) => {
                    at = self.tag(raw, lt, out);
                }
                Some(c) if c.is_ascii_alphabetic() => {
                    at = self.tag(raw, lt, out);
                }
                _ => {
                    out.push_str("&lt;");
                    at = lt + 1;
                }
            }
        }
    }

    /// Reads the tag at `start`, writes what is allowed of it, and returns where it ends. A tag
    /// cut off by the end of the piece is written as text, so the author sees the typo.
    fn tag(&mut self, raw: &str, start: usize, out: &mut String) -> usize {
        let Some((tag, end)) = parse_tag(raw, start) else {
            escape_into(out, &raw[start..]);
            return raw.len();
        };
        if tag.end {
            if allowed_attributes(&tag.name).is_some() && !is_void(&tag.name) {
                let _ = write!(out, "</{}>", tag.name);
            }
            return end;
        }
        match tag.name.as_str() {
            "script" => self.skipping = Some("</script"),
            "style" => self.skipping = Some("</style"),
            _ => {}
        }
        let Some(allowed) = allowed_attributes(&tag.name) else {
            return end;
        };
        let checkbox = tag
            .attributes
            .iter()
            .any(|(n, v)| n == "type" && v.eq_ignore_ascii_case("checkbox"));
        if tag.name == "input" && !checkbox {
            return end;
        }
        out.push('<');
        out.push_str(&tag.name);
        let mut written: Vec<&str> = Vec::new();
        for (name, value) in &tag.attributes {
            if written.contains(&name.as_str())
                || !(allowed.contains(&name.as_str()) || GLOBAL_ATTRIBUTES.contains(&name.as_str()))
                || !value_allowed(&tag.name, name, value)
            {
                continue;
            }
            let value = if is_url_attribute(name) {
                match safe_url(value) {
                    Some(url) => url,
                    None => continue,
                }
            } else {
                value.clone()
            };
            written.push(name);
            let _ = write!(out, " {name}=\"");
            escape_into(out, &value);
            out.push('"');
        }
        out.push('>');
        end
    }
}

/// Where `needle` (ASCII, lowercase) occurs in `haystack`, ignoring ASCII case.
fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    (0..h.len().saturating_sub(n.len() - 1))
        .find(|&i| h[i] == n[0] && h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Reads a start or end tag at `start` (which holds `<`) by the HTML tokenizer's rules; `None`
/// when the piece ends inside it.
fn parse_tag(raw: &str, start: usize) -> Option<(ParsedTag, usize)> {
    let bytes = raw.as_bytes();
    let mut at = start + 1;
    let end = bytes.get(at) == Some(&b'/');
    if end {
        at += 1;
    }
    let name_start = at;
    while at < bytes.len() && !matches!(bytes[at], b'\t' | b'\n' | b'\x0c' | b' ' | b'/' | b'>') {
        at += 1;
    }
    let name = raw[name_start..at].to_ascii_lowercase();
    let mut attributes = Vec::new();
    loop {
        while at < bytes.len() && matches!(bytes[at], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/')
        {
            at += 1;
        }
        match bytes.get(at) {
            None => return None,
            Some(b'>') => {
                return Some((
                    ParsedTag {
                        name,
                        end,
                        attributes,
                    },
                    at + 1,
                ));
            }
            Some(_) => {}
        }
        // The name runs to whitespace, `/`, `>` or `=` (a leading `=` belongs to the name).
        let name_start = at;
        at += 1;
        while at < bytes.len()
            && !matches!(
                bytes[at],
                b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>' | b'='
            )
        {
            at += 1;
        }
        let attribute = raw[name_start..at].to_ascii_lowercase();
        while at < bytes.len() && matches!(bytes[at], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ') {
            at += 1;
        }
        let mut value = String::new();
        if bytes.get(at) == Some(&b'=') {
            at += 1;
            while at < bytes.len() && matches!(bytes[at], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ') {
                at += 1;
            }
            let raw_value = match bytes.get(at) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close = raw[at + 1..].find(q as char)? + at + 1;
                    let v = &raw[at + 1..close];
                    at = close + 1;
                    v
                }
                _ => {
                    let v_start = at;
                    while at < bytes.len()
                        && !matches!(bytes[at], b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'>')
                    {
                        at += 1;
                    }
                    &raw[v_start..at]
                }
            };
            decode_into(raw_value, Context::Attribute, &mut value, |o, s| {
                o.push_str(s)
            });
        }
        // The first of repeated attributes wins, as in a browser; past a few dozen the rest are
        // read (to find the tag's end) but not kept, so the look-up stays short.
        if attributes.len() < MAX_ATTRIBUTES && !attributes.iter().any(|(n, _)| *n == attribute) {
            attributes.push((attribute, value));
        }
    }
}

#[cfg(test)]
#[path = "sanitize_tests.rs"]
mod tests;
