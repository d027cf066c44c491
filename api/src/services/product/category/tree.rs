//! The tree as read: a site's categories, subtrees, names and product counts.
use super::*;

/// All categories of a site (one statement).
pub(super) async fn site_categories(
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
pub(super) fn depth_of(all: &HashMap<Uuid, Option<Uuid>>, id: Uuid) -> usize {
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

/// A product's main category (its first) and that category's ancestors, top first, each with
/// its names: the product page's breadcrumbs. Empty when the product has no category. At most
/// `MAX_DEPTH` categories (checked on every move; the bound also stops a cycle).
pub async fn main_category_path(
    db: &impl ConnectionTrait,
    product_id: Uuid,
) -> AppResult<Vec<NamedCategory>> {
    let mut linked = super::super::relations::categories_of_products(db, &[product_id]).await?;
    let Some(main) = linked
        .remove(&product_id)
        .and_then(|v| v.into_iter().next())
    else {
        return Ok(Vec::new());
    };
    let mut chain = vec![main.category];
    while let Some(parent) = chain.last().and_then(|c| c.parent_id) {
        if chain.len() >= MAX_DEPTH {
            break;
        }
        match category::Entity::find_by_id(parent).one(db).await? {
            Some(c) => chain.push(c),
            None => break,
        }
    }
    chain.reverse();
    let ids: Vec<Uuid> = chain.iter().map(|c| c.id).collect();
    let mut names = translations_of(db, &ids).await?;
    Ok(chain
        .into_iter()
        .map(|c| NamedCategory {
            translations: names.remove(&c.id).unwrap_or_default(),
            category: c,
        })
        .collect())
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
