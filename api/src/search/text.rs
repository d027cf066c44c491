//! Text handling shared by both engines: word segmentation (jieba for Chinese, words elsewhere,
//! lower-cased), Meilisearch's typo budget, highlighting, and the plain-text excerpt.
use super::han;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_segmentation::UnicodeSegmentation;

/// Start of a highlighted match, as both engines are asked to mark it (a private-use character,
/// so it can never come from an article). [`to_html`] turns it into `<em>`.
pub const MARK_START: &str = "\u{E000}";
/// End of a highlighted match.
pub const MARK_END: &str = "\u{E001}";

/// Word segmentation shared by indexing and queries, lower-cased: Han text (Chinese, and the
/// kanji of Japanese) is cut by jieba; every other script by Unicode word boundaries (UAX #29),
/// so that Cyrillic, Arabic, accented Latin or Korean words stay whole. Only words with a
/// letter or digit are kept. Jieba's dictionary is read in place from the binary ([`han`]).
#[derive(Clone, Default)]
pub struct WordTokenizer;

/// The tokens of one text, computed eagerly.
pub struct WordStream {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }
    fn token(&self) -> &Token {
        &self.current
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        WordStream {
            tokens: words(text).into_iter(),
            current: Token::default(),
        }
    }
}

/// Version of [`words`]: an index built with another version is rebuilt (tokens would differ).
/// 1: jieba over all text (other scripts were cut into single characters). 2: jieba for Han
/// runs only, Unicode word boundaries elsewhere.
pub const SEGMENTATION_VERSION: u32 = 2;

/// Han ideographs: the CJK unified ideographs, their extensions and compatibility forms.
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{30000}'..='\u{323AF}')
}

/// `text` cut into maximal runs of Han and of other characters: `(byte offset, run, is Han)`.
pub(crate) fn runs(text: &str) -> impl Iterator<Item = (usize, &str, bool)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, first) = rest.next()?;
        let han = is_han(first);
        let mut end = start + first.len_utf8();
        while let Some(&(i, c)) = rest.peek() {
            if is_han(c) != han {
                break;
            }
            end = i + c.len_utf8();
            rest.next();
        }
        Some((start, &text[start..end], han))
    })
}

/// The words of `text` with their byte offsets and positions.
pub fn words(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut push = |from: usize, to: usize| {
        let word = &text[from..to];
        if word.chars().any(char::is_alphanumeric) {
            out.push(Token {
                offset_from: from,
                offset_to: to,
                position: out.len(),
                text: word.to_lowercase(),
                position_length: 1,
            });
        }
    };
    for (start, run, han) in runs(text) {
        if han {
            for word in han::cut_for_search(run) {
                push(start + word.start, start + word.end);
            }
        } else {
            for (at, word) in run.unicode_word_indices() {
                push(start + at, start + at + word.len());
            }
        }
    }
    out
}

/// How many typos a query word may have, as in Meilisearch: none below 5 characters, one from
/// 5, two from 9.
pub fn typo_budget(word: &str) -> u8 {
    match word.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// Optimal-string-alignment distance (a transposition counts as one typo), capped at `cap + 1`.
pub fn typo_distance(a: &str, b: &str, cap: u8) -> u8 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let cap = usize::from(cap);
    if a.len().abs_diff(b.len()) > cap {
        return u8::try_from(cap + 1).unwrap_or(u8::MAX);
    }
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    u8::try_from(prev[b.len()].min(cap + 1)).unwrap_or(u8::MAX)
}

/// Whether a word of the text matches a query word under Meilisearch's typo rule (see
/// [`super::typo`]); the last query word also matches a prefix of the word.
pub fn word_matches(word: &str, query_word: &str, is_last: bool) -> bool {
    if word == query_word || (is_last && word.starts_with(query_word)) {
        return true;
    }
    let budget = typo_budget(query_word);
    if budget == 0 {
        return false;
    }
    let same_first = word.chars().next() == query_word.chars().next();
    let allowed = match (budget, same_first) {
        (_, true) => budget,
        (2, false) => 1,
        _ => return false,
    };
    let within = |candidate: &str| typo_distance(candidate, query_word, allowed) <= allowed;
    if !is_last {
        return within(word);
    }
    // A prefix of the word, within the typo budget of the query word.
    let chars: Vec<char> = word.chars().collect();
    let len = query_word.chars().count();
    let lo = len.saturating_sub(usize::from(allowed)).max(1);
    let hi = (len + usize::from(allowed)).min(chars.len());
    (lo..=hi).any(|n| within(&chars[..n].iter().collect::<String>()))
}

