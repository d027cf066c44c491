//! Write operations.
use crate::error::AppError;
use crate::graphql::context::{check_sign_in, principal, state};
use crate::graphql::types::auth::{
    ApiToken, AuthPayload, CreateApiTokenInput, CreatedApiToken, RegisterInput,
};
use crate::graphql::types::site::{CreateSiteInput, Site, SiteMember, SiteRole, UpdateSiteInput};
use crate::graphql::types::tag::{CreateTagInput, Tag, UpdateTagInput};
use crate::graphql::types::user::User;
use crate::graphql::types::{id_arg, site_id_arg, to_id};
use crate::services::{api_token, session, site, tag, user};
use async_graphql::{Context, ID, Object};
use secrecy::SecretString;

/// Writes of the core content: accounts, sessions, tokens, sites, articles, tags.
#[derive(Default)]
pub struct ContentMutation;

#[Object]
impl ContentMutation {
    /// Creates an account and signs it in.
    async fn register(
        &self,
        ctx: &Context<'_>,
        input: RegisterInput,
    ) -> async_graphql::Result<AuthPayload> {
        check_sign_in(ctx, &input.email)?;
        let st = state(ctx)?;
        let new = user::NewUser {
            email: input.email,
            password: SecretString::from(input.password),
            display_name: input.display_name,
        };
        Ok(session::register(&st.db, &st.auth, new)
            .await
            .map_err(|e| e.in_input("input"))?
            .into())
    }

    /// Signs in with email and password.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> async_graphql::Result<AuthPayload> {
        check_sign_in(ctx, &email)?;
        let st = state(ctx)?;
        Ok(
            session::login(&st.db, &st.auth, &email, SecretString::from(password))
                .await?
                .into(),
        )
    }

    /// Exchanges a refresh token for a new pair. Each refresh token works once; reusing one
    /// revokes the whole session.
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> async_graphql::Result<AuthPayload> {
        let st = state(ctx)?;
        Ok(session::refresh(&st.db, &st.auth, &refresh_token)
            .await?
            .into())
    }

    /// Ends the session of this refresh token. Access tokens already issued expire on their own.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        refresh_token: String,
    ) -> async_graphql::Result<bool> {
        Ok(session::logout(&state(ctx)?.db, &refresh_token).await?)
    }

    /// Creates an API token; its plaintext is in the answer and never shown again.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: CreateApiTokenInput,
    ) -> async_graphql::Result<CreatedApiToken> {
        let st = state(ctx)?;
        let site_id = match &input.site_id {
            Some(site) => Some(site_id_arg(&st.db, "input.siteId", site).await?),
            None => None,
        };
        let new = api_token::NewApiToken {
            name: input.name,
            scopes: input.scopes,
            site_id,
            expires_in_days: input.expires_in_days.map(i64::from),
        };
        let created = api_token::create_api_token(&st.db, principal(ctx), new)
            .await
            .map_err(|e| e.in_input("input"))?;
        Ok(CreatedApiToken {
            token: created.plaintext,
            api_token: ApiToken(created.token),
        })
    }

    /// Revokes one of your API tokens.
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ApiToken> {
        let token =
            api_token::revoke_api_token(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?)
                .await?;
        Ok(ApiToken(token))
    }

    /// Creates a site; you become its owner.
    async fn create_site(
        &self,
        ctx: &Context<'_>,
        input: CreateSiteInput,
    ) -> async_graphql::Result<Site> {
        let new = site::NewSite {
            name: input.name,
            domain: input.domain,
            default_locale: input.default_locale,
            locales: input.locales,
        };
        let created = site::create_site(&state(ctx)?.db, principal(ctx), new)
            .await
            .map_err(|e| e.in_input("input"))?;
        Ok(Site(created))
    }

    /// Changes a site's settings (owners).
    async fn update_site(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateSiteInput,
    ) -> async_graphql::Result<Site> {
        let updated = site::update_site(
            &state(ctx)?.db,
            principal(ctx),
            id_arg("id", &id)?,
            input.into(),
        )
        .await
        .map_err(|e| e.in_input("input"))?;
        Ok(Site(updated))
    }

    /// Deletes a site with all its content (owners). Returns its ID.
    async fn delete_site(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        Ok(to_id(
            site::delete_site(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }

    /// Adds a registered user to a site or changes their role (owners).
    async fn set_site_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The site, by ID or domain.")] site_id: ID,
        email: String,
        role: SiteRole,
    ) -> async_graphql::Result<SiteMember> {
        let db = &state(ctx)?.db;
        let member = site::set_member(
            db,
            principal(ctx),
            site_id_arg(db, "siteId", &site_id).await?,
            &email,
            role.into(),
        )
        .await?;
        let account = user::get_user(db, member.user_id)
            .await?
            .ok_or_else(|| AppError::not_found("user"))?;
        // Only those who may manage members get here, and they see members' emails.
        Ok(SiteMember {
            email: Some(account.email.clone()),
            user: User::from(account),
            role: member.role.into(),
        })
    }

    /// Removes a member from a site (owners); a site keeps at least one owner.
    async fn remove_site_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The site, by ID or domain.")] site_id: ID,
        user_id: ID,
    ) -> async_graphql::Result<bool> {
        let db = &state(ctx)?.db;
        Ok(site::remove_member(
            db,
            principal(ctx),
            site_id_arg(db, "siteId", &site_id).await?,
            id_arg("userId", &user_id)?,
        )
        .await?)
    }

    /// Creates a tag on a site.
    async fn create_tag(
        &self,
        ctx: &Context<'_>,
        input: CreateTagInput,
    ) -> async_graphql::Result<Tag> {
        let db = &state(ctx)?.db;
        let site_id = site_id_arg(db, "input.siteId", &input.site_id).await?;
        let created = tag::create_tag(
            db,
            principal(ctx),
            site_id,
            &input.name,
            input.slug.as_deref(),
        )
        .await
        .map_err(|e| e.in_input("input"))?;
        Ok(Tag(created))
    }

    /// Renames a tag or changes its slug.
    async fn update_tag(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateTagInput,
    ) -> async_graphql::Result<Tag> {
        let updated = tag::update_tag(
            &state(ctx)?.db,
            principal(ctx),
            id_arg("id", &id)?,
            input.name.as_deref(),
            input.slug.as_deref(),
        )
        .await
        .map_err(|e| e.in_input("input"))?;
        Ok(Tag(updated))
    }

    /// Deletes a tag; articles lose it. Returns its ID.
    async fn delete_tag(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        Ok(to_id(
            tag::delete_tag(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }
}
