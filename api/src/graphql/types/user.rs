//! Users as the API shows them.
use crate::graphql::context::{principal, state};
use crate::graphql::types::site::{Site, SiteRole};
use crate::services::member::memberships_of;
use crate::services::user::can_see_private_fields;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::user;

/// A person with an account, and whether it is shown to the person themself in the answer
/// that signed them in (register, login, refresh, accepting an invitation, a password reset):
/// that request carries no credentials yet, but its answer is the user's own.
pub struct User(pub user::Model, pub bool);

impl From<user::Model> for User {
    fn from(model: user::Model) -> Self {
        Self(model, false)
    }
}

/// A site the user belongs to, with their role there.
#[derive(SimpleObject)]
pub struct Membership {
    /// The site.
    pub site: Site,
    /// The user's role on it.
    pub role: SiteRole,
}

#[Object]
impl User {
    /// The user's ID.
    async fn id(&self) -> ID {
        super::to_id(self.0.id)
    }

    /// Email address; visible to the user themself and to admins only.
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        (self.1 || can_see_private_fields(principal(ctx), self.0.id))
            .then_some(self.0.email.as_str())
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

    /// The sites the user belongs to, by name, with their role; for the user themself (signed
    /// in, not through an API token) and admins, empty for anyone else.
    async fn memberships(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Membership>> {
        let rows = memberships_of(&state(ctx)?.db, principal(ctx), self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|(site, role)| Membership {
                site: Site(site),
                role: role.into(),
            })
            .collect())
    }
}
