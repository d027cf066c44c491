//! What a product page links to next: other products of the catalogue ([`related_products`]),
//! the articles about the product ([`articles_of_product`]), and, from an article, the products
//! it is about ([`products_of_article`]).
//!
//! The lists hold published content of the same site only, whoever asks: they show what the
//! page's readers will see (a member previewing a draft sees the published neighbours it will
//! have). Candidates are chosen in SQL by what they share — categories, specification rows,
//! tags, a model number — each kind in one statement of at most [`CANDIDATE_ROWS`] rows (the
//! strongest and newest first); they are ranked here, and the chosen ones read whole in one
//! more statement.

mod cross;
mod mention;

pub use cross::{articles_of_product, products_of_article};

use super::category::MAX_CATEGORIES;
use crate::error::{AppError, AppResult, Reason};
use chrono::{DateTime, Utc};
use entities::product::{self, ProductStatus};
use entities::{category, product_category, product_spec, product_tag};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationDef,
};
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// How many a list holds when `first` is not given.
pub const DEFAULT_FIRST: i32 = 5;
/// The most a list holds.
pub const MAX_FIRST: i32 = 20;
/// The most rows one candidate statement reads.
pub const CANDIDATE_ROWS: u64 = 200;
/// The most categories whose products are candidates for sharing an ancestor.
const MAX_FAMILY: usize = 500;

/// `first` as a count, BAD_USER_INPUT outside 1..=[`MAX_FIRST`].
fn check_first(first: i32) -> AppResult<usize> {
    match usize::try_from(first) {
        Ok(n) if (1..=MAX_FIRST).contains(&first) => Ok(n),
        _ => Err(
            AppError::bad_input("first", format!("first must be between 1 and {MAX_FIRST}"))
                .because(Reason::OutOfRange)
                .with("min", 1)
                .with("max", MAX_FIRST),
        ),
    }
}

/// A link table's rows joined to their products.
fn to_product<E: EntityTrait>(from: E::Column) -> RelationDef {
    E::belongs_to(product::Entity)
        .from(from)
        .to(product::Column::Id)
        .into()
}

/// The published products of `of`'s site and locale other than `of`.
fn peers_of(of: &product::Model) -> Condition {
    Condition::all()
        .add(product::Column::SiteId.eq(of.site_id))
        .add(product::Column::Locale.eq(of.locale.clone()))
        .add(product::Column::Status.eq(ProductStatus::Published))
        .add(product::Column::Id.ne(of.id))
}

/// What a candidate shares with the product, in ranking order.
#[derive(Default)]
struct Shared {
    /// Categories both are in.
    categories: usize,
    /// For each of the product's categories, the depth of the deepest ancestor it shares with
    /// one of the candidate's (its own depth when both are in it), summed.
    closeness: usize,
    /// Specification rows with the same name and value.
    specs: HashSet<(String, String)>,
    /// Tags.
    tags: HashSet<Uuid>,
    published_at: Option<DateTime<Utc>>,
    /// The candidate's categories among those read.
    in_categories: Vec<Uuid>,
}

