//! Accounts: registration, lookup, and the first admin.
use crate::auth::Principal;
use crate::auth::password::{hash_password, validate_new_password};
use crate::domain::{Email, bounded_text};
use crate::error::{AppError, AppResult, Reason, on_constraint};
use crate::services::now;
use entities::user;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use secrecy::SecretString;
use uuid::Uuid;

/// A new account, as given by a client.
pub struct NewUser {
    /// Email address; unique.
    pub email: String,
    /// At least 10 characters, hard to guess (see `auth::password::validate_new_password`).
    pub password: SecretString,
    /// Name shown on articles; defaults to the part of the email before `@`.
    pub display_name: Option<String>,
}

/// Longest display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 100;

const USER_CONSTRAINTS: &[(&str, &str, &str)] = &[("users_email", "users.email", "email")];

/// A new account whose input passed the checks and whose password is hashed: what
/// [`insert_user`] stores. Made before a write transaction, so that no write lock is held
/// during the argon2 work.
pub struct PreparedUser {
    email: Email,
    display_name: String,
    password_hash: String,
}

impl PreparedUser {
    /// The account's email.
    pub fn email(&self) -> &str {
        self.email.as_str()
    }
}

/// Checks a new account's input and hashes its password.
pub async fn prepare_user(input: NewUser) -> AppResult<PreparedUser> {
    let email = Email::parse("email", &input.email)?;
    let display_name = match input.display_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => {
            bounded_text("displayName", name, 1, MAX_DISPLAY_NAME_CHARS)?
        }
        _ => email
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    validate_new_password(
        "password",
        &input.password,
        &[email.as_str(), &display_name],
    )
    .await?;
    let password_hash = hash_password(input.password).await?;
    Ok(PreparedUser {
        email,
        display_name,
        password_hash,
    })
}

/// Stores a prepared account; a taken email is `CONFLICT` on `email`.
pub async fn insert_user(
    db: &impl ConnectionTrait,
    prepared: PreparedUser,
    is_admin: bool,
) -> AppResult<user::Model> {
    let now = now();
    user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(prepared.email.as_str().to_owned()),
        display_name: Set(prepared.display_name),
        password_hash: Set(prepared.password_hash),
        is_admin: Set(is_admin),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| on_constraint(e, USER_CONSTRAINTS))
}

/// Creates an account (not an admin).
pub async fn create_user(
    db: &impl ConnectionTrait,
    input: NewUser,
    is_admin: bool,
) -> AppResult<user::Model> {
    // Hash before looking the email up: an existing email then answers after the same argon2
    // work as a new one, so the time of `register` does not tell whether an account exists.
    let prepared = prepare_user(input).await?;
    if find_by_email(db, prepared.email()).await?.is_some() {
        return Err(
            AppError::conflict("email", "an account with this email already exists")
                .because(Reason::EmailTaken),
        );
    }
    insert_user(db, prepared, is_admin).await
}

/// Creates the first admin, or makes an existing account an admin and sets its password.
pub async fn ensure_admin(
    db: &impl ConnectionTrait,
    email: &str,
    password: SecretString,
) -> AppResult<user::Model> {
    let parsed = Email::parse("email", email)?;
    match find_by_email(db, parsed.as_str()).await? {
        None => {
            let input = NewUser {
                email: email.to_owned(),
                password,
                display_name: None,
            };
            create_user(db, input, true).await
        }
        Some(existing) => {
            validate_new_password(
                "password",
                &password,
                &[&existing.email, &existing.display_name],
            )
            .await?;
            let mut active: user::ActiveModel = existing.into();
            active.is_admin = Set(true);
            active.password_hash = Set(hash_password(password).await?);
            active.updated_at = Set(now());
            Ok(active.update(db).await?)
        }
    }
}

/// The account with this (lowercased) email.
pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}

/// The oldest global admin, who acts for command-line tools.
pub async fn first_admin(db: &impl ConnectionTrait) -> AppResult<Option<user::Model>> {
    use sea_orm::QueryOrder;
    Ok(user::Entity::find()
        .filter(user::Column::IsAdmin.eq(true))
        .order_by_asc(user::Column::CreatedAt)
        .one(db)
        .await?)
}

/// The user with this ID.
pub async fn get_user(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

/// The signed-in user, or `None` for anonymous callers.
pub async fn viewer(
    db: &impl ConnectionTrait,
    principal: &Principal,
) -> AppResult<Option<user::Model>> {
    match principal.user_id() {
        None => Ok(None),
        Some(id) => Ok(user::Entity::find_by_id(id).one(db).await?),
    }
}

/// Whether the caller may see `user_id`'s private fields (email): the user and admins.
pub fn can_see_private_fields(principal: &Principal, user_id: Uuid) -> bool {
    principal.is_admin() || principal.user_id() == Some(user_id)
}
