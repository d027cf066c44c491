//! What a list shows of a body (derived excerpt, word count, reading time, table of contents),
//! made once when the body is written and kept with the article, so that a list neither reads
//! bodies nor renders them.
use super::markdown::{Rendered, TocEntry, render};
use super::{MAX_EXCERPT_UNITS, derive_excerpt, random_markdown, text_stats};
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// A body's digest, stored as JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    /// The excerpt derived from the text (used when the article has no explicit one).
    pub excerpt: String,
    /// Words in the text; each Chinese or Japanese character counts as one.
    pub words: u64,
    /// Minutes to read, rounded up.
    pub minutes: u64,
    /// The table of contents, with the anchors of the HTML.
    pub toc: Vec<TocEntry>,
}

impl Digest {
    /// The digest of a rendering.
    pub fn of(rendered: &Rendered) -> Self {
        let stats = text_stats(&rendered.text);
        Self {
            excerpt: derived_excerpt(rendered),
            words: u64::from(stats.words),
            minutes: u64::from(stats.reading_minutes),
            toc: rendered.toc.clone(),
        }
    }

    /// As stored.
    pub fn to_json(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }

    /// A stored digest, when it was made by this renderer (`rev` is [`revision`]); `None` when it
    /// is missing, stale or unreadable, and the body must be rendered instead.
    pub fn stored(rev: Option<i32>, json: Option<&str>) -> Option<Self> {
        if rev != Some(revision()) {
            return None;
        }
        serde_json::from_str(json?).ok()
    }
}

/// The excerpt derived from a rendering: from its paragraphs, or from all its text when it has
/// none (a body of only headings, lists or tables).
pub fn derived_excerpt(rendered: &Rendered) -> String {
    let source = if rendered.paragraphs.trim().is_empty() {
        &rendered.text
    } else {
        &rendered.paragraphs
    };
    derive_excerpt(source, MAX_EXCERPT_UNITS)
}

/// Bumped by hand when the digest's own format or derivation changes.
const FORMAT: u64 = 1;

/// The revision of the renderer and of the digest format: a hash of what the renderer makes of
/// a fixed sample (headings, anchors, lists, tables, Chinese text, raw HTML), so that any change
/// to the renderer's output makes every stored digest stale without anyone remembering to bump
/// a number. FNV-1a, stable across builds and platforms.
pub fn revision() -> i32 {
    static REVISION: LazyLock<i32> = LazyLock::new(|| {
        let mut sample = String::from(
            "# 外贸 Guide\n\n## 一、简介\n\nIncoterms 2020 与 **FOB** 价格。\n\n## 一、简介\n\n\
             - item\n  - nested\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<div><p>raw</p></div>\n\n\
             ### Café & «quotes» `code`\n",
        );
        sample.push_str(&random_markdown(0x5eed, 4096));
        let rendered = render(&sample);
        let digest = Digest::of(&rendered);
        let digest = digest.to_json().unwrap_or_default();
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ FORMAT;
        for byte in rendered.html.bytes().chain(digest.bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        // Positive, so it reads well in the database; 31 bits are plenty to tell revisions apart.
        i32::try_from(hash & 0x7fff_ffff).unwrap_or(1)
    });
    *REVISION
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_round_trips_and_matches_the_rendering() {
        let rendered = render("# 标题\n\n第一段文字，关于外贸。\n\n## Two\n\nSome words here.\n");
        let digest = Digest::of(&rendered);
        assert_eq!(digest.toc, rendered.toc);
        assert!(
            digest.excerpt.starts_with("第一段文字"),
            "{}",
            digest.excerpt
        );
        assert!(digest.words > 5);
        let json = digest.to_json().unwrap_or_default();
        assert_eq!(Digest::stored(Some(revision()), Some(&json)), Some(digest));
    }

    #[test]
    fn a_stale_missing_or_broken_digest_is_not_used() {
        let json = Digest::of(&render("text")).to_json().unwrap_or_default();
        assert_eq!(Digest::stored(None, Some(&json)), None);
        assert_eq!(
            Digest::stored(Some(revision().wrapping_add(1)), Some(&json)),
            None
        );
        assert_eq!(Digest::stored(Some(revision()), None), None);
        assert_eq!(
            Digest::stored(Some(revision()), Some("{\"excerpt\":")),
            None
        );
    }

    #[test]
    fn the_revision_is_stable_within_a_build() {
        assert_eq!(revision(), revision());
        assert!(revision() > 0);
    }
}
