//! Telephone numbers in E.164 form (`+4940123456`).
use crate::error::{AppError, AppResult, Reason};

/// A phone number as `+` and 7 to 15 digits, the first not 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Parses a number written with a leading `+` and the country code. Spaces, dashes, dots
    /// and parentheses between digits are dropped (`+49 (40) 123-456` is `+4940123456`);
    /// anything else is BAD_USER_INPUT on `field`.
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let bad = || {
            AppError::bad_input(
                field,
                "phone must be in international form with the country code, such as +49 40 1234567",
            )
            .because(Reason::InvalidPhone)
        };
        let value = value.trim();
        if value.len() > 40 {
            return Err(bad());
        }
        let rest = value.strip_prefix('+').ok_or_else(bad)?;
        let mut digits = String::with_capacity(16);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(bad()),
            }
        }
        if !(7..=15).contains(&digits.len()) || digits.starts_with('0') {
            return Err(bad());
        }
        Ok(Self(format!("+{digits}")))
    }

    /// The number, `+` and digits.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_e164_after_dropping_separators() {
        let parsed = |v: &str| Phone::parse("phone", v).ok().map(Phone::into_string);
        assert_eq!(parsed("+49 (40) 123-4567").as_deref(), Some("+49401234567"));
        assert_eq!(
            parsed(" +8613800138000 ").as_deref(),
            Some("+8613800138000")
        );
        for bad in [
            "",
            "040 1234567",
            "+0401234567",
            "+123",
            "+1234567890123456",
            "+49 40 ABC",
            "++4940123456",
            "+49/40/123456",
        ] {
            assert!(
                Phone::parse("phone", bad).is_err_and(|e| e.field.as_deref() == Some("phone")),
                "{bad:?}"
            );
        }
    }
}
