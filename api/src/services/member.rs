//! Site members: who may work on a site, with which role; a site always keeps an owner.
use crate::auth::Principal;
use crate::domain::Email;
use crate::error::{AppError, AppResult, Reason};
use crate::services::{authz, now};
use entities::site_member::{self, SiteRole};
use entities::user;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

/// The members of a site with their roles (members and admins only; an API token only for
/// the site it reaches).
pub async fn list_members(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<Vec<(user::Model, SiteRole)>> {
    authz::require_site_member(db, principal, site_id).await?;
    let members = site_member::Entity::find()
        .filter(site_member::Column::SiteId.eq(site_id))
        .order_by_asc(site_member::Column::CreatedAt)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = members.iter().map(|m| m.user_id).collect();
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(members
        .into_iter()
        .filter_map(|m| {
            users
                .iter()
                .find(|u| u.id == m.user_id)
                .map(|u| (u.clone(), m.role))
        })
        .collect())
}

/// Whether the caller may see the email addresses of `site_id`'s members: its owners (as far as
/// their credential reaches the site) and admins. Members see their own anyway.
pub async fn can_see_member_emails(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<bool> {
    Ok(principal.is_admin_on(site_id)
        || authz::caller_role(db, principal, site_id).await? == Some(SiteRole::Owner))
}

/// The sites a user belongs to with their role, by site name: for the user themself and admins;
/// anyone else (and API tokens, which act for one site) gets an empty list.
pub async fn memberships_of(
    db: &impl ConnectionTrait,
    principal: &Principal,
    user_id: Uuid,
) -> AppResult<Vec<(entities::site::Model, SiteRole)>> {
    let own = matches!(principal, Principal::User { user_id: me, .. } if *me == user_id);
    if !own && !principal.is_admin() {
        return Ok(Vec::new());
    }
    let rows = site_member::Entity::find()
        .filter(site_member::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|m| m.site_id).collect();
    let found = entities::site::Entity::find()
        .filter(entities::site::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let mut sites: Vec<_> = found
        .into_iter()
        .filter_map(|s| {
            let role = rows.iter().find(|m| m.site_id == s.id)?.role;
            Some((s, role))
        })
        .collect();
    sites.sort_by_key(|(site, _)| site.name.to_lowercase());
    Ok(sites)
}

/// Adds a registered user to a site, or changes their role (owners and admins).
pub async fn set_member(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
    email: &str,
    role: SiteRole,
) -> AppResult<site_member::Model> {
    authz::require_site_owner(db, principal, site_id).await?;
    let email = Email::parse("email", email)?;
    let member = crate::services::user::find_by_email(db, email.as_str())
        .await?
        .ok_or_else(|| {
            AppError::bad_input(
                "email",
                "no account has this email; ask them to register first",
            )
            .because(Reason::NoAccount)
        })?;
    let existing = site_member::Entity::find_by_id((site_id, member.id))
        .one(db)
        .await?;
    match existing {
        Some(current) => {
            if current.role == SiteRole::Owner && role != SiteRole::Owner {
                ensure_another_owner(db, site_id, member.id).await?;
            }
            let mut active: site_member::ActiveModel = current.into();
            active.role = Set(role);
            Ok(active.update(db).await?)
        }
        None => Ok(site_member::ActiveModel {
            site_id: Set(site_id),
            user_id: Set(member.id),
            role: Set(role),
            created_at: Set(now()),
        }
        .insert(db)
        .await?),
    }
}

/// Removes a member from a site (owners and admins); the last owner stays.
pub async fn remove_member(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
    user_id: Uuid,
) -> AppResult<bool> {
    authz::require_site_owner(db, principal, site_id).await?;
    let Some(current) = site_member::Entity::find_by_id((site_id, user_id))
        .one(db)
        .await?
    else {
        return Err(AppError::not_found("member"));
    };
    if current.role == SiteRole::Owner {
        ensure_another_owner(db, site_id, user_id).await?;
    }
    site_member::Entity::delete_by_id((site_id, user_id))
        .exec(db)
        .await?;
    Ok(true)
}

async fn ensure_another_owner(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    leaving: Uuid,
) -> AppResult<()> {
    let others = site_member::Entity::find()
        .filter(site_member::Column::SiteId.eq(site_id))
        .filter(site_member::Column::Role.eq(SiteRole::Owner))
        .filter(site_member::Column::UserId.ne(leaving))
        .count(db)
        .await?;
    if others == 0 {
        return Err(
            AppError::conflict("role", "a site must keep at least one owner")
                .because(Reason::LastOwner),
        );
    }
    Ok(())
}
