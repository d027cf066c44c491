//! Email addresses, lowercased for comparison.
use crate::error::{AppError, AppResult, Reason};

/// An email address in lowercase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Checks the shape of an address (one `@`, a dotted domain, no spaces, RFC length limits).
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let value = value.trim().to_lowercase();
        let invalid = || {
            AppError::bad_input(field, "email must be an address such as name@example.com")
                .because(Reason::InvalidEmail)
        };
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && value.len() <= 254
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !value
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
        if !ok {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(
            Email::parse("email", " Ann@Example.COM ").ok().map(|e| e.0),
            Some("ann@example.com".into())
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad:?}");
        }
    }
}
