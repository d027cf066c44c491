//! URL slugs that work in any script: `hello-world`, `扩散模型入门`, `привет-мир`.
use super::text::{is_invisible, is_mark, is_visible_alphanumeric};
use crate::error::{AppError, AppResult, Reason};
use unicode_normalization::UnicodeNormalization;

/// Longest slug, in characters.
pub const MAX_SLUG_CHARS: usize = 120;
/// Length a generated slug is cut to, in characters.
const GENERATED_SLUG_CHARS: usize = 80;

/// A slug: lowercase letters and digits of any script, joined by single hyphens, with at least
/// one letter or digit that shows (no zero-width, format or control characters, no combining
/// mark without a letter to sit on).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

/// Characters that separate words in a title and may not appear in a slug.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !c.is_ascii_alphanumeric();
    }
    c.is_whitespace()
        || c.is_control()
        || matches!(c as u32,
            0x00A0..=0x00BF        // Latin-1 punctuation and symbols
            | 0x00D7 | 0x00F7      // × ÷
            | 0x2000..=0x2BFF      // general punctuation, arrows, math, technical, shapes, dingbats
            | 0x2E00..=0x2E7F      // supplemental punctuation
            | 0x3000..=0x303F      // CJK symbols and punctuation: 、。「」【】
            | 0x30FB               // katakana middle dot
            | 0xFE10..=0xFE6F      // vertical forms, CJK compatibility forms, small forms
            | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65
            | 0xFFF0..=0xFFFF      // specials
            | 0x1F000..=0x1FAFF    // emoji and pictographs
        )
}

/// Whether a combining mark starts the slug or one of its words, where it has nothing to sit on.
fn has_stray_mark(slug: &str) -> bool {
    let mut previous = '-';
    for c in slug.chars() {
        if is_mark(c) && previous == '-' {
            return true;
        }
        previous = c;
    }
    false
}

