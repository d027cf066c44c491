//! What most tests start from: an account, a site, an article, a publication.
use crate::{TestApp, ok, str_at};
use anyhow::Result;
use serde_json::{Value, json};

/// Signed-in credentials.
pub struct Auth {
    /// JWT access token.
    pub token: String,
    /// Refresh token.
    pub refresh: String,
    /// The user's ID.
    pub user_id: String,
}

impl TestApp {
    /// Registers an account and returns its credentials.
    pub async fn signup(&self, email: &str) -> Result<Auth> {
        let body = self
            .graphql(
                "mutation($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id } } }",
                json!({ "input": { "email": email, "password": "correct horse battery", "displayName": email } }),
            )
            .await?;
        let data = ok(&body)?;
        Ok(Auth {
            token: str_at(data, "/register/accessToken")?,
            refresh: str_at(data, "/register/refreshToken")?,
            user_id: str_at(data, "/register/user/id")?,
        })
    }

    /// Creates a site with these locales (the first is the default); returns its ID.
    pub async fn create_site(&self, token: &str, domain: &str, locales: &[&str]) -> Result<String> {
        let body = self
            .graphql_as(
                token,
                "mutation($input: CreateSiteInput!) { createSite(input: $input) { id } }",
                json!({ "input": { "name": domain, "domain": domain, "defaultLocale": locales.first().copied().unwrap_or("en"), "locales": locales } }),
            )
            .await?;
        str_at(ok(&body)?, "/createSite/id")
    }

    /// Creates an article from `input` (siteId and title at least); returns the article JSON.
    pub async fn create_article(&self, token: &str, input: Value) -> Result<Value> {
        let body = self
            .graphql_as(
                token,
                "mutation($input: CreateArticleInput!) { createArticle(input: $input) { id slug title status locale tags { slug name } } }",
                json!({ "input": input }),
            )
            .await?;
        Ok(ok(&body)?["createArticle"].clone())
    }

    /// Publishes an article.
    pub async fn publish(&self, token: &str, id: &str) -> Result<Value> {
        let body = self
            .graphql_as(
                token,
                "mutation($id: ID!) { publishArticle(id: $id) { id status publishedAt } }",
                json!({ "id": id }),
            )
            .await?;
        Ok(ok(&body)?["publishArticle"].clone())
    }
}
