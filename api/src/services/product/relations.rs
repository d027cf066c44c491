//! What a product is linked to besides its own columns: categories, tags (the site's tags,
//! shared with articles) and certifications. Each is read for a whole page of products in one
//! statement, and written in the product's write transaction.
use crate::domain::bounded_text;
use crate::error::{AppError, AppResult, Reason};
use entities::{
    category, category_translation, product_category, product_certification, product_tag, tag,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Most certifications on one product.
pub const MAX_CERTIFICATIONS: usize = 30;
/// Longest certification name, in characters.
const MAX_CERTIFICATION_CHARS: usize = 80;

/// A category with its names.
#[derive(Clone)]
pub struct NamedCategory {
    /// The category.
    pub category: category::Model,
    /// Its names, by locale.
    pub translations: Vec<category_translation::Model>,
}

/// The categories of many products, in each product's order, with their names: one statement
/// (the links, their categories and the categories' names, joined).
pub async fn categories_of_products(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<NamedCategory>>> {
    let to_category = product_category::Entity::belongs_to(category::Entity)
        .from(product_category::Column::CategoryId)
        .to(category::Column::Id)
        .into();
    let rows = product_category::Entity::find()
        .filter(product_category::Column::ProductId.is_in(ids.iter().copied()))
        .join(JoinType::InnerJoin, to_category)
        .select_also(category::Entity)
        .and_also_related(category_translation::Entity)
        .order_by_asc(product_category::Column::ProductId)
        .order_by_asc(product_category::Column::Position)
        .order_by_asc(category_translation::Column::Locale)
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<NamedCategory>> = HashMap::new();
    for (link, c, name) in rows {
        let Some(c) = c else { continue };
        let list = out.entry(link.product_id).or_default();
        // Rows come by product, then link position, then locale: a category's names follow it.
        if list.last().is_none_or(|last| last.category.id != c.id) {
            list.push(NamedCategory {
                category: c,
                translations: Vec::new(),
            });
        }
        if let Some(last) = list.last_mut() {
            last.translations.extend(name);
        }
    }
    Ok(out)
}

/// Replaces the tags of a product.
pub async fn set_product_tags(
    db: &impl ConnectionTrait,
    product_id: Uuid,
    tags: &[tag::Model],
) -> AppResult<()> {
    product_tag::Entity::delete_many()
        .filter(product_tag::Column::ProductId.eq(product_id))
        .exec(db)
        .await?;
    if tags.is_empty() {
        return Ok(());
    }
    let rows = tags
        .iter()
        .enumerate()
        .map(|(i, t)| product_tag::ActiveModel {
            product_id: Set(product_id),
            tag_id: Set(t.id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
        });
    product_tag::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// The tags of many products in one statement, in each product's order.
pub async fn tags_of_products(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<tag::Model>>> {
    let to_tag = product_tag::Entity::belongs_to(tag::Entity)
        .from(product_tag::Column::TagId)
        .to(tag::Column::Id)
        .into();
    let rows: Vec<(product_tag::Model, Option<tag::Model>)> = product_tag::Entity::find()
        .filter(product_tag::Column::ProductId.is_in(ids.iter().copied()))
        .join(JoinType::InnerJoin, to_tag)
        .select_also(tag::Entity)
        .order_by_asc(product_tag::Column::ProductId)
        .order_by_asc(product_tag::Column::Position)
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<tag::Model>> = HashMap::new();
    for (link, t) in rows {
        if let Some(t) = t {
            out.entry(link.product_id).or_default().push(t);
        }
    }
    Ok(out)
}

/// The filter key of a certification name: lower case, inner white space as single spaces.
pub fn certification_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Checks certification names (free text: `CE`, `ISO 9001`, `RoHS`), dropping repeats.
pub fn check_certifications(names: &[String]) -> AppResult<Vec<String>> {
    if names.len() > MAX_CERTIFICATIONS {
        return Err(AppError::bad_input(
            "certifications",
            format!("a product may list at most {MAX_CERTIFICATIONS} certifications"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_CERTIFICATIONS));
    }
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for (i, raw) in names.iter().enumerate() {
        let name = bounded_text(
            &format!("certifications.{i}"),
            raw,
            1,
            MAX_CERTIFICATION_CHARS,
        )?;
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if !out
            .iter()
            .any(|o| certification_key(o) == certification_key(&name))
        {
            out.push(name);
        }
    }
    Ok(out)
}

/// Replaces the certifications of a product.
pub async fn set_certifications(
    db: &impl ConnectionTrait,
    product_id: Uuid,
    names: &[String],
) -> AppResult<()> {
    product_certification::Entity::delete_many()
        .filter(product_certification::Column::ProductId.eq(product_id))
        .exec(db)
        .await?;
    if names.is_empty() {
        return Ok(());
    }
    let rows = names
        .iter()
        .enumerate()
        .map(|(i, n)| product_certification::ActiveModel {
            product_id: Set(product_id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            name: Set(n.clone()),
            key: Set(certification_key(n)),
        });
    product_certification::Entity::insert_many(rows)
        .exec(db)
        .await?;
    Ok(())
}

/// The certifications of many products in one statement, in each product's order.
pub async fn certifications_of_products(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<String>>> {
    let rows = product_certification::Entity::find()
        .filter(product_certification::Column::ProductId.is_in(ids.iter().copied()))
        .order_by_asc(product_certification::Column::ProductId)
        .order_by_asc(product_certification::Column::Position)
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<String>> = HashMap::new();
    for r in rows {
        out.entry(r.product_id).or_default().push(r.name);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certifications_are_deduplicated_by_their_key() {
        let given = ["CE", "ISO  9001", "iso 9001", "RoHS", "ce"].map(String::from);
        assert_eq!(
            check_certifications(&given).ok(),
            Some(vec![
                "CE".to_owned(),
                "ISO 9001".to_owned(),
                "RoHS".to_owned()
            ])
        );
        assert_eq!(certification_key(" ISO\t9001 "), "iso 9001");
        assert!(check_certifications(&[" ".to_owned()]).is_err());
    }
}
