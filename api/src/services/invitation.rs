//! Site invitations: one-time links that let their holder join a site with a role.
//!
//! Whoever may manage a site's members (its owners and admins, signed in) invites an email
//! address; the answer carries the link's token, once: only its hash is stored. The holder
//! accepts it with a new account (when none has the email) or signed in as the account that
//! has it. A link works once, until it expires, is revoked or replaced by a new invitation of
//! the same email.
use crate::auth::secrets::{random_token, sha256_hex};
use crate::auth::{AuthConfig, Principal};
use crate::domain::Email;
use crate::error::{AppError, AppResult, ErrorCode, Reason, on_constraint_with};
use crate::services::session::{self, Session};
use crate::services::user::{self as users, NewUser};
use crate::services::{authz, begin_write, now, site as sites};
use chrono::{DateTime, Duration, Utc};
use entities::site_invitation::{self as invitation, Model as Invitation};
use entities::site_member::{self, SiteRole};
use entities::{site, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionSession, TransactionTrait,
};
use secrecy::SecretString;
use uuid::Uuid;

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;
/// Most pending invitations a site may have (which also bounds `siteInvitations`).
pub const MAX_PENDING_PER_SITE: u64 = 100;
/// Longest token accepted as input; real ones are 43 characters.
const MAX_TOKEN_CHARS: usize = 128;

/// The partial unique index of pending invitations (migration
/// `m20261211_000002_site_invitations`), by its PostgreSQL name and the columns SQLite names.
const PENDING_CONSTRAINT: (&str, &str) = (
    "ux_site_invitations_pending_email",
    "site_invitations.site_id, site_invitations.email",
);

/// An invitation just made, with its token shown this once.
pub struct CreatedInvitation {
    /// The plaintext token for the link.
    pub token: String,
    /// The stored invitation.
    pub invitation: Invitation,
}

/// What a link's holder may see before accepting it.
pub struct Preview {
    /// The site to join.
    pub site: site::Model,
    /// The invitation.
    pub invitation: Invitation,
    /// Whether an account has the invited email (then accepting needs signing in as it).
    pub account_exists: bool,
}

