//! Word counts and reading time that are fair to languages written without spaces.

/// Counts of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextStats {
    /// Words: space-separated words plus one per Chinese or Japanese character.
    pub words: u32,
    /// Chinese and Japanese characters (each read as about one word).
    pub cjk_chars: u32,
    /// Minutes to read, rounded up (0 for an empty text).
    pub reading_minutes: u32,
}

/// Latin-script reading speed, words per minute.
const WORDS_PER_MINUTE: f64 = 230.0;
/// Chinese and Japanese reading speed, characters per minute.
const CJK_CHARS_PER_MINUTE: f64 = 400.0;

/// Whether `c` is a Han ideograph or Japanese kana: scripts written without spaces, where each
/// character counts as a word.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x2FA1F  // CJK extensions B–F, compatibility supplement
    )
}

/// Counts the words of a plain text and estimates its reading time.
pub fn text_stats(text: &str) -> TextStats {
    let mut cjk = 0u32;
    let mut words = 0u32;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            cjk += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                words += 1;
                in_word = true;
            }
        } else if c.is_whitespace() || !(c == '\'' || c == '’' || c == '-') {
            in_word = false;
        }
    }
    let minutes = f64::from(words) / WORDS_PER_MINUTE + f64::from(cjk) / CJK_CHARS_PER_MINUTE;
    let reading_minutes = if words + cjk == 0 {
        0
    } else {
        (minutes.ceil() as u32).max(1)
    };
    TextStats {
        words: words + cjk,
        cjk_chars: cjk,
        reading_minutes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_characters_and_english_counts_words() {
        assert_eq!(text_stats("扩散模型入门").words, 6);
        assert_eq!(text_stats("Hello, world! It's fine.").words, 4);
        let mixed = text_stats("我们参加了 Canton Fair 2026 展会");
        assert_eq!((mixed.words, mixed.cjk_chars), (10, 7));
        assert_eq!(text_stats("").reading_minutes, 0);
        assert_eq!(text_stats("short").reading_minutes, 1);
        assert_eq!(text_stats(&"字".repeat(4000)).reading_minutes, 10);
        assert_eq!(text_stats(&"word ".repeat(2300)).reading_minutes, 10);
    }
}
