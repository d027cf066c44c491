//! What search engines read about a site: the sitemap with `hreflang` alternates
//! ([`sitemap`]) and schema.org structured data ([`jsonld`]).
//!
//! Both need absolute URLs of a site's pages. A site is served at `https://{domain}` (its
//! canonical domain: lowercase, punycode, without `www.`), and its pages follow one pattern,
//! with the locale as the first segment except in the site's default locale:
//!
//! | page | default locale | other locales |
//! |---|---|---|
//! | article | `/{slug}` | `/{locale}/{slug}` |
//! | product | `/products/{slug}` | `/{locale}/products/{slug}` |
//! | category | `/categories/{slug}` | `/{locale}/categories/{slug}` |
//!
//! Slugs are percent-encoded (a Chinese slug stays readable in a browser's address bar).
pub mod jsonld;
pub mod sitemap;

pub use sitemap::{Alternate, EntryKind, SitemapEntry, SitemapPlan, plan_sitemap, sitemap_page};

use entities::site;

/// What a page is, for its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKind {
    /// An article: `/{slug}`.
    Article,
    /// A product: `/products/{slug}`.
    Product,
    /// A category: `/categories/{slug}`.
    Category,
}

/// The site's public base URL: `https://{domain}`, no trailing slash.
pub fn site_base(site: &site::Model) -> String {
    format!("https://{}", site.domain)
}

/// The path of a page of `kind` with `slug` in `locale` on a site whose default locale is
/// `default_locale` (see the module's table).
pub fn page_path(kind: PageKind, default_locale: &str, locale: &str, slug: &str) -> String {
    let slug = url::form_urlencoded::byte_serialize(slug.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let prefix = if locale == default_locale {
        String::new()
    } else {
        format!("/{locale}")
    };
    match kind {
        PageKind::Article => format!("{prefix}/{slug}"),
        PageKind::Product => format!("{prefix}/products/{slug}"),
        PageKind::Category => format!("{prefix}/categories/{slug}"),
    }
}

/// The absolute URL of a page (base and [`page_path`]).
pub fn page_url(site: &site::Model, kind: PageKind, locale: &str, slug: &str) -> String {
    format!(
        "{}{}",
        site_base(site),
        page_path(kind, &site.default_locale, locale, slug)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_put_the_locale_first_except_in_the_default_locale() {
        assert_eq!(page_path(PageKind::Article, "en", "en", "a b"), "/a%20b");
        assert_eq!(
            page_path(PageKind::Product, "en", "zh-CN", "球阀"),
            "/zh-CN/products/%E7%90%83%E9%98%80"
        );
        assert_eq!(
            page_path(PageKind::Category, "zh-CN", "zh-CN", "valves"),
            "/categories/valves"
        );
    }
}
