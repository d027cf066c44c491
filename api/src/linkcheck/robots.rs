//! robots.txt: whether a crawler may fetch a page.
//!
//! A link counts for search engines only if they may crawl the page, so the checker judges a
//! page by the group for `googlebot` (or `*` when the file has none). Reading the file and
//! matching paths are robotxt's (RFC 9309: groups, `*` and `$`, the longest match, allow on a
//! tie, percent-encoding, the first 500 KiB). Before robotxt reads the file, [`googles_reading`]
//! applies what Google's own parser does beyond RFC 9309, so the decision is Googlebot's.

use std::borrow::Cow;

/// The bytes of a line Google reads (its line buffer is 8 × 2083 bytes, a terminating NUL included).
const MAX_LINE: usize = 2083 * 8 - 1;
/// How robotxt spells a user-agent line and an allow line, misspellings included.
const AGENT_KEYS: [&str; 3] = ["user-agent", "user agent", "useragent"];
const ALLOW_KEYS: [&str; 3] = ["allow", "alow", "allaw"];

/// The rules of one robots.txt for one user agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Robots(robotxt::Robots);

impl Robots {
    /// A file that allows everything (missing, 4xx, or unreadable robots.txt).
    pub fn allow_all() -> Self {
        Self(robotxt::Robots::allow_all())
    }

    /// Reads the file as fetched (UTF-8, RFC 9309) and keeps the rules that apply to `agent`
    /// (its product token, any case).
    pub fn parse(body: &[u8], agent: &str) -> Self {
        Self(robotxt::Robots::parse(&googles_reading(body), agent))
    }

    /// Whether `path` (with its query, percent-encoded as `url::Url` writes it) may be crawled.
    pub fn allows(&self, path: &str) -> bool {
        self.0.is_allowed(path)
    }
}

/// Rewrites the file so that RFC 9309 reads it as Google's parser does: a UTF-8 byte order mark
/// is skipped even in part; a line is cut after [`MAX_LINE`] bytes; a user-agent is named by its
/// product token (`Googlebot/2.1 (+http://…)` and `Googlebot Images` are `Googlebot`, `* x` is
/// `*`); and an allowed `…/index.html` (or `.htm`) allows its folder `…/` too.
fn googles_reading(body: &[u8]) -> Cow<'_, [u8]> {
    let bom = body
        .iter()
        .zip(b"\xEF\xBB\xBF")
        .take_while(|(a, b)| a == b)
        .count();
    let body = &body[bom..];
    // Lines end where robotxt ends them, so no rewrite spans two of its lines.
    let ends_line = |b: &u8| matches!(b, b'\n' | b'\r' | b'\0');
    // robotxt reads the first 500 KiB up to the last whole line: cut there before rewriting moves
    // it (an added index line can still push the last lines of a file that size past it).
    let body = match body.get(..=robotxt::BYTE_LIMIT) {
        Some(window) => &body[..window.iter().rposition(ends_line).unwrap_or(0)],
        None => body,
    };
    let mut out: Option<Vec<u8>> = None;
    let mut at = 0;
    for line in body.split_inclusive(ends_line) {
        let end = usize::from(line.last().is_some_and(ends_line));
        let (text, ending) = line.split_at(line.len() - end);
        let cut = &text[..text.len().min(MAX_LINE)];
        let rewritten: Option<Vec<u8>> = if let Some((head, value)) = directive(cut, &AGENT_KEYS) {
            let token = product_token(value);
            (token.len() != value.len() || cut.len() != text.len()).then(|| [head, token].concat())
        } else if let Some((_, value)) = directive(cut, &ALLOW_KEYS)
            && let Some(slash) = value.iter().rposition(|&b| b == b'/')
            && value[slash..].starts_with(b"/index.htm")
        {
            Some([cut, b"\nallow: ", &value[..=slash], b"$"].concat())
        } else {
            (cut.len() != text.len()).then(|| cut.to_vec())
        };
        if let Some(new) = rewritten {
            let out = out.get_or_insert_with(|| body[..at].to_vec());
            out.extend_from_slice(&new);
            out.extend_from_slice(ending);
        } else if let Some(out) = &mut out {
            out.extend_from_slice(line);
        }
        at += line.len();
    }
    match out {
        Some(out) => Cow::Owned(out),
        None => Cow::Borrowed(body),
    }
}

/// The line up to its value, and its value (comment and spaces off), when the line starts with
/// one of `keys` followed by a colon or by spaces: the lines robotxt reads as those keys.
fn directive<'a>(line: &'a [u8], keys: &[&str]) -> Option<(&'a [u8], &'a [u8])> {
    let spaces = |from: usize| {
        line[from..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count()
    };
    let start = spaces(0);
    let key = keys.iter().find(|key| {
        line[start..]
            .get(..key.len())
            .is_some_and(|k| k.eq_ignore_ascii_case(key.as_bytes()))
    })?;
    let mut at = start + key.len();
    let gap = spaces(at);
    at += gap;
    if line.get(at) == Some(&b':') {
        at += 1;
    } else if gap == 0 {
        return None;
    }
    at += spaces(at);
    let end = line[at..]
        .iter()
        .position(|&b| b == b'#')
        .map_or(line.len(), |i| at + i);
    Some((&line[..at], line[at..end].trim_ascii_end()))
}

/// The part of a user-agent value Google matches: `*` alone, or the name up to the first
/// character outside `[a-zA-Z_-]`.
fn product_token(value: &[u8]) -> &[u8] {
    if value.starts_with(b"*") && value.get(1).is_none_or(u8::is_ascii_whitespace) {
        return &value[..1];
    }
    let end = value
        .iter()
        .position(|&b| !(b.is_ascii_alphabetic() || b == b'-' || b == b'_'))
        .unwrap_or(value.len());
    &value[..end]
}

#[cfg(test)]
#[path = "robots_google_tests.rs"]
mod google_tests;
#[cfg(test)]
#[path = "robots_tests.rs"]
mod tests;
