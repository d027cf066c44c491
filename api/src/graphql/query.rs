//! Read operations.
use crate::error::{AppError, Reason};
use crate::graphql::context::{PageArgs, principal, state};
use crate::graphql::types::auth::ApiToken;
use crate::graphql::types::connection::{Conn, connection, list_complexity};
use crate::graphql::types::id_arg;
use crate::graphql::types::site::Site;
use crate::graphql::types::tag::Tag;
use crate::graphql::types::user::User;
use crate::services::{api_token, site, tag, user};
use async_graphql::{Context, ID, Object};

/// Reads of the core content: viewer, sites, articles, tags, API tokens.
#[derive(Default)]
pub struct ContentQuery;

#[Object]
impl ContentQuery {
    /// The signed-in user; null for anonymous callers.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        Ok(user::viewer(&state(ctx)?.db, principal(ctx))
            .await?
            .map(User::from))
    }

    /// A site by ID or by domain (any form: `https://www.Example.com` finds `example.com`).
    async fn site(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        domain: Option<String>,
    ) -> async_graphql::Result<Option<Site>> {
        let db = &state(ctx)?.db;
        let found = match (id, domain) {
            (Some(id), None) => site::get_site(db, id_arg("id", &id)?).await?,
            (None, Some(domain)) => Some(site::find_site(db, "domain", &domain).await?),
            _ => {
                return Err(
                    AppError::bad_input("id", "give exactly one of id and domain")
                        .because(Reason::AmbiguousLookup)
                        .into(),
                );
            }
        };
        found
            .map(Site)
            .map(Some)
            .ok_or_else(|| AppError::not_found("site").into())
    }

    /// All sites, oldest first.
    #[graphql(complexity = "list_complexity(first, child_complexity)")]
    async fn sites(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Conn<Site>> {
        let st = state(ctx)?;
        let page = PageArgs { first, after }.parse(ctx, "sites")?;
        Ok(connection(site::list_sites(&st.db, &page).await?, Site))
    }

    /// The tags of a site (ID or domain), by slug. Readers who may not see the site's drafts
    /// get only the tags of its published articles.
    #[graphql(complexity = "list_complexity(first, child_complexity)")]
    async fn tags(
        &self,
        ctx: &Context<'_>,
        site: String,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Conn<Tag>> {
        let st = state(ctx)?;
        let site = site::find_site(&st.db, "site", &site).await?;
        let page = PageArgs { first, after }.parse(ctx, "tags")?;
        Ok(connection(
            tag::list_tags(&st.db, principal(ctx), site.id, &page).await?,
            Tag,
        ))
    }

    /// The signed-in user's active API tokens, newest first.
    async fn api_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiToken>> {
        let tokens = api_token::list_api_tokens(&state(ctx)?.db, principal(ctx)).await?;
        Ok(tokens.into_iter().map(ApiToken).collect())
    }
}
