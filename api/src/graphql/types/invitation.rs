//! Site invitations as the API shows them.
use super::site::{Site, SiteRole};
use crate::services::invitation::{CreatedInvitation, Preview};
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::site_invitation;

/// A one-time link to join a site with a role.
pub struct SiteInvitation {
    /// The stored invitation.
    pub invitation: site_invitation::Model,
    /// The plaintext token: only in the answer of `inviteSiteMember`.
    pub token: Option<String>,
}

impl From<CreatedInvitation> for SiteInvitation {
    fn from(created: CreatedInvitation) -> Self {
        Self {
            invitation: created.invitation,
            token: Some(created.token),
        }
    }
}

impl From<site_invitation::Model> for SiteInvitation {
    fn from(invitation: site_invitation::Model) -> Self {
        Self {
            invitation,
            token: None,
        }
    }
}

#[Object]
impl SiteInvitation {
    /// The invitation's ID.
    async fn id(&self) -> ID {
        super::to_id(self.invitation.id)
    }

    /// The site to join.
    async fn site(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Site>> {
        super::site_of(ctx, self.invitation.site_id).await
    }

    /// The invited email address (lowercased).
    async fn email(&self) -> &str {
        &self.invitation.email
    }

    /// The role the invitee gets.
    async fn role(&self) -> SiteRole {
        self.invitation.role.into()
    }

    /// When the invitation was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.invitation.created_at
    }

    /// When the link stops working (7 days after it was made).
    async fn expires_at(&self) -> DateTime<Utc> {
        self.invitation.expires_at
    }

    /// When it was accepted; null while pending.
    async fn accepted_at(&self) -> Option<DateTime<Utc>> {
        self.invitation.accepted_at
    }

    /// The token for the invitation link (`acceptInvitation`, `invitation`): only in the
    /// answer of `inviteSiteMember`, null later. Only its hash is stored.
    async fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}

/// What an invitation link leads to, shown before accepting it.
#[derive(SimpleObject)]
pub struct InvitationPreview {
    /// The name of the site to join.
    pub site_name: String,
    /// The site's domain.
    pub site_domain: String,
    /// The invited email address.
    pub email: String,
    /// The role the invitee gets.
    pub role: SiteRole,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
    /// Whether an account has this email: then accepting needs signing in as it; otherwise
    /// accepting creates the account (with a password and a display name).
    pub account_exists: bool,
}

impl From<Preview> for InvitationPreview {
    fn from(p: Preview) -> Self {
        Self {
            site_name: p.site.name,
            site_domain: p.site.domain,
            email: p.invitation.email,
            role: p.invitation.role.into(),
            expires_at: p.invitation.expires_at,
            account_exists: p.account_exists,
        }
    }
}
