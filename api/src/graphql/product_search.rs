//! The `productSearch` query: ranked, highlighted hits over published products, with category
//! and certification counts over all matches, for a storefront's search and category pages.
use crate::graphql::context::state;
use crate::graphql::types::category::Category;
use crate::graphql::types::connection::list_complexity;
use crate::graphql::types::product::Product;
use crate::services::search::product_query::{
    self, ProductHit, ProductSearchInput, ProductSearchPage,
};
use async_graphql::{Context, Object, SimpleObject};

/// Search over published products.
#[derive(Default)]
pub struct ProductSearchQuery;

/// One product hit.
pub struct ProductSearchHit(ProductHit);

#[Object]
impl ProductSearchHit {
    /// The product.
    async fn product(&self) -> Product {
        Product(self.0.product.clone())
    }

    /// The name as HTML: escaped, with the matched words in `<em>`.
    async fn name_highlight(&self) -> &str {
        &self.0.name_html
    }

    /// The summary as HTML: escaped, with the matched words in `<em>`; empty without one.
    async fn summary_highlight(&self) -> &str {
        &self.0.summary_html
    }

    /// The passage of the description around the best match, as HTML: about 30 words or 60
    /// Chinese characters, escaped, matched words in `<em>`, `…` where it was cut. Without a
    /// match in the description (or without a query), its start.
    async fn snippet(&self) -> &str {
        &self.0.snippet_html
    }
}

/// How many matching products are in a category or below it.
#[derive(SimpleObject)]
pub struct CategoryCount {
    /// The category, named in the search's locale (else the site's default).
    pub category: Category,
    /// Matching products in it or in its subcategories.
    pub count: u64,
}

/// How many matching products carry a certification.
#[derive(SimpleObject)]
pub struct CertificationCount {
    /// The certification as written on the products (`ISO 9001`); filter with it as is.
    pub certification: String,
    /// Matching products that carry it.
    pub count: u64,
}

/// A page of product search results.
pub struct ProductSearchResult(ProductSearchPage);

#[Object]
impl ProductSearchResult {
    /// Hits, best first.
    async fn hits(&self) -> Vec<ProductSearchHit> {
        self.0
            .hits
            .iter()
            .map(|h| {
                ProductSearchHit(ProductHit {
                    product: h.product.clone(),
                    name_html: h.name_html.clone(),
                    summary_html: h.summary_html.clone(),
                    snippet_html: h.snippet_html.clone(),
                })
            })
            .collect()
    }

    /// Category counts over all matching products (not only this page), most first: a product
    /// counts in its categories and in each of their ancestors. At most 100; on the embedded
    /// engine, past 10,000 matches, over the first 10,000.
    async fn category_counts(&self) -> Vec<CategoryCount> {
        self.0
            .category_counts
            .iter()
            .map(|(c, count)| CategoryCount {
                category: Category::named(c.clone(), self.0.locale.clone()),
                count: *count,
            })
            .collect()
    }

    /// Certification counts over all matching products, most first (at most 100).
    async fn certification_counts(&self) -> Vec<CertificationCount> {
        self.0
            .certification_counts
            .iter()
            .map(|(name, count)| CertificationCount {
                certification: name.clone(),
                count: *count,
            })
            .collect()
    }

    /// How many products match in all; an estimate on Meilisearch.
    async fn estimated_total(&self) -> u64 {
        self.0.estimated_total
    }
}

#[Object]
impl ProductSearchQuery {
    /// Full-text search over published products: name, model number (`bv200` finds `BV-200`),
    /// summary, description, spec rows, category names and certifications, with the articles'
    /// typo tolerance, Chinese segmentation and matching rule (every word; when no product has
    /// them all, those with any part). An empty `query` lists the matching products newest
    /// first: with `categories`, a category page.
    #[graphql(complexity = "list_complexity(first, child_complexity)")]
    #[expect(
        clippy::too_many_arguments,
        reason = "each GraphQL argument is a parameter"
    )]
    async fn product_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The words to look for.", default)] query: String,
        #[graphql(desc = "Only this site (ID or domain).")] site: Option<String>,
        #[graphql(desc = "Only this locale; also the locale categories are named in.")]
        locale: Option<String>,
        #[graphql(
            desc = "Only products in at least one of these categories (IDs, or slugs with `site`) or their subcategories (at most 20)."
        )]
        categories: Option<Vec<String>>,
        #[graphql(desc = "Only products carrying all of these certifications (any case).")]
        certifications: Option<Vec<String>>,
        #[graphql(desc = "Hits per page (20 when absent; at most the server's limit).")]
        first: Option<i32>,
        #[graphql(desc = "Hits to skip (at most 1000).")] offset: Option<i32>,
    ) -> async_graphql::Result<ProductSearchResult> {
        let st = state(ctx)?;
        let hits = ctx.look_ahead().field("hits");
        let input = ProductSearchInput {
            text: query,
            site,
            locale,
            categories: categories.unwrap_or_default(),
            certifications: certifications.unwrap_or_default(),
            first: first.map(i64::from),
            offset: offset.map(i64::from),
            skip_highlights: !hits.field("nameHighlight").exists()
                && !hits.field("summaryHighlight").exists(),
            skip_snippets: !hits.field("snippet").exists(),
        };
        let page = product_query::search_products(
            &st.db,
            &st.search,
            &st.response_cache,
            input,
            st.settings.max_page_size,
        )
        .await?;
        Ok(ProductSearchResult(page))
    }
}
