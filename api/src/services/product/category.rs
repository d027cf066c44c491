//! Categories: a tree per site. The tree (parent, position, slug) is the same in every locale;
//! names and descriptions are per locale (`category_translations`). A category with products or
//! subcategories cannot be deleted (CONFLICT naming how many), so no product silently loses its
//! place in the catalogue.
use super::relations::NamedCategory;
use super::visible_condition;
use crate::auth::Principal;
use crate::domain::{Slug, bounded_text, optional_text};
use crate::error::{AppError, AppResult, Reason, on_constraint};
use crate::services::site::{SiteKey, find_site, require_site, require_site_locale};
use crate::services::{authz, for_update, now, parse_id};
use entities::{category, category_translation as translation, product, product_category};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Deepest a tree may be (a top-level category is at depth 1).
pub const MAX_DEPTH: usize = 8;
/// Most categories on one site.
pub const MAX_CATEGORIES: u64 = 5000;
/// Longest category name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest category description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5000;

const CATEGORY_CONSTRAINTS: &[(&str, &str, &str)] =
    &[("categories_site_id_slug", "categories.slug", "slug")];

/// A category's name and description in one locale.
#[derive(Clone)]
pub struct TranslationInput {
    /// Locale tag; one of the site's locales.
    pub locale: String,
    /// Name.
    pub name: String,
    /// Description (plain text); empty or absent for none.
    pub description: Option<String>,
}

/// A category to create.
pub struct NewCategory {
    /// The site (ID or domain).
    pub site_id: String,
    /// The parent category; top level when absent.
    pub parent_id: Option<String>,
    /// Slug; made from the name in the site's default locale when absent.
    pub slug: Option<String>,
    /// Place among its siblings, from 0; last when absent.
    pub position: Option<i32>,
    /// Names per locale; the site's default locale must be among them.
    pub translations: Vec<TranslationInput>,
}

/// Changes to a category; `None` leaves a field as it is.
#[derive(Default)]
pub struct CategoryPatch {
    /// New slug.
    pub slug: Option<String>,
    /// Move under another parent: `Some(None)` moves it to the top level.
    pub parent_id: Option<Option<String>>,
    /// New place among its (new) siblings, from 0.
    pub position: Option<i32>,
    /// Names per locale to set (other locales stay as they are).
    pub translations: Vec<TranslationInput>,
    /// Locales whose name to remove (never the site's default locale).
    pub remove_locales: Vec<String>,
    /// Apply only if the category is still at this version.
    pub expected_version: Option<i32>,
}

/// A category with its names, its subcategories and how many visible products it holds.
pub struct CategoryNode {
    /// The category.
    pub category: category::Model,
    /// Its names, by locale.
    pub translations: Vec<translation::Model>,
    /// Its subcategories, by position.
    pub children: Vec<CategoryNode>,
    /// Products in it or any of its subcategories (each counted once), in the tree's locale and
    /// visible to the caller; 0 when counts were not asked for.
    pub product_count: u64,
}

/// A site's category tree in one locale.
pub struct CategoryTree {
    /// The locale names are shown in (falling back to the site's default).
    pub locale: String,
    /// The site's default locale.
    pub default_locale: String,
    /// Top-level categories, by position.
    pub roots: Vec<CategoryNode>,
}

/// Checks translations against the site's locales; returns them with canonical locales.
fn check_translations(
    site: &entities::site::Model,
    given: &[TranslationInput],
) -> AppResult<Vec<TranslationInput>> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(given.len());
    for (i, t) in given.iter().enumerate() {
        let locale =
            require_site_locale(site, &format!("translations.{i}.locale"), Some(&t.locale))?;
        if !seen.insert(locale.clone()) {
            return Err(AppError::bad_input(
                &format!("translations.{i}.locale"),
                format!("{locale} is given twice"),
            )
            .because(Reason::Duplicate));
        }
        out.push(TranslationInput {
            locale,
            name: bounded_text(
                &format!("translations.{i}.name"),
                &t.name,
                1,
                MAX_NAME_CHARS,
            )?,
            description: optional_text(
                &format!("translations.{i}.description"),
                t.description.as_deref(),
                MAX_DESCRIPTION_CHARS,
            )?,
        });
    }
    Ok(out)
}

