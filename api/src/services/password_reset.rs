//! Password resets by a one-time link that a server admin makes and hands over (no mail server
//! needed): the admin gets the token once, only its hash is stored; the link works once, for an
//! hour, and a newer link for the same account replaces it. Using it sets the password, ends
//! every session of the account and signs the user in.
use crate::auth::password::{hash_password, validate_new_password};
use crate::auth::secrets::{random_token, sha256_hex};
use crate::auth::{AuthConfig, Principal};
use crate::domain::Email;
use crate::error::{AppError, AppResult, Reason};
use crate::services::password::replace_password;
use crate::services::session::Session;
use crate::services::user as users;
use crate::services::{begin_write, now};
use chrono::{DateTime, Duration, Utc};
use entities::password_reset::{self as reset, Model as PasswordReset};
use entities::user;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};
use secrecy::SecretString;
use uuid::Uuid;

/// How long a reset link works.
pub const RESET_MINUTES: i64 = 60;
/// Longest token accepted as input; real ones are 43 characters.
const MAX_TOKEN_CHARS: usize = 128;

/// A reset link just made, with its token shown this once.
pub struct CreatedReset {
    /// The plaintext token for the link.
    pub token: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
    /// The account's email.
    pub email: String,
}

/// Makes a reset link for the account with `email` (server admins, signed in); an earlier
/// unused link of the account stops working. An unknown email is `NOT_FOUND` on `email`:
/// only admins ask, so this tells no outsider which accounts exist.
pub async fn create_reset(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    email: &str,
) -> AppResult<CreatedReset> {
    let admin = principal.require_session()?;
    if !principal.is_admin() {
        return Err(
            AppError::forbidden("only server admins may make password reset links")
                .because(Reason::AdminsOnly),
        );
    }
    let email = Email::parse("email", email)?;
    let account = users::find_by_email(db, email.as_str())
        .await?
        .ok_or_else(|| AppError::not_found("account with this email").at("email"))?;
    let token = random_token(32);
    let now = now();
    let expires_at = now + Duration::minutes(RESET_MINUTES);
    let txn = begin_write(db).await?;
    discard_pending(&txn, account.id).await?;
    reset::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(account.id),
        token_hash: Set(sha256_hex(&token)),
        created_by: Set(Some(admin)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    tracing::info!(user_id = %account.id, admin = %admin, "password reset link made");
    Ok(CreatedReset {
        token,
        expires_at,
        email: account.email,
    })
}

/// Sets a new password with a reset link (anyone holding it; the new password follows the
/// rules of `register`, on `newPassword`). The link is spent in the write transaction by a
/// conditional update, so it works once even when used twice at the same moment; every
/// session of the account ends and the caller gets a new one.
pub async fn reset_password(
    db: &(impl ConnectionTrait + TransactionTrait),
    auth: &AuthConfig,
    token: &str,
    new: SecretString,
) -> AppResult<Session> {
    let found = usable(db, token).await?;
    let account = users::get_user(db, found.user_id)
        .await?
        .ok_or_else(unknown)?;
    validate_new_password(
        "newPassword",
        &new,
        &[&account.email, &account.display_name],
    )
    .await?;
    // Hashed before the transaction: the write lock is never held during argon2 work.
    let hash = hash_password(new).await?;
    let txn = begin_write(db).await?;
    let now = now();
    let spent = reset::Entity::update_many()
        .col_expr(reset::Column::UsedAt, Expr::value(now))
        .filter(reset::Column::Id.eq(found.id))
        .filter(reset::Column::UsedAt.is_null())
        .filter(reset::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(already_used());
    }
    let account = user::Entity::find_by_id(found.user_id)
        .one(&txn)
        .await?
        .ok_or_else(unknown)?;
    let session = replace_password(&txn, auth, account, hash).await?;
    txn.commit().await?;
    tracing::info!(user_id = %found.user_id, "password reset with a link");
    Ok(session)
}

/// Drops the account's unused reset links: a newer link, or a new password, replaces them.
pub(crate) async fn discard_pending(db: &impl ConnectionTrait, user_id: Uuid) -> AppResult<()> {
    reset::Entity::delete_many()
        .filter(reset::Column::UserId.eq(user_id))
        .filter(reset::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

fn unknown() -> AppError {
    AppError::bad_input(
        "token",
        "this password reset link is not valid; it may have been replaced by a newer one",
    )
    .because(Reason::LinkInvalid)
}

fn already_used() -> AppError {
    AppError::conflict("token", "this password reset link was already used")
        .because(Reason::LinkUsed)
}

/// The reset of `token` if it can still be used, else an error on `token` that says why.
async fn usable(db: &impl ConnectionTrait, token: &str) -> AppResult<PasswordReset> {
    let token = token.trim();
    if token.is_empty() || token.chars().count() > MAX_TOKEN_CHARS {
        return Err(unknown());
    }
    let found = reset::Entity::find()
        .filter(reset::Column::TokenHash.eq(sha256_hex(token)))
        .one(db)
        .await?
        .ok_or_else(unknown)?;
    if found.used_at.is_some() {
        return Err(already_used());
    }
    if found.expires_at <= now() {
        return Err(AppError::bad_input(
            "token",
            "this password reset link has expired; ask an admin for a new one",
        )
        .because(Reason::LinkExpired)
        .with("expiresAt", found.expires_at.to_rfc3339()));
    }
    Ok(found)
}
