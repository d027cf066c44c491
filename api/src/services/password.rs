//! Changing a password while signed in (a reset link is `password_reset`). Whoever changes it
//! ends every other session of the account: a password is changed because it may be known to
//! someone else.
use crate::auth::password::{
    MAX_PASSWORD_CHARS, hash_password, validate_new_password, verify_password,
};
use crate::auth::{AuthConfig, Principal};
use crate::error::{AppError, AppResult, Reason};
use crate::services::password_reset;
use crate::services::session::{self, Session};
use crate::services::{begin_write, now};
use entities::user;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, Set, TransactionSession, TransactionTrait,
};
use secrecy::{ExposeSecret, SecretString};

/// Changes the signed-in user's password (not with an API token). The current password must
/// be given (`BAD_USER_INPUT` on `currentPassword` when wrong, not `UNAUTHENTICATED`: the
/// session itself is fine); the new one follows the rules of registration (`newPassword`).
/// Every refresh token of the account is revoked and the caller gets a new pair.
pub async fn change_password(
    db: &(impl ConnectionTrait + TransactionTrait),
    auth: &AuthConfig,
    principal: &Principal,
    current: SecretString,
    new: SecretString,
) -> AppResult<Session> {
    let user_id = principal.require_session()?;
    let account = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::unauthenticated("this account no longer exists").because(Reason::AccountGone)
        })?;
    let wrong = || {
        AppError::bad_input("currentPassword", "the current password is not correct")
            .because(Reason::WrongPassword)
    };
    // No stored password is longer: spare the hashing work.
    if current.expose_secret().chars().count() > MAX_PASSWORD_CHARS {
        return Err(wrong());
    }
    let same = current.expose_secret() == new.expose_secret();
    if !verify_password(current, Some(account.password_hash.clone())).await? {
        return Err(wrong());
    }
    if same {
        return Err(AppError::bad_input(
            "newPassword",
            "the new password must differ from the current one",
        )
        .because(Reason::PasswordUnchanged));
    }
    validate_new_password(
        "newPassword",
        &new,
        &[&account.email, &account.display_name],
    )
    .await?;
    // Hashed before the transaction: the write lock is never held during argon2 work.
    let hash = hash_password(new).await?;
    let txn = begin_write(db).await?;
    let session = replace_password(&txn, auth, account, hash).await?;
    txn.commit().await?;
    Ok(session)
}

/// Stores `hash` as the account's password, ends all its sessions, drops its unused reset
/// links and starts a new session for the caller. Runs in the caller's write transaction.
pub(crate) async fn replace_password(
    db: &impl ConnectionTrait,
    auth: &AuthConfig,
    account: user::Model,
    hash: String,
) -> AppResult<Session> {
    let mut active: user::ActiveModel = account.into();
    active.password_hash = Set(hash);
    active.updated_at = Set(now());
    let account = active.update(db).await?;
    session::revoke_all_sessions(db, account.id).await?;
    password_reset::discard_pending(db, account.id).await?;
    session::start_new_session(db, auth, account).await
}