/// Other published products of the same site and locale, most alike first: those sharing the
/// product's categories (a category both are in counts before any shared ancestor, and a deeper
/// shared ancestor before a shallower one), then those with more specification rows of the same
/// name and value, then more shared tags, then the newest. Never the product itself.
pub async fn related_products(
    db: &impl ConnectionTrait,
    of: &product::Model,
    first: i32,
) -> AppResult<Vec<product::Model>> {
    let limit = check_first(first)?;
    let mut found: HashMap<Uuid, Shared> = HashMap::new();

    let own: Vec<Uuid> = product_category::Entity::find()
        .select_only()
        .column(product_category::Column::CategoryId)
        .filter(product_category::Column::ProductId.eq(of.id))
        .into_tuple()
        .all(db)
        .await?;
    let mut tree = Tree::default();
    if !own.is_empty() {
        let rows: Vec<(Uuid, Option<Uuid>)> = category::Entity::find()
            .select_only()
            .column(category::Column::Id)
            .column(category::Column::ParentId)
            .filter(category::Column::SiteId.eq(of.site_id))
            .limit(MAX_CATEGORIES)
            .into_tuple()
            .all(db)
            .await?;
        tree = Tree::new(rows);
        let family = tree.family(&own, MAX_FAMILY);
        let rows: Vec<(Uuid, Uuid, Option<DateTime<Utc>>)> = product_category::Entity::find()
            .select_only()
            .column(product_category::Column::ProductId)
            .column(product_category::Column::CategoryId)
            .column(product::Column::PublishedAt)
            .join(
                JoinType::InnerJoin,
                to_product::<product_category::Entity>(product_category::Column::ProductId),
            )
            .filter(peers_of(of))
            .filter(product_category::Column::CategoryId.is_in(family))
            // The products in the same categories before the rest of the family.
            .order_by(
                Into::<Expr>::into(
                    Expr::case(
                        product_category::Column::CategoryId.is_in(own.iter().copied()),
                        Expr::val(0),
                    )
                    .finally(Expr::val(1)),
                ),
                Order::Asc,
            )
            .order_by_desc(product::Column::PublishedAt)
            .order_by_desc(product::Column::Id)
            .limit(CANDIDATE_ROWS)
            .into_tuple()
            .all(db)
            .await?;
        for (id, category, published_at) in rows {
            let entry = found.entry(id).or_default();
            entry.in_categories.push(category);
            entry.published_at = published_at;
        }
    }

    // Rows of other products with the name and value of one of this product's rows.
    let mut own_specs = Query::select();
    own_specs
        .expr(Expr::val(1))
        .from_as(product_spec::Entity, Alias::new("own"))
        .and_where(Expr::col((Alias::new("own"), product_spec::Column::ProductId)).eq(of.id))
        .and_where(
            Expr::col((Alias::new("own"), product_spec::Column::Name))
                .equals((product_spec::Entity, product_spec::Column::Name)),
        )
        .and_where(
            Expr::col((Alias::new("own"), product_spec::Column::Value))
                .equals((product_spec::Entity, product_spec::Column::Value)),
        );
    let rows: Vec<(Uuid, String, String, Option<DateTime<Utc>>)> = product_spec::Entity::find()
        .select_only()
        .column(product_spec::Column::ProductId)
        .column(product_spec::Column::Name)
        .column(product_spec::Column::Value)
        .column(product::Column::PublishedAt)
        .join(
            JoinType::InnerJoin,
            to_product::<product_spec::Entity>(product_spec::Column::ProductId),
        )
        .filter(peers_of(of))
        .filter(Expr::exists(own_specs.to_owned()))
        .order_by_desc(product::Column::PublishedAt)
        .order_by_desc(product::Column::Id)
        .limit(CANDIDATE_ROWS)
        .into_tuple()
        .all(db)
        .await?;
    for (id, name, value, published_at) in rows {
        let entry = found.entry(id).or_default();
        entry.specs.insert((name, value));
        entry.published_at = published_at;
    }

    let rows: Vec<(Uuid, Uuid, Option<DateTime<Utc>>)> = product_tag::Entity::find()
        .select_only()
        .column(product_tag::Column::ProductId)
        .column(product_tag::Column::TagId)
        .column(product::Column::PublishedAt)
        .join(
            JoinType::InnerJoin,
            to_product::<product_tag::Entity>(product_tag::Column::ProductId),
        )
        .filter(peers_of(of))
        .filter(product_tag::Column::TagId.in_subquery(tags_of(of.id)))
        .order_by_desc(product::Column::PublishedAt)
        .order_by_desc(product::Column::Id)
        .limit(CANDIDATE_ROWS)
        .into_tuple()
        .all(db)
        .await?;
    for (id, tag, published_at) in rows {
        let entry = found.entry(id).or_default();
        entry.tags.insert(tag);
        entry.published_at = published_at;
    }

    let own_paths: Vec<Vec<Uuid>> = own.iter().map(|c| tree.path(*c)).collect();
    let mut ranked: Vec<(Uuid, Shared)> = found
        .into_iter()
        .map(|(id, mut shared)| {
            shared.categories = own
                .iter()
                .filter(|c| shared.in_categories.contains(c))
                .count();
            shared.closeness = own_paths
                .iter()
                .map(|path| {
                    shared
                        .in_categories
                        .iter()
                        .map(|c| common_prefix(path, &tree.path(*c)))
                        .max()
                        .unwrap_or(0)
                })
                .sum();
            (id, shared)
        })
        .collect();
    ranked.sort_by_key(|(id, s)| {
        Reverse((
            s.categories,
            s.closeness,
            s.specs.len(),
            s.tags.len(),
            s.published_at,
            *id,
        ))
    });
    ranked.truncate(limit);
    let ids: Vec<Uuid> = ranked.iter().map(|(id, _)| *id).collect();
    read_in_order(db, &ids).await
}

