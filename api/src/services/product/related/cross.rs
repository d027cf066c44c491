//! The cross links between products and articles of a site: the articles about a product and
//! the products an article is about. Either shares tags with the other (tags are the site's,
//! shared by both), or the article mentions the product's model number (see [`mention`]).
//! Ranked alike both ways: the page's locale first, then a mention, then more shared tags,
//! then the newest; one version per translation group (the page's locale when it has one).
use super::mention::{ESCAPE, like_pattern, mentions};
use super::{CANDIDATE_ROWS, check_first, read_in_order, tags_of};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entities::article::{self, ArticleStatus};
use entities::product::{self, ProductStatus};
use entities::{article_tag, product_tag};
use sea_orm::sea_query::{BinOper, Expr, ExprTrait, Func, LikeExpr, Order, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The most articles whose title and body are read to confirm a mention.
const MENTION_ROWS: u64 = 100;

/// A row of a tag link: the article's or product's ID, the tag, its translation group, locale
/// and publication time.
type TagRow = (Uuid, Uuid, Uuid, String, Option<DateTime<Utc>>);
/// An article that may mention a model number: ID, group, locale, publication, title, body.
type TextRow = (Uuid, Uuid, String, Option<DateTime<Utc>>, String, String);
/// A product whose model number may be mentioned: ID, group, locale, publication, model number.
type ModelRow = (Uuid, Uuid, String, Option<DateTime<Utc>>, String);

/// A candidate and what links it to the page.
struct Hit {
    group: Uuid,
    locale: String,
    published_at: Option<DateTime<Utc>>,
    mention: bool,
    tags: HashSet<Uuid>,
}

/// Counts each candidate's shared tags into `hits`.
fn tagged(hits: &mut HashMap<Uuid, Hit>, rows: Vec<TagRow>) {
    for (id, tag, group, locale, published_at) in rows {
        hits.entry(id)
            .or_insert_with(|| Hit::new(group, locale, published_at))
            .tags
            .insert(tag);
    }
}

impl Hit {
    fn new(group: Uuid, locale: String, published_at: Option<DateTime<Utc>>) -> Self {
        Self {
            group,
            locale,
            published_at,
            mention: false,
            tags: HashSet::new(),
        }
    }
}

/// The IDs to show, best first: one per translation group (the version in `locale` when there
/// is one, else the newest), groups ranked by locale, mention, shared tags, newest.
fn rank(hits: HashMap<Uuid, Hit>, locale: &str, limit: usize) -> Vec<Uuid> {
    struct Group {
        show: Uuid,
        key: (bool, Option<DateTime<Utc>>, Uuid),
        mention: bool,
        tags: HashSet<Uuid>,
    }
    let mut groups: HashMap<Uuid, Group> = HashMap::new();
    for (id, hit) in hits {
        let key = (hit.locale == locale, hit.published_at, id);
        let group = groups.entry(hit.group).or_insert_with(|| Group {
            show: id,
            key,
            mention: false,
            tags: HashSet::new(),
        });
        if key > group.key {
            group.show = id;
            group.key = key;
        }
        group.mention |= hit.mention;
        group.tags.extend(hit.tags);
    }
    let mut ranked: Vec<Group> = groups.into_values().collect();
    ranked.sort_by_key(|g| Reverse((g.key.0, g.mention, g.tags.len(), g.key.1, g.key.2)));
    ranked.into_iter().take(limit).map(|g| g.show).collect()
}

/// `0` for rows in `locale`, `1` for the others: the order that puts the page's locale first.
fn locale_first(column: impl ColumnTrait, locale: &str) -> Expr {
    Expr::case(column.eq(locale), Expr::val(0))
        .finally(Expr::val(1))
        .into()
}

/// The published articles of a site.
fn published_articles(site_id: Uuid) -> Condition {
    Condition::all()
        .add(article::Column::SiteId.eq(site_id))
        .add(article::Column::Status.eq(ArticleStatus::Published))
}

/// The published products of a site.
fn published_products(site_id: Uuid) -> Condition {
    Condition::all()
        .add(product::Column::SiteId.eq(site_id))
        .add(product::Column::Status.eq(ProductStatus::Published))
}

/// Published articles of the product's site that share tags with it or mention its model
/// number (in any case, as a whole token), the product's locale first.
pub async fn articles_of_product(
    db: &impl ConnectionTrait,
    of: &product::Model,
    first: i32,
) -> AppResult<Vec<article::Model>> {
    let limit = check_first(first)?;
    let mut hits: HashMap<Uuid, Hit> = HashMap::new();

    let rows: Vec<TagRow> = article_tag::Entity::find()
        .select_only()
        .column(article_tag::Column::ArticleId)
        .column(article_tag::Column::TagId)
        .column(article::Column::TranslationGroupId)
        .column(article::Column::Locale)
        .column(article::Column::PublishedAt)
        .join(
            JoinType::InnerJoin,
            article_tag::Entity::belongs_to(article::Entity)
                .from(article_tag::Column::ArticleId)
                .to(article::Column::Id)
                .into(),
        )
        .filter(published_articles(of.site_id))
        .filter(article_tag::Column::TagId.in_subquery(tags_of(of.id)))
        .order_by(
            locale_first(article::Column::Locale, &of.locale),
            Order::Asc,
        )
        .order_by_desc(article::Column::PublishedAt)
        .order_by_desc(article::Column::Id)
        .limit(CANDIDATE_ROWS)
        .into_tuple()
        .all(db)
        .await?;
    tagged(&mut hits, rows);

    if let Some(model) = of.model_number.as_deref().filter(|m| !m.trim().is_empty()) {
        // A substring test in SQL (`%` and `_` of the model number escaped), the whole-token
        // test here.
        let contains = |column: article::Column| {
            Expr::from(Func::lower(Expr::col((article::Entity, column))))
                .like(LikeExpr::new(like_pattern(model)).escape(ESCAPE))
        };
        let rows: Vec<TextRow> = article::Entity::find()
            .select_only()
            .column(article::Column::Id)
            .column(article::Column::TranslationGroupId)
            .column(article::Column::Locale)
            .column(article::Column::PublishedAt)
            .column(article::Column::Title)
            .column(article::Column::Body)
            .filter(published_articles(of.site_id))
            .filter(
                Condition::any()
                    .add(contains(article::Column::Title))
                    .add(contains(article::Column::Body)),
            )
            .order_by(
                locale_first(article::Column::Locale, &of.locale),
                Order::Asc,
            )
            .order_by_desc(article::Column::PublishedAt)
            .order_by_desc(article::Column::Id)
            .limit(MENTION_ROWS)
            .into_tuple()
            .all(db)
            .await?;
        for (id, group, locale, published_at, title, body) in rows {
            if mentions(&title, model) || mentions(&body, model) {
                hits.entry(id)
                    .or_insert_with(|| Hit::new(group, locale, published_at))
                    .mention = true;
            }
        }
    }

    let ids = rank(hits, &of.locale, limit);
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut rows: HashMap<Uuid, article::Model> = article::Entity::find()
        .filter(article::Column::Id.is_in(ids.iter().copied()))
        .filter(article::Column::Status.eq(ArticleStatus::Published))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    Ok(ids.iter().filter_map(|id| rows.remove(id)).collect())
}

/// Published products of the article's site that share tags with it or whose model number it
/// mentions (in its title or body, in any case, as a whole token), the article's locale first.
pub async fn products_of_article(
    db: &impl ConnectionTrait,
    of: &article::Model,
    first: i32,
) -> AppResult<Vec<product::Model>> {
    let limit = check_first(first)?;
    let mut hits: HashMap<Uuid, Hit> = HashMap::new();

    let article_tags = Query::select()
        .column(article_tag::Column::TagId)
        .from(article_tag::Entity)
        .and_where(article_tag::Column::ArticleId.eq(of.id))
        .to_owned();
    let rows: Vec<TagRow> = product_tag::Entity::find()
        .select_only()
        .column(product_tag::Column::ProductId)
        .column(product_tag::Column::TagId)
        .column(product::Column::TranslationGroupId)
        .column(product::Column::Locale)
        .column(product::Column::PublishedAt)
        .join(
            JoinType::InnerJoin,
            super::to_product::<product_tag::Entity>(product_tag::Column::ProductId),
        )
        .filter(published_products(of.site_id))
        .filter(product_tag::Column::TagId.in_subquery(article_tags))
        .order_by(
            locale_first(product::Column::Locale, &of.locale),
            Order::Asc,
        )
        .order_by_desc(product::Column::PublishedAt)
        .order_by_desc(product::Column::Id)
        .limit(CANDIDATE_ROWS)
        .into_tuple()
        .all(db)
        .await?;
    tagged(&mut hits, rows);

    // Products whose model number is in the article's text: the text is the value and each
    // row's model number the pattern, `%`, `_` and `!` escaped in SQL as `like_pattern` does.
    let text = format!("{}\n{}", of.title, of.body).to_lowercase();
    let escaped = [("!", "!!"), ("%", "!%"), ("_", "!_")].iter().fold(
        Expr::from(Func::lower(Expr::col((
            product::Entity,
            product::Column::ModelNumber,
        )))),
        |inner, (from, to)| {
            Expr::from(
                Func::cust("REPLACE")
                    .arg(inner)
                    .arg(Expr::val(*from))
                    .arg(Expr::val(*to)),
            )
        },
    );
    let concat = BinOper::Custom("||");
    let pattern = Expr::val("%")
        .binary(concat, escaped)
        .binary(concat, Expr::val("%"));
    let found_in_text = Expr::val(text).binary(
        BinOper::Like,
        Expr::Binary(
            Box::new(pattern),
            BinOper::Escape,
            Box::new(Expr::Constant(ESCAPE.into())),
        ),
    );
    let rows: Vec<ModelRow> = product::Entity::find()
        .select_only()
        .column(product::Column::Id)
        .column(product::Column::TranslationGroupId)
        .column(product::Column::Locale)
        .column(product::Column::PublishedAt)
        .column(product::Column::ModelNumber)
        .filter(published_products(of.site_id))
        .filter(product::Column::ModelNumber.is_not_null())
        .filter(product::Column::ModelNumber.ne(""))
        .filter(found_in_text)
        .order_by(
            locale_first(product::Column::Locale, &of.locale),
            Order::Asc,
        )
        .order_by_desc(product::Column::PublishedAt)
        .order_by_desc(product::Column::Id)
        .limit(CANDIDATE_ROWS)
        .into_tuple()
        .all(db)
        .await?;
    for (id, group, locale, published_at, model) in rows {
        if mentions(&of.title, &model) || mentions(&of.body, &model) {
            hits.entry(id)
                .or_insert_with(|| Hit::new(group, locale, published_at))
                .mention = true;
        }
    }

    let ids = rank(hits, &of.locale, limit);
    read_in_order(db, &ids).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn hit(group: u128, locale: &str, day: u32, mention: bool, tags: &[u128]) -> Hit {
        let mut h = Hit::new(
            id(group),
            locale.to_owned(),
            chrono::NaiveDate::from_ymd_opt(2026, 1, day)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc()),
        );
        h.mention = mention;
        h.tags = tags.iter().map(|t| id(*t)).collect();
        h
    }

    #[test]
    fn the_locale_then_a_mention_then_tags_then_the_newest_rank_first() {
        let hits = HashMap::from([
            (id(1), hit(10, "en", 1, false, &[1, 2])),
            (id(2), hit(20, "en", 2, true, &[])),
            (id(3), hit(30, "en", 3, false, &[1])),
            (id(4), hit(40, "zh-CN", 4, true, &[1, 2, 3])),
            (id(5), hit(50, "en", 5, false, &[2])),
        ]);
        assert_eq!(
            rank(hits, "en", 10),
            vec![id(2), id(1), id(5), id(3), id(4)]
        );
    }

    #[test]
    fn one_version_per_translation_group_in_the_page_locale() {
        let hits = HashMap::from([
            (id(1), hit(10, "zh-CN", 9, true, &[1])),
            (id(2), hit(10, "en", 1, false, &[])),
            (id(3), hit(30, "en", 3, false, &[1])),
        ]);
        // The group of 1 and 2 shows its English version and ranks with its mention.
        assert_eq!(rank(hits, "en", 1), vec![id(2)]);
    }
}
