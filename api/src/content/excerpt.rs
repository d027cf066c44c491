//! Excerpts: the start of the text, cut at a sensible place for its script.
use super::words::is_cjk;
use unicode_segmentation::UnicodeSegmentation;

/// Budget of an excerpt in display units: a Latin character is 1, a wide (CJK, full-width)
/// character 2, so about 200 Latin or 100 Chinese characters.
pub const MAX_EXCERPT_UNITS: usize = 200;

fn is_wide(grapheme: &str) -> bool {
    grapheme.chars().next().is_some_and(|c| is_cjk(c) || matches!(c as u32, 0x1100..=0x115F | 0xAC00..=0xD7A3 | 0x3000..=0x303F | 0xFF00..=0xFF60))
}

/// An excerpt of `text`: whitespace collapsed, at most `max_units` wide, never cut inside a
/// character (grapheme) or inside a Latin word, ending in `…` when cut.
pub fn derive_excerpt(text: &str, max_units: usize) -> String {
    let normalized = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut used = 0;
    let mut end = 0;
    let mut cut = false;
    for (i, g) in normalized.grapheme_indices(true) {
        let width = if is_wide(g) { 2 } else { 1 };
        if used + width > max_units {
            cut = true;
            break;
        }
        used += width;
        end = i + g.len();
    }
    if !cut {
        return normalized;
    }
    let mut head = &normalized[..end];
    let next_is_word = normalized[end..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() && !is_cjk(c));
    let last_is_word = head
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() && !is_cjk(c));
    if next_is_word && last_is_word {
        // Inside a Latin word: go back to the last space, unless the word is the whole excerpt.
        if let Some(space) = head.rfind(' ') {
            head = &head[..space];
        }
    }
    let head = head.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '，' | '、' | '；' | '：' | '-' | '—')
    });
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(derive_excerpt("  Hello \n world  ", 50), "Hello world");
    }

    #[test]
    fn latin_text_is_cut_between_words() {
        let e = derive_excerpt("The quick brown fox jumps over the lazy dog", 18);
        assert_eq!(e, "The quick brown…");
    }

    #[test]
    fn chinese_text_is_cut_at_a_character_with_a_sensible_length() {
        let text = "扩散模型是一类生成模型，它通过逐步加噪和去噪的过程学习数据分布。".repeat(10);
        let e = derive_excerpt(&text, MAX_EXCERPT_UNITS);
        assert!(e.ends_with('…'));
        let chars = e.chars().count() - 1;
        assert!((90..=100).contains(&chars), "{chars}");
        assert!(text.starts_with(e.trim_end_matches('…')));
    }

    #[test]
    fn graphemes_are_never_split() {
        let text = "👨‍👩‍👧‍👦".repeat(10);
        let e = derive_excerpt(&text, 5);
        assert_eq!(e.trim_end_matches('…').graphemes(true).count(), 5);
        assert!(e.trim_end_matches('…').graphemes(true).all(|g| g == "👨‍👩‍👧‍👦"));
    }
}
