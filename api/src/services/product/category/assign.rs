//! The categories of a product: checked, then set.
use super::*;

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
