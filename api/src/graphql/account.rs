//! Account security: changing a password, and resetting one with a one-time link.
use crate::graphql::context::{check_sign_in, principal, state};
use crate::graphql::types::auth::AuthPayload;
use crate::services::password;
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
}
