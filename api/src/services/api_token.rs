//! API tokens for integrators: created with scopes, shown once, stored as a hash.
use crate::auth::secrets::{random_token, sha256_hex};
use crate::auth::{Principal, Scope};
use crate::domain::bounded_text;
use crate::error::{AppError, AppResult, Reason};
use crate::services::{authz, json_strings, now};
use chrono::Duration;
use entities::{api_token, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

/// Every API token starts with this, which is how a bearer credential is recognised as one.
pub const TOKEN_PREFIX: &str = "wharf_";
/// Most active tokens one user may hold.
pub const MAX_TOKENS_PER_USER: u64 = 100;
/// Longest lifetime a token may be given, in days.
pub const MAX_TOKEN_DAYS: i64 = 3650;

/// A token request.
pub struct NewApiToken {
    /// A label for the owner's own use.
    pub name: String,
    /// Scope names such as `content:write`.
    pub scopes: Vec<String>,
    /// Restrict the token to this site.
    pub site_id: Option<Uuid>,
    /// Days until the token expires; `None` never expires.
    pub expires_in_days: Option<i64>,
}

/// A freshly created token with its plaintext, which is never stored or shown again.
pub struct CreatedApiToken {
    /// The plaintext to hand to the integrator.
    pub plaintext: String,
    /// The stored record.
    pub token: api_token::Model,
}

/// Creates a token for the signed-in user.
pub async fn create_api_token(
    db: &impl ConnectionTrait,
    principal: &Principal,
    input: NewApiToken,
) -> AppResult<CreatedApiToken> {
    let user_id = principal.require_session()?;
    let name = bounded_text("name", &input.name, 1, 100)?;
    if input.scopes.is_empty() {
        return Err(
            AppError::bad_input("scopes", "give at least one scope").because(Reason::NoneChosen)
        );
    }
    let mut scopes: Vec<Scope> = Vec::new();
    for raw in &input.scopes {
        let scope = Scope::parse("scopes", raw.trim())?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if let Some(site_id) = input.site_id
        && !principal.is_admin_on(site_id)
        && authz::caller_role(db, principal, site_id).await?.is_none()
    {
        return Err(
            AppError::bad_input("siteId", "you are not a member of this site")
                .because(Reason::NotAMember),
        );
    }
    let expires_at = match input.expires_in_days {
        None => None,
        Some(days) if (1..=MAX_TOKEN_DAYS).contains(&days) => Some(now() + Duration::days(days)),
        Some(_) => {
            return Err(AppError::bad_input(
                "expiresInDays",
                format!("expiresInDays must be between 1 and {MAX_TOKEN_DAYS}"),
            )
            .because(Reason::OutOfRange)
            .with("min", 1)
            .with("max", MAX_TOKEN_DAYS));
        }
    };
    let active = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .count(db)
        .await?;
    if active >= MAX_TOKENS_PER_USER {
        return Err(AppError::bad_input(
            "name",
            format!("you already hold {MAX_TOKENS_PER_USER} active tokens; revoke one first"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_TOKENS_PER_USER));
    }
    let plaintext = format!("{TOKEN_PREFIX}{}", random_token(32));
    let token = api_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        name: Set(name),
        prefix: Set(plaintext.chars().take(TOKEN_PREFIX.len() + 6).collect()),
        token_hash: Set(sha256_hex(&plaintext)),
        scopes: Set(serde_json::json!(
            scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>()
        )),
        site_id: Set(input.site_id),
        expires_at: Set(expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now()),
    }
    .insert(db)
    .await?;
    Ok(CreatedApiToken { plaintext, token })
}

/// The signed-in user's tokens that are not revoked, newest first.
pub async fn list_api_tokens(
    db: &impl ConnectionTrait,
    principal: &Principal,
) -> AppResult<Vec<api_token::Model>> {
    let user_id = principal.require_session()?;
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?)
}

/// Revokes one of the caller's tokens (admins may revoke any).
pub async fn revoke_api_token(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> AppResult<api_token::Model> {
    let user_id = principal.require_session()?;
    let token = api_token::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|t| t.user_id == user_id || principal.is_admin())
        .ok_or_else(|| AppError::not_found("API token"))?;
    if token.revoked_at.is_some() {
        return Ok(token);
    }
    let mut active: api_token::ActiveModel = token.into();
    active.revoked_at = Set(Some(now()));
    Ok(active.update(db).await?)
}

/// The scopes stored on a token.
pub fn scopes_of(token: &api_token::Model) -> Vec<String> {
    json_strings(&token.scopes)
}

/// Resolves a plaintext API token to its principal.
pub async fn authenticate(db: &impl ConnectionTrait, plaintext: &str) -> AppResult<Principal> {
    let refused = |reason| {
        AppError::unauthenticated("the API token is invalid, expired or revoked").because(reason)
    };
    let invalid = || refused(Reason::ApiTokenInvalid);
    let token = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(sha256_hex(plaintext)))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    let now = now();
    if token.revoked_at.is_some() {
        return Err(refused(Reason::ApiTokenRevoked));
    }
    if token.expires_at.is_some_and(|at| at <= now) {
        return Err(refused(Reason::ApiTokenExpired));
    }
    let owner = user::Entity::find_by_id(token.user_id)
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    // Record use at most once a minute, so a busy integrator does not turn reads into writes.
    if token
        .last_used_at
        .is_none_or(|at| now - at > Duration::minutes(1))
    {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    let scopes = scopes_of(&token)
        .iter()
        .filter_map(|s| Scope::parse("scopes", s).ok())
        .collect();
    Ok(Principal::Token {
        token_id: token.id,
        user_id: owner.id,
        is_admin: owner.is_admin,
        scopes,
        site_id: token.site_id,
    })
}