async fn write_translations(
    db: &impl ConnectionTrait,
    category_id: Uuid,
    translations: &[TranslationInput],
) -> AppResult<()> {
    for t in translations {
        translation::Entity::delete_many()
            .filter(translation::Column::CategoryId.eq(category_id))
            .filter(translation::Column::Locale.eq(t.locale.clone()))
            .exec(db)
            .await?;
        translation::ActiveModel {
            category_id: Set(category_id),
            locale: Set(t.locale.clone()),
            name: Set(t.name.clone()),
            description: Set(t.description.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The parent a client named: a category of the same site.
async fn parent_of(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    raw: &str,
) -> AppResult<category::Model> {
    let id = parse_id("parentId", raw)?;
    category::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|c| c.site_id == site_id)
        .ok_or_else(|| {
            AppError::bad_input("parentId", "no category with this ID on the site")
                .because(Reason::CategoryNotOnSite)
        })
}

/// All categories of a site (one statement).
async fn site_categories(
    db: &impl ConnectionTrait,
    site_id: Uuid,
) -> AppResult<Vec<category::Model>> {
    Ok(category::Entity::find()
        .filter(category::Column::SiteId.eq(site_id))
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Id)
        .all(db)
        .await?)
}

/// The depth of `id` in `all` (1 for a top-level category).
fn depth_of(all: &HashMap<Uuid, Option<Uuid>>, id: Uuid) -> usize {
    let mut depth = 1;
    let mut at = all.get(&id).copied().flatten();
    while let Some(parent) = at {
        depth += 1;
        if depth > MAX_DEPTH + 1 {
            break;
        }
        at = all.get(&parent).copied().flatten();
    }
    depth
}

/// The refusal of a move or a new category past [`MAX_DEPTH`].
fn too_deep() -> AppError {
    AppError::bad_input(
        "parentId",
        format!("categories nest at most {MAX_DEPTH} deep"),
    )
    .because(Reason::CategoryTooDeep)
    .with("max", MAX_DEPTH)
}

/// The IDs of `root` and every category under it, from a site's categories.
pub fn subtree(all: &[category::Model], root: Uuid) -> Vec<Uuid> {
    let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for c in all {
        if let Some(parent) = c.parent_id {
            children.entry(parent).or_default().push(c.id);
        }
    }
    let mut out = vec![root];
    let mut seen: HashSet<Uuid> = HashSet::from([root]);
    let mut i = 0;
    while let Some(id) = out.get(i).copied() {
        if let Some(kids) = children.get(&id) {
            for kid in kids {
                if seen.insert(*kid) {
                    out.push(*kid);
                }
            }
        }
        i += 1;
    }
    out
}

/// The IDs of a category named by ID or slug and of all its descendants, for a list filter:
/// `None` when the site has no such category (the list is then empty).
pub async fn subtree_ids(
    db: &impl ConnectionTrait,
    site: Option<&SiteKey>,
    key: &str,
) -> AppResult<Option<Vec<Uuid>>> {
    let key = key.trim();
    let mut query = category::Entity::find();
    if let Ok(id) = Uuid::parse_str(key) {
        // The site of the category, to read its tree.
        let Some(found) = category::Entity::find_by_id(id).one(db).await? else {
            return Ok(None);
        };
        query = query.filter(category::Column::SiteId.eq(found.site_id));
        if let Some(site) = site {
            query = query.filter(site.matches((category::Entity, category::Column::SiteId)));
        }
        let all = query.all(db).await?;
        return Ok(all.iter().any(|c| c.id == id).then(|| subtree(&all, id)));
    }
    let Some(site) = site else {
        return Err(AppError::bad_input(
            "filter.category",
            "a category given by slug needs filter.site",
        )
        .because(Reason::SiteRequired));
    };
    let all = query
        .filter(site.matches((category::Entity, category::Column::SiteId)))
        .all(db)
        .await?;
    Ok(all
        .iter()
        .find(|c| c.slug == key)
        .map(|root| subtree(&all, root.id)))
}

/// Renumbers the siblings under `parent` so that `moving` sits at `position` (last when
/// `None`); only rows whose position changes are written.
async fn place_among_siblings(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    parent: Option<Uuid>,
    moving: Uuid,
    position: Option<i32>,
) -> AppResult<i32> {
    let mut siblings: Vec<category::Model> = category::Entity::find()
        .filter(category::Column::SiteId.eq(site_id))
        .filter(match parent {
            Some(p) => category::Column::ParentId.eq(p),
            None => category::Column::ParentId.is_null(),
        })
        .filter(category::Column::Id.ne(moving))
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Id)
        .all(db)
        .await?;
    let at = position
        .map(|p| usize::try_from(p.max(0)).unwrap_or(0))
        .unwrap_or(siblings.len())
        .min(siblings.len());
    for (i, sibling) in siblings.iter_mut().enumerate() {
        let wanted = i32::try_from(if i < at { i } else { i + 1 }).unwrap_or(i32::MAX);
        if sibling.position != wanted {
            category::Entity::update_many()
                .col_expr(
                    category::Column::Position,
                    sea_orm::sea_query::Expr::value(wanted),
                )
                .filter(category::Column::Id.eq(sibling.id))
                .exec(db)
                .await?;
        }
    }
    Ok(i32::try_from(at).unwrap_or(i32::MAX))
}

/// Creates a category (content writers of the site).
pub async fn create_category(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    input: NewCategory,
) -> AppResult<NamedCategory> {
    let site = require_site(db, "siteId", &input.site_id).await?;
    authz::require_content_writer(db, principal, site.id).await?;
    let translations = check_translations(&site, &input.translations)?;
    let Some(default_name) = translations
        .iter()
        .find(|t| t.locale == site.default_locale)
        .map(|t| t.name.clone())
    else {
        return Err(AppError::bad_input(
            "translations",
            format!(
                "give the category's name in the site's default locale ({})",
                site.default_locale
            ),
        )
        .because(Reason::DefaultLocaleRequired)
        .with("locale", &site.default_locale));
    };
    let slug = match input.slug.as_deref() {
        Some(s) => Slug::parse("slug", s)?,
        None => Slug::from_title(&default_name).ok_or_else(|| {
            AppError::bad_input(
                "slug",
                "the name has no letter or digit to make a slug from; give a slug",
            )
            .because(Reason::NoLetterOrDigit)
        })?,
    };
    let id = Uuid::now_v7();
    let txn = crate::services::begin_write(db).await?;
    let all = site_categories(&txn, site.id).await?;
    if all.len() as u64 >= MAX_CATEGORIES {
        return Err(AppError::bad_input(
            "siteId",
            format!("a site may have at most {MAX_CATEGORIES} categories"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_CATEGORIES));
    }
    if all.iter().any(|c| c.slug == slug.as_str()) {
        return Err(
            AppError::conflict("slug", "this site already has a category with this slug")
                .because(Reason::SlugTaken),
        );
    }
    let parent = match input.parent_id.as_deref() {
        Some(raw) => Some(parent_of(&txn, site.id, raw).await?.id),
        None => None,
    };
    if let Some(parent) = parent {
        let parents: HashMap<Uuid, Option<Uuid>> =
            all.iter().map(|c| (c.id, c.parent_id)).collect();
        if depth_of(&parents, parent) + 1 > MAX_DEPTH {
            return Err(too_deep());
        }
    }
    let position = place_among_siblings(&txn, site.id, parent, id, input.position).await?;
    let now = now();
    let created = category::ActiveModel {
        id: Set(id),
        site_id: Set(site.id),
        parent_id: Set(parent),
        position: Set(position),
        slug: Set(slug.into_string()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| on_constraint(e, CATEGORY_CONSTRAINTS))?;
    write_translations(&txn, id, &translations).await?;
    let named = with_names(&txn, created).await?;
    txn.commit().await?;
    Ok(named)
}

/// A category with its names, read in the caller's transaction.
async fn with_names(
    db: &impl ConnectionTrait,
    category: category::Model,
) -> AppResult<NamedCategory> {
    let translations = translations_of(db, &[category.id])
        .await?
        .remove(&category.id)
        .unwrap_or_default();
    Ok(NamedCategory {
        category,
        translations,
    })
}

/// Loads a category for a change, checking the caller may write its site.
async fn category_for_write(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> AppResult<category::Model> {
    principal.require_user()?;
    let found = category::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("category").at("id"))?;
    authz::require_content_writer(db, principal, found.site_id).await?;
    Ok(found)
}

/// Renames, moves (another parent, another position among siblings) or re-slugs a category.
pub async fn update_category(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    patch: CategoryPatch,
) -> AppResult<NamedCategory> {
    let found = category_for_write(db, principal, id).await?;
    let site = find_site(db, "id", &found.site_id.to_string()).await?;
    let translations = check_translations(&site, &patch.translations)?;
    let mut remove = Vec::new();
    for (i, raw) in patch.remove_locales.iter().enumerate() {
        let locale = require_site_locale(&site, &format!("removeLocales.{i}"), Some(raw))?;
        if locale == site.default_locale {
            return Err(AppError::bad_input(
                &format!("removeLocales.{i}"),
                "the name in the site's default locale cannot be removed",
            )
            .because(Reason::DefaultLocaleKept)
            .with("locale", &site.default_locale));
        }
        remove.push(locale);
    }
    let txn = crate::services::begin_write(db).await?;
    let current = for_update(category::Entity::find_by_id(id), txn.get_database_backend())
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("category").at("id"))?;
    if let Some(expected) = patch.expected_version
        && expected != current.version
    {
        return Err(AppError::conflict(
            "expectedVersion",
            format!(
                "the category is at version {}, not {expected}; reload it",
                current.version
            ),
        )
        .because(Reason::StaleVersion)
        .with("current", current.version)
        .with("expected", expected));
    }
    let all = site_categories(&txn, site.id).await?;
    let mut active: category::ActiveModel = current.clone().into();
    if let Some(slug) = &patch.slug {
        let slug = Slug::parse("slug", slug)?;
        if all.iter().any(|c| c.id != id && c.slug == slug.as_str()) {
            return Err(AppError::conflict(
                "slug",
                "this site already has a category with this slug",
            )
            .because(Reason::SlugTaken));
        }
        active.slug = Set(slug.into_string());
    }
    let parent = match &patch.parent_id {
        None => current.parent_id,
        Some(None) => None,
        Some(Some(raw)) => {
            let parent = parent_of(&txn, site.id, raw).await?;
            if subtree(&all, id).contains(&parent.id) {
                return Err(AppError::bad_input(
                    "parentId",
                    "a category cannot move under itself or one of its subcategories",
                )
                .because(Reason::CategoryCycle));
            }
            Some(parent.id)
        }
    };
    if parent != current.parent_id {
        let mut parents: HashMap<Uuid, Option<Uuid>> =
            all.iter().map(|c| (c.id, c.parent_id)).collect();
        parents.insert(id, parent);
        let below = subtree(&all, id)
            .into_iter()
            .map(|d| depth_of(&parents, d))
            .max()
            .unwrap_or(1);
        if below > MAX_DEPTH {
            return Err(too_deep());
        }
    }
    if parent != current.parent_id || patch.position.is_some() {
        let position = place_among_siblings(
            &txn,
            site.id,
            parent,
            id,
            patch
                .position
                .or((parent == current.parent_id).then_some(current.position)),
        )
        .await?;
        active.parent_id = Set(parent);
        active.position = Set(position);
    }
    write_translations(&txn, id, &translations).await?;
    if !remove.is_empty() {
        translation::Entity::delete_many()
            .filter(translation::Column::CategoryId.eq(id))
            .filter(translation::Column::Locale.is_in(remove))
            .exec(&txn)
            .await?;
    }
    active.version = Set(current.version + 1);
    active.updated_at = Set(now());
    let updated = active
        .update(&txn)
        .await
        .map_err(|e| on_constraint(e, CATEGORY_CONSTRAINTS))?;
    let named = with_names(&txn, updated).await?;
    txn.commit().await?;
    Ok(named)
}

/// Deletes a category with no products and no subcategories (CONFLICT naming how many
/// otherwise). Its siblings close the gap.
pub async fn delete_category(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<Uuid> {
    category_for_write(db, principal, id).await?;
    let txn = crate::services::begin_write(db).await?;
    let current = for_update(category::Entity::find_by_id(id), txn.get_database_backend())
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("category").at("id"))?;
    let products = product_category::Entity::find()
        .filter(product_category::Column::CategoryId.eq(id))
        .count(&txn)
        .await?;
    if products > 0 {
        return Err(AppError::conflict(
            "id",
            format!(
                "the category has {products} product{}; move {} to another category first",
                if products == 1 { "" } else { "s" },
                if products == 1 { "it" } else { "them" }
            ),
        )
        .because(Reason::CategoryHasProducts)
        .with("count", products));
    }
    let children = category::Entity::find()
        .filter(category::Column::ParentId.eq(id))
        .count(&txn)
        .await?;
    if children > 0 {
        return Err(AppError::conflict(
            "id",
            format!(
                "the category has {children} subcategor{}; move or delete {} first",
                if children == 1 { "y" } else { "ies" },
                if children == 1 { "it" } else { "them" }
            ),
        )
        .because(Reason::CategoryHasSubcategories)
        .with("count", children));
    }
    category::Entity::delete_by_id(id).exec(&txn).await?;
    place_among_siblings(&txn, current.site_id, current.parent_id, id, None).await?;
    txn.commit().await?;
    Ok(id)
}

/// The names of these categories, by category (one statement).
pub async fn translations_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<translation::Model>>> {
    let rows = translation::Entity::find()
        .filter(translation::Column::CategoryId.is_in(ids.iter().copied()))
        .order_by_asc(translation::Column::Locale)
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<translation::Model>> = HashMap::new();
    for t in rows {
        out.entry(t.category_id).or_default().push(t);
    }
    Ok(out)
}

/// A site's category tree, with names in `locale` (the site's default when absent) and, when
/// `counts` is set, how many products the caller may see in each, in that locale.
pub async fn category_tree(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site: &str,
    locale: Option<&str>,
    counts: bool,
) -> AppResult<CategoryTree> {
    let site = find_site(db, "site", site).await?;
    let locale = require_site_locale(&site, "locale", locale)?;
    let all = site_categories(db, site.id).await?;
    let ids: Vec<Uuid> = all.iter().map(|c| c.id).collect();
    let mut names = if ids.is_empty() {
        HashMap::new()
    } else {
        translations_of(db, &ids).await?
    };
    let mut members: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    if counts && !ids.is_empty() {
        let visibility = authz::content_visibility(db, principal).await?;
        let pairs: Vec<(Uuid, Uuid)> = product_category::Entity::find()
            .select_only()
            .column(product_category::Column::CategoryId)
            .column(product_category::Column::ProductId)
            .join(JoinType::InnerJoin, product_category_to_product())
            .filter(product::Column::SiteId.eq(site.id))
            .filter(product::Column::Locale.eq(locale.clone()))
            .filter(visible_condition(&visibility))
            .into_tuple()
            .all(db)
            .await?;
        for (category_id, product_id) in pairs {
            members.entry(category_id).or_default().insert(product_id);
        }
    }
    let mut by_parent: HashMap<Option<Uuid>, Vec<category::Model>> = HashMap::new();
    for c in all {
        by_parent.entry(c.parent_id).or_default().push(c);
    }
    fn build(
        parent: Option<Uuid>,
        by_parent: &mut HashMap<Option<Uuid>, Vec<category::Model>>,
        names: &mut HashMap<Uuid, Vec<translation::Model>>,
        members: &HashMap<Uuid, HashSet<Uuid>>,
        depth: usize,
    ) -> (Vec<CategoryNode>, HashSet<Uuid>) {
        let mut nodes = Vec::new();
        let mut all_products = HashSet::new();
        if depth > MAX_DEPTH + 1 {
            return (nodes, all_products);
        }
        for c in by_parent.remove(&parent).unwrap_or_default() {
            let (children, mut products) = build(Some(c.id), by_parent, names, members, depth + 1);
            if let Some(own) = members.get(&c.id) {
                products.extend(own.iter().copied());
            }
            all_products.extend(products.iter().copied());
            nodes.push(CategoryNode {
                translations: names.remove(&c.id).unwrap_or_default(),
                category: c,
                children,
                product_count: products.len() as u64,
            });
        }
        (nodes, all_products)
    }
    let (roots, _) = build(None, &mut by_parent, &mut names, &members, 1);
    Ok(CategoryTree {
        locale,
        default_locale: site.default_locale.clone(),
        roots,
    })
}

/// The join from a product's category link to the product.
fn product_category_to_product() -> sea_orm::RelationDef {
    product_category::Entity::belongs_to(product::Entity)
        .from(product_category::Column::ProductId)
        .to(product::Column::Id)
        .into()
}

/// Checks category IDs given for a product: categories of its site, no repeats, at most 20.
pub async fn check_product_categories(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    raw: &[String],
) -> AppResult<Vec<Uuid>> {
    if raw.len() > 20 {
        return Err(AppError::bad_input(
            "categoryIds",
            "a product may be in at most 20 categories",
        )
        .because(Reason::TooMany)
        .with("max", 20));
    }
    let mut ids = Vec::with_capacity(raw.len());
    for r in raw {
        let id = parse_id("categoryIds", r)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Ok(ids);
    }
    let found = category::Entity::find()
        .filter(category::Column::Id.is_in(ids.iter().copied()))
        .filter(category::Column::SiteId.eq(site_id))
        .count(db)
        .await?;
    if found != ids.len() as u64 {
        return Err(AppError::bad_input(
            "categoryIds",
            "no category with this ID on the product's site",
        )
        .because(Reason::CategoryNotOnSite));
    }
    Ok(ids)
}

/// Replaces the categories of a product.
pub async fn set_product_categories(
    db: &impl ConnectionTrait,
    product_id: Uuid,
    ids: &[Uuid],
) -> AppResult<()> {
    product_category::Entity::delete_many()
        .filter(product_category::Column::ProductId.eq(product_id))
        .exec(db)
        .await?;
    if ids.is_empty() {
        return Ok(());
    }
    let rows = ids
        .iter()
        .enumerate()
        .map(|(i, c)| product_category::ActiveModel {
            product_id: Set(product_id),
            category_id: Set(*c),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
        });
    product_category::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn cat(id: u128, parent: Option<u128>) -> category::Model {
        category::Model {
            id: Uuid::from_u128(id),
            site_id: Uuid::nil(),
            parent_id: parent.map(Uuid::from_u128),
            position: 0,
            slug: id.to_string(),
            version: 1,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_subtree_holds_the_category_and_all_its_descendants() {
        let all = [
            cat(1, None),
            cat(2, Some(1)),
            cat(3, Some(2)),
            cat(4, None),
            cat(5, Some(1)),
        ];
        let mut ids = subtree(&all, Uuid::from_u128(1));
        ids.sort();
        assert_eq!(ids, [1, 2, 3, 5].map(Uuid::from_u128));
        assert_eq!(subtree(&all, Uuid::from_u128(4)), [Uuid::from_u128(4)]);
        let parents: HashMap<Uuid, Option<Uuid>> =
            all.iter().map(|c| (c.id, c.parent_id)).collect();
        assert_eq!(depth_of(&parents, Uuid::from_u128(3)), 3);
    }
}
