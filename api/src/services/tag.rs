//! Tags of a site, and which articles carry them.
use crate::auth::Principal;
use crate::db::id_in;
use crate::domain::{Slug, bounded_text};
use crate::error::{AppError, AppResult, Reason, on_constraint};
use crate::services::pagination::{Cursor, Page, PageRequest};
use crate::services::{authz, now};
use entities::article::{self, ArticleStatus};
use entities::{article_tag, tag};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Most tags on one article.
pub const MAX_TAGS_PER_ARTICLE: usize = 20;
/// Longest tag name, in characters.
pub const MAX_TAG_NAME_CHARS: usize = 60;

const TAG_CONSTRAINTS: &[(&str, &str, &str)] = &[("tags_site_id_slug", "tags.slug", "slug")];

pub(crate) fn tag_slug(field: &str, name: &str, slug: Option<&str>) -> AppResult<Slug> {
    match slug {
        Some(slug) => Slug::parse("slug", slug),
        None => Slug::from_title(name).ok_or_else(|| {
            AppError::bad_input(
                field,
                format!("tag {name:?} has no letter or digit to make a slug from"),
            )
            .because(Reason::NoLetterOrDigit)
        }),
    }
}

/// Creates a tag on a site (content writers).
pub async fn create_tag(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
    name: &str,
    slug: Option<&str>,
) -> AppResult<tag::Model> {
    authz::require_content_writer(db, principal, site_id).await?;
    let name = bounded_text("name", name, 1, MAX_TAG_NAME_CHARS)?;
    let slug = tag_slug("name", &name, slug)?;
    if find_by_slug(db, site_id, slug.as_str()).await?.is_some() {
        return Err(
            AppError::conflict("slug", "this site already has a tag with this slug")
                .because(Reason::SlugTaken),
        );
    }
    insert_tag(db, site_id, name, slug).await
}

async fn insert_tag(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    name: String,
    slug: Slug,
) -> AppResult<tag::Model> {
    tag::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(site_id),
        name: Set(name),
        slug: Set(slug.into_string()),
        created_at: Set(now()),
    }
    .insert(db)
    .await
    .map_err(|e| on_constraint(e, TAG_CONSTRAINTS))
}

/// Renames a tag or changes its slug (content writers).
pub async fn update_tag(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    name: Option<&str>,
    slug: Option<&str>,
) -> AppResult<tag::Model> {
    let tag = tag::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("tag"))?;
    authz::require_content_writer(db, principal, tag.site_id).await?;
    let mut active: tag::ActiveModel = tag.clone().into();
    if let Some(name) = name {
        active.name = Set(bounded_text("name", name, 1, MAX_TAG_NAME_CHARS)?);
    }
    if let Some(slug) = slug {
        let slug = Slug::parse("slug", slug)?;
        if slug.as_str() != tag.slug
            && find_by_slug(db, tag.site_id, slug.as_str())
                .await?
                .is_some()
        {
            return Err(
                AppError::conflict("slug", "this site already has a tag with this slug")
                    .because(Reason::SlugTaken),
            );
        }
        active.slug = Set(slug.into_string());
    }
    active
        .update(db)
        .await
        .map_err(|e| on_constraint(e, TAG_CONSTRAINTS))
}

/// Deletes a tag; articles lose it (content writers).
pub async fn delete_tag(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> AppResult<Uuid> {
    let tag = tag::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("tag"))?;
    authz::require_content_writer(db, principal, tag.site_id).await?;
    tag::Entity::delete_by_id(id).exec(db).await?;
    Ok(id)
}

