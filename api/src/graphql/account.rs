//! Account security: changing a password, and resetting one with a one-time link an admin
//! makes.
use crate::graphql::context::{check_sign_in, principal, state};
use crate::graphql::types::auth::{AuthPayload, PasswordReset};
use crate::services::{password, password_reset};
use async_graphql::{Context, Object};
use secrecy::SecretString;

/// Writes of account security.
#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Changes the signed-in user's password (not with an API token). The current password
    /// must be given; the new one follows the rules of `register`. Every session of the
    /// account ends (its refresh tokens are revoked) and the answer is a new one.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> async_graphql::Result<AuthPayload> {
        // Counted like sign-ins: a stolen access token must not buy unlimited guesses.
        if let Some(user_id) = principal(ctx).user_id() {
            check_sign_in(ctx, &user_id.to_string())?;
        }
        let st = state(ctx)?;
        Ok(password::change_password(
            &st.db,
            &st.auth,
            principal(ctx),
            SecretString::from(current_password),
            SecretString::from(new_password),
        )
        .await?
        .into())
    }

    /// Makes a one-time link to set a new password for the account with this email (server
    /// admins, signed in), to hand to its owner: the token is in the answer, once; the link
    /// works for an hour and replaces the account's earlier links. An unknown email is
    /// `NOT_FOUND` on `email`.
    async fn create_password_reset(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> async_graphql::Result<PasswordReset> {
        let created = password_reset::create_reset(&state(ctx)?.db, principal(ctx), &email).await?;
        Ok(created.into())
    }

    /// Sets a new password with a reset link (no sign-in needed); the new one follows the rules
    /// of `register`, on `newPassword`. The link works once; every session of the account
    /// ends and the answer is a new one. An unknown or expired link is `BAD_USER_INPUT` on
    /// `token`, a used one `CONFLICT` on `token`.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        token: String,
        new_password: String,
    ) -> async_graphql::Result<AuthPayload> {
        // Counted like sign-ins: each attempt costs argon2 work.
        check_sign_in(ctx, &token)?;
        let st = state(ctx)?;
        Ok(password_reset::reset_password(
            &st.db,
            &st.auth,
            &token,
            SecretString::from(new_password),
        )
        .await?
        .into())
    }
}
