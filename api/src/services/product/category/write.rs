//! Creating, changing, moving and deleting categories.
use super::names::{check_translations, write_translations};
use super::tree::{depth_of, site_categories};
use super::*;

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

/// The refusal of a move or a new category past [`MAX_DEPTH`].
fn too_deep() -> AppError {
    AppError::bad_input(
        "parentId",
        format!("categories nest at most {MAX_DEPTH} deep"),
    )
    .because(Reason::CategoryTooDeep)
    .with("max", MAX_DEPTH)
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
    // The products below index this category's names, and its ancestors.
    let reindex = !translations.is_empty() || !remove.is_empty() || parent != current.parent_id;
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
    if reindex {
        crate::services::search::product::category_changed(&txn, &subtree(&all, id)).await?;
    }
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
