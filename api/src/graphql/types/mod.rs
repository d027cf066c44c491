//! GraphQL object and input types. They wrap entity models; a column change never changes the
//! schema by itself.

pub mod article;
pub mod article_input;
pub mod auth;
pub mod category;
pub mod connection;
pub mod deal;
pub mod flat;
pub mod inquiry;
pub mod inquiry_input;
pub mod invitation;
pub mod market;
pub mod media;
pub mod preview;
pub mod product;
pub mod product_flat;
pub mod product_input;
pub mod product_parts;
pub mod product_revision;
pub mod seo;
pub mod site;
pub mod tag;
pub mod user;

use crate::error::AppResult;
use async_graphql::ID;
use uuid::Uuid;

/// Parses an `ID` argument.
pub fn id_arg(field: &str, id: &ID) -> AppResult<Uuid> {
    crate::services::parse_id(field, id.as_str())
}

/// The site a client named in a `siteId` argument, by its ID or (like every `site` argument)
/// by its domain.
pub async fn site_id_arg(
    db: &impl sea_orm::ConnectionTrait,
    field: &str,
    id_or_domain: &ID,
) -> AppResult<Uuid> {
    crate::services::site::site_id_of(db, field, id_or_domain.as_str()).await
}

/// The `ID` of a UUID.
pub fn to_id(id: Uuid) -> ID {
    ID(id.to_string())
}

/// The site with this ID, through the request's batched loader.
pub async fn site_of(
    ctx: &async_graphql::Context<'_>,
    id: Uuid,
) -> async_graphql::Result<Option<site::Site>> {
    Ok(crate::graphql::context::loaders(ctx)?
        .sites
        .load_one(id)
        .await?
        .map(site::Site))
}

/// The user with this ID (none for `None`), through the request's batched loader.
pub async fn user_of(
    ctx: &async_graphql::Context<'_>,
    id: Option<Uuid>,
) -> async_graphql::Result<Option<user::User>> {
    match id {
        None => Ok(None),
        Some(id) => Ok(crate::graphql::context::loaders(ctx)?
            .users
            .load_one(id)
            .await?
            .map(user::User::from)),
    }
}
