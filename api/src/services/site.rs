//! Sites and their members.
use crate::auth::Principal;
use crate::auth::secrets::random_token;
use crate::domain::{DomainName, Locale, bounded_text};
use crate::error::{AppError, AppResult, Reason, on_constraint};
use crate::services::outbox::{OutboxJob, enqueue};
use crate::services::pagination::{Cursor, Page, PageRequest};
use crate::services::{authz, json_strings, now};
use entities::site;
use entities::site_member::{self, SiteRole};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

pub use super::member::{list_members, remove_member, set_member};

/// Most locales one site may publish in.
pub const MAX_LOCALES: usize = 30;

const SITE_CONSTRAINTS: &[(&str, &str, &str)] = &[("sites_domain", "sites.domain", "domain")];

/// A site to create.
pub struct NewSite {
    /// Display name.
    pub name: String,
    /// Domain or URL; normalized.
    pub domain: String,
    /// Locale articles default to; defaults to `en`.
    pub default_locale: Option<String>,
    /// All locales of the site; the default is always included.
    pub locales: Option<Vec<String>>,
}

/// Changes to a site; `None` leaves a field as it is.
#[derive(Default)]
pub struct SitePatch {
    /// New display name.
    pub name: Option<String>,
    /// New domain.
    pub domain: Option<String>,
    /// New default locale (added to `locales` when missing).
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

/// Normalizes a country code: two ASCII letters, upper case.
fn parse_country(raw: &str) -> AppResult<Option<String>> {
    let code = raw.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Ok(None);
    }
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(AppError::bad_input(
            "country",
            "country is a two-letter ISO 3166-1 code such as CN or DE",
        )
        .because(Reason::InvalidCountry)
        .with("value", raw.trim()));
    }
    Ok(Some(code))
}

