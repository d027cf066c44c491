//! The last pass over an article's HTML: every element closed, no end tag without its start, no
//! element deeper than [`MAX_DEPTH`], and `rel="noopener noreferrer"` on every link.
//!
//! The input is HTML that this module's callers wrote themselves (markdown's tags, and raw HTML
//! re-written by [`super::sanitize`]), so every `<` starts a tag and every attribute value is
//! double-quoted: no general HTML parsing is needed, and one pass in linear time does it. An
//! article's HTML is embedded in partner pages, so a stray `</div>` must not close theirs.
use super::sanitize::is_void;

/// Deepest element nesting kept: twice the markdown cap, so raw HTML has room beside it. Start
/// tags past it are dropped (their text kept), as an end tag without its start is.
pub const MAX_DEPTH: usize = 2 * super::markdown::MAX_NESTING;

/// Balances `html` (see the module documentation).
pub fn balance(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut open: Vec<&str> = Vec::new();
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        let lt = at + found;
        out.push_str(&html[at..lt]);
        let end = tag_end(bytes, lt);
        let tag = &html[lt..end];
        at = end;
        if !tag.ends_with('>') {
            // Cannot happen in HTML this crate wrote; dropped rather than passed on unbalanced.
            continue;
        }
        let closing = tag.starts_with("</");
        let name_start = if closing { 2 } else { 1 };
        let name_len = tag[name_start..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len() - name_start);
        let name = &tag[name_start..name_start + name_len];
        if name.is_empty() {
            continue;
        }
        if closing {
            if let Some(depth) = open.iter().rposition(|open| *open == name) {
                for unclosed in open.drain(depth..).rev() {
                    out.push_str("</");
                    out.push_str(unclosed);
                    out.push('>');
                }
            }
        } else if is_void(name) {
            out.push_str(tag);
        } else if open.len() < MAX_DEPTH {
            open.push(name);
            if name == "a" {
                out.push_str(&tag[..tag.len() - 1]);
                out.push_str(" rel=\"noopener noreferrer\">");
            } else {
                out.push_str(tag);
            }
        }
    }
    out.push_str(&html[at..]);
    for unclosed in open.into_iter().rev() {
        out.push_str("</");
        out.push_str(unclosed);
        out.push('>');
    }
    out
}

/// Where the tag starting at `lt` ends (after its `>`, skipping `>` inside quoted values).
fn tag_end(bytes: &[u8], lt: usize) -> usize {
    let mut quoted = false;
    for (i, &b) in bytes.iter().enumerate().skip(lt + 1) {
        match b {
            b'"' => quoted = !quoted,
            b'>' if !quoted => return i + 1,
            _ => {}
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stray_end_tags_are_dropped_and_open_ones_closed() {
        assert_eq!(balance("</div><p>a</p></div>"), "<p>a</p>");
        assert_eq!(
            balance("<div><p><em>a</p>b"),
            "<div><p><em>a</em></p>b</div>"
        );
        assert_eq!(
            balance("<ul><li>a<li>b</ul>"),
            "<ul><li>a<li>b</li></li></ul>"
        );
        assert_eq!(balance("a<br />b<hr>"), "a<br />b<hr>");
    }

    #[test]
    fn links_get_rel_and_depth_is_capped() {
        assert_eq!(
            balance("<a href=\"/x\" title=\"a>b\">x</a>"),
            "<a href=\"/x\" title=\"a>b\" rel=\"noopener noreferrer\">x</a>"
        );
        let deep = balance(&format!("{}x", "<div>".repeat(100_000)));
        assert_eq!(deep.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(deep.matches("</div>").count(), MAX_DEPTH);
        assert!(deep.contains('x'));
    }
}
