//! BCP 47 locale tags in canonical case: `en`, `zh-CN`, `zh-Hans`, `pt-BR`, `es-419`.
use crate::error::{AppError, AppResult, Reason};

/// A locale tag: language, optional script, optional region.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Locale(String);

impl Locale {
    /// Parses `zh_cn`, `ZH-hans-cn`, `en` and similar into canonical case.
    pub fn parse(field: &str, value: &str) -> AppResult<Self> {
        let invalid = || {
            AppError::bad_input(
                field,
                format!("{value:?} is not a locale tag such as en, zh-CN or zh-Hans"),
            )
            .because(Reason::InvalidLocale)
            .with("value", value)
        };
        let mut parts = value.trim().split(['-', '_']);
        let language = parts
            .next()
            .filter(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()));
        let mut out = language.ok_or_else(invalid)?.to_ascii_lowercase();
        let mut seen_script = false;
        let mut seen_region = false;
        for part in parts {
            if !seen_script
                && !seen_region
                && part.len() == 4
                && part.chars().all(|c| c.is_ascii_alphabetic())
            {
                let mut chars = part.chars();
                out.push('-');
                out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
                out.extend(chars.map(|c| c.to_ascii_lowercase()));
                seen_script = true;
            } else if !seen_region
                && ((part.len() == 2 && part.chars().all(|c| c.is_ascii_alphabetic()))
                    || (part.len() == 3 && part.chars().all(|c| c.is_ascii_digit())))
            {
                out.push('-');
                out.push_str(&part.to_ascii_uppercase());
                seen_region = true;
            } else {
                return Err(invalid());
            }
        }
        Ok(Self(out))
    }

    /// The tag as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The tag as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<String> {
        Locale::parse("locale", s).ok().map(Locale::into_string)
    }

    #[test]
    fn locales_are_canonicalized() {
        assert_eq!(p("en").as_deref(), Some("en"));
        assert_eq!(p("zh_cn").as_deref(), Some("zh-CN"));
        assert_eq!(p("ZH-hans").as_deref(), Some("zh-Hans"));
        assert_eq!(p("zh-hant-tw").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(p("es-419").as_deref(), Some("es-419"));
    }

    #[test]
    fn invalid_locales_are_refused() {
        for bad in [
            "",
            "e",
            "english",
            "en-",
            "en-US-x",
            "en-US-GB",
            "中文",
            "en US",
            "zh-CN-Hans",
        ] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
    }
}
