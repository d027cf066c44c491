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

#[tokio::test]
async fn an_index_of_an_older_layout_is_replaced_and_rebuilt() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    // An index as an older build wrote it: another set of fields, one document.
    {
        let mut b = tantivy::schema::Schema::builder();
        let title = b.add_text_field("title", tantivy::schema::TEXT);
        let old = Index::create_in_dir(dir.path(), b.build())?;
        let mut writer: IndexWriter = old.writer(15_000_000)?;
        let mut d = TantivyDocument::default();
        d.add_text(title, "old");
        writer.add_document(d)?;
        writer.commit()?;
        std::fs::write(
            dir.path().join(SEGMENTATION_FILE),
            text::SEGMENTATION_VERSION.to_string(),
        )?;
    }
    let index = EmbeddedIndex::open(dir.path())?;
    assert!(
        index.needs_rebuild(),
        "the new, empty index awaits its rebuild"
    );
    drop(index);
    let index = EmbeddedIndex::open(dir.path())?;
    assert!(index.needs_rebuild(), "still after a restart, though empty");
    let d = article("Экспорт мебели");
    index.upsert(vec![d.clone()]).await?;
    index.mark_rebuilt()?;
    let found = index
        .search(&SearchRequest {
            text: "мебели".into(),
            limit: 5,
            ..SearchRequest::default()
        })
        .await?;
    assert_eq!(found.hits.first().map(|h| h.id), Some(d.id));
    drop(index);
    assert!(!EmbeddedIndex::open(dir.path())?.needs_rebuild());
    Ok(())
}

#[tokio::test]
async fn an_index_from_before_products_were_searchable_awaits_a_rebuild() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let index = EmbeddedIndex::open(dir.path())?;
    index.upsert(vec![article("Экспорт мебели")]).await?;
    drop(index);
    assert!(!EmbeddedIndex::open(dir.path())?.needs_rebuild());
    // As a version without product search left it: the articles' index alone.
    std::fs::remove_dir_all(dir.path().join("products"))?;
    let index = EmbeddedIndex::open(dir.path())?;
    assert!(index.needs_rebuild(), "its products were never indexed");
    drop(index);
    let index = EmbeddedIndex::open(dir.path())?;
    assert!(index.needs_rebuild(), "still after a restart, though empty");
    index.mark_rebuilt()?;
    drop(index);
    assert!(!EmbeddedIndex::open(dir.path())?.needs_rebuild());
    Ok(())
}