fn parse_locales(default: &Locale, locales: Option<&[String]>) -> AppResult<Vec<String>> {
    let mut out = vec![default.as_str().to_owned()];
    for raw in locales.unwrap_or_default() {
        let locale = Locale::parse("locales", raw)?.into_string();
        if !out.contains(&locale) {
            out.push(locale);
        }
    }
    if out.len() > MAX_LOCALES {
        return Err(AppError::bad_input(
            "locales",
            format!("a site may have at most {MAX_LOCALES} locales"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_LOCALES));
    }
    Ok(out)
}

/// Creates a site; the signed-in creator becomes its owner.
pub async fn create_site(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    input: NewSite,
) -> AppResult<site::Model> {
    let user_id = principal.require_session()?;
    let name = bounded_text("name", &input.name, 1, 200)?;
    let domain = DomainName::parse("domain", &input.domain)?;
    let default_locale = Locale::parse(
        "defaultLocale",
        input.default_locale.as_deref().unwrap_or("en"),
    )?;
    let locales = parse_locales(&default_locale, input.locales.as_deref())?;
    if find_by_domain(db, domain.as_str()).await?.is_some() {
        return Err(
            AppError::conflict("domain", "a site with this domain already exists")
                .because(Reason::DomainTaken),
        );
    }
    let now = now();
    let txn = crate::services::begin_write(db).await?;
    let site = site::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        domain: Set(domain.into_string()),
        default_locale: Set(default_locale.into_string()),
        locales: Set(serde_json::json!(locales)),
        description: Set(None),
        country: Set(None),
        categories: Set(serde_json::json!([])),
        languages: Set(serde_json::json!([])),
        verification_token: Set(format!("wharf-verify-{}", random_token(18))),
        verified_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| on_constraint(e, SITE_CONSTRAINTS))?;
    site_member::ActiveModel {
        site_id: Set(site.id),
        user_id: Set(user_id),
        role: Set(SiteRole::Owner),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(site)
}

/// Changes a site's settings (owners and admins).
pub async fn update_site(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    patch: SitePatch,
) -> AppResult<site::Model> {
    let site = get_site(db, id)
        .await?
        .ok_or_else(|| AppError::not_found("site"))?;
    authz::require_site_owner(db, principal, site.id).await?;
    let mut active: site::ActiveModel = site.clone().into();
    if let Some(name) = patch.name {
        active.name = Set(bounded_text("name", &name, 1, 200)?);
    }
    if let Some(domain) = patch.domain {
        let domain = DomainName::parse("domain", &domain)?.into_string();
        if domain != site.domain && find_by_domain(db, &domain).await?.is_some() {
            return Err(
                AppError::conflict("domain", "a site with this domain already exists")
                    .because(Reason::DomainTaken),
            );
        }
        active.domain = Set(domain);
    }
    let default_locale = match patch.default_locale {
        Some(raw) => Locale::parse("defaultLocale", &raw)?,
        None => Locale::parse("defaultLocale", &site.default_locale)?,
    };
    let current = json_strings(&site.locales);
    let locales = parse_locales(
        &default_locale,
        Some(patch.locales.as_deref().unwrap_or(&current)),
    )?;
    active.default_locale = Set(default_locale.into_string());
    active.locales = Set(serde_json::json!(locales));
    if let Some(d) = patch.description {
        let d = bounded_text("description", &d, 0, 2000)?;
        active.description = Set((!d.is_empty()).then_some(d));
    }
    if let Some(c) = patch.country {
        active.country = Set(parse_country(&c)?);
    }
    if let Some(c) = patch.categories {
        active.categories = Set(serde_json::json!(crate::domain::parse_categories(
            "categories",
            &c
        )?));
    }
    if let Some(l) = patch.languages {
        active.languages = Set(serde_json::json!(crate::domain::parse_languages(
            "languages",
            &l
        )?));
    }
    active.updated_at = Set(now());
    active
        .update(db)
        .await
        .map_err(|e| on_constraint(e, SITE_CONSTRAINTS))
}

/// Deletes a site and everything in it (owners and admins); its published articles leave the
/// search index through the outbox.
pub async fn delete_site(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<Uuid> {
    let site = get_site(db, id)
        .await?
        .ok_or_else(|| AppError::not_found("site"))?;
    authz::require_site_owner(db, principal, site.id).await?;
    let txn = crate::services::begin_write(db).await?;
    let published = entities::article::Entity::find()
        .filter(entities::article::Column::SiteId.eq(site.id))
        .filter(entities::article::Column::Status.eq(entities::article::ArticleStatus::Published))
        .all(&txn)
        .await?;
    for article in &published {
        crate::services::article::events::article_changed(&txn, Some(article), None).await?;
    }
    // The rows of its media go with the site; their objects are deleted from the outbox.
    let keys: Vec<String> = entities::media::Entity::find()
        .select_only()
        .column(entities::media::Column::StorageKey)
        .filter(entities::media::Column::SiteId.eq(site.id))
        .into_tuple()
        .all(&txn)
        .await?;
    for key in keys {
        enqueue(&txn, &OutboxJob::MediaDelete { key }).await?;
    }
    // A concurrent delete got there first: its events stand, this one's are rolled back.
    let deleted = site::Entity::delete_by_id(site.id).exec(&txn).await?;
    if deleted.rows_affected != 1 {
        return Err(AppError::not_found("site"));
    }
    txn.commit().await?;
    Ok(site.id)
}

/// The site with this ID.
pub async fn get_site(db: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<site::Model>> {
    Ok(site::Entity::find_by_id(id).one(db).await?)
}

/// The site with this canonical domain.
pub async fn find_by_domain(
    db: &impl ConnectionTrait,
    domain: &str,
) -> AppResult<Option<site::Model>> {
    Ok(site::Entity::find()
        .filter(site::Column::Domain.eq(domain))
        .one(db)
        .await?)
}

/// A site as a client named it: by ID or by any form of its domain.
#[derive(Clone, Debug)]
pub enum SiteKey {
    /// By ID.
    Id(Uuid),
    /// By normalized domain.
    Domain(DomainName),
}

impl SiteKey {
    /// Reads an ID or a domain given in `field` (`www.Example.com` names `example.com`).
    pub fn parse(field: &str, id_or_domain: &str) -> AppResult<Self> {
        Ok(match Uuid::parse_str(id_or_domain.trim()) {
            Ok(id) => Self::Id(id),
            Err(_) => Self::Domain(DomainName::parse(field, id_or_domain)?),
        })
    }

    /// A condition that `column` holds this site's ID, resolved inside the query it is part
    /// of, so a list by domain costs no lookup of its own.
    pub fn matches(
        &self,
        column: impl sea_orm::sea_query::IntoColumnRef,
    ) -> sea_orm::sea_query::SimpleExpr {
        use sea_orm::sea_query::{Expr, ExprTrait, Query, QueryStatementBuilder};
        match self {
            Self::Id(id) => Expr::col(column).eq(*id),
            // A scalar subquery (`= (SELECT …)`), not `IN (SELECT …)`: the planner then treats
            // it as one value and keeps walking the (site, status, published) index in order;
            // with `IN` SQLite sorts every article of the site.
            Self::Domain(domain) => Expr::col(column).eq(Expr::SubQuery(
                None,
                Box::new(
                    Query::select()
                        .column(site::Column::Id)
                        .from(site::Entity)
                        .and_where(Expr::col(site::Column::Domain).eq(domain.as_str()))
                        .to_owned()
                        .into_sub_query_statement(),
                ),
            )),
        }
    }

    /// A condition on the `sites` row itself (for a query that joins it).
    pub fn names_row(&self) -> sea_orm::sea_query::SimpleExpr {
        match self {
            Self::Id(id) => site::Column::Id.eq(*id),
            Self::Domain(domain) => site::Column::Domain.eq(domain.as_str()),
        }
    }

    /// The site, or NOT_FOUND.
    pub async fn load(&self, db: &impl ConnectionTrait) -> AppResult<site::Model> {
        let found = match self {
            Self::Id(id) => get_site(db, *id).await?,
            Self::Domain(domain) => find_by_domain(db, domain.as_str()).await?,
        };
        found.ok_or_else(|| AppError::not_found("site"))
    }
}

/// A site named by its ID or by any form of its domain (`www.Example.com` finds `example.com`).
pub async fn find_site(
    db: &impl ConnectionTrait,
    field: &str,
    id_or_domain: &str,
) -> AppResult<site::Model> {
    SiteKey::parse(field, id_or_domain)?.load(db).await
}

/// A site by the ID or domain a client gave in `field`; NOT_FOUND on `field`.
pub async fn require_site(
    db: &impl ConnectionTrait,
    field: &str,
    id_or_domain: &str,
) -> AppResult<site::Model> {
    SiteKey::parse(field, id_or_domain)?
        .load(db)
        .await
        .map_err(|e| e.at(field))
}

/// The ID of the site a client named in `field` by ID or by domain, as every site argument
/// accepts. An ID is taken as given (the service using it answers NOT_FOUND when no site has
/// it, as before domains were accepted); a domain is looked up (NOT_FOUND on `field`).
pub async fn site_id_of(
    db: &impl ConnectionTrait,
    field: &str,
    id_or_domain: &str,
) -> AppResult<Uuid> {
    match SiteKey::parse(field, id_or_domain)? {
        SiteKey::Id(id) => Ok(id),
        key => Ok(key.load(db).await.map_err(|e| e.at(field))?.id),
    }
}

/// All sites, oldest first.
pub async fn list_sites(
    db: &impl ConnectionTrait,
    page: &PageRequest,
) -> AppResult<Page<site::Model>> {
    let mut query = site::Entity::find().order_by_asc(site::Column::Id);
    let total = site::Entity::find().count(db).await?;
    if let Some(after) = &page.after {
        query = query.filter(site::Column::Id.gt(after.id));
    }
    let rows = query.limit(page.first + 1).all(db).await?;
    Ok(Page::from_rows(rows, page, total, |s| Cursor {
        order: "sites".into(),
        value: None,
        id: s.id,
    }))
}

/// The locales of a site.
pub fn locales_of(site: &site::Model) -> Vec<String> {
    json_strings(&site.locales)
}

/// Checks that `locale` is one of the site's locales, or answers with the ones it has.
pub fn require_site_locale(
    site: &site::Model,
    field: &str,
    raw: Option<&str>,
) -> AppResult<String> {
    let Some(raw) = raw else {
        return Ok(site.default_locale.clone());
    };
    let locale = Locale::parse(field, raw)?.into_string();
    let locales = locales_of(site);
    if !locales.contains(&locale) {
        return Err(AppError::bad_input(
            field,
            format!(
                "{locale} is not a locale of this site; its locales are {}",
                locales.join(", ")
            ),
        )
        .because(Reason::LocaleNotOffered)
        .with("locale", &locale)
        .with("locales", locales.join(", ")));
    }
    Ok(locale)
}
