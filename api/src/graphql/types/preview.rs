//! The preview of a markdown body as the API shows it.
use super::article::TocEntry;
use crate::services::article::Preview;
use async_graphql::SimpleObject;

/// What a body would show once saved as an article (without an explicit excerpt): the same
/// renderer, sanitizer, table of contents and counts as `Article`.
#[derive(SimpleObject)]
pub struct MarkdownPreview {
    /// Sanitized HTML, as `Article.html`.
    pub html: String,
    /// Table of contents, as `Article.toc`.
    pub toc: Vec<TocEntry>,
    /// Words in the text; each Chinese or Japanese character counts as one.
    pub word_count: i32,
    /// Minutes to read, rounded up.
    pub reading_minutes: i32,
    /// The excerpt derived from the text, as `Article.excerpt` when none is written.
    pub excerpt: String,
}

impl From<Preview> for MarkdownPreview {
    fn from(p: Preview) -> Self {
        Self {
            html: p.html,
            toc: p.digest.toc.iter().map(Into::into).collect(),
            word_count: i32::try_from(p.digest.words).unwrap_or(i32::MAX),
            reading_minutes: i32::try_from(p.digest.minutes).unwrap_or(i32::MAX),
            excerpt: p.digest.excerpt,
        }
    }
}
