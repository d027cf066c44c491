//! Turning an article's markdown into what readers get: sanitized HTML with heading anchors, a
//! table of contents, a plain-text excerpt, and word and reading-time counts. Pure functions:
//! no database, no I/O, so they are cheap to test and to benchmark.

mod anchors;
mod excerpt;
mod markdown;
mod sanitize;
mod words;

pub use excerpt::{MAX_EXCERPT_UNITS, derive_excerpt};
pub use markdown::{Rendered, TocEntry, render};
pub use words::{TextStats, text_stats};
