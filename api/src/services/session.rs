//! Sign-in sessions: login, refresh-token rotation with reuse detection, logout, and turning a
//! bearer credential into a [`Principal`].
use crate::auth::password::verify_password;
use crate::auth::secrets::{random_token, sha256_hex};
use crate::auth::{AuthConfig, Principal};
use crate::domain::Email;
use crate::error::{AppError, AppResult, Reason};
use crate::services::{api_token, now, user as user_service};
use chrono::{DateTime, Duration, Utc};
use entities::{refresh_token, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use secrecy::SecretString;
use uuid::Uuid;

/// Credentials handed to a client after login, registration or refresh.
pub struct Session {
    /// The signed-in user.
    pub user: user::Model,
    /// Short-lived JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// When the access token expires.
    pub access_token_expires_at: DateTime<Utc>,
    /// One-time token that buys the next pair.
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_token_expires_at: DateTime<Utc>,
}

/// The refusal of a refresh token that cannot be used, with why (`REFRESH_TOKEN_INVALID` for
/// one this server does not know, so only the token's holder learns more).
fn invalid_refresh(reason: Reason) -> AppError {
    AppError::unauthenticated("the refresh token is invalid, expired or revoked").because(reason)
}

fn unknown_refresh() -> AppError {
    invalid_refresh(Reason::RefreshTokenInvalid)
}

async fn start_session(
    db: &impl ConnectionTrait,
    auth: &AuthConfig,
    user: user::Model,
    family_id: Uuid,
) -> AppResult<Session> {
    let now = now();
    let (access_token, access_token_expires_at) = auth.jwt.issue(user.id, user.is_admin, now)?;
    let refresh_token = format!("wrt_{}", random_token(32));
    let refresh_token_expires_at = now + Duration::seconds(auth.refresh_ttl_secs);
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        family_id: Set(family_id),
        token_hash: Set(sha256_hex(&refresh_token)),
        expires_at: Set(refresh_token_expires_at),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(Session {
        user,
        access_token,
        access_token_expires_at,
        refresh_token,
        refresh_token_expires_at,
    })
}

/// Registers an account and signs it in.
pub async fn register(
    db: &impl ConnectionTrait,
    auth: &AuthConfig,
    input: user_service::NewUser,
) -> AppResult<Session> {
    if !auth.allow_registration {
        return Err(AppError::forbidden("registration is closed on this server")
            .because(Reason::RegistrationClosed));
    }
    let user = user_service::create_user(db, input, false).await?;
    start_session(db, auth, user, Uuid::now_v7()).await
}

/// Signs in with email and password.
pub async fn login(
    db: &impl ConnectionTrait,
    auth: &AuthConfig,
    email: &str,
    password: SecretString,
) -> AppResult<Session> {
    let wrong =
        || AppError::unauthenticated("invalid email or password").because(Reason::WrongCredentials);
    let account = match Email::parse("email", email) {
        Ok(email) => user_service::find_by_email(db, email.as_str()).await?,
        Err(_) => None,
    };
    let hash = account.as_ref().map(|u| u.password_hash.clone());
    if !verify_password(password, hash).await? {
        return Err(wrong());
    }
    let user = account.ok_or_else(wrong)?;
    start_session(db, auth, user, Uuid::now_v7()).await
}

/// Exchanges a refresh token for a new pair. A token may be used once: presenting a spent
/// token again is taken as theft and revokes every token of its family.
pub async fn refresh(
    db: &(impl ConnectionTrait + TransactionTrait),
    auth: &AuthConfig,
    token: &str,
) -> AppResult<Session> {
    let hash = sha256_hex(token.trim());
    let txn = crate::services::begin_write(db).await?;
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash))
        .one(&txn)
        .await?
        .ok_or_else(unknown_refresh)?;
    let now = now();
    if row.revoked_at.is_some() {
        return Err(invalid_refresh(Reason::RefreshTokenRevoked));
    }
    if row.expires_at <= now {
        return Err(invalid_refresh(Reason::RefreshTokenExpired));
    }
    // Spend the token only if nobody else has: the condition makes concurrent refreshes safe.
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        revoke_family(&txn, row.family_id).await?;
        txn.commit().await?;
        tracing::warn!(user_id = %row.user_id, family_id = %row.family_id, "refresh token reused; session family revoked");
        return Err(AppError::unauthenticated(
            "this refresh token was already used; the session has been revoked",
        )
        .because(Reason::RefreshTokenReused));
    }
    let user = user::Entity::find_by_id(row.user_id)
        .one(&txn)
        .await?
        .ok_or_else(unknown_refresh)?;
    let session = start_session(&txn, auth, user, row.family_id).await?;
    txn.commit().await?;
    Ok(session)
}

/// Signs `user` in afresh: a new access token and the first refresh token of a new family.
/// For account changes that end the user's other sessions (a new password, an accepted
/// invitation) and hand the caller a pair of their own.
pub async fn start_new_session(
    db: &impl ConnectionTrait,
    auth: &AuthConfig,
    user: user::Model,
) -> AppResult<Session> {
    start_session(db, auth, user, Uuid::now_v7()).await
}

/// Revokes every refresh token of `user_id` that is not revoked yet: each of their sessions
/// ends at its next refresh (access tokens already issued live out their short lifetime).
pub async fn revoke_all_sessions(db: &impl ConnectionTrait, user_id: Uuid) -> AppResult<u64> {
    let revoked = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now()))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(revoked.rows_affected)
}

async fn revoke_family(db: &impl ConnectionTrait, family_id: Uuid) -> AppResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now()))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends the session the refresh token belongs to. Unknown tokens are ignored (idempotent).
pub async fn logout(db: &impl ConnectionTrait, token: &str) -> AppResult<bool> {
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(sha256_hex(token.trim())))
        .one(db)
        .await?;
    if let Some(row) = row {
        revoke_family(db, row.family_id).await?;
    }
    Ok(true)
}

/// Turns the bearer credential of a request into a principal: an API token (`wharf_…`) or a
/// JWT access token. No credential is anonymous; a bad one is an error, never anonymous.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    auth: &AuthConfig,
    bearer: Option<&str>,
) -> AppResult<Principal> {
    let Some(credential) = bearer.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(Principal::Anonymous);
    };
    if credential.starts_with(api_token::TOKEN_PREFIX) {
        return api_token::authenticate(db, credential).await;
    }
    let claims = auth.jwt.verify(credential)?;
    Ok(Principal::User {
        user_id: claims.user_id,
        is_admin: claims.is_admin,
    })
}
