//! Length and content limits for free text fields, and what counts as visible text.
use crate::error::{AppError, AppResult, Reason};
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// Whether `c` shows nothing by itself: control (Cc) and format (Cf) characters and the other
/// default-ignorable code points of Unicode (zero-width spaces and joiners, the soft hyphen,
/// bidirectional controls, variation selectors, Hangul fillers, tag characters…).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control | GeneralCategory::Format
    ) || is_default_ignorable(c)
}

/// Unicode's `Default_Ignorable_Code_Point` (DerivedCoreProperties.txt, stable since 6.x).
fn is_default_ignorable(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF
    )
}

/// Whether `c` is a combining mark (Mn, Mc, Me): visible only on the character before it.
pub fn is_mark(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Mark
}

/// Whether `c` is a letter or number that shows (a Hangul filler is a letter that does not).
pub fn is_visible_alphanumeric(c: char) -> bool {
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
    ) && !is_invisible(c)
}

/// Whether `value` shows anything: a character that is not white space, not invisible and not
/// a combining mark (which, alone, has nothing to sit on).
pub fn has_visible(value: &str) -> bool {
    value
        .chars()
        .any(|c| !c.is_whitespace() && !is_invisible(c) && !is_mark(c))
}

/// Trims `value` and checks it is between `min` and `max` characters with no control characters
/// other than tab and newline. A required value (`min` ≥ 1) must also show something: a title
/// of zero-width characters is as empty as no title.
pub fn bounded_text(field: &str, value: &str, min: usize, max: usize) -> AppResult<String> {
    let value = value.trim();
    let len = value.chars().count();
    if len < min {
        return Err(if min == 1 {
            AppError::bad_input(field, format!("{field} must not be empty")).because(Reason::Empty)
        } else {
            AppError::bad_input(field, format!("{field} must be at least {min} characters"))
                .because(Reason::TooShort)
                .with("min", min)
        });
    }
    if len > max {
        return Err(AppError::bad_input(
            field,
            format!("{field} must be at most {max} characters"),
        )
        .because(Reason::TooLong)
        .with("max", max));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(
            AppError::bad_input(field, format!("{field} contains control characters"))
                .because(Reason::ControlCharacters),
        );
    }
    if min > 0 && !has_visible(value) {
        return Err(AppError::bad_input(
            field,
            format!("{field} must contain a visible character, not only invisible ones"),
        )
        .because(Reason::NothingVisible));
    }
    Ok(value.to_owned())
}

/// Like [`bounded_text`], but an empty or absent value becomes `None`.
pub fn optional_text(field: &str, value: Option<&str>, max: usize) -> AppResult<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => bounded_text(field, v, 1, max).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded_in_characters_not_bytes() {
        assert_eq!(
            bounded_text("title", "  外贸展会  ", 1, 4).ok().as_deref(),
            Some("外贸展会")
        );
        assert!(bounded_text("title", "外贸展会指南", 1, 4).is_err());
        assert!(bounded_text("title", "   ", 1, 4).is_err());
        assert!(bounded_text("title", "a\u{0}b", 1, 4).is_err());
        assert_eq!(optional_text("x", Some("  "), 3).ok(), Some(None));
    }

    #[test]
    fn each_refusal_carries_its_reason_and_limits() {
        let reason = |r: AppResult<String>| r.err().map(|e| (e.reason, e.params));
        assert_eq!(
            reason(bounded_text("title", "abcde", 1, 4)),
            Some((Some(Reason::TooLong), vec![("max", 4usize.into())]))
        );
        assert_eq!(
            reason(bounded_text("title", "ab", 3, 4)),
            Some((Some(Reason::TooShort), vec![("min", 3usize.into())]))
        );
        assert_eq!(
            reason(bounded_text("title", " ", 1, 4)),
            Some((Some(Reason::Empty), vec![]))
        );
        assert_eq!(
            reason(bounded_text("title", "a\u{7}", 1, 4)),
            Some((Some(Reason::ControlCharacters), vec![]))
        );
        assert_eq!(
            reason(bounded_text("title", "\u{200B}", 1, 4)),
            Some((Some(Reason::NothingVisible), vec![]))
        );
    }

    #[test]
    fn text_of_invisible_characters_only_counts_as_empty() {
        for invisible in [
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}",
            "\u{00AD}\u{00AD}",
            "\u{202E}\u{2066}\u{2069}",
            "\u{0301}\u{0308}",
            "\u{034F}\u{FE0F}",
            "\u{3164}\u{FFA0}",
            "\u{E0041}\u{E007F}",
            " \u{200B} ",
        ] {
            let refused = bounded_text("title", invisible, 1, 100);
            assert!(
                refused.is_err_and(|e| e.field.as_deref() == Some("title")),
                "{invisible:?}"
            );
        }
        for visible in [
            "a\u{200B}",
            "\u{FEFF}Title",
            "!!!",
            "🎉",
            "e\u{0301}",
            "नमस्ते",
        ] {
            assert!(
                bounded_text("title", visible, 1, 100).is_ok(),
                "{visible:?}"
            );
        }
        // Optional text stays optional, but what is given must show.
        assert!(bounded_text("description", "\u{200B}", 0, 100).is_ok());
        assert!(optional_text("excerpt", Some("\u{200B}"), 100).is_err());
    }

    #[test]
    fn invisible_means_control_format_or_default_ignorable() {
        for c in [
            '\u{0}',
            '\u{7}',
            '\u{AD}',
            '\u{200B}',
            '\u{200E}',
            '\u{202E}',
            '\u{2066}',
            '\u{FEFF}',
            '\u{3164}',
            '\u{E0001}',
            '\u{FE0F}',
            '\u{180E}',
            '\u{061C}',
        ] {
            assert!(is_invisible(c), "{c:?}");
        }
        for c in ['a', '外', '٣', '-', ' ', '\u{0301}', '🎉'] {
            assert!(!is_invisible(c), "{c:?}");
        }
        assert!(!is_visible_alphanumeric('\u{3164}'));
        assert!(is_visible_alphanumeric('ж') && is_visible_alphanumeric('٣'));
    }
}
