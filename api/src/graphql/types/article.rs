//! Articles as the API shows them.
use super::flat::FlatList;
use super::site::Site;
use super::tag::Tag;
use super::user::User;
use crate::content;
use crate::graphql::context::{loaders, principal, state};
use crate::services::article;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::article::ArticleStatus as DbStatus;
use entities::{article as article_entity, article_revision};

pub use super::article_input::*;

/// An article in one locale.
pub struct Article(pub article_entity::Model);

/// Where an article is in its life.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ArticleStatus {
    /// Not public.
    Draft,
    /// Waiting for its publication time.
    Scheduled,
    /// Public.
    Published,
}

impl From<DbStatus> for ArticleStatus {
    fn from(s: DbStatus) -> Self {
        match s {
            DbStatus::Draft => Self::Draft,
            DbStatus::Scheduled => Self::Scheduled,
            DbStatus::Published => Self::Published,
        }
    }
}

impl From<ArticleStatus> for DbStatus {
    fn from(s: ArticleStatus) -> Self {
        match s {
            ArticleStatus::Draft => Self::Draft,
            ArticleStatus::Scheduled => Self::Scheduled,
            ArticleStatus::Published => Self::Published,
        }
    }
}

/// One heading of the table of contents.
#[derive(SimpleObject)]
pub struct TocEntry {
    /// 1 for `#`, 2 for `##`, …
    pub level: i32,
    /// The heading's text.
    pub text: String,
    /// The `id` of the heading in `html`: link to `#anchor`.
    pub anchor: String,
    /// Headings nested under this one.
    pub children: Vec<TocEntry>,
}

impl From<&content::TocEntry> for TocEntry {
    fn from(e: &content::TocEntry) -> Self {
        Self {
            level: i32::from(e.level),
            text: e.text.clone(),
            anchor: e.anchor.clone(),
            children: e.children.iter().map(Into::into).collect(),
        }
    }
}

/// A stored state of an article.
pub struct Revision(pub article_revision::Model);

#[Object]
impl Revision {
    /// 1 for the first state, increasing by one with each change.
    async fn number(&self) -> i32 {
        self.0.number
    }
    /// Title at that time.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Markdown body at that time.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// Explicit excerpt at that time.
    async fn excerpt(&self) -> Option<&str> {
        self.0.excerpt.as_deref()
    }
    /// Slug, tags and SEO fields at that time, as JSON.
    async fn snapshot(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(self.0.snapshot.clone())
    }
    /// Who made the change.
    async fn editor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        super::user_of(ctx, self.0.editor_id).await
    }
    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

impl Article {
    /// What lists show of the body: the digest kept with the row when it is current, else made
    /// from a rendering.
    async fn digest(&self, ctx: &Context<'_>) -> async_graphql::Result<content::Digest> {
        match content::Digest::stored(self.0.digest_rev, self.0.digest.as_deref()) {
            Some(digest) => Ok(digest),
            None => Ok(content::Digest::of(&*self.rendered(ctx).await?)),
        }
    }

    /// The rendered body: cached, or rendered off the request workers within the budget.
    async fn rendered(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<std::sync::Arc<content::Rendered>> {
        let budget = std::time::Duration::from_millis(state(ctx)?.settings.render_budget_ms);
        Ok(content::render_off_thread(self.0.id, self.0.version, &self.0.body, budget).await?)
    }
}

#[Object]
impl Article {
    /// The article's ID.
    async fn id(&self) -> ID {
        super::to_id(self.0.id)
    }

    /// The site it belongs to.
    async fn site(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Site>> {
        super::site_of(ctx, self.0.site_id).await
    }

    /// Locale tag, such as `en` or `zh-CN`.
    async fn locale(&self) -> &str {
        &self.0.locale
    }

    /// URL slug, unique per site and locale.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Markdown source.
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// The body as sanitized HTML; headings carry the `id`s the table of contents links to.
    async fn html(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.rendered(ctx).await?.html.clone())
    }

    /// Table of contents, nested by heading level.
    async fn toc(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TocEntry>> {
        Ok(self.digest(ctx).await?.toc.iter().map(Into::into).collect())
    }

    /// The explicit excerpt, or one derived from the text (plain text, cut at a word or
    /// character boundary, about 200 Latin or 100 Chinese characters).
    async fn excerpt(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(match self.0.excerpt.as_deref() {
            Some(explicit) => explicit.to_owned(),
            None => self.digest(ctx).await?.excerpt,
        })
    }

    /// Whether `excerpt` was written by an editor (false: derived from the body).
    async fn has_explicit_excerpt(&self) -> bool {
        self.0.excerpt.is_some()
    }

    /// Words in the text; each Chinese or Japanese character counts as one.
    async fn word_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        Ok(i32::try_from(self.digest(ctx).await?.words).unwrap_or(i32::MAX))
    }

    /// Minutes to read (230 words or 400 Chinese characters a minute), rounded up.
    async fn reading_minutes(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        Ok(i32::try_from(self.digest(ctx).await?.minutes).unwrap_or(i32::MAX))
    }

    /// Draft, scheduled or published.
    async fn status(&self) -> ArticleStatus {
        self.0.status.into()
    }

    /// When it was first published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    /// When a scheduled article will be published.
    async fn scheduled_at(&self) -> Option<DateTime<Utc>> {
        self.0.scheduled_at
    }

