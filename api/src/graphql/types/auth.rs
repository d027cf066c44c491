//! Sessions and API tokens as the API shows them.
use super::user::User;
use crate::services::api_token::scopes_of;
use crate::services::session::Session;
use async_graphql::{ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::api_token;

/// Credentials after register, login or refresh.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Send as `Authorization: Bearer` on each request.
    pub access_token: String,
    /// When the access token expires.
    pub access_token_expires_at: DateTime<Utc>,
    /// Exchange with `refreshToken` for a new pair; usable once.
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_token_expires_at: DateTime<Utc>,
    /// The signed-in user.
    pub user: User,
}

impl From<Session> for AuthPayload {
    fn from(s: Session) -> Self {
        Self {
            access_token: s.access_token,
            access_token_expires_at: s.access_token_expires_at,
            refresh_token: s.refresh_token,
            refresh_token_expires_at: s.refresh_token_expires_at,
            user: User(s.user, true),
        }
    }
}

/// A new account.
#[derive(InputObject)]
pub struct RegisterInput {
    /// Email address.
    pub email: String,
    /// 10 to 256 characters, no control characters, and hard to guess (a passphrase of
    /// uncommon words; the account's own email and name do not count).
    pub password: String,
    /// Name shown on articles.
    pub display_name: Option<String>,
}

/// An API token (never its plaintext).
pub struct ApiToken(pub api_token::Model);

#[Object]
impl ApiToken {
    /// The token's ID.
    async fn id(&self) -> ID {
        super::to_id(self.0.id)
    }

    /// Label.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The first characters of the token, to recognise it.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }

    /// Scopes such as `content:write`.
    async fn scopes(&self) -> Vec<String> {
        scopes_of(&self.0)
    }

    /// The one site the token may act on, if restricted.
    async fn site_id(&self) -> Option<ID> {
        self.0.site_id.map(super::to_id)
    }

    /// When the token stops working.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    /// Last use (to the minute).
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }

    /// When it was revoked.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A token just created, with its plaintext shown this once.
#[derive(SimpleObject)]
pub struct CreatedApiToken {
    /// The plaintext: store it now, it cannot be shown again.
    pub token: String,
    /// The token's record.
    pub api_token: ApiToken,
}

/// A token to create.
#[derive(InputObject)]
pub struct CreateApiTokenInput {
    /// Label.
    pub name: String,
    /// Scopes: `content:read`, `content:write`, `deals:read`, `deals:write`, `inquiries:read`,
    /// `inquiries:write`.
    pub scopes: Vec<String>,
    /// Restrict the token to this site (its ID or domain).
    pub site_id: Option<ID>,
    /// Days until it expires; never when absent.
    pub expires_in_days: Option<i32>,
}

/// A password reset link just made by an admin, to hand to the account's owner.
#[derive(SimpleObject)]
pub struct PasswordReset {
    /// The token for the link (`resetPassword`): shown this once, only its hash is stored.
    pub token: String,
    /// When the link stops working (an hour after it was made).
    pub expires_at: DateTime<Utc>,
    /// The account's email.
    pub email: String,
}

impl From<crate::services::password_reset::CreatedReset> for PasswordReset {
    fn from(r: crate::services::password_reset::CreatedReset) -> Self {
        Self {
            token: r.token,
            expires_at: r.expires_at,
            email: r.email,
        }
    }
}
