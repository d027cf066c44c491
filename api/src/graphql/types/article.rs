//! Articles as the API shows them.
use super::site::Site;
use super::tag::Tag;
use super::user::User;
use crate::graphql::context::loaders;
use crate::services::article::{ArticleFilter as Filter, ArticleOrder as Order};
use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use entities::article::{self, ArticleStatus as DbStatus};

/// An article in one locale.
pub struct Article(pub article::Model);

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

#[Object]
impl Article {
    /// The article's ID.
    async fn id(&self) -> ID {
        super::to_id(self.0.id)
    }

    /// The site it belongs to.
    async fn site(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Site>> {
        Ok(loaders(ctx)?
            .sites
            .load_one(self.0.site_id)
            .await?
            .map(Site))
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

    /// The explicit excerpt, if one was given.
    async fn excerpt(&self) -> Option<&str> {
        self.0.excerpt.as_deref()
    }

    /// Draft, scheduled or published.
    async fn status(&self) -> ArticleStatus {
        self.0.status.into()
    }

    /// When it was first published.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    /// The author.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        match self.0.author_id {
            None => Ok(None),
            Some(id) => Ok(loaders(ctx)?.users.load_one(id).await?.map(User)),
        }
    }

    /// Tags, in the order they were given.
    async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Tag>> {
        let tags = loaders(ctx)?
            .article_tags
            .load_one(self.0.id)
            .await?
            .unwrap_or_default();
        Ok(tags.into_iter().map(Tag).collect())
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

    /// Other published articles of the same site and locale, most shared tags first, then the
    /// most similar text; never this article.
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
}

/// Which articles to list.
#[derive(InputObject, Default)]
pub struct ArticleFilter {
    /// Site ID or domain.
    pub site: Option<String>,
    /// Tag slug.
    pub tag: Option<String>,
    /// Status; without permission to see drafts only published articles are returned.
    pub status: Option<ArticleStatus>,
    /// Locale tag.
    pub locale: Option<String>,
}

impl From<ArticleFilter> for Filter {
    fn from(f: ArticleFilter) -> Self {
        Filter {
            site: f.site,
            tag: f.tag,
            status: f.status.map(Into::into),
            locale: f.locale,
        }
    }
}

/// The field to order articles by.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ArticleOrderField {
    /// Publication time; unpublished articles last.
    PublishedAt,
    /// Last change.
    UpdatedAt,
    /// Creation.
    CreatedAt,
    /// Title, by code point.
    Title,
}

/// Sort direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum OrderDirection {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// How to order articles; newest published first when absent.
#[derive(InputObject)]
pub struct ArticleOrderBy {
    /// The field.
    pub field: ArticleOrderField,
    /// The direction; `DESC` when absent.
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

impl From<Option<ArticleOrderBy>> for Order {
    fn from(o: Option<ArticleOrderBy>) -> Self {
        let Some(o) = o else { return Order::default() };
        let desc = o.direction == OrderDirection::Desc;
        match (o.field, desc) {
            (ArticleOrderField::PublishedAt, true) => Order::PublishedAtDesc,
            (ArticleOrderField::PublishedAt, false) => Order::PublishedAtAsc,
            (ArticleOrderField::UpdatedAt, true) => Order::UpdatedAtDesc,
            (ArticleOrderField::UpdatedAt, false) => Order::UpdatedAtAsc,
            (ArticleOrderField::CreatedAt, true) => Order::CreatedAtDesc,
            (ArticleOrderField::CreatedAt, false) => Order::CreatedAtAsc,
            (ArticleOrderField::Title, true) => Order::TitleDesc,
            (ArticleOrderField::Title, false) => Order::TitleAsc,
        }
    }
}

/// An article to create; it starts as a draft.
#[derive(InputObject)]
pub struct CreateArticleInput {
    /// The site's ID.
    pub site_id: ID,
    /// Locale; the site's default when absent. Must be one of the site's locales.
    pub locale: Option<String>,
    /// Slug; generated from the title when absent (Chinese and other scripts are kept).
    pub slug: Option<String>,
    /// Title.
    pub title: String,
    /// Markdown body.
    #[graphql(default)]
    pub body: String,
    /// Excerpt; derived from the body when absent.
    pub excerpt: Option<String>,
    /// Tag names; tags are created on the site as needed.
    #[graphql(default)]
    pub tags: Vec<String>,
}

/// Changes to an article; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateArticleInput {
    /// New slug.
    pub slug: Option<String>,
    /// New title.
    pub title: Option<String>,
    /// New markdown body.
    pub body: Option<String>,
    /// New excerpt; an empty string removes it.
    pub excerpt: Option<String>,
    /// New tag names (replace the old ones).
    pub tags: Option<Vec<String>>,
}
