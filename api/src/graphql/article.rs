//! Article reads and writes.
use crate::error::{AppError, Reason};
use crate::graphql::context::{loaders, principal, state};
use crate::graphql::types::article::{
    Article, ArticleFilter, ArticleOrderBy, CreateArticleInput, UpdateArticleInput,
};
use crate::graphql::types::connection::{Conn, connection, list_complexity};
use crate::graphql::types::preview::MarkdownPreview;
use crate::graphql::types::seo::SitemapEntry;
use crate::graphql::types::{id_arg, site_id_arg, to_id};
use crate::services::article;
use crate::services::article::add_column;
use crate::services::seo;
use crate::services::tag::tags_of_articles;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entities::article as article_entity;

/// Article reads.
#[derive(Default)]
pub struct ArticleQuery;

#[Object]
impl ArticleQuery {
    /// One article: by `id`, or by `site` (ID or domain), `slug` and `locale` (the site's default
    /// when absent; falls back to the default-locale article when no translation exists).
    /// Drafts only for those who may see them.
    async fn article(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        site: Option<String>,
        slug: Option<String>,
        locale: Option<String>,
    ) -> async_graphql::Result<Option<Article>> {
        let db = &state(ctx)?.db;
        let who = principal(ctx);
        let found = match (id, site, slug) {
            (Some(id), None, None) => article::get_article(db, who, id_arg("id", &id)?).await?,
            (None, Some(site), Some(slug)) => {
                article::find_article(db, who, &site, &slug, locale.as_deref()).await?
            }
            _ => {
                return Err(
                    AppError::bad_input("id", "give either id, or site and slug")
                        .because(Reason::AmbiguousLookup)
                        .into(),
                );
            }
        };
        found
            .map(Article)
            .map(Some)
            .ok_or_else(|| AppError::not_found("article").into())
    }

    /// Articles the caller may see, filtered and ordered, one page at a time.
    #[graphql(complexity = "list_complexity(first, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most the server's limit, 100 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Cursor of the last article of the previous page.")] after: Option<String>,
        filter: Option<ArticleFilter>,
        order_by: Option<ArticleOrderBy>,
    ) -> async_graphql::Result<Conn<Article>> {
        let st = state(ctx)?;
        let mut filter = filter.unwrap_or_default().into_service()?;
        let look = ctx.look_ahead();
        filter.skip_total = !look.field("totalCount").exists();
        (filter.columns, filter.digest_only_without_excerpt) = needed_columns(&look);
        let page = article::list_articles(
            &st.db,
            principal(ctx),
            filter,
            order_by.into(),
            first.map(i64::from),
            after.as_deref(),
            st.settings.max_page_size,
        )
        .await?;
        if wants_tags(&look) {
            let ids: Vec<_> = page.items.iter().map(|(_, a)| a.id).collect();
            let tags = tags_of_articles(&st.db, &ids).await?;
            loaders(ctx)?.preload_tags(&ids, tags);
        }
        Ok(connection(page, Article))
    }

    /// What a markdown body would show once saved as an article: its HTML, table of contents,
    /// counts and derived excerpt, made by the same code as `Article`'s fields, under the body
    /// limits of `createArticle`. For those who may write the site's articles (owners, editors,
    /// admins, API tokens with `content:write`). Nothing is stored.
    async fn preview_markdown(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The site, by ID or domain.")] site_id: ID,
        body: String,
    ) -> async_graphql::Result<MarkdownPreview> {
        let st = state(ctx)?;
        let site_id = site_id_arg(&st.db, "siteId", &site_id).await?;
        let preview =
            article::preview_markdown(&st.db, principal(ctx), site_id, &body, body_limits(st))
                .await?;
        Ok(preview.into())
    }

    /// One page of a site's (ID or domain) sitemap: its published articles (oldest publication
    /// first), then its published products, then its categories, each in every locale it
    /// exists in, with its path, absolute URL, last change, translations and `x-default`.
    /// Pages hold at most `WHARF_SITEMAP_PAGE_SIZE` entries (50,000); `GET /sitemap.xml?site=`
    /// serves the same as XML. A page past the last is `BAD_USER_INPUT` (`OUT_OF_RANGE`).
    async fn sitemap(
        &self,
        ctx: &Context<'_>,
        site: String,
        #[graphql(desc = "The page, from 1.", default = 1)] page: u64,
    ) -> async_graphql::Result<Vec<SitemapEntry>> {
        let st = state(ctx)?;
        let plan = seo::plan_sitemap(&st.db, &site, st.settings.sitemap_page_size).await?;
        let entries = seo::sitemap_page(&st.db, &plan, page).await?;
        Ok(entries.into_iter().map(SitemapEntry::from).collect())
    }
}

