//! Products in the search index: what is indexed of a published product (name, model number,
//! summary, description text, spec rows, the names of its categories and their ancestors,
//! certifications), keeping the index in step with the database (the `search.product` outbox
//! rows its changes write, and those a category's new name or place writes for the products
//! under it), and rebuilding it. Querying: [`super::product_query`].
use super::reindex::{REINDEX_IN_FLIGHT, finish};
use crate::db::id_in;
use crate::error::AppResult;
use crate::search::SearchEngine;
use crate::search::product::{ProductDoc, model_key};
use crate::search::text::without_marks;
use crate::services::outbox::{OutboxJob, enqueue};
use crate::services::product::category::translations_of;
use crate::services::product::relations::{certification_key, certifications_of_products};
use crate::services::product::specs_of_products;
use entities::product::{self, ProductStatus};
use entities::{category, product_category, site};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Deepest chain of ancestors followed (the tree allows 8 levels).
const MAX_ANCESTORS: usize = 16;

/// The index documents of products (whatever their status; callers index published ones).
pub async fn product_docs(
    db: &impl ConnectionTrait,
    products: &[product::Model],
) -> AppResult<Vec<ProductDoc>> {
    if products.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let ids: Vec<Uuid> = products.iter().map(|p| p.id).collect();
    let mut site_ids: Vec<Uuid> = products.iter().map(|p| p.site_id).collect();
    site_ids.sort();
    site_ids.dedup();
    let mut specs = specs_of_products(db, &ids).await?;
    let mut certifications = certifications_of_products(db, &ids).await?;
    let links = product_category::Entity::find()
        .filter(id_in(backend, product_category::Column::ProductId, &ids))
        .order_by_asc(product_category::Column::ProductId)
        .order_by_asc(product_category::Column::Position)
        .all(db)
        .await?;
    let mut linked: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for l in links {
        linked.entry(l.product_id).or_default().push(l.category_id);
    }
    // The sites' whole trees, for the ancestors (a site has at most a few thousand).
    let parents: HashMap<Uuid, Option<Uuid>> = if linked.is_empty() {
        HashMap::new()
    } else {
        category::Entity::find()
            .filter(id_in(backend, category::Column::SiteId, &site_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.parent_id))
            .collect()
    };
    let mut paths: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (product_id, direct) in &linked {
        let mut path: Vec<Uuid> = Vec::new();
        for id in direct {
            let mut at = Some(*id);
            let mut steps = 0;
            while let Some(c) = at.filter(|c| parents.contains_key(c)) {
                if !path.contains(&c) {
                    path.push(c);
                }
                steps += 1;
                if steps > MAX_ANCESTORS {
                    break;
                }
                at = parents.get(&c).copied().flatten();
            }
        }
        paths.insert(*product_id, path);
    }
    let named: Vec<Uuid> = paths
        .values()
        .flatten()
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let names = if named.is_empty() {
        HashMap::new()
    } else {
        translations_of(db, &named).await?
    };
    let defaults: HashMap<Uuid, String> = site::Entity::find()
        .filter(id_in(backend, site::Column::Id, &site_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.default_locale))
        .collect();
    Ok(products
        .iter()
        .map(|p| {
            let path = paths.remove(&p.id).unwrap_or_default();
            let default = defaults.get(&p.site_id);
            let category_names = path
                .iter()
                .filter_map(|id| {
                    let all = names.get(id)?;
                    all.iter()
                        .find(|t| t.locale == p.locale)
                        .or_else(|| all.iter().find(|t| Some(&t.locale) == default))
                        .or_else(|| all.first())
                        .map(|t| without_marks(&t.name))
                })
                .collect();
            let certification_names = certifications.remove(&p.id).unwrap_or_default();
            let spec_text = specs
                .remove(&p.id)
                .unwrap_or_default()
                .into_iter()
                .map(|s| {
                    let mut line = format!("{}: {}", s.name, s.value);
                    if let Some(unit) = s.unit.filter(|u| !u.is_empty()) {
                        line.push(' ');
                        line.push_str(&unit);
                    }
                    if let Some(group) = s.spec_group.filter(|g| !g.is_empty()) {
                        line = format!("{group} · {line}");
                    }
                    line
                })
                .collect::<Vec<_>>()
                .join("\n");
            to_doc(p, path, category_names, certification_names, &spec_text)
        })
        .collect())
}

