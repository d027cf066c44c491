//! The snippet of a hit on the embedded engine: the passage of the body around the best match,
//! cut and marked the way Meilisearch crops (`cropLength` 30, [`CROP_MARKER`] where text was
//! cut), so that both engines give one shape.
use super::text::{self, MARK_END, MARK_START, word_matches};

/// Length of a snippet in units: a word of a script with spaces counts two, a Han character
/// one, so a snippet holds about 30 words or 60 Chinese characters.
const SNIPPET_UNITS: usize = 60;
/// Words Meilisearch is asked to crop the body to (it counts a Chinese word like an English one,
/// and Chinese words average about two characters).
pub const CROP_WORDS: usize = SNIPPET_UNITS / 2;
/// Put where a snippet was cut from a longer text.
pub const CROP_MARKER: &str = "…";

/// A stretch of the text that counts towards the snippet's length.
#[derive(Clone, Copy)]
struct Unit {
    start: usize,
    end: usize,
    weight: usize,
}

/// The units of `body`: its words outside Han text, its characters inside it.
fn units(body: &str) -> Vec<Unit> {
    use unicode_segmentation::UnicodeSegmentation;
    let mut out = Vec::new();
    for (start, run, han) in text::runs(body) {
        if han {
            for (at, c) in run.char_indices() {
                let start = start + at;
                out.push(Unit {
                    start,
                    end: start + c.len_utf8(),
                    weight: 1,
                });
            }
        } else {
            for (at, word) in run.unicode_word_indices() {
                if word.chars().any(char::is_alphanumeric) {
                    out.push(Unit {
                        start: start + at,
                        end: start + at + word.len(),
                        weight: 2,
                    });
                }
            }
        }
    }
    out
}