/// `SELECT tag_id` of a product's tags.
fn tags_of(product_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(product_tag::Column::TagId)
        .from(product_tag::Entity)
        .and_where(product_tag::Column::ProductId.eq(product_id))
        .to_owned()
}

/// The published products with these IDs, in this order.
async fn read_in_order(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<product::Model>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: HashMap<Uuid, product::Model> = product::Entity::find()
        .filter(product::Column::Id.is_in(ids.iter().copied()))
        .filter(product::Column::Status.eq(ProductStatus::Published))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(ids.iter().filter_map(|id| rows.remove(id)).collect())
}

/// How many leading entries two paths share.
fn common_prefix(a: &[Uuid], b: &[Uuid]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// A site's category tree, as parent links.
#[derive(Default)]
struct Tree {
    parent: HashMap<Uuid, Option<Uuid>>,
    children: HashMap<Uuid, Vec<Uuid>>,
}

impl Tree {
    fn new(rows: Vec<(Uuid, Option<Uuid>)>) -> Self {
        let mut tree = Self::default();
        for (id, parent) in rows {
            if let Some(p) = parent {
                tree.children.entry(p).or_default().push(id);
            }
            tree.parent.insert(id, parent);
        }
        tree
    }

    /// The categories from the top of the tree down to `id`.
    fn path(&self, id: Uuid) -> Vec<Uuid> {
        let mut out = vec![id];
        let mut at = id;
        // Bounded, whatever the stored links say.
        while let Some(Some(p)) = self.parent.get(&at) {
            if out.len() > super::category::MAX_DEPTH || out.contains(p) {
                break;
            }
            out.push(*p);
            at = *p;
        }
        out.reverse();
        out
    }

    /// `root` and its descendants, or `None` when they are more than `budget`.
    fn subtree_within(&self, root: Uuid, budget: usize) -> Option<Vec<Uuid>> {
        let mut out = vec![root];
        let mut i = 0;
        while let Some(at) = out.get(i).copied() {
            for child in self.children.get(&at).into_iter().flatten() {
                if out.len() >= budget {
                    return None;
                }
                out.push(*child);
            }
            i += 1;
        }
        Some(out)
    }

    /// The categories whose products share an ancestor with `own`: for each, its path, and the
    /// subtree of its highest ancestor that fits its share of `budget`.
    fn family(&self, own: &[Uuid], budget: usize) -> Vec<Uuid> {
        let share = (budget / own.len().max(1)).max(1);
        let mut out: HashSet<Uuid> = HashSet::new();
        for c in own {
            let path = self.path(*c);
            out.extend(path.iter().copied());
            if let Some(sub) = path.iter().find_map(|a| self.subtree_within(*a, share)) {
                out.extend(sub);
            }
        }
        out.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn the_family_of_a_category_is_the_largest_subtree_within_budget() {
        // 1 ─ 2 ─ 4, 5
        //   └ 3 ─ 6
        let tree = Tree::new(vec![
            (id(1), None),
            (id(2), Some(id(1))),
            (id(3), Some(id(1))),
            (id(4), Some(id(2))),
            (id(5), Some(id(2))),
            (id(6), Some(id(3))),
        ]);
        assert_eq!(tree.path(id(4)), vec![id(1), id(2), id(4)]);
        let mut all = tree.family(&[id(4)], 10);
        all.sort();
        assert_eq!(all, (1..=6).map(id).collect::<Vec<_>>());
        let mut near = tree.family(&[id(4)], 3);
        near.sort();
        assert_eq!(near, vec![id(1), id(2), id(4), id(5)]);
        assert_eq!(common_prefix(&tree.path(id(4)), &tree.path(id(6))), 1);
        assert_eq!(common_prefix(&tree.path(id(4)), &tree.path(id(5))), 2);
    }

    #[test]
    fn first_is_bounded() {
        assert!(check_first(0).is_err());
        assert!(check_first(21).is_err());
        assert!(check_first(-1).is_err());
        assert_eq!(check_first(20).ok(), Some(20));
    }
}
