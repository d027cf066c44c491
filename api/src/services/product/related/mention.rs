//! Whether a text mentions a model number: in any case, as a whole token, so that `AB-12` is
//! found in `the AB-12 valve`, `型号AB-12的阀门` and `(ab-12)`, but not in `AB-123`, `XAB-12`
//! or `AB-12-S`. The database finds candidates first with `LIKE`, a substring test; this
//! decides.

/// The escape character of the `LIKE` patterns made here (`ESCAPE '!'`): not the backslash,
/// which PostgreSQL and SQLite treat differently in string literals.
pub(super) const ESCAPE: char = '!';

/// The `LIKE` pattern of texts containing `model` (in lower case, like the `LOWER(column)` it
/// is compared with), where `%` and `_` in the model number are themselves, not wildcards.
pub(super) fn like_pattern(model: &str) -> String {
    let mut out = String::with_capacity(model.len() + 4);
    out.push('%');
    for c in model.to_lowercase().chars() {
        if matches!(c, '%' | '_' | ESCAPE) {
            out.push(ESCAPE);
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Scripts written without spaces between words: a model number can touch their characters
/// and still be a token of its own (`型号AB-12的`).
fn unspaced(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'        // kana
        | '\u{3400}'..='\u{4DBF}'      // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'      // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}'      // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'      // CJK compatibility ideographs
        | '\u{20000}'..='\u{323AF}') // CJK extensions B and later
}

/// A character that, next to a match, makes it part of a longer token: letters and digits of
/// spaced scripts, and the joiners model numbers are written with.
fn continues(c: char) -> bool {
    (c.is_alphanumeric() && !unspaced(c)) || matches!(c, '-' | '_')
}

/// Whether the characters beside a match (nearest first) extend it: a token character, or a
/// dot followed by one (`AB-12.5`, whereas `… AB-12.` ends a sentence).
fn extends(mut beside: impl Iterator<Item = char>) -> bool {
    match beside.next() {
        Some('.') => beside
            .next()
            .is_some_and(|c| c.is_alphanumeric() && !unspaced(c)),
        Some(c) => continues(c),
        None => false,
    }
}

/// Whether `text` mentions `model` as a whole token, in any case.
pub(super) fn mentions(text: &str, model: &str) -> bool {
    let model = model.trim().to_lowercase();
    if model.is_empty() {
        return false;
    }
    let text = text.to_lowercase();
    text.match_indices(model.as_str()).any(|(at, found)| {
        let end = at + found.len();
        !extends(text[..at].chars().rev()) && !extends(text[end..].chars())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_number_is_found_only_as_a_whole_token() {
        assert!(mentions("The AB-12 valve.", "AB-12"));
        assert!(mentions("about ab-12", "AB-12"));
        assert!(mentions("Our AB-12.", "AB-12"));
        assert!(mentions("**AB-12**, (AB-12)", "ab-12"));
        assert!(mentions("型号AB-12的阀门", "AB-12"));
        assert!(mentions("see AB-123 and AB-12", "AB-12"));
        assert!(!mentions("The AB-123 valve", "AB-12"));
        assert!(!mentions("XAB-12", "AB-12"));
        assert!(!mentions("AB-12-S", "AB-12"));
        assert!(!mentions("AB-12.5", "AB-12"));
        assert!(!mentions("anything", " "));
    }

    #[test]
    fn wildcards_in_a_model_number_are_escaped_and_literal() {
        assert_eq!(like_pattern("AB%_1!"), "%ab!%!_1!!%");
        assert_eq!(like_pattern("球阀-Q1"), "%球阀-q1%");
        assert!(mentions("the X%5 pump", "X%5"));
        assert!(!mentions("the X25 pump", "X%5"));
        assert!(!mentions("the XY5 pump", "X_5"));
    }
}