/// `text` with every word that matches one of `query` between [`MARK_START`] and [`MARK_END`].
pub fn highlight(text: &str, query: &[String]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for token in words(text) {
        let hit = query
            .iter()
            .enumerate()
            .any(|(i, q)| word_matches(&token.text, q, i + 1 == query.len()));
        if hit && token.offset_from >= at {
            out.push_str(&text[at..token.offset_from]);
            out.push_str(MARK_START);
            out.push_str(&text[token.offset_from..token.offset_to]);
            out.push_str(MARK_END);
            at = token.offset_to;
        }
    }
    out.push_str(&text[at..]);
    out
}

/// Escapes `marked` for HTML and turns the match markers into `<em>` and `</em>`; two marked
/// words that touch become one (Meilisearch marks the parts of a Chinese word one by one).
/// The tags always pair up, whatever markers the text holds.
pub fn to_html(marked: &str) -> String {
    let mut out = String::with_capacity(marked.len() + 16);
    let merged = marked.replace("\u{E001}\u{E000}", "");
    let mut open = false;
    for c in merged.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{E000}' if !open => {
                out.push_str("<em>");
                open = true;
            }
            '\u{E001}' if open => {
                out.push_str("</em>");
                open = false;
            }
            '\u{E000}' | '\u{E001}' => {}
            c => out.push(c),
        }
    }
    if open {
        out.push_str("</em>");
    }
    out
}

/// `text` without the match markers, so that only an engine's marks are ever read as matches.
pub fn without_marks(text: &str) -> String {
    text.replace([MARK_START_CHAR, MARK_END_CHAR], "")
}

const MARK_START_CHAR: char = '\u{E000}';
const MARK_END_CHAR: char = '\u{E001}';

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_segmented_and_english_lower_cased() {
        let w: Vec<String> = words("扩散模型入门 Incoterms, FOB!")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert!(w.contains(&"扩散".to_owned()), "{w:?}");
        assert!(w.contains(&"模型".to_owned()), "{w:?}");
        assert!(w.contains(&"incoterms".to_owned()), "{w:?}");
        assert!(!w.iter().any(|t| t.trim().is_empty() || t == ","), "{w:?}");
    }

    #[test]
    fn other_scripts_are_cut_at_word_boundaries() {
        let text = "Экспорт мебели, Müller GmbH; 가구 수출 ISO9001认证工厂 café";
        let tokens = words(text);
        let w: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        for word in [
            "экспорт",
            "мебели",
            "müller",
            "gmbh",
            "가구",
            "수출",
            "iso9001",
            "认证",
            "café",
        ] {
            assert!(w.contains(&word), "{word} in {w:?}");
        }
        assert!(!w.iter().any(|t| t.chars().count() == 1), "{w:?}");
        // Offsets point at the original text; positions count the words kept.
        for (i, t) in tokens.iter().enumerate() {
            assert_eq!(text[t.offset_from..t.offset_to].to_lowercase(), t.text);
            assert_eq!(t.position, i);
        }
    }

    #[test]
    fn han_runs_are_segmented_by_jieba_inside_other_text() {
        let w: Vec<String> = words("Our 广交会参展指南 (2025)")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert!(w.contains(&"广交会".to_owned()), "{w:?}");
        assert!(w.contains(&"指南".to_owned()), "{w:?}");
        assert!(
            w.contains(&"our".to_owned()) && w.contains(&"2025".to_owned()),
            "{w:?}"
        );
    }

    #[test]
    fn typo_budget_follows_meilisearch() {
        assert!(!word_matches("cart", "cars", false));
        assert!(word_matches("incoterms", "incotrems", false));
        assert!(word_matches("shipping", "shiping", false));
        assert!(!word_matches("shipping", "shpiing", false));
        assert!(word_matches("documentation", "documnetaton", false));
        assert!(word_matches("container", "cont", true));
        assert!(word_matches("container", "contai", true));
        assert!(word_matches("contianer", "contai", true));
        assert!(!word_matches("shipping", "xhipping", false));
        assert!(word_matches("containers", "xontainers", false));
    }

    #[test]
    fn highlights_are_escaped_and_marked() {
        let marked = highlight("FOB <vs> CIF", &["fob".to_owned()]);
        assert_eq!(to_html(&marked), "<em>FOB</em> &lt;vs&gt; CIF");
        let touching = format!("{MARK_START}阳极{MARK_END}{MARK_START}氧化{MARK_END}工艺");
        assert_eq!(to_html(&touching), "<em>阳极氧化</em>工艺");
        let stray = format!("a{MARK_END}b{MARK_START}c{MARK_START}d");
        assert_eq!(to_html(&stray), "ab<em>cd</em>");
        assert_eq!(without_marks(&stray), "abcd");
    }
}
