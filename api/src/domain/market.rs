//! Market tags: the categories and languages of offers and site profiles.
use super::{Locale, bounded_text};
use crate::error::{AppError, AppResult, Reason};

/// Most categories or languages on one offer or profile.
pub const MAX_TAGS: usize = 20;

/// Normalizes market categories: trimmed, lowercase, unique.
pub fn parse_categories(field: &str, raw: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for c in raw {
        let c = bounded_text(field, &c.to_lowercase(), 1, 60)?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(
            AppError::bad_input(field, format!("at most {MAX_TAGS} values"))
                .because(Reason::TooMany)
                .with("max", MAX_TAGS),
        );
    }
    Ok(out)
}

/// Normalizes languages as locale tags (`zh_cn` → `zh-CN`), unique.
pub fn parse_languages(field: &str, raw: &[String]) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for l in raw {
        let l = Locale::parse(field, l)?.into_string();
        if !out.contains(&l) {
            out.push(l);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(
            AppError::bad_input(field, format!("at most {MAX_TAGS} values"))
                .because(Reason::TooMany)
                .with("max", MAX_TAGS),
        );
    }
    Ok(out)
}
