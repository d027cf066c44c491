//! Which word segmentation the index's documents were cut with: a marker file in the index
//! folder, so an index written by an older [`text::words`] is rebuilt rather than searched with
//! tokens that no longer match.
use super::text;
use anyhow::Context;
use std::path::Path;

/// File in the index folder holding the [`text::SEGMENTATION_VERSION`] its documents were
/// indexed with. Written when a rebuild completes, or at once for an empty index.
pub(super) const SEGMENTATION_FILE: &str = "wharf-segmentation";

/// Whether an index holding `documents` in `dir` was cut with another segmentation. An empty
/// index is marked current at once.
pub(super) fn is_stale(dir: &Path, documents: u64) -> anyhow::Result<bool> {
    let indexed_with = std::fs::read_to_string(dir.join(SEGMENTATION_FILE)).ok();
    if indexed_with.as_deref().map(str::trim) == Some(PENDING) {
        return Ok(true);
    }
    let current = text::SEGMENTATION_VERSION.to_string();
    if indexed_with.as_deref().map(str::trim) == Some(current.as_str()) {
        return Ok(false);
    }
    if documents == 0 {
        mark_current(dir)?;
        return Ok(false);
    }
    Ok(true)
}

/// What the marker holds while an index replaced by an empty one awaits its rebuild.
const PENDING: &str = "rebuild";

/// Records that the index in `dir` must be rebuilt before it is current, even while empty.
pub(super) fn mark_pending(dir: &Path) -> anyhow::Result<()> {
    std::fs::write(dir.join(SEGMENTATION_FILE), PENDING)
        .with_context(|| format!("writing {SEGMENTATION_FILE} in {}", dir.display()))
}

/// Records that every document in `dir` was cut with the current segmentation.
pub(super) fn mark_current(dir: &Path) -> anyhow::Result<()> {
    std::fs::write(
        dir.join(SEGMENTATION_FILE),
        text::SEGMENTATION_VERSION.to_string(),
    )
    .with_context(|| format!("writing {SEGMENTATION_FILE} in {}", dir.display()))
}
