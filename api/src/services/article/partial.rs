//! Articles of which only some columns are read: a list or a search that shows titles and
//! slugs need not read kilobytes of body per row.
use super::digest::load_missing_bodies;
use crate::db::id_in;
use crate::error::AppResult;
use chrono::DateTime;
use entities::article::{self, ArticleStatus};
use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryResult, QuerySelect, QueryTrait,
};
use uuid::Uuid;

/// Whether `column` is in a list of columns to read.
pub(super) fn has_column(columns: &[article::Column], column: article::Column) -> bool {
    columns
        .iter()
        .any(|c| std::mem::discriminant(c) == std::mem::discriminant(&column))
}

/// Adds `column` to a list of columns to read, unless it is there already.
pub fn add_column(columns: &mut Vec<article::Column>, column: article::Column) {
    if !has_column(columns, column) {
        columns.push(column);
    }
}

/// An article of which only `columns` were read, from a row holding them in that order; every
/// other field is empty (nil IDs, empty text, `None`, the epoch).
pub(super) fn partial_article(
    row: &QueryResult,
    columns: &[article::Column],
) -> Result<article::Model, DbErr> {
    use article::Column as C;
    let mut a = article::Model {
        id: Uuid::nil(),
        site_id: Uuid::nil(),
        translation_group_id: Uuid::nil(),
        locale: String::new(),
        slug: String::new(),
        title: String::new(),
        body: String::new(),
        excerpt: None,
        status: ArticleStatus::Draft,
        published_at: None,
        scheduled_at: None,
        author_id: None,
        cover_media_id: None,
        meta_title: None,
        meta_description: None,
        canonical_url: None,
        og_image_media_id: None,
        version: 0,
        created_at: DateTime::UNIX_EPOCH,
        updated_at: DateTime::UNIX_EPOCH,
        digest_rev: None,
        digest: None,
    };
    for (i, column) in columns.iter().enumerate() {
        match column {
            C::Id => a.id = row.try_get_by_index(i)?,
            C::SiteId => a.site_id = row.try_get_by_index(i)?,
            C::TranslationGroupId => a.translation_group_id = row.try_get_by_index(i)?,
            C::Locale => a.locale = row.try_get_by_index(i)?,
            C::Slug => a.slug = row.try_get_by_index(i)?,
            C::Title => a.title = row.try_get_by_index(i)?,
            C::Body => a.body = row.try_get_by_index(i)?,
            C::Excerpt => a.excerpt = row.try_get_by_index(i)?,
            C::Status => a.status = row.try_get_by_index(i)?,
            C::PublishedAt => a.published_at = row.try_get_by_index(i)?,
            C::ScheduledAt => a.scheduled_at = row.try_get_by_index(i)?,
            C::AuthorId => a.author_id = row.try_get_by_index(i)?,
            C::CoverMediaId => a.cover_media_id = row.try_get_by_index(i)?,
            C::MetaTitle => a.meta_title = row.try_get_by_index(i)?,
            C::MetaDescription => a.meta_description = row.try_get_by_index(i)?,
            C::CanonicalUrl => a.canonical_url = row.try_get_by_index(i)?,
            C::OgImageMediaId => a.og_image_media_id = row.try_get_by_index(i)?,
            C::Version => a.version = row.try_get_by_index(i)?,
            C::CreatedAt => a.created_at = row.try_get_by_index(i)?,
            C::UpdatedAt => a.updated_at = row.try_get_by_index(i)?,
            C::DigestRev => a.digest_rev = row.try_get_by_index(i)?,
            C::Digest => a.digest = row.try_get_by_index(i)?,
        }
    }
    Ok(a)
}

/// The articles with these IDs, whatever their status, reading only `columns` (plus the ID and
/// the status, which callers check) when given, whole rows otherwise. A digest not yet stored
/// is made from the body, read for those rows only.
pub async fn articles_by_id(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
    columns: Option<&[article::Column]>,
) -> AppResult<Vec<article::Model>> {
    let by_id =
        article::Entity::find().filter(id_in(db.get_database_backend(), article::Column::Id, ids));
    let Some(asked) = columns else {
        return Ok(by_id.all(db).await?);
    };
    let mut columns = asked.to_vec();
    add_column(&mut columns, article::Column::Id);
    add_column(&mut columns, article::Column::Status);
    let mut query = by_id.select_only();
    for column in &columns {
        query = query.column(*column);
    }
    let mut rows = db
        .query_all_raw(query.build(db.get_database_backend()))
        .await?
        .iter()
        .map(|row| partial_article(row, &columns))
        .collect::<Result<Vec<_>, _>>()?;
    if has_column(&columns, article::Column::Digest) && !has_column(&columns, article::Column::Body)
    {
        load_missing_bodies(db, &mut rows, false).await?;
    }
    Ok(rows)
}