/// Invites `email` to `site_id` with `role` (owners and admins, signed in). A pending
/// invitation of the same email is replaced; the site's expired ones are dropped.
pub async fn invite_member(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    site_id: Uuid,
    email: &str,
    role: SiteRole,
) -> AppResult<CreatedInvitation> {
    let inviter = authz::require_site_owner(db, principal, site_id).await?;
    sites::get_site(db, site_id)
        .await?
        .ok_or_else(|| AppError::not_found("site").at("siteId"))?;
    let email = Email::parse("email", email)?;
    if let Some(account) = users::find_by_email(db, email.as_str()).await?
        && site_member::Entity::find_by_id((site_id, account.id))
            .one(db)
            .await?
            .is_some()
    {
        return Err(AppError::conflict(
            "email",
            "this account is already a member of the site; change its role with setSiteMember",
        )
        .because(Reason::AlreadyMember));
    }
    let token = random_token(32);
    let now = now();
    let txn = begin_write(db).await?;
    invitation::Entity::delete_many()
        .filter(invitation::Column::SiteId.eq(site_id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(
            Condition::any()
                .add(invitation::Column::Email.eq(email.as_str()))
                .add(invitation::Column::ExpiresAt.lte(now)),
        )
        .exec(&txn)
        .await?;
    let pending = invitation::Entity::find()
        .filter(invitation::Column::SiteId.eq(site_id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .count(&txn)
        .await?;
    if pending >= MAX_PENDING_PER_SITE {
        return Err(AppError::new(
            ErrorCode::Conflict,
            format!("the site has {MAX_PENDING_PER_SITE} pending invitations; revoke some first"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_PENDING_PER_SITE));
    }
    let created = invitation::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(site_id),
        email: Set(email.as_str().to_owned()),
        role: Set(role),
        token_hash: Set(sha256_hex(&token)),
        invited_by: Set(Some(inviter)),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(INVITATION_DAYS)),
        accepted_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        on_constraint_with(e, PENDING_CONSTRAINT, || {
            AppError::conflict(
                "email",
                "another invitation for this email was made at the same moment; try again",
            )
            .because(Reason::ChangedMeanwhile)
        })
    })?;
    txn.commit().await?;
    Ok(CreatedInvitation {
        token,
        invitation: created,
    })
}

/// The site's invitations that can still be accepted, newest first (owners and admins).
pub async fn list_pending(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<Vec<Invitation>> {
    authz::require_site_owner(db, principal, site_id).await?;
    Ok(invitation::Entity::find()
        .filter(invitation::Column::SiteId.eq(site_id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now()))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Revokes a pending invitation (owners and admins of its site; hidden from everyone else).
pub async fn revoke(db: &impl ConnectionTrait, principal: &Principal, id: Uuid) -> AppResult<bool> {
    principal.require_session()?;
    let hidden = || AppError::not_found("invitation").at("id");
    let found = invitation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(hidden)?;
    if authz::require_site_owner(db, principal, found.site_id)
        .await
        .is_err()
    {
        return Err(hidden());
    }
    let deleted = invitation::Entity::delete_many()
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .exec(db)
        .await?;
    if deleted.rows_affected != 1 {
        return Err(AppError::conflict(
            "id",
            "this invitation was already accepted; remove the member instead",
        )
        .because(Reason::LinkUsed));
    }
    Ok(true)
}

/// What an invitation link leads to, for anyone holding it; `None` when the token is unknown,
/// expired, revoked, replaced or already used.
pub async fn preview(db: &impl ConnectionTrait, token: &str) -> AppResult<Option<Preview>> {
    let invitation = match usable(db, token).await {
        Ok(invitation) => invitation,
        Err(err) if err.code == ErrorCode::Internal => return Err(err),
        Err(_) => return Ok(None),
    };
    let Some(site) = sites::get_site(db, invitation.site_id).await? else {
        return Ok(None);
    };
    let account_exists = users::find_by_email(db, &invitation.email).await?.is_some();
    Ok(Some(Preview {
        site,
        invitation,
        account_exists,
    }))
}

/// Accepts an invitation and signs the invitee in.
///
/// When no account has the invited email, one is created with `password` and `display_name`
/// (both required, the rules of `register`). When one has it, the caller must be signed in
/// as that account. The token is spent in the write transaction by a conditional update, so
/// of concurrent acceptances exactly one succeeds; the others get `CONFLICT` on `token`.
/// An existing member keeps their role unless the invitation grants more.
pub async fn accept(
    db: &(impl ConnectionTrait + TransactionTrait),
    auth: &AuthConfig,
    principal: &Principal,
    token: &str,
    password: Option<SecretString>,
    display_name: Option<String>,
) -> AppResult<Session> {
    let found = usable(db, token).await?;
    let invitee = match users::find_by_email(db, &found.email).await? {
        Some(account) => match signed_in_as(principal, account) {
            Ok(account) => Invitee::Existing(account),
            // The account may be the one a concurrent acceptance of this same link has just
            // created (it spends the token in that transaction): then the link is used, and
            // that is the answer, not "sign in first".
            Err(error) => {
                usable(db, token).await?;
                return Err(error);
            }
        },
        None => {
            let password = password.ok_or_else(|| {
                AppError::bad_input("password", "choose a password for your new account")
                    .because(Reason::Empty)
            })?;
            let display_name = display_name
                .filter(|name| !name.trim().is_empty())
                .ok_or_else(|| {
                    AppError::bad_input("displayName", "give the name to show on your articles")
                        .because(Reason::Empty)
                })?;
            let input = NewUser {
                email: found.email.clone(),
                password,
                display_name: Some(display_name),
            };
            // Checked and hashed before the transaction: no write lock during argon2 work.
            Invitee::New(users::prepare_user(input).await?)
        }
    };
    let txn = begin_write(db).await?;
    let now = now();
    // Spent first: a concurrent acceptance that lost stops here, before creating anything.
    let spent = invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(found.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(already_used());
    }
    let account = match invitee {
        Invitee::Existing(account) => account,
        Invitee::New(prepared) => users::insert_user(&txn, prepared, false).await?,
    };
    join(&txn, found.site_id, account.id, found.role).await?;
    let session = session::start_new_session(&txn, auth, account).await?;
    txn.commit().await?;
    tracing::info!(site_id = %found.site_id, invitation = %found.id, "invitation accepted");
    Ok(session)
}

enum Invitee {
    Existing(user::Model),
    New(users::PreparedUser),
}

/// The existing account the invitation is for, when the caller is signed in as it.
fn signed_in_as(principal: &Principal, account: user::Model) -> AppResult<user::Model> {
    match principal {
        Principal::User { user_id, .. } if *user_id == account.id => Ok(account),
        Principal::Token { .. } => Err(AppError::forbidden(
            "accepting an invitation needs a signed-in user, not an API token",
        )
        .because(Reason::UserRequired)),
        _ => Err(AppError::unauthenticated(format!(
            "an account with {} exists: sign in as it, then accept the invitation",
            account.email
        ))
        .because(Reason::SignInAsInvitee)
        .with("email", &account.email)),
    }
}

/// Makes the account a member with `role`; a member already keeps the higher of the roles.
async fn join(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    user_id: Uuid,
    role: SiteRole,
) -> AppResult<()> {
    match site_member::Entity::find_by_id((site_id, user_id))
        .one(db)
        .await?
    {
        Some(member) if member.role == SiteRole::Owner || member.role == role => Ok(()),
        Some(member) => {
            let mut active: site_member::ActiveModel = member.into();
            active.role = Set(role);
            active.update(db).await?;
            Ok(())
        }
        None => {
            site_member::ActiveModel {
                site_id: Set(site_id),
                user_id: Set(user_id),
                role: Set(role),
                created_at: Set(now()),
            }
            .insert(db)
            .await?;
            Ok(())
        }
    }
}

fn already_used() -> AppError {
    AppError::conflict("token", "this invitation link was already used").because(Reason::LinkUsed)
}

/// The invitation of `token` if it can still be accepted, else an error on `token` that says
/// why.
async fn usable(db: &impl ConnectionTrait, token: &str) -> AppResult<Invitation> {
    let token = token.trim();
    let unknown = || {
        AppError::bad_input(
            "token",
            "this invitation link is not valid; it may have been revoked or replaced by a newer one",
        )
        .because(Reason::LinkInvalid)
    };
    if token.is_empty() || token.chars().count() > MAX_TOKEN_CHARS {
        return Err(unknown());
    }
    let found = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(sha256_hex(token)))
        .one(db)
        .await?
        .ok_or_else(unknown)?;
    if found.accepted_at.is_some() {
        return Err(already_used());
    }
    if found.expires_at <= now() {
        return Err(expired(found.expires_at));
    }
    Ok(found)
}

fn expired(at: DateTime<Utc>) -> AppError {
    AppError::bad_input(
        "token",
        format!(
            "this invitation link expired on {}; ask the site's owner for a new one",
            at.format("%Y-%m-%d %H:%M UTC")
        ),
    )
    .because(Reason::LinkExpired)
    .with("expiresAt", at.to_rfc3339())
}