/// The matched words of `body`, in order and not overlapping (of overlapping words of Chinese
/// search segmentation, the longest): `(start, end, which query word)`.
fn matches(body: &str, query: &[String]) -> Vec<(usize, usize, usize)> {
    let mut found: Vec<(usize, usize, usize)> = text::words(body)
        .into_iter()
        .filter_map(|token| {
            query
                .iter()
                .enumerate()
                .position(|(i, q)| word_matches(&token.text, q, i + 1 == query.len()))
                .map(|which| (token.offset_from, token.offset_to, which))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut kept: Vec<(usize, usize, usize)> = Vec::with_capacity(found.len());
    for m in found {
        if kept.last().is_none_or(|last| m.0 >= last.1) {
            kept.push(m);
        }
    }
    kept
}

/// The passage of `body` around its best match of `query` (the stretch of about
/// [`SNIPPET_UNITS`] holding the most different query words, earliest first), with the matches
/// between [`MARK_START`] and [`MARK_END`] and [`CROP_MARKER`] where the body goes on. Without a
/// match, the start of the body.
pub fn snippet(body: &str, query: &[String]) -> String {
    let units = units(body);
    if units.is_empty() {
        return String::new();
    }
    let found = matches(body, query);
    let unit_at = |offset: usize| units.partition_point(|u| u.end <= offset);
    // The window of matches: from match `i` to as many following matches as fit.
    let mut best: Option<(usize, usize, (usize, usize))> = None;
    for i in 0..found.len() {
        let from = unit_at(found[i].0);
        let mut to = i;
        while to + 1 < found.len()
            && weight(&units, from, unit_at(found[to + 1].1.saturating_sub(1))) <= SNIPPET_UNITS
        {
            to += 1;
        }
        let mut words: Vec<usize> = found[i..=to].iter().map(|m| m.2).collect();
        words.sort_unstable();
        words.dedup();
        let score = (words.len(), to + 1 - i);
        if best.is_none_or(|(.., s)| score > s) {
            best = Some((i, to, score));
        }
    }
    let (mut from, mut to) = match best {
        Some((i, j, _)) => (
            unit_at(found[i].0),
            unit_at(found[j].1.saturating_sub(1)).min(units.len() - 1),
        ),
        None => (0, 0),
    };
    // Widen the window to the snippet's length: half the room before the matches, the rest after.
    let mut room = SNIPPET_UNITS.saturating_sub(weight(&units, from, to));
    let mut before = room / 2;
    while from > 0 && before >= units[from - 1].weight {
        from -= 1;
        before -= units[from].weight;
        room -= units[from].weight;
    }
    while to + 1 < units.len() && room >= units[to + 1].weight {
        to += 1;
        room -= units[to].weight;
    }
    while from > 0 && room >= units[from - 1].weight {
        from -= 1;
        room -= units[from].weight;
    }
    let start = if from == 0 { 0 } else { units[from].start };
    let end = if to + 1 == units.len() {
        body.len()
    } else {
        units[to].end
    };
    let mut out = String::with_capacity(end - start + 16);
    if from > 0 {
        out.push_str(CROP_MARKER);
    }
    let mut at = start;
    for &(m_start, m_end, _) in &found {
        if m_start < start || m_end > end {
            continue;
        }
        out.push_str(&body[at..m_start]);
        out.push_str(MARK_START);
        out.push_str(&body[m_start..m_end]);
        out.push_str(MARK_END);
        at = m_end;
    }
    out.push_str(&body[at..end]);
    if to + 1 < units.len() {
        out.push_str(CROP_MARKER);
    }
    out
}

/// The length of units `from..=to`.
fn weight(units: &[Unit], from: usize, to: usize) -> usize {
    units
        .get(from..=to.max(from))
        .map_or(0, |u| u.iter().map(|u| u.weight).sum())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::text::to_html;

    fn q(words: &[&str]) -> Vec<String> {
        crate::search::query_parts(&words.join(" "), 10).concat()
    }

    #[test]
    fn a_deep_english_match_is_centred_and_cut_on_both_sides() {
        let filler: Vec<String> = (0..80).map(|i| format!("w{i}")).collect();
        let body = format!(
            "{} The anodizing step comes late. {}",
            filler[..40].join(" "),
            filler[40..].join(" ")
        );
        let s = snippet(&body, &q(&["anodizing"]));
        assert!(
            s.starts_with(CROP_MARKER) && s.ends_with(CROP_MARKER),
            "{s}"
        );
        assert!(
            s.contains(&format!("{MARK_START}anodizing{MARK_END}")),
            "{s}"
        );
        let words = s.split_whitespace().count();
        assert!((28..=31).contains(&words), "{words} words: {s}");
    }

    #[test]
    fn a_deep_chinese_match_gives_about_sixty_characters() {
        let body = "外贸企业在参加展会之前需要做很多准备工作，包括样品、宣传册、名片以及报价单。\
            展位的设计也很重要，要能吸引采购商的注意。很多企业会提前三个月联系物流公司，把样品运到展馆。\
            此外，阳极氧化工艺也是客户经常询问的问题之一，需要提前准备好资料。最后，总结经验，为下一次\
            展会做好准备。展会期间，销售人员要认真记录每一位客户的需求，展会结束后及时跟进。";
        let s = snippet(body, &q(&["阳极氧化"]));
        // Jieba cuts 阳极 and 氧化 here: two marks that touch, one `<em>` in HTML.
        assert!(to_html(&s).contains("<em>阳极氧化</em>"), "{s}");
        let han = s
            .chars()
            .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
            .count();
        assert!((55..=60).contains(&han), "{han} characters: {s}");
        assert!(
            s.starts_with(CROP_MARKER) && s.ends_with(CROP_MARKER),
            "{s}"
        );
    }

    #[test]
    fn without_a_match_the_snippet_is_the_start_and_short_bodies_are_whole() {
        let long: Vec<String> = (0..50).map(|i| format!("w{i}")).collect();
        let s = snippet(&long.join(" "), &q(&["absent"]));
        assert!(s.starts_with("w0 w1") && s.ends_with(CROP_MARKER), "{s}");
        assert_eq!(
            snippet("Short <b>body</b>.", &q(&["body"])),
            format!("Short <b>{MARK_START}body{MARK_END}</b>.")
        );
        assert_eq!(snippet("", &q(&["x"])), "");
    }

    #[test]
    fn markup_in_the_body_is_escaped() {
        let s = snippet("Use <script>alert(1)</script> & FOB terms", &q(&["fob"]));
        assert_eq!(
            to_html(&s),
            "Use &lt;script&gt;alert(1)&lt;/script&gt; &amp; <em>FOB</em> terms"
        );
    }

    #[test]
    fn the_window_prefers_more_different_query_words() {
        let filler: Vec<String> = (0..60).map(|i| format!("w{i}")).collect();
        let body = format!(
            "solar here. {} solar and inverter together. {}",
            filler[..30].join(" "),
            filler[30..].join(" ")
        );
        let s = snippet(&body, &q(&["solar", "inverter"]));
        assert!(
            s.contains(&format!("{MARK_START}inverter{MARK_END}")),
            "{s}"
        );
        assert!(s.starts_with(CROP_MARKER), "{s}");
    }
}
