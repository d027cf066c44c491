//! Authorization decisions: who may read and change what. Every service asks here.
use crate::auth::{Principal, Scope};
use crate::error::{AppError, AppResult};
use entities::site_member::{self, SiteRole};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

/// Which unpublished content a caller may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Everything (global admins).
    All,
    /// Published content everywhere, plus everything of these sites.
    PublishedAndSites(Vec<Uuid>),
}

/// The role of `user_id` on `site_id`, if a member.
pub async fn site_role(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    site_id: Uuid,
) -> AppResult<Option<SiteRole>> {
    Ok(site_member::Entity::find_by_id((site_id, user_id))
        .one(db)
        .await?
        .map(|m| m.role))
}

/// The sites `user_id` is a member of.
pub async fn member_sites(db: &impl ConnectionTrait, user_id: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(site_member::Entity::find()
        .select_only()
        .column(site_member::Column::SiteId)
        .filter(site_member::Column::UserId.eq(user_id))
        .into_tuple::<Uuid>()
        .all(db)
        .await?)
}

/// What unpublished content the caller may read.
pub async fn content_visibility(
    db: &impl ConnectionTrait,
    principal: &Principal,
) -> AppResult<Visibility> {
    let (user_id, restricted_to) = match principal {
        Principal::Anonymous => return Ok(Visibility::PublishedAndSites(Vec::new())),
        Principal::User { is_admin: true, .. } => return Ok(Visibility::All),
        Principal::User { user_id, .. } => (*user_id, None),
        Principal::Token {
            user_id,
            scopes,
            site_id,
            is_admin,
            ..
        } => {
            if !scopes.iter().any(|s| s.grants(Scope::ContentRead)) {
                return Ok(Visibility::PublishedAndSites(Vec::new()));
            }
            if *is_admin && site_id.is_none() {
                return Ok(Visibility::All);
            }
            if *is_admin {
                return Ok(Visibility::PublishedAndSites(
                    site_id.iter().copied().collect(),
                ));
            }
            (*user_id, *site_id)
        }
    };
    let mut sites = member_sites(db, user_id).await?;
    if let Some(only) = restricted_to {
        sites.retain(|s| *s == only);
    }
    Ok(Visibility::PublishedAndSites(sites))
}

/// Whether the caller may read unpublished content of `site_id`.
pub async fn can_read_unpublished(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<bool> {
    Ok(match content_visibility(db, principal).await? {
        Visibility::All => true,
        Visibility::PublishedAndSites(sites) => sites.contains(&site_id),
    })
}

/// Allows writing content (articles, tags, media) of `site_id`: owners, editors and admins,
/// and API tokens with `content:write` that reach the site.
pub async fn require_content_writer(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<Uuid> {
    let user_id = principal.require_user()?;
    if !principal.token_allows(Scope::ContentWrite, Some(site_id)) {
        return Err(AppError::forbidden(
            "this API token lacks the content:write scope for this site",
        ));
    }
    if principal.is_admin() || site_role(db, user_id, site_id).await?.is_some() {
        return Ok(user_id);
    }
    Err(AppError::forbidden(
        "only the site's owners and editors may change its content",
    ))
}

/// Allows managing `site_id` itself (settings, members, deletion): owners and admins, signed in.
pub async fn require_site_owner(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<Uuid> {
    let user_id = principal.require_session()?;
    if principal.is_admin() || site_role(db, user_id, site_id).await? == Some(SiteRole::Owner) {
        return Ok(user_id);
    }
    Err(AppError::forbidden("only the site's owners may manage it"))
}

/// Allows reading the deals of `site_id`: its members and admins, and API tokens with
/// `deals:read` that reach the site.
pub async fn require_deal_reader(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<()> {
    let user_id = principal.require_user()?;
    if !principal.token_allows(Scope::DealsRead, Some(site_id)) {
        return Err(AppError::forbidden(
            "this API token lacks the deals:read scope for this site",
        ));
    }
    if principal.is_admin() || site_role(db, user_id, site_id).await?.is_some() {
        return Ok(());
    }
    Err(AppError::forbidden(
        "only the site's members may follow its deals",
    ))
}
