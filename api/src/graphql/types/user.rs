//! Users as the API shows them.
use crate::graphql::context::principal;
use crate::services::user::can_see_private_fields;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entities::user;

/// A person with an account.
pub struct User(pub user::Model);

#[Object]
impl User {
    /// The user's ID.
    async fn id(&self) -> ID {
        super::to_id(self.0.id)
    }

    /// Email address; visible to the user themself and to admins only.
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        can_see_private_fields(principal(ctx), self.0.id).then_some(self.0.email.as_str())
    }

    /// The name shown on articles.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// Whether the user is a global admin.
    async fn is_admin(&self) -> bool {
        self.0.is_admin
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
