//! A product's specification table: ordered rows of group, name, value and unit, stored as
//! rows (not a blob) so they can be read, compared and, later, searched one by one.
use super::parts::{Parts, SEPARATE};
use super::terms::short_text;
use super::write::{ProductPatch, update_named};
use crate::auth::Principal;
use crate::domain::optional_text;
use crate::error::{AppError, AppResult, Reason};
use crate::services::article::BodyLimits;
use entities::product_spec;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
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

/// Replaces the specification table of a product (content writers), in the given order: an
/// `updateProduct` that changes nothing else. BAD_USER_INPUT names the row at fault
/// (`rows.2.name`); nothing is written then.
pub async fn set_product_specs(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    product_id: Uuid,
    rows: Vec<SpecRow>,
    expected_version: Option<i32>,
    limits: BodyLimits,
) -> AppResult<entities::product::Model> {
    let patch = ProductPatch {
        parts: Parts {
            specs: Some(rows),
            ..Parts::default()
        },
        expected_version,
        ..ProductPatch::default()
    };
    update_named(db, principal, product_id, patch, limits, &SEPARATE).await
}

/// Checks a whole table given in `field` for `product_id`: at most [`MAX_SPEC_ROWS`] rows,
/// each with a name and a value; the first fault names its row (`specs.2.name`).
pub(super) fn check_specs(
    field: &str,
    product_id: Uuid,
    rows: Vec<SpecRow>,
) -> AppResult<Vec<product_spec::Model>> {
    if rows.len() > MAX_SPEC_ROWS {
        return Err(AppError::bad_input(
            field,
            format!("a specification table has at most {MAX_SPEC_ROWS} rows"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_SPEC_ROWS));
    }
    let mut checked = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        let at = |f: &str| format!("{field}.{i}.{f}");
        checked.push(product_spec::Model {
            product_id,
            position: i32::try_from(i).unwrap_or(i32::MAX),
            spec_group: optional_text(&at("group"), row.group.as_deref(), MAX_LABEL_CHARS)?,
            name: short_text(&at("name"), &row.name, MAX_LABEL_CHARS)?,
            value: short_text(&at("value"), &row.value, MAX_VALUE_CHARS)?,
            unit: optional_text(&at("unit"), row.unit.as_deref(), MAX_LABEL_CHARS)?,
        });
    }
    Ok(checked)
}

/// Replaces the rows of `product_id` with `rows` (checked), in the caller's transaction.
pub(super) async fn replace_specs(
    txn: &impl ConnectionTrait,
    product_id: Uuid,
    rows: &[product_spec::Model],
) -> AppResult<()> {
    product_spec::Entity::delete_many()
        .filter(product_spec::Column::ProductId.eq(product_id))
        .exec(txn)
        .await?;
    if !rows.is_empty() {
        let active = rows.iter().map(|r| product_spec::ActiveModel {
            product_id: Set(product_id),
            position: Set(r.position),
            spec_group: Set(r.spec_group.clone()),
            name: Set(r.name.clone()),
            value: Set(r.value.clone()),
            unit: Set(r.unit.clone()),
        });
        product_spec::Entity::insert_many(active).exec(txn).await?;
    }
    Ok(())
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
