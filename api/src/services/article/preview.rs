//! Previewing a body before it is saved: what readers would get of it, made by exactly the code
//! that makes a saved article's fields (the body checks of `createArticle`, the renderer and its
//! budget, and the digest a list shows).
use super::digest::BodyLimits;
use super::write::check_body;
use crate::auth::Principal;
use crate::content::{self, Digest};
use crate::error::{AppError, AppResult};
use crate::services::{authz, site};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// What a body would show as an article with no explicit excerpt.
pub struct Preview {
    /// The sanitized HTML, as `Article.html`.
    pub html: String,
    /// Table of contents, derived excerpt, word count and reading time, as an article's.
    pub digest: Digest,
}

/// Renders `body` for an editor of `site_id` (who may write its articles: owners, editors,
/// admins, and API tokens with `content:write` that reach the site) under the limits of a
/// saved body. Nothing is stored or cached.
pub async fn preview_markdown(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
    body: &str,
    limits: BodyLimits,
) -> AppResult<Preview> {
    site::get_site(db, site_id)
        .await?
        .ok_or_else(|| AppError::not_found("site").at("siteId"))?;
    authz::require_content_writer(db, principal, site_id).await?;
    check_body(body, limits.max_bytes)?;
    let rendered = content::render_uncached(body, limits.render_budget).await?;
    let digest = Digest::of(&rendered);
    Ok(Preview {
        html: rendered.html,
        digest,
    })
}
