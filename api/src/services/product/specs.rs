//! A product's specification table: ordered rows of group, name, value and unit, stored as
//! rows (not a blob) so they can be read, compared and, later, searched one by one.
use super::{bump_version, check_expected, product_for_write, terms::short_text};
use crate::auth::Principal;
use crate::domain::optional_text;
use crate::error::{AppError, AppResult, Reason};
use entities::product_spec;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionSession,
    TransactionTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Most rows in one table.
pub const MAX_SPEC_ROWS: usize = 200;
/// Longest group, name or unit, in characters.
const MAX_LABEL_CHARS: usize = 120;
/// Longest value, in characters.
const MAX_VALUE_CHARS: usize = 1000;

/// One row as a client gives it.
pub struct SpecRow {
    /// The heading it sits under.
    pub group: Option<String>,
    /// What is specified (`Nominal size`).
    pub name: String,
    /// Its value (`DN15–DN300`).
    pub value: String,
    /// Unit of the value (`mm`).
    pub unit: Option<String>,
}

/// Replaces the specification table of a product (content writers), in the given order.
/// BAD_USER_INPUT names the row at fault (`rows.2.name`); nothing is written then.
pub async fn set_product_specs(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    product_id: Uuid,
    rows: Vec<SpecRow>,
    expected_version: Option<i32>,
) -> AppResult<entities::product::Model> {
    let (current, editor) = product_for_write(db, principal, "productId", product_id).await?;
    check_expected(&current, expected_version)?;
    if rows.len() > MAX_SPEC_ROWS {
        return Err(AppError::bad_input(
            "rows",
            format!("a specification table has at most {MAX_SPEC_ROWS} rows"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_SPEC_ROWS));
    }
    let mut checked = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        let at = |f: &str| format!("rows.{i}.{f}");
        checked.push(product_spec::Model {
            product_id,
            position: i32::try_from(i).unwrap_or(i32::MAX),
            spec_group: optional_text(&at("group"), row.group.as_deref(), MAX_LABEL_CHARS)?,
            name: short_text(&at("name"), &row.name, MAX_LABEL_CHARS)?,
            value: short_text(&at("value"), &row.value, MAX_VALUE_CHARS)?,
            unit: optional_text(&at("unit"), row.unit.as_deref(), MAX_LABEL_CHARS)?,
        });
    }
    let txn = crate::services::begin_write(db).await?;
    bump_version(&txn, &current).await?;
    product_spec::Entity::delete_many()
        .filter(product_spec::Column::ProductId.eq(product_id))
        .exec(&txn)
        .await?;
    if !checked.is_empty() {
        let active = checked.iter().map(|r| product_spec::ActiveModel {
            product_id: Set(r.product_id),
            position: Set(r.position),
            spec_group: Set(r.spec_group.clone()),
            name: Set(r.name.clone()),
            value: Set(r.value.clone()),
            unit: Set(r.unit.clone()),
        });
        product_spec::Entity::insert_many(active).exec(&txn).await?;
    }
    let updated = entities::product::Entity::find_by_id(product_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found("product").at("productId"))?;
    super::revision::record_revision(&txn, &updated, Some(editor)).await?;
    super::events::product_changed(&txn, Some(&current), Some(&updated)).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The specification rows of many products in one statement, in each product's order.
pub async fn specs_of_products(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<product_spec::Model>>> {
    let rows = product_spec::Entity::find()
        .filter(product_spec::Column::ProductId.is_in(ids.iter().copied()))
        .order_by_asc(product_spec::Column::ProductId)
        .order_by_asc(product_spec::Column::Position)
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<product_spec::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.product_id).or_default().push(r);
    }
    Ok(out)
}
