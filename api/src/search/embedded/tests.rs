use super::segmentation::SEGMENTATION_FILE;
use super::*;

fn article(title: &str) -> SearchDoc {
    SearchDoc {
        id: Uuid::new_v4(),
        site: Uuid::new_v4(),
        locale: "ru".into(),
        title: title.into(),
        excerpt: String::new(),
        body: String::new(),
        tags: Vec::new(),
        status: "published".into(),
        published_at: 1_700_000_000,
    }
}

fn marker(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join(SEGMENTATION_FILE)).ok()
}

#[tokio::test]
async fn an_index_built_with_another_segmentation_is_marked_for_rebuild() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let index = EmbeddedIndex::open(dir.path())?;
    assert!(!index.needs_rebuild(), "a new, empty index is current");
    assert_eq!(
        marker(dir.path()),
        Some(text::SEGMENTATION_VERSION.to_string())
    );
    index.upsert(vec![article("Экспорт мебели")]).await?;
    drop(index);

    // Documents written by a build with the first segmentation (or with no marker at all).
    std::fs::write(dir.path().join(SEGMENTATION_FILE), "1")?;
    let index = EmbeddedIndex::open(dir.path())?;
    assert!(index.needs_rebuild());
    drop(index);
    std::fs::remove_file(dir.path().join(SEGMENTATION_FILE))?;
    let index = EmbeddedIndex::open(dir.path())?;
    assert!(index.needs_rebuild());

    index.mark_rebuilt()?;
    assert!(!index.needs_rebuild());
    drop(index);
    let index = EmbeddedIndex::open(dir.path())?;
    assert!(!index.needs_rebuild(), "the rebuild is remembered");
    Ok(())
}
