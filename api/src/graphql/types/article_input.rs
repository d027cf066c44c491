//! Inputs and small outputs around articles: filters, orderings, create and update inputs.
use super::article::ArticleStatus;
use crate::error::{AppError, AppResult, Reason};
use crate::services::article::{self, ArticleFilter as Filter, ArticleOrder as Order, SeoPatch};
use async_graphql::{Enum, ID, InputObject};
use chrono::{DateTime, Utc};

/// Most tags in one tag filter.
const MAX_FILTER_TAGS: usize = 20;

/// Which articles to list. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct ArticleFilter {
    /// Site ID or domain.
    pub site: Option<String>,
    /// Tag slug.
    pub tag: Option<String>,
    /// Articles with at least one of these tag slugs.
    pub tags_any: Option<Vec<String>>,
    /// Articles with all of these tag slugs.
    pub tags_all: Option<Vec<String>>,
    /// Status; without permission to see drafts only published articles are returned.
    pub status: Option<ArticleStatus>,
    /// Locale tag.
    pub locale: Option<String>,
    /// Text the title contains (case-insensitive for ASCII letters).
    pub title_contains: Option<String>,
    /// Published at or after this time.
    pub published_after: Option<DateTime<Utc>>,
    /// Published before this time.
    pub published_before: Option<DateTime<Utc>>,
    /// Changed at or after this time.
    pub updated_after: Option<DateTime<Utc>>,
    /// Changed before this time.
    pub updated_before: Option<DateTime<Utc>>,
}

impl ArticleFilter {
    /// Checks the filter's own limits and converts it for the service.
    pub fn into_service(self) -> AppResult<Filter> {
        for (field, list) in [
            ("filter.tagsAny", &self.tags_any),
            ("filter.tagsAll", &self.tags_all),
        ] {
            if list.as_ref().is_some_and(|l| l.len() > MAX_FILTER_TAGS) {
                return Err(
                    AppError::bad_input(field, format!("at most {MAX_FILTER_TAGS} tags"))
                        .because(Reason::TooMany)
                        .with("max", MAX_FILTER_TAGS),
                );
            }
        }
        if let Some(t) = &self.title_contains
            && t.chars().count() > 200
        {
            return Err(
                AppError::bad_input("filter.titleContains", "at most 200 characters")
                    .because(Reason::TooLong)
                    .with("max", 200),
            );
        }
        Ok(Filter {
            site: self.site,
            tag: self.tag,
            tags_any: self.tags_any.unwrap_or_default(),
            tags_all: self.tags_all.unwrap_or_default(),
            status: self.status.map(Into::into),
            locale: self.locale,
            title_contains: self.title_contains,
            published_after: self.published_after,
            published_before: self.published_before,
            updated_after: self.updated_after,
            updated_before: self.updated_before,
            skip_total: false,
            columns: None,
            digest_only_without_excerpt: false,
        })
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
    /// The site (its ID or domain).
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
    /// The article this one translates (same site, another locale).
    pub translation_of: Option<ID>,
    /// `<title>` override.
    pub meta_title: Option<String>,
    /// `<meta name="description">`.
    pub meta_description: Option<String>,
    /// `<link rel="canonical">`: an absolute http(s) URL.
    pub canonical_url: Option<String>,
    /// A media item of the site for `og:image`.
    pub og_image_id: Option<ID>,
}

impl From<CreateArticleInput> for article::NewArticle {
    fn from(i: CreateArticleInput) -> Self {
        Self {
            site_id: i.site_id.to_string(),
            locale: i.locale,
            slug: i.slug,
            title: i.title,
            body: i.body,
            excerpt: i.excerpt,
            tags: i.tags,
            translation_of: i.translation_of.map(|id| id.to_string()),
            seo: SeoPatch {
                meta_title: i.meta_title,
                meta_description: i.meta_description,
                canonical_url: i.canonical_url,
                og_image_id: i.og_image_id.map(|id| id.to_string()),
            },
        }
    }
}

/// Changes to an article; absent fields stay as they are, empty strings clear optional ones.
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
    /// `<title>` override.
    pub meta_title: Option<String>,
    /// `<meta name="description">`.
    pub meta_description: Option<String>,
    /// `<link rel="canonical">`.
    pub canonical_url: Option<String>,
    /// A media item of the site for `og:image`; empty string removes it.
    pub og_image_id: Option<String>,
    /// Apply only if the article is still at this version (else CONFLICT).
    pub expected_version: Option<i32>,
}

impl From<UpdateArticleInput> for article::ArticlePatch {
    fn from(i: UpdateArticleInput) -> Self {
        Self {
            slug: i.slug,
            title: i.title,
            body: i.body,
            excerpt: i.excerpt,
            tags: i.tags,
            seo: SeoPatch {
                meta_title: i.meta_title,
                meta_description: i.meta_description,
                canonical_url: i.canonical_url,
                og_image_id: i.og_image_id,
            },
            expected_version: i.expected_version,
        }
    }
}
