//! Authorization decisions: who may read and change what. Every service asks here.
use crate::auth::{Principal, Scope};
use crate::error::{AppError, AppResult, Reason};
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

/// The role of `user_id` on `site_id`, if a member. Private on purpose: a decision for a
/// caller goes through [`caller_role`] or [`caller_sites`], which confine API tokens to their site.
async fn site_role(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    site_id: Uuid,
) -> AppResult<Option<SiteRole>> {
    Ok(site_member::Entity::find_by_id((site_id, user_id))
        .one(db)
        .await?
        .map(|m| m.role))
}

/// The caller's role on `site_id` as far as its credential reaches: `None` for anonymous
/// callers, non-members, and API tokens restricted to another site (whatever their owner's
/// role there).
pub async fn caller_role(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<Option<SiteRole>> {
    match principal.user_id() {
        Some(user_id) if principal.reaches(site_id) => site_role(db, user_id, site_id).await,
        _ => Ok(None),
    }
}

/// The sites the caller is a member of as far as its credential reaches (a site-restricted
/// API token: that site at most).
pub async fn caller_sites(
    db: &impl ConnectionTrait,
    principal: &Principal,
) -> AppResult<Vec<Uuid>> {
    let Some(user_id) = principal.user_id() else {
        return Ok(Vec::new());
    };
    let mut query = site_member::Entity::find()
        .select_only()
        .column(site_member::Column::SiteId)
        .filter(site_member::Column::UserId.eq(user_id));
    if let Some(only) = principal.site_restriction() {
        query = query.filter(site_member::Column::SiteId.eq(only));
    }
    Ok(query.into_tuple::<Uuid>().all(db).await?)
}

/// Allows reading `site_id`'s member list: its members and admins, with any credential that
/// reaches the site.
pub async fn require_site_member(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<()> {
    principal.require_user()?;
    if !principal.reaches(site_id) {
        return Err(another_site());
    }
    if principal.is_admin_on(site_id) || caller_role(db, principal, site_id).await?.is_some() {
        return Ok(());
    }
    Err(
        AppError::forbidden("only the site's members may see its members")
            .because(Reason::MembersOnly),
    )
}

fn another_site() -> AppError {
    AppError::forbidden("this API token is restricted to another site")
        .because(Reason::TokenOtherSite)
}

fn lacks_scope(scope: Scope) -> AppError {
    AppError::forbidden(format!("this API token lacks the {} scope", scope.as_str()))
        .because(Reason::TokenScopeMissing)
        .with("scope", scope.as_str())
}

/// For an API token: FORBIDDEN unless it reaches `site_id` and holds `scope`.
fn require_token_reach(principal: &Principal, scope: Scope, site_id: Uuid) -> AppResult<()> {
    if !principal.reaches(site_id) {
        return Err(another_site());
    }
    if !principal.token_allows(scope, Some(site_id)) {
        return Err(lacks_scope(scope));
    }
    Ok(())
}

/// What unpublished content the caller may read.
pub async fn content_visibility(
    db: &impl ConnectionTrait,
    principal: &Principal,
) -> AppResult<Visibility> {
    if !principal.token_allows(Scope::ContentRead, principal.site_restriction()) {
        return Ok(Visibility::PublishedAndSites(Vec::new()));
    }
    if principal.is_admin() {
        return Ok(Visibility::All);
    }
    if let Some(only) = principal.site_restriction()
        && principal.is_admin_on(only)
    {
        return Ok(Visibility::PublishedAndSites(vec![only]));
    }
    Ok(Visibility::PublishedAndSites(
        caller_sites(db, principal).await?,
    ))
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
    require_token_reach(principal, Scope::ContentWrite, site_id)?;
    if principal.is_admin_on(site_id) || caller_role(db, principal, site_id).await?.is_some() {
        return Ok(user_id);
    }
    Err(
        AppError::forbidden("only the site's owners and editors may change its content")
            .because(Reason::WritersOnly),
    )
}

/// Allows managing `site_id` itself (settings, members, deletion): owners and admins, signed in.
pub async fn require_site_owner(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<Uuid> {
    let user_id = principal.require_session()?;
    if principal.is_admin_on(site_id)
        || caller_role(db, principal, site_id).await? == Some(SiteRole::Owner)
    {
        return Ok(user_id);
    }
    Err(AppError::forbidden("only the site's owners may manage it").because(Reason::OwnersOnly))
}

/// Allows reading the deals of `site_id`: its members and admins, and API tokens with
/// `deals:read` that reach the site.
pub async fn require_deal_reader(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<()> {
    principal.require_user()?;
    require_token_reach(principal, Scope::DealsRead, site_id)?;
    if principal.is_admin_on(site_id) || caller_role(db, principal, site_id).await?.is_some() {
        return Ok(());
    }
    Err(
        AppError::forbidden("only the site's members may follow its deals")
            .because(Reason::MembersOnly),
    )
}

/// Allows reading (`Scope::InquiriesRead`) or handling (`Scope::InquiriesWrite`) the buyer
/// inquiries of `site_id`: the site's members and admins, and API tokens of theirs with the
/// scope. Anonymous callers get UNAUTHENTICATED; a non-member, or a token restricted to another
/// site, NOT_FOUND as `what` (inquiries are private to the site, so their existence does not
/// leak); a member's token without the scope FORBIDDEN, naming it.
pub async fn require_inquiry_access(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
    scope: Scope,
    what: &str,
) -> AppResult<Uuid> {
    let user_id = principal.require_user()?;
    if !principal.reaches(site_id)
        || !(principal.is_admin_on(site_id) || caller_role(db, principal, site_id).await?.is_some())
    {
        return Err(AppError::not_found(what));
    }
    if !principal.token_allows(scope, Some(site_id)) {
        return Err(lacks_scope(scope));
    }
    Ok(user_id)
}