/// The tag of a site with this slug.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    slug: &str,
) -> AppResult<Option<tag::Model>> {
    Ok(tag::Entity::find()
        .filter(tag::Column::SiteId.eq(site_id))
        .filter(tag::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// A site's tags, by slug. Callers who may not read the site's unpublished articles see
/// (and count) only the tags of its published articles: a tag used only by drafts would tell
/// what is being written.
pub async fn list_tags(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
    page: &PageRequest,
) -> AppResult<Page<tag::Model>> {
    let mut base = tag::Entity::find().filter(tag::Column::SiteId.eq(site_id));
    if !authz::can_read_unpublished(db, principal, site_id).await? {
        base = base.filter(tag::Column::Id.in_subquery(published_tag_ids(site_id)));
    }
    let total = base.clone().count(db).await?;
    let mut query = base
        .order_by_asc(tag::Column::Slug)
        .order_by_asc(tag::Column::Id);
    if let Some(after) = &page.after {
        let slug = after.value.clone().unwrap_or_default();
        query = query.filter(
            Condition::any()
                .add(tag::Column::Slug.gt(slug.clone()))
                .add(
                    Condition::all()
                        .add(tag::Column::Slug.eq(slug))
                        .add(tag::Column::Id.gt(after.id)),
                ),
        );
    }
    let rows = query.limit(page.first + 1).all(db).await?;
    Ok(Page::from_rows(rows, page, total, |t| Cursor {
        order: "tags".into(),
        value: Some(t.slug.clone()),
        id: t.id,
    }))
}

/// `SELECT tag_id` of the links of the site's published articles.
fn published_tag_ids(site_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    Query::select()
        .column((article_tag::Entity, article_tag::Column::TagId))
        .from(article_tag::Entity)
        .inner_join(
            article::Entity,
            Expr::col((article::Entity, article::Column::Id))
                .equals((article_tag::Entity, article_tag::Column::ArticleId)),
        )
        .and_where(article::Column::SiteId.eq(site_id))
        .and_where(article::Column::Status.eq(ArticleStatus::Published))
        .to_owned()
}

/// Finds or creates the tags with these names on a site, in the given order, without repeats.
pub async fn ensure_tags(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    names: &[String],
) -> AppResult<Vec<tag::Model>> {
    if names.len() > MAX_TAGS_PER_ARTICLE {
        return Err(AppError::bad_input(
            "tags",
            format!("an article may have at most {MAX_TAGS_PER_ARTICLE} tags"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_TAGS_PER_ARTICLE));
    }
    let mut tags: Vec<tag::Model> = Vec::with_capacity(names.len());
    for raw in names {
        let name = bounded_text("tags", raw, 1, MAX_TAG_NAME_CHARS)?;
        let slug = tag_slug("tags", &name, None)?;
        if tags.iter().any(|t| t.slug == slug.as_str()) {
            continue;
        }
        let tag = match find_by_slug(db, site_id, slug.as_str()).await? {
            Some(tag) => tag,
            None => insert_tag(db, site_id, name, slug).await?,
        };
        tags.push(tag);
    }
    Ok(tags)
}

/// Replaces the tags of an article.
pub async fn set_article_tags(
    db: &impl ConnectionTrait,
    article_id: Uuid,
    tags: &[tag::Model],
) -> AppResult<()> {
    article_tag::Entity::delete_many()
        .filter(article_tag::Column::ArticleId.eq(article_id))
        .exec(db)
        .await?;
    if tags.is_empty() {
        return Ok(());
    }
    let rows = tags
        .iter()
        .enumerate()
        .map(|(i, t)| article_tag::ActiveModel {
            article_id: Set(article_id),
            tag_id: Set(t.id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
        });
    article_tag::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// The tags of many articles in two queries, in each article's order.
pub async fn tags_of_articles(
    db: &impl ConnectionTrait,
    article_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<tag::Model>>> {
    // One statement: the links joined to their tags, in the articles' tag order. Only the
    // columns needed, read by position (a page's tags are read on every listed page).
    let to_tag = article_tag::Entity::belongs_to(tag::Entity)
        .from(article_tag::Column::TagId)
        .to(tag::Column::Id)
        .into();
    let rows = article_tag::Entity::find()
        .select_only()
        .column(article_tag::Column::ArticleId)
        .column(tag::Column::Id)
        .column(tag::Column::SiteId)
        .column(tag::Column::Name)
        .column(tag::Column::Slug)
        .column(tag::Column::CreatedAt)
        .join(sea_orm::JoinType::InnerJoin, to_tag)
        .filter(id_in(
            db.get_database_backend(),
            article_tag::Column::ArticleId,
            article_ids,
        ))
        .order_by_asc(article_tag::Column::Position)
        .into_tuple::<(
            Uuid,
            Uuid,
            Uuid,
            String,
            String,
            chrono::DateTime<chrono::Utc>,
        )>()
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<tag::Model>> = HashMap::new();
    for (article_id, id, site_id, name, slug, created_at) in rows {
        out.entry(article_id).or_default().push(tag::Model {
            id,
            site_id,
            name,
            slug,
            created_at,
        });
    }
    Ok(out)
}
