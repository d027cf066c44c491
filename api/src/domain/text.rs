//! Length and content limits for free text fields.
use crate::error::{AppError, AppResult};

/// Trims `value` and checks it is between `min` and `max` characters with no control characters
/// other than tab and newline.
pub fn bounded_text(field: &str, value: &str, min: usize, max: usize) -> AppResult<String> {
    let value = value.trim();
    let len = value.chars().count();
    if len < min {
        return Err(if min == 1 {
            AppError::bad_input(field, format!("{field} must not be empty"))
        } else {
            AppError::bad_input(field, format!("{field} must be at least {min} characters"))
        });
    }
    if len > max {
        return Err(AppError::bad_input(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(AppError::bad_input(
            field,
            format!("{field} contains control characters"),
        ));
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
}
