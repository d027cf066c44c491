//! The `search` query: ranked, highlighted hits over published articles, with tag counts.
use crate::graphql::article::columns_of;
use crate::graphql::context::state;
use crate::graphql::types::article::Article;
use crate::graphql::types::connection::list_complexity;
use crate::services::search::{self, ArticleHit, SearchInput, SearchPage};
use async_graphql::{Context, Object, SimpleObject};

/// Search over published articles.
#[derive(Default)]
pub struct SearchQuery;

/// One search hit.
pub struct SearchHit(ArticleHit);

#[Object]
impl SearchHit {
    /// The article.
    async fn article(&self) -> Article {
        Article(self.0.article.clone())
    }

    /// The title as HTML: escaped, with the matched words in `<em>`.
    async fn title_highlight(&self) -> &str {
        &self.0.title_html
    }

    /// The excerpt as HTML: escaped, with the matched words in `<em>`.
    async fn excerpt_highlight(&self) -> &str {
        &self.0.excerpt_html
    }

    /// The passage of the body around the best match, as HTML: about 30 words or 60 Chinese
    /// characters, escaped, with the matched words in `<em>` and `…` where the body was cut.
    /// Without a match in the body (or without a query), the start of the body.
    async fn snippet(&self) -> &str {
        &self.0.snippet_html
    }
}

/// How many matching articles carry a tag.
#[derive(SimpleObject)]
pub struct TagCount {
    /// The tag's slug.
    pub tag: String,
    /// Matching articles that carry it.
    pub count: u64,
}

/// A page of search results.
pub struct SearchResult(SearchPage);

#[Object]
impl SearchResult {
    /// Hits, best first.
    async fn hits(&self) -> Vec<SearchHit> {
        self.0
            .hits
            .iter()
            .map(|h| {
                SearchHit(ArticleHit {
                    article: h.article.clone(),
                    title_html: h.title_html.clone(),
                    excerpt_html: h.excerpt_html.clone(),
                    snippet_html: h.snippet_html.clone(),
                })
            })
            .collect()
    }

    /// Tag counts over the matching articles (not only this page), most frequent first. On the
    /// embedded engine, when more than 10,000 articles match, over the first 10,000 of them.
    async fn tag_counts(&self) -> Vec<TagCount> {
        self.0
            .tag_counts
            .iter()
            .map(|(tag, count)| TagCount {
                tag: tag.clone(),
                count: *count,
            })
            .collect()
    }

    /// How many articles match in all; an estimate on Meilisearch.
    async fn estimated_total(&self) -> u64 {
        self.0.estimated_total
    }
}

#[Object]
impl SearchQuery {
    /// Full-text search over published articles, tolerant of typos (one in words of 5 or more
    /// characters, two from 9); Chinese text is segmented into words. An empty `query` lists
    /// the matching articles newest first.
    #[graphql(complexity = "list_complexity(first, child_complexity)")]
    #[expect(
        clippy::too_many_arguments,
        reason = "each GraphQL argument is a parameter"
    )]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The words to look for.", default)] query: String,
        #[graphql(desc = "Only this site (ID or domain).")] site: Option<String>,
        #[graphql(desc = "Only this locale.")] locale: Option<String>,
        #[graphql(desc = "Only articles carrying all of these tag slugs.")] tags: Option<
            Vec<String>,
        >,
        #[graphql(desc = "Hits per page (20 when absent; at most the server's limit).")]
        first: Option<i32>,
        #[graphql(desc = "Hits to skip (at most 1000).")] offset: Option<i32>,
    ) -> async_graphql::Result<SearchResult> {
        let st = state(ctx)?;
        let hits = ctx.look_ahead().field("hits");
        let (columns, _) = columns_of(hits.field("article").selection_fields().into_iter());
        let skip_highlights =
            !hits.field("titleHighlight").exists() && !hits.field("excerptHighlight").exists();
        let input = SearchInput {
            text: query,
            site,
            locale,
            tags: tags.unwrap_or_default(),
            first: first.map(i64::from),
            offset: offset.map(i64::from),
            skip_highlights,
            skip_snippets: !hits.field("snippet").exists(),
            columns,
        };
        let page = search::search_articles(
            &st.db,
            &st.search,
            &st.response_cache,
            input,
            st.settings.max_page_size,
        )
        .await?;
        Ok(SearchResult(page))
    }
}
