//! The sitemap as the API shows it (`sitemap(site:, page:)`).
use crate::services::seo;
use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};

/// What a sitemap entry is.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SitemapEntryKind {
    /// A published article.
    Article,
    /// A published product.
    Product,
    /// A product category.
    Category,
}

/// The same page in another locale, for `hreflang`.
#[derive(SimpleObject)]
pub struct SitemapAlternate {
    /// Locale tag.
    pub locale: String,
    /// Path on the site.
    pub path: String,
    /// Absolute URL: `https://{domain}{path}`.
    pub url: String,
}

/// One URL of a site's sitemap.
#[derive(SimpleObject)]
pub struct SitemapEntry {
    /// What the page shows.
    pub kind: SitemapEntryKind,
    /// Path on the site, percent-encoded, with the locale first except in the site's default
    /// locale: articles `/{slug}`, products `/products/{slug}`, categories
    /// `/categories/{slug}` (`/{locale}/products/{slug}` in another locale).
    pub path: String,
    /// Absolute URL: `https://{domain}{path}`.
    pub url: String,
    /// Locale tag.
    pub locale: String,
    /// Slug.
    pub slug: String,
    /// Last change, for `<lastmod>`.
    pub last_modified: DateTime<Utc>,
    /// The same page in the site's other locales it is published in.
    pub alternates: Vec<SitemapAlternate>,
    /// The version in the site's default locale (this page or a translation), for
    /// `hreflang="x-default"`; null when there is none.
    pub x_default: Option<SitemapAlternate>,
}

fn alternate(a: seo::Alternate) -> SitemapAlternate {
    SitemapAlternate {
        locale: a.locale,
        path: a.path,
        url: a.url,
    }
}

impl From<seo::SitemapEntry> for SitemapEntry {
    fn from(e: seo::SitemapEntry) -> Self {
        Self {
            kind: match e.kind {
                seo::EntryKind::Article => SitemapEntryKind::Article,
                seo::EntryKind::Product => SitemapEntryKind::Product,
                seo::EntryKind::Category => SitemapEntryKind::Category,
            },
            path: e.path,
            url: e.url,
            locale: e.locale,
            slug: e.slug,
            last_modified: e.last_modified,
            alternates: e.translations.into_iter().map(alternate).collect(),
            x_default: e.x_default.map(alternate),
        }
    }
}