/// The index document of one product.
fn to_doc(
    p: &product::Model,
    categories: Vec<Uuid>,
    category_names: Vec<String>,
    certification_names: Vec<String>,
    specs: &str,
) -> ProductDoc {
    let rendered = crate::content::render_cached(p.id, p.version, &p.description);
    let model = p.model_number.clone().unwrap_or_default();
    // The engines' match markers never come from a product.
    ProductDoc {
        id: p.id,
        site: p.site_id,
        locale: p.locale.clone(),
        name: without_marks(&p.name),
        model_key: model_key(&model),
        model: without_marks(&model),
        summary: without_marks(p.summary.as_deref().unwrap_or_default()),
        body: without_marks(&rendered.text),
        specs: without_marks(specs),
        category_names,
        categories: categories.iter().map(Uuid::to_string).collect(),
        certifications: certification_names
            .iter()
            .map(|n| certification_key(n))
            .collect(),
        certification_names: certification_names
            .iter()
            .map(|n| without_marks(n))
            .collect(),
        status: "published".to_owned(),
        published_at: p.published_at.unwrap_or(p.updated_at).timestamp(),
    }
}

/// Brings the product index in line with these products as the database holds them now:
/// published ones indexed, the others (or gone ones) removed, in one engine write.
/// Idempotent and order-insensitive.
pub async fn sync_products(
    db: &impl ConnectionTrait,
    engine: &SearchEngine,
    ids: &[Uuid],
) -> anyhow::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let published: Vec<product::Model> = product::Entity::find()
        .filter(id_in(db.get_database_backend(), product::Column::Id, ids))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| p.status == ProductStatus::Published)
        .collect();
    let kept: HashSet<Uuid> = published.iter().map(|p| p.id).collect();
    let gone: Vec<Uuid> = ids
        .iter()
        .copied()
        .filter(|id| !kept.contains(id))
        .collect();
    let docs = product_docs(db, &published)
        .await
        .map_err(|e| anyhow::anyhow!("loading the products' relations: {}", e.message))?;
    engine.apply_products(docs, gone).await
}

/// Streams every published product into the (cleared) product index in batches of `batch`;
/// returns how many.
pub(super) async fn reindex_products(
    db: &impl ConnectionTrait,
    engine: &SearchEngine,
    batch: u64,
) -> anyhow::Result<u64> {
    let mut after: Option<Uuid> = None;
    let mut total = 0;
    let mut in_flight = std::collections::VecDeque::new();
    loop {
        let mut query = product::Entity::find()
            .filter(product::Column::Status.eq(ProductStatus::Published))
            .order_by_asc(product::Column::Id)
            .limit(batch);
        if let Some(after) = after {
            query = query.filter(product::Column::Id.gt(after));
        }
        let page = query.all(db).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        let docs = product_docs(db, &page)
            .await
            .map_err(|e| anyhow::anyhow!("loading the products' relations: {}", e.message))?;
        total += docs.len() as u64;
        if in_flight.len() == REINDEX_IN_FLIGHT
            && let Some(oldest) = in_flight.pop_front()
        {
            finish(oldest).await?;
        }
        let engine = engine.clone();
        in_flight.push_back(tokio::spawn(async move {
            engine.apply_products(docs, Vec::new()).await
        }));
        tracing::info!(indexed = total, "reindexing products");
    }
    while let Some(oldest) = in_flight.pop_front() {
        finish(oldest).await?;
    }
    Ok(total)
}

/// Records, in the caller's transaction, that the published products in these categories must
/// be indexed again (a category's names or place changed: their indexed category names and
/// ancestors did).
pub async fn category_changed(db: &impl ConnectionTrait, categories: &[Uuid]) -> AppResult<()> {
    if categories.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let mut linked: Vec<Uuid> = product_category::Entity::find()
        .select_only()
        .column(product_category::Column::ProductId)
        .filter(id_in(
            backend,
            product_category::Column::CategoryId,
            categories,
        ))
        .into_tuple()
        .all(db)
        .await?;
    linked.sort();
    linked.dedup();
    if linked.is_empty() {
        return Ok(());
    }
    let published: Vec<Uuid> = product::Entity::find()
        .select_only()
        .column(product::Column::Id)
        .filter(id_in(backend, product::Column::Id, &linked))
        .filter(product::Column::Status.eq(ProductStatus::Published))
        .into_tuple()
        .all(db)
        .await?;
    for product_id in published {
        enqueue(db, &OutboxJob::SearchProduct { product_id }).await?;
    }
    Ok(())
}