/// The article columns each field reads. A list whose nodes ask only for fields named here reads
/// only those columns (and what its order and cursors need); any other field (the body and what
/// is rendered from it, translations, related articles, images…) reads whole rows.
/// `listing::every_field_of_a_list_equals_the_article_read_alone` checks each entry.
const FIELD_COLUMNS: &[(&str, &[article_entity::Column])] = {
    use article_entity::Column as C;
    &[
        ("__typename", &[]),
        ("id", &[C::Id]),
        ("site", &[C::SiteId]),
        ("locale", &[C::Locale]),
        ("slug", &[C::Slug]),
        ("title", &[C::Title]),
        ("hasExplicitExcerpt", &[C::Excerpt]),
        // The derived fields come from the digest kept with the row (the version names the
        // rendering when a row has no usable digest yet and its body must be read after all).
        (
            "excerpt",
            &[C::Excerpt, C::DigestRev, C::Digest, C::Version],
        ),
        ("wordCount", &[C::DigestRev, C::Digest, C::Version]),
        ("readingMinutes", &[C::DigestRev, C::Digest, C::Version]),
        ("toc", &[C::DigestRev, C::Digest, C::Version]),
        ("status", &[C::Status]),
        ("publishedAt", &[C::PublishedAt]),
        ("scheduledAt", &[C::ScheduledAt]),
        ("author", &[C::AuthorId]),
        ("tags", &[C::Id]),
        ("metaTitle", &[C::MetaTitle]),
        ("metaDescription", &[C::MetaDescription]),
        ("canonicalUrl", &[C::CanonicalUrl]),
        ("ogImageId", &[C::OgImageMediaId]),
        ("coverImage", &[C::CoverMediaId]),
        ("ogImage", &[C::OgImageMediaId]),
        ("translationGroupId", &[C::TranslationGroupId]),
        ("version", &[C::Version]),
        ("createdAt", &[C::CreatedAt]),
        ("updatedAt", &[C::UpdatedAt]),
    ]
};

/// The limits article bodies are written under.
fn body_limits(st: &crate::state::AppState) -> article::BodyLimits {
    article::BodyLimits {
        max_bytes: st.settings.max_article_body_bytes,
        render_budget: std::time::Duration::from_millis(st.settings.render_budget_ms),
    }
}

/// Whether the nodes of an article connection ask for their tags (then read with the page).
fn wants_tags(connection: &async_graphql::Lookahead<'_>) -> bool {
    connection
        .field("edges")
        .field("node")
        .field("tags")
        .exists()
        || connection.field("nodes").field("tags").exists()
}

/// The fields that read the digest whatever the row's explicit excerpt (`excerpt` reads it only
/// for rows without one).
const DIGEST_FIELDS: &[&str] = &["wordCount", "readingMinutes", "toc"];

/// The columns the nodes of an article connection read, or `None` when some field needs whole
/// rows; and whether the digest serves only the excerpt (no field of [`DIGEST_FIELDS`] asked).
fn needed_columns(
    connection: &async_graphql::Lookahead<'_>,
) -> (Option<Vec<article_entity::Column>>, bool) {
    let nodes = connection
        .field("edges")
        .field("node")
        .selection_fields()
        .into_iter()
        .chain(connection.field("nodes").selection_fields());
    columns_of(nodes)
}

/// The columns that the selections of articles in `nodes` read (as [`needed_columns`]).
pub(crate) fn columns_of<'a>(
    nodes: impl Iterator<Item = async_graphql::SelectionField<'a>>,
) -> (Option<Vec<article_entity::Column>>, bool) {
    let mut columns = Vec::new();
    let mut only_excerpt = true;
    for field in nodes.flat_map(|node| node.selection_set().collect::<Vec<_>>()) {
        only_excerpt &= !DIGEST_FIELDS.contains(&field.name());
        let Some((_, read)) = FIELD_COLUMNS.iter().find(|(name, _)| *name == field.name()) else {
            return (None, false);
        };
        for column in *read {
            add_column(&mut columns, *column);
        }
    }
    (Some(columns), only_excerpt)
}

/// Article writes.
#[derive(Default)]
pub struct ArticleMutation;

#[Object]
impl ArticleMutation {
    /// Creates a draft article (revision 1).
    async fn create_article(
        &self,
        ctx: &Context<'_>,
        input: CreateArticleInput,
    ) -> async_graphql::Result<Article> {
        let st = state(ctx)?;
        let created =
            article::create_article(&st.db, principal(ctx), input.into(), body_limits(st))
                .await
                .map_err(|e| e.in_input("input"))?;
        Ok(Article(created))
    }

    /// Changes an article; the result is stored as a new revision.
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateArticleInput,
    ) -> async_graphql::Result<Article> {
        let st = state(ctx)?;
        let updated = article::update_article(
            &st.db,
            principal(ctx),
            id_arg("id", &id)?,
            input.into(),
            body_limits(st),
        )
        .await
        .map_err(|e| e.in_input("input"))?;
        Ok(Article(updated))
    }

    /// Brings back the content of a revision, stored as a new revision (the slug stays).
    async fn restore_revision(
        &self,
        ctx: &Context<'_>,
        article_id: ID,
        revision: i32,
    ) -> async_graphql::Result<Article> {
        let st = state(ctx)?;
        let id = id_arg("articleId", &article_id)?;
        let patch =
            article::revision::revision_as_patch(&st.db, principal(ctx), id, revision).await?;
        let updated =
            article::update_article(&st.db, principal(ctx), id, patch, body_limits(st)).await?;
        Ok(Article(updated))
    }

    /// Deletes an article with its revisions. Returns its ID; NOT_FOUND when it is already gone.
    async fn delete_article(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        Ok(to_id(
            article::delete_article(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }

    /// Publishes an article now, or schedules it when `at` is in the future (status SCHEDULED
    /// until a background job publishes it at that time). Idempotent: an article already
    /// published (or already scheduled for `at`) is returned unchanged, with no new event.
    /// A published article cannot be scheduled, since it would go offline until `at`: that is
    /// refused with `CONFLICT` on `at` (unpublish it first to schedule it anyway).
    async fn publish_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        at: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<Article> {
        Ok(Article(
            article::publish_article(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?, at)
                .await?,
        ))
    }

    /// Takes an article back to draft (a scheduled one loses its schedule). Idempotent: a draft
    /// is returned unchanged, with no new event.
    async fn unpublish_article(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Article> {
        Ok(Article(
            article::unpublish_article(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }
}
