//! From a row's cells to what the product services take, and the comparisons that let an
//! unchanged row leave its product untouched.
use super::read::Row;
use crate::error::{AppError, AppResult, Reason};
use crate::services::product::TermsPatch;
use crate::services::tag::tag_slug;
use entities::product;
use sea_orm::ActiveValue;

/// A spec row as the file gives it: group, name, value, unit.
pub(super) type SpecCell = (Option<String>, String, String, Option<String>);

pub(super) fn bad(column: &str, message: impl Into<String>, reason: Reason) -> AppError {
    AppError::bad_input(column, message).because(reason)
}

/// A whole number cell: `None` when empty.
fn whole<T: TryFrom<i64>>(column: &str, cell: &str) -> AppResult<Option<T>> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    cell.parse::<i64>()
        .ok()
        .and_then(|n| T::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| {
            bad(
                column,
                format!("{cell:?} is not a whole number"),
                Reason::OutOfRange,
            )
            .with("value", cell)
        })
}

/// Whether `active` holds `stored` (or was left unset).
fn same<V: PartialEq + Into<sea_orm::Value>>(active: &ActiveValue<V>, stored: &V) -> bool {
    match active {
        ActiveValue::Set(v) | ActiveValue::Unchanged(v) => v == stored,
        ActiveValue::NotSet => true,
    }
}

/// Whether laying `terms` over `current` changes any of its terms.
pub(super) fn terms_change(terms: &TermsPatch, current: &product::Model) -> AppResult<bool> {
    let mut active: product::ActiveModel = current.clone().into();
    terms.apply(current, &mut active)?;
    let c = current;
    Ok(!(same(&active.price_min_minor, &c.price_min_minor)
        && same(&active.price_max_minor, &c.price_max_minor)
        && same(&active.currency, &c.currency)
        && same(&active.incoterm, &c.incoterm)
        && same(&active.incoterm_place, &c.incoterm_place)
        && same(&active.moq_quantity, &c.moq_quantity)
        && same(&active.moq_unit, &c.moq_unit)
        && same(&active.lead_time_days, &c.lead_time_days)
        && same(&active.supply_ability, &c.supply_ability)
        && same(&active.packaging, &c.packaging)
        && same(&active.hs_code, &c.hs_code)
        && same(&active.origin_country, &c.origin_country)))
}

/// The slug a tag name gets, to compare tags as the site stores them.
pub(super) fn tag_key(name: &str) -> String {
    tag_slug("tags", name.trim(), None).map_or_else(|_| name.to_owned(), |s| s.into_string())
}

/// The trade terms a row asks for (a column the file lacks leaves its term as it is).
pub(super) fn terms(row: &Row) -> AppResult<TermsPatch> {
    let text = |c: &str| row.get(c).map(str::to_owned);
    Ok(TermsPatch {
        price_min: text("price_min"),
        price_max: text("price_max"),
        currency: text("currency"),
        incoterm: text("incoterm"),
        incoterm_place: text("incoterm_place"),
        moq_quantity: row
            .get("moq_quantity")
            .map(|c| whole("moq_quantity", c))
            .transpose()?,
        moq_unit: text("moq_unit"),
        lead_time_days: row
            .get("lead_time_days")
            .map(|c| whole("lead_time_days", c))
            .transpose()?,
        supply_ability: text("supply_ability"),
        packaging: text("packaging"),
        hs_code: text("hs_code"),
        origin_country: text("origin_country"),
    })
}

/// The spec table a row asks for: its non-empty spec cells, in column order.
pub(super) fn specs(row: &Row) -> Vec<SpecCell> {
    row.specs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| {
            (
                k.group.clone(),
                k.name.clone(),
                v.trim().to_owned(),
                k.unit.clone(),
            )
        })
        .collect()
}
