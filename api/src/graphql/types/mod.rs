//! GraphQL object and input types. They wrap entity models; a column change never changes the
//! schema by itself.

pub mod article;
pub mod article_input;
pub mod auth;
pub mod connection;
pub mod deal;
pub mod market;
pub mod media;
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

/// The `ID` of a UUID.
pub fn to_id(id: Uuid) -> ID {
    ID(id.to_string())
}
