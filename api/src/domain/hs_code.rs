//! Harmonized System codes: the 6 internationally shared digits, with up to 4 national ones.
use crate::error::{AppError, AppResult, Reason};

/// An HS code as digits only (`848180`, `8481809000`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HsCode(String);

impl HsCode {
    /// Parses 6 to 10 digits; the dots and spaces customs documents write (`8481.80.90`) are
    /// dropped. BAD_USER_INPUT on `field` otherwise.
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let digits: String = value
            .trim()
            .chars()
            .filter(|c| *c != '.' && *c != ' ')
            .collect();
        if (6..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Self(digits));
        }
        Err(AppError::bad_input(
            field,
            format!("{value:?} is not an HS code: 6 to 10 digits, such as 8481.80"),
        )
        .because(Reason::InvalidHsCode)
        .with("value", value.trim()))
    }

    /// The digits.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_to_ten_digits_with_customs_punctuation_dropped() {
        let ok = |v: &str| HsCode::parse("h", v).map(HsCode::into_string).ok();
        assert_eq!(ok("848180").as_deref(), Some("848180"));
        assert_eq!(ok("8481.80.90").as_deref(), Some("84818090"));
        assert_eq!(ok(" 8481 80 9000 ").as_deref(), Some("8481809000"));
        for bad in [
            "84818",
            "84818090001",
            "8481-80",
            "84818a",
            "",
            "８４８１８０",
        ] {
            assert!(HsCode::parse("h", bad).is_err(), "{bad}");
        }
    }
}
