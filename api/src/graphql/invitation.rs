//! Site invitations: inviting, listing, revoking, previewing and accepting one-time links.
use crate::graphql::context::{check_sign_in, principal, state};
use crate::graphql::types::auth::AuthPayload;
use crate::graphql::types::invitation::{InvitationPreview, SiteInvitation};
use crate::graphql::types::site::SiteRole;
use crate::graphql::types::{id_arg, site_id_arg};
use crate::services::invitation;
use async_graphql::{Context, ID, Object};
use secrecy::SecretString;

/// Reads of invitations.
#[derive(Default)]
pub struct InvitationQuery;

#[Object]
impl InvitationQuery {
    /// The site's invitations that can still be accepted, newest first (those who may manage
    /// its members: owners and admins, signed in). Tokens are never shown here.
    async fn site_invitations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The site, by ID or domain.")] site_id: ID,
    ) -> async_graphql::Result<Vec<SiteInvitation>> {
        let db = &state(ctx)?.db;
        let site_id = site_id_arg(db, "siteId", &site_id).await?;
        let found = invitation::list_pending(db, principal(ctx), site_id).await?;
        Ok(found.into_iter().map(SiteInvitation::from).collect())
    }

    /// What an invitation link leads to, for anyone holding it (no sign-in needed); null
    /// when the token is unknown, expired, revoked, replaced or already used.
    async fn invitation(
        &self,
        ctx: &Context<'_>,
        token: String,
    ) -> async_graphql::Result<Option<InvitationPreview>> {
        let found = invitation::preview(&state(ctx)?.db, &token).await?;
        Ok(found.map(InvitationPreview::from))
    }
}

/// Writes of invitations.
#[derive(Default)]
pub struct InvitationMutation;

#[Object]
impl InvitationMutation {
    /// Invites an email address to a site with a role (who may manage its members: owners
    /// and admins, signed in). The answer holds the link's token, shown this once; the link
    /// works once, for 7 days. Inviting the same email again replaces the pending invitation.
    async fn invite_site_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The site, by ID or domain.")] site_id: ID,
        email: String,
        role: SiteRole,
    ) -> async_graphql::Result<SiteInvitation> {
        let db = &state(ctx)?.db;
        let site_id = site_id_arg(db, "siteId", &site_id).await?;
        let created =
            invitation::invite_member(db, principal(ctx), site_id, &email, role.into()).await?;
        Ok(created.into())
    }

    /// Revokes a pending invitation: its link stops working.
    async fn revoke_site_invitation(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<bool> {
        Ok(invitation::revoke(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?).await?)
    }

    /// Accepts an invitation and signs the invitee in. When no account has the invited email,
    /// `password` and `displayName` create it (the rules of `register`); when one has it, sign
    /// in as that account first. A link works once: of concurrent uses one succeeds, the others
    /// get `CONFLICT` on `token`; an unknown or expired one gets `BAD_USER_INPUT` on `token`.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        token: String,
        password: Option<String>,
        display_name: Option<String>,
    ) -> async_graphql::Result<AuthPayload> {
        // Counted like registrations: accepting may create an account (argon2 work).
        check_sign_in(ctx, &token)?;
        let st = state(ctx)?;
        Ok(invitation::accept(
            &st.db,
            &st.auth,
            principal(ctx),
            &token,
            password.map(SecretString::from),
            display_name,
        )
        .await?
        .into())
    }
}
