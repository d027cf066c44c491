//! Heading anchors: readable in any script, stable for the same text, unique in a document.
use crate::domain::Slug;
use std::collections::HashSet;

/// Hands out unique anchors for the headings of one document.
#[derive(Default)]
pub struct Anchors {
    used: HashSet<String>,
}

impl Anchors {
    /// The anchor for a heading's text: its slug (`3.1 基本模型` → `3-1-基本模型`), `section`
    /// when the text has no letter or digit, with `-2`, `-3`, … for repeats.
    pub fn anchor_for(&mut self, text: &str) -> String {
        let base = Slug::from_title(text)
            .map(Slug::into_string)
            .unwrap_or_else(|| "section".to_owned());
        if self.used.insert(base.clone()) {
            return base;
        }
        (2u64..)
            .map(|n| format!("{base}-{n}"))
            .find(|candidate| self.used.insert(candidate.clone()))
            .unwrap_or(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_readable_and_unique() {
        let mut a = Anchors::default();
        assert_eq!(a.anchor_for("一、简介"), "一-简介");
        assert_eq!(a.anchor_for("3.1 基本模型"), "3-1-基本模型");
        assert_eq!(a.anchor_for("4.1.1 生成式语言模型"), "4-1-1-生成式语言模型");
        assert_eq!(a.anchor_for("Overview"), "overview");
        assert_eq!(a.anchor_for("Overview"), "overview-2");
        assert_eq!(a.anchor_for("overview"), "overview-3");
        assert_eq!(a.anchor_for("Overview 2"), "overview-2-2");
        assert_eq!(a.anchor_for("🎉"), "section");
        assert_eq!(a.anchor_for("？"), "section-2");
    }
}
