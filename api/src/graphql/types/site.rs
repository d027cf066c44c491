//! Sites as the API shows them.
use super::user::User;
use crate::graphql::context::{principal, state};
use crate::services::json_strings;
use crate::services::member::can_see_member_emails;
use crate::services::site::{SitePatch, list_members, locales_of};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entities::site;
use entities::site_member::SiteRole as DbRole;

/// A website served by Wharf.
pub struct Site(pub site::Model);

/// A member's role on a site.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SiteRole {
    /// Manages the site, its members and settings.
    Owner,
    /// Writes and publishes content.
    Editor,
}

impl From<DbRole> for SiteRole {
    fn from(r: DbRole) -> Self {
        match r {
            DbRole::Owner => Self::Owner,
            DbRole::Editor => Self::Editor,
        }
    }
}

impl From<SiteRole> for DbRole {
    fn from(r: SiteRole) -> Self {
        match r {
            SiteRole::Owner => Self::Owner,
            SiteRole::Editor => Self::Editor,
        }
    }
}

/// A user's membership of a site.
#[derive(SimpleObject)]
pub struct SiteMember {
    /// The member.
    pub user: User,
    /// Their role.
    pub role: SiteRole,
    /// The member's email address, for the site's owners and admins (who manage members by
    /// email) and the member themself; null for anyone else.
    pub email: Option<String>,
}

#[Object]
impl Site {
    /// The site's ID.
    async fn id(&self) -> ID {
        super::to_id(self.0.id)
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Canonical domain: lowercase, punycode, without `www.`.
    async fn domain(&self) -> &str {
        &self.0.domain
    }

    /// The locale articles default to.
    async fn default_locale(&self) -> &str {
        &self.0.default_locale
    }

    /// Every locale the site publishes in.
    async fn locales(&self) -> Vec<String> {
        locales_of(&self.0)
    }

    /// Members and their roles; members and admins only.
    async fn members(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SiteMember>> {
        let db = &state(ctx)?.db;
        let members = list_members(db, principal(ctx), self.0.id).await?;
        let owner_view = can_see_member_emails(db, principal(ctx), self.0.id).await?;
        Ok(members
            .into_iter()
            .map(|(u, role)| SiteMember {
                email: (owner_view || principal(ctx).user_id() == Some(u.id))
                    .then(|| u.email.clone()),
                user: User::from(u),
                role: role.into(),
            })
            .collect())
    }

    /// Market profile: what the site is about.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Market profile: ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }

    /// Market profile: categories.
    async fn categories(&self) -> Vec<String> {
        json_strings(&self.0.categories)
    }

    /// Market profile: languages the site publishes in.
    async fn languages(&self) -> Vec<String> {
        json_strings(&self.0.languages)
    }

    /// Whether ownership is verified (`verifySite`); only verified sites offer and deal.
    async fn verified(&self) -> bool {
        self.0.verified_at.is_some()
    }

    /// Verified since (computed by Wharf).
    async fn verified_at(&self) -> Option<DateTime<Utc>> {
        self.0.verified_at
    }

    /// The token to put in `<meta name="wharf-site-verification" content="…">` on the home
    /// page, or in `/.well-known/wharf-verification.txt`. The site's agents only; null otherwise.
    async fn verification_token(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let agent = crate::services::market::is_site_agent(
            &state(ctx)?.db,
            principal(ctx),
            self.0.id,
            crate::auth::Scope::DealsWrite,
        )
        .await?;
        Ok(agent.then_some(self.0.verification_token.as_str()))
    }

    /// Deals of this site that are live now (computed by Wharf).
    async fn live_deals(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(crate::services::market::profile::live_deals(&state(ctx)?.db, self.0.id).await?)
    }

    /// Links this site placed for partners that Wharf verified live (computed by Wharf).
    async fn verified_outbound_links(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        Ok(
            crate::services::market::profile::verified_outbound_links(&state(ctx)?.db, self.0.id)
                .await?,
        )
    }

    /// When the site was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When its settings last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A site to create.
#[derive(InputObject)]
pub struct CreateSiteInput {
    /// Display name.
    pub name: String,
    /// Domain or URL (`https://www.example.com` is stored as `example.com`).
    pub domain: String,
    /// Default locale; `en` when absent.
    pub default_locale: Option<String>,
    /// All locales; the default is added when missing.
    pub locales: Option<Vec<String>>,
}

/// Changes to a site.
#[derive(InputObject)]
pub struct UpdateSiteInput {
    /// New display name.
    pub name: Option<String>,
    /// New domain.
    pub domain: Option<String>,
    /// New default locale.
    pub default_locale: Option<String>,
    /// New locale list.
    pub locales: Option<Vec<String>>,
    /// Market profile: what the site is about (empty clears it).
    pub description: Option<String>,
    /// Market profile: ISO 3166-1 alpha-2 country code (empty clears it).
    pub country: Option<String>,
    /// Market profile: categories.
    pub categories: Option<Vec<String>>,
    /// Market profile: languages the site publishes in.
    pub languages: Option<Vec<String>>,
}

impl From<UpdateSiteInput> for SitePatch {
    fn from(input: UpdateSiteInput) -> Self {
        Self {
            name: input.name,
            domain: input.domain,
            default_locale: input.default_locale,
            locales: input.locales,
            description: input.description,
            country: input.country,
            categories: input.categories,
            languages: input.languages,
        }
    }
}