impl Slug {
    /// Checks a slug given by a client. It must already be in canonical form, so that the URL
    /// a client builds from it is the one Wharf answers.
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let value = value.trim();
        if value.is_empty() {
            return Err(AppError::bad_input(field, "slug must not be empty").because(Reason::Empty));
        }
        if value.chars().count() > MAX_SLUG_CHARS {
            return Err(AppError::bad_input(
                field,
                format!("slug must be at most {MAX_SLUG_CHARS} characters"),
            )
            .because(Reason::TooLong)
            .with("max", MAX_SLUG_CHARS));
        }
        let nfc: String = value.nfc().collect();
        let valid_chars = nfc.chars().all(|c| c == '-' || !is_separator(c));
        let lower = nfc.chars().all(|c| !c.is_uppercase());
        if !valid_chars
            || !lower
            || nfc.starts_with('-')
            || nfc.ends_with('-')
            || nfc.contains("--")
        {
            return Err(AppError::bad_input(
                field,
                "slug may contain only lowercase letters and digits (any script) separated by single hyphens",
            )
            .because(Reason::SlugCharacters));
        }
        if nfc.chars().any(is_invisible) || has_stray_mark(&nfc) {
            return Err(AppError::bad_input(
                field,
                "slug must not contain invisible characters (zero-width, format or control characters, or a combining mark on its own)",
            )
            .because(Reason::InvisibleCharacters));
        }
        if !nfc.chars().any(is_visible_alphanumeric) {
            return Err(AppError::bad_input(
                field,
                "slug must contain at least one visible letter or digit",
            )
            .because(Reason::NoLetterOrDigit));
        }
        Ok(Self(nfc))
    }

    /// Makes a slug from a title: compatibility-normalized, lowercased, separators become
    /// hyphens, invisible characters (zero-width, format, control) and combining marks with
    /// nothing to sit on are dropped, cut at a character boundary. `None` when the title has no
    /// visible letter or digit.
    pub fn from_title(title: &str) -> Option<Self> {
        if title.is_ascii() {
            return Self::from_ascii_title(title);
        }
        Self::from_any_title(title)
    }

    /// [`Slug::from_title`] for ASCII text, where normalizing and the Unicode categories change
    /// nothing: the same slug without their cost (headings are slugged once each on every
    /// render, and a 1 MiB body holds 260,000 of them).
    fn from_ascii_title(title: &str) -> Option<Self> {
        let mut out = String::with_capacity(title.len().min(GENERATED_SLUG_CHARS));
        let mut pending_hyphen = false;
        for c in title.chars() {
            if c.is_ascii_control() && !c.is_ascii_whitespace() {
                continue;
            }
            if !c.is_ascii_alphanumeric() {
                pending_hyphen = !out.is_empty();
                continue;
            }
            if pending_hyphen {
                if out.len() + 1 >= GENERATED_SLUG_CHARS {
                    break;
                }
                out.push('-');
                pending_hyphen = false;
            }
            if out.len() >= GENERATED_SLUG_CHARS {
                break;
            }
            out.push(c.to_ascii_lowercase());
        }
        (!out.is_empty()).then_some(Self(out))
    }

    fn from_any_title(title: &str) -> Option<Self> {
        let mut out = String::with_capacity(title.len());
        let mut count = 0;
        let mut pending_hyphen = false;
        for c in title.nfkc().flat_map(char::to_lowercase) {
            if is_invisible(c) && !c.is_whitespace() {
                continue;
            }
            if is_mark(c) && (out.is_empty() || pending_hyphen) {
                continue;
            }
            if is_separator(c) || c.is_uppercase() {
                pending_hyphen = !out.is_empty();
                continue;
            }
            if pending_hyphen {
                if count + 1 >= GENERATED_SLUG_CHARS {
                    break;
                }
                out.push('-');
                count += 1;
                pending_hyphen = false;
            }
            if count >= GENERATED_SLUG_CHARS {
                break;
            }
            out.push(c);
            count += 1;
        }
        let out: String = out.trim_end_matches('-').nfc().collect();
        out.chars()
            .any(is_visible_alphanumeric)
            .then_some(Self(out))
    }

    /// The slug with `-n` appended, staying within the length limit.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let keep = MAX_SLUG_CHARS - suffix.len();
        let base: String = self.0.chars().take(keep).collect();
        Self(format!("{}{suffix}", base.trim_end_matches('-')))
    }

    /// `prefix` (itself a valid slug) followed by the last 12 hex digits of `id`: unique for
    /// distinct IDs, used when a title yields no slug or its slugs are all taken.
    pub fn for_id(prefix: &str, id: uuid::Uuid) -> Self {
        let hex = id.simple().to_string();
        let tail = &hex[hex.len().saturating_sub(12)..];
        let keep = MAX_SLUG_CHARS - tail.len() - 1;
        let head: String = prefix.chars().take(keep).collect();
        Self(format!("{}-{tail}", head.trim_end_matches('-')))
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The slug as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slugify(title: &str) -> Option<String> {
        Slug::from_title(title).map(Slug::into_string)
    }

    #[test]
    fn the_ascii_fast_path_gives_the_general_paths_slug() {
        // Every ASCII character, in random titles of up to 200 characters (xorshift, so a
        // failure reproduces), including control characters and titles past the length cap.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 200) as usize;
            let title: String = (0..len)
                .map(|i| {
                    let r = state.rotate_left(i as u32 * 7) ^ (i as u64 * 0x9E37);
                    let pool = b"aZ09 -_.,:;!?\t\n\x01\x7f/#&()[]{}'\"xyzABC";
                    pool[(r % pool.len() as u64) as usize] as char
                })
                .collect();
            assert_eq!(
                Slug::from_ascii_title(&title),
                Slug::from_any_title(&title),
                "{title:?}"
            );
        }
        let long = "Word ".repeat(40);
        assert_eq!(Slug::from_ascii_title(&long), Slug::from_any_title(&long));
    }

    #[test]
    fn slugs_from_latin_titles() {
        assert_eq!(slugify("Hello, World!").as_deref(), Some("hello-world"));
        assert_eq!(
            slugify("  Incoterms 2020: FOB vs. CIF  ").as_deref(),
            Some("incoterms-2020-fob-vs-cif")
        );
        assert_eq!(slugify("Café Münster").as_deref(), Some("café-münster"));
    }

    #[test]
    fn slugs_from_chinese_titles_keep_the_words() {
        assert_eq!(
            slugify("扩散模型入门：从原理到实践").as_deref(),
            Some("扩散模型入门-从原理到实践")
        );
        assert_eq!(slugify("一、简介").as_deref(), Some("一-简介"));
        assert_eq!(slugify("ＡＢＣ１２３ 外贸").as_deref(), Some("abc123-外贸"));
        assert_eq!(slugify("Привет, мир").as_deref(), Some("привет-мир"));
        assert_eq!(slugify("नमस्ते दुनिया").as_deref(), Some("नमस्ते-दुनिया"));
    }

    #[test]
    fn a_title_without_letters_gives_no_slug() {
        assert_eq!(slugify("!!! 🎉 ？"), None);
    }

    #[test]
    fn invisible_characters_are_dropped_from_generated_slugs() {
        assert_eq!(
            slugify("Hello\u{200B}World\u{FEFF}").as_deref(),
            Some("helloworld")
        );
        assert_eq!(
            slugify("Trade\u{00AD}fair 2026").as_deref(),
            Some("tradefair-2026")
        );
        assert_eq!(slugify("\u{202E}abc\u{202C}").as_deref(), Some("abc"));
        assert_eq!(
            slugify("\u{0301}abc \u{0301}def").as_deref(),
            Some("abc-def")
        );
        assert_eq!(slugify("cafe\u{0301}").as_deref(), Some("café"));
        assert_eq!(slugify("外贸\u{200D}展会").as_deref(), Some("外贸展会"));
    }

    #[test]
    fn a_title_of_invisible_characters_gives_no_slug() {
        for title in [
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}",
            "\u{00AD}",
            "\u{202A}\u{202B}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}\u{200E}\u{200F}",
            "\u{0301}\u{0302}\u{20DD}",
            "\u{034F}\u{FE0F}\u{E0001}\u{E0041}",
            "\u{3164}\u{115F}\u{FFA0}",
            "\u{180E}\u{061C}",
            "- \u{200B} -",
        ] {
            assert_eq!(slugify(title), None, "{title:?}");
        }
    }

    #[test]
    fn invisible_slugs_are_refused() {
        for bad in [
            "\u{200B}",
            "\u{FEFF}",
            "\u{00AD}",
            "\u{0301}",
            "\u{3164}",
            "\u{034F}",
            "a\u{FEFF}b",
            "a-\u{0301}b",
            "\u{2060}hello",
            "hello\u{E0001}",
            "\u{180E}",
        ] {
            assert!(
                Slug::parse("slug", bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        for good in ["café", "cafe\u{0301}", "नमस्ते-दुनिया", "١٢٣"] {
            assert!(
                Slug::parse("slug", good).is_ok(),
                "{good:?} should be accepted"
            );
        }
    }

    #[test]
    fn generated_slugs_are_valid_and_bounded() {
        let long = "外贸".repeat(200);
        let slug = slugify(&long).unwrap_or_default();
        assert_eq!(slug.chars().count(), 80);
        assert!(Slug::parse("slug", &slug).is_ok());
        let s = Slug::parse("slug", &"a".repeat(120)).map(|s| s.with_suffix(12).into_string());
        assert_eq!(s.map(|s| s.chars().count()).ok(), Some(120));
    }

    #[test]
    fn invalid_slugs_are_refused() {
        for bad in [
            "",
            "Hello",
            "a b",
            "a--b",
            "-a",
            "a-",
            "a/b",
            "../etc",
            "a_b",
            "外贸，展会",
            "a\u{0}",
        ] {
            assert!(
                Slug::parse("slug", bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        for good in ["a", "hello-world", "扩散模型", "2026-trade-fair", "привет"] {
            assert!(
                Slug::parse("slug", good).is_ok(),
                "{good:?} should be accepted"
            );
        }
    }
}