    /// The author.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        super::user_of(ctx, self.0.author_id).await
    }

    /// Tags, in the order they were given.
    async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<FlatList<Tag>> {
        let tags = loaders(ctx)?.tags_of(self.0.id).await?;
        Ok(tags.into_iter().map(Tag).collect())
    }

    /// `<title>` override for search engines.
    async fn meta_title(&self) -> Option<&str> {
        self.0.meta_title.as_deref()
    }

    /// `<meta name="description">`.
    async fn meta_description(&self) -> Option<&str> {
        self.0.meta_description.as_deref()
    }

    /// `<link rel="canonical">`.
    async fn canonical_url(&self) -> Option<&str> {
        self.0.canonical_url.as_deref()
    }

    /// The media item used as `og:image`.
    async fn og_image_id(&self) -> Option<ID> {
        self.0.og_image_media_id.map(super::to_id)
    }

    /// schema.org structured data for the article page, as the text to put, unchanged, inside
    /// `<script type="application/ld+json">`: a `BlogPosting` with `headline`, `description`,
    /// `inLanguage`, `datePublished`, `dateModified`, the author as a `Person`, the site as
    /// `publisher`, the cover and `og:image` as absolute stable image URLs, and the page's URL
    /// as `url` and `mainEntityOfPage`. A string rather than a JSON scalar because it is made to
    /// be embedded: `<`, `>` and `&` are written as `\u003c`, `\u003e` and `\u0026`, which a
    /// JSON scalar would lose when the response is serialized.
    async fn json_ld(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let st = state(ctx)?;
        Ok(crate::services::seo::jsonld::article_json_ld(&st.db, &st.storage, &self.0).await?)
    }

    /// Shared by all translations of this article.
    async fn translation_group_id(&self) -> ID {
        super::to_id(self.0.translation_group_id)
    }

    /// The other locales of this article that the caller may see.
    async fn translations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Article>> {
        let found = article::list_translations(&state(ctx)?.db, principal(ctx), &self.0).await?;
        Ok(found.into_iter().map(Article).collect())
    }

    /// Revisions, newest first, at most `first` of them (1 to 500; members of the site only).
    async fn revisions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 500)] first: i32,
    ) -> async_graphql::Result<Vec<Revision>> {
        let found =
            article::revision::list_revisions(&state(ctx)?.db, principal(ctx), &self.0, first)
                .await?;
        Ok(found.into_iter().map(Revision).collect())
    }

    /// One revision by its number, null when there is none (members of the site only). Reads
    /// one body, where `revisions { body }` reads them all.
    async fn revision(
        &self,
        ctx: &Context<'_>,
        number: i32,
    ) -> async_graphql::Result<Option<Revision>> {
        let found =
            article::revision::find_revision(&state(ctx)?.db, principal(ctx), &self.0, number)
                .await?;
        Ok(found.map(Revision))
    }

    /// Increases with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Other published articles of the same site and locale, ranked by the words and tags they
    /// share with this one, each weighted by how rare it is on the site, title and tag matches
    /// above body words (stop words and one-character Chinese words left out); never this
    /// article.
    #[graphql(
        complexity = "crate::graphql::types::connection::list_complexity(first, child_complexity)"
    )]
    async fn related(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (5 when absent; at most the server's limit).")] first: Option<
            i32,
        >,
    ) -> async_graphql::Result<Vec<Article>> {
        let st = crate::graphql::context::state(ctx)?;
        let found = crate::services::search::related_articles(
            &st.db,
            &st.search,
            &self.0,
            first.map(i64::from),
            st.settings.max_page_size,
        )
        .await?;
        Ok(found.into_iter().map(Article).collect())
    }

    /// Published products of the same site this article is about: those whose model number
    /// it mentions (in the title or body, in any case, as a whole word) first, then those
    /// sharing more of its tags, then the newest; products in the article's locale before
    /// others, and one version of each translated product.
    #[graphql(
        complexity = "crate::graphql::types::connection::list_complexity(first, child_complexity)"
    )]
    async fn related_products(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 5, desc = "How many (1 to 20).")] first: Option<i32>,
    ) -> async_graphql::Result<Vec<super::product::Product>> {
        let found = crate::services::product::related::products_of_article(
            &crate::graphql::context::state(ctx)?.db,
            &self.0,
            first.unwrap_or(crate::services::product::related::DEFAULT_FIRST),
        )
        .await?;
        Ok(found.into_iter().map(super::product::Product).collect())
    }

    /// The media item used as `og:image` (`ogImageId` on create and update).
    async fn og_image(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::media::Media>> {
        let Some(id) = self.0.og_image_media_id else {
            return Ok(None);
        };
        // Batched: a page of articles costs one statement for all its images.
        Ok(crate::graphql::context::loaders(ctx)?
            .media
            .load_one(id)
            .await?
            .map(super::media::Media))
    }

    /// The cover image, if one is set (`setArticleCoverImage`).
    async fn cover_image(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::flat::Flat<super::media::Media>>> {
        let Some(id) = self.0.cover_media_id else {
            return Ok(None);
        };
        // Batched: a page of articles costs one statement for all its images.
        Ok(crate::graphql::context::loaders(ctx)?
            .media
            .load_one(id)
            .await?
            .map(|m| super::flat::Flat(super::media::Media(m))))
    }
}
