//! A product's trade terms: price range and currency, Incoterm and its place, minimum order,
//! lead time, supply ability, packaging, HS code and origin. A patch is laid over the stored
//! terms and the result checked as a whole, so no combination that makes no sense is stored.
use crate::domain::{Country, Currency, HsCode, Incoterm, bounded_text, optional_text};
use crate::error::{AppError, AppResult, Reason};
use entities::product;
use sea_orm::Set;

/// Longest Incoterm place or MOQ unit, in characters.
const MAX_SHORT_CHARS: usize = 120;
/// Longest supply ability or packaging text, in characters.
const MAX_NOTE_CHARS: usize = 2000;
/// Longest lead time, in days.
const MAX_LEAD_TIME_DAYS: i32 = 3650;
/// Largest minimum order quantity.
const MAX_MOQ: i64 = 1_000_000_000_000;

/// Changes to the trade terms. Text fields: `None` leaves a field as it is, an empty string
/// clears it. Number fields: `None` leaves it, `Some(None)` clears it.
#[derive(Default, Clone)]
pub struct TermsPatch {
    /// Lowest (or only) price, as decimal text in `currency` (`12.50`).
    pub price_min: Option<String>,
    /// Highest price; absent for a single price.
    pub price_max: Option<String>,
    /// ISO 4217 code; required with a price.
    pub currency: Option<String>,
    /// Incoterms 2020 rule.
    pub incoterm: Option<String>,
    /// The named port or place of the rule.
    pub incoterm_place: Option<String>,
    /// Minimum order quantity (at least 1).
    pub moq_quantity: Option<Option<i64>>,
    /// Its unit (`pieces`, `sets`, `tons`); required with a quantity.
    pub moq_unit: Option<String>,
    /// Days from order to shipment.
    pub lead_time_days: Option<Option<i32>>,
    /// How much can be supplied (`50,000 pieces per month`).
    pub supply_ability: Option<String>,
    /// Packaging details.
    pub packaging: Option<String>,
    /// HS code, 6 to 10 digits.
    pub hs_code: Option<String>,
    /// ISO 3166-1 alpha-2 country of origin.
    pub origin_country: Option<String>,
}

/// A product's price as the API shows it.
pub struct Price {
    /// Lowest (or only) price, decimal text.
    pub min: String,
    /// Highest price, decimal text (equal to `min` for a single price).
    pub max: String,
    /// ISO 4217 code.
    pub currency: String,
}

/// The price of a product, when it has one.
pub fn price_of(p: &product::Model) -> Option<Price> {
    let currency = Currency::parse("currency", p.currency.as_deref()?).ok()?;
    let min = p.price_min_minor?;
    let max = p.price_max_minor.unwrap_or(min);
    Some(Price {
        min: currency.format_amount(min),
        max: currency.format_amount(max),
        currency: currency.code().to_owned(),
    })
}

/// The value of a text field after a patch: the patch's (trimmed; empty is none) or the stored.
fn overlay(patch: Option<&String>, stored: Option<String>) -> Option<String> {
    match patch {
        None => stored,
        Some(v) => Some(v.trim().to_owned()).filter(|v| !v.is_empty()),
    }
}

impl TermsPatch {
    /// Lays the patch over `current`'s terms, checks the result and writes it into `active`.
    pub fn apply(
        &self,
        current: &product::Model,
        active: &mut product::ActiveModel,
    ) -> AppResult<()> {
        self.apply_price(current, active)?;
        let incoterm = overlay(self.incoterm.as_ref(), current.incoterm.clone())
            .map(|v| Incoterm::parse("incoterm", &v).map(|i| i.code().to_owned()))
            .transpose()?;
        let place = match &self.incoterm_place {
            None => current.incoterm_place.clone(),
            Some(v) => optional_text("incotermPlace", Some(v), MAX_SHORT_CHARS)?,
        };
        if place.is_some() && incoterm.is_none() {
            return Err(AppError::bad_input(
                "incotermPlace",
                "incotermPlace names the port or place of an Incoterm: give incoterm too",
            )
            .because(Reason::IncotermRequired));
        }
        active.incoterm = Set(incoterm);
        active.incoterm_place = Set(place);

        let quantity = self.moq_quantity.unwrap_or(current.moq_quantity);
        if let Some(q) = quantity
            && !(1..=MAX_MOQ).contains(&q)
        {
            return Err(AppError::bad_input(
                "moqQuantity",
                format!("moqQuantity must be between 1 and {MAX_MOQ}"),
            )
            .because(Reason::OutOfRange)
            .with("min", 1)
            .with("max", MAX_MOQ));
        }
        let unit = match &self.moq_unit {
            None => current.moq_unit.clone(),
            Some(v) => optional_text("moqUnit", Some(v), MAX_SHORT_CHARS)?,
        };
        match (quantity, &unit) {
            (Some(_), None) => {
                return Err(AppError::bad_input(
                    "moqUnit",
                    "give the unit of the minimum order (pieces, sets, tons…)",
                )
                .because(Reason::Required));
            }
            (None, Some(_)) => {
                return Err(AppError::bad_input(
                    "moqQuantity",
                    "give the quantity of the minimum order with its unit",
                )
                .because(Reason::Required));
            }
            _ => {}
        }
        active.moq_quantity = Set(quantity);
        active.moq_unit = Set(unit);

        let lead = self.lead_time_days.unwrap_or(current.lead_time_days);
        if let Some(days) = lead
            && !(0..=MAX_LEAD_TIME_DAYS).contains(&days)
        {
            return Err(AppError::bad_input(
                "leadTimeDays",
                format!("leadTimeDays must be between 0 and {MAX_LEAD_TIME_DAYS}"),
            )
            .because(Reason::OutOfRange)
            .with("min", 0)
            .with("max", MAX_LEAD_TIME_DAYS));
        }
        active.lead_time_days = Set(lead);
        active.supply_ability = Set(match &self.supply_ability {
            Some(v) => optional_text("supplyAbility", Some(v), MAX_NOTE_CHARS)?,
            None => current.supply_ability.clone(),
        });
        active.packaging = Set(match &self.packaging {
            Some(v) => optional_text("packaging", Some(v), MAX_NOTE_CHARS)?,
            None => current.packaging.clone(),
        });
        active.hs_code = Set(match self.hs_code.as_deref().map(str::trim) {
            None => current.hs_code.clone(),
            Some("") => None,
            Some(v) => Some(HsCode::parse("hsCode", v)?.into_string()),
        });
        active.origin_country = Set(match self.origin_country.as_deref().map(str::trim) {
            None => current.origin_country.clone(),
            Some("") => None,
            Some(v) => Some(Country::parse("originCountry", v)?.into_string()),
        });
        Ok(())
    }

    /// The price fields: amounts are read in the currency they end up with, so changing the
    /// currency re-reads the stored amounts in it (`12.50` cannot become yen).
    fn apply_price(
        &self,
        current: &product::Model,
        active: &mut product::ActiveModel,
    ) -> AppResult<()> {
        let stored = price_of(current);
        let currency_text = overlay(self.currency.as_ref(), current.currency.clone());
        let min_text = overlay(
            self.price_min.as_ref(),
            stored.as_ref().map(|p| p.min.clone()),
        );
        let max_text = overlay(
            self.price_max.as_ref(),
            stored.as_ref().map(|p| p.max.clone()),
        );
        let currency = currency_text
            .as_deref()
            .map(|c| Currency::parse("currency", c))
            .transpose()?;
        let (min, max) = match (min_text, max_text) {
            (None, None) => (None, None),
            (None, Some(_)) => {
                return Err(AppError::bad_input(
                    "priceMin",
                    "a price range needs its lowest price (priceMin)",
                )
                .because(Reason::Required));
            }
            (Some(min), max) => {
                let currency = currency.ok_or_else(|| {
                    AppError::bad_input("currency", "a price needs its currency (ISO 4217)")
                        .because(Reason::Required)
                })?;
                let min = currency.parse_amount("priceMin", &min)?;
                let max = max
                    .map(|m| currency.parse_amount("priceMax", &m))
                    .transpose()?
                    .unwrap_or(min);
                if max < min {
                    return Err(AppError::bad_input(
                        "priceMax",
                        "priceMax must not be below priceMin",
                    )
                    .because(Reason::PriceMaxBelowMin));
                }
                (Some(min), Some(max))
            }
        };
        active.price_min_minor = Set(min);
        active.price_max_minor = Set(max);
        active.currency = Set(currency.map(|c| c.code().to_owned()));
        Ok(())
    }
}

/// Checks a short required text (a spec name, a unit).
pub(super) fn short_text(field: &str, value: &str, max: usize) -> AppResult<String> {
    bounded_text(field, value, 1, max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    /// The service's blank row (`create::blank`) with a locale, slug and name.
    fn blank() -> product::Model {
        product::Model {
            locale: "en".into(),
            slug: "x".into(),
            name: "x".into(),
            ..super::super::create::blank(Uuid::nil(), Uuid::nil())
        }
    }

    fn field_of(patch: TermsPatch, current: &product::Model) -> Option<String> {
        let mut active: product::ActiveModel = current.clone().into();
        patch
            .apply(current, &mut active)
            .err()
            .and_then(|e| e.field)
    }

    #[test]
    fn a_price_needs_a_currency_and_an_ordered_range() {
        let p = |min: &str, max: Option<&str>, cur: Option<&str>| TermsPatch {
            price_min: Some(min.into()),
            price_max: max.map(Into::into),
            currency: cur.map(Into::into),
            ..TermsPatch::default()
        };
        let blank = blank();
        assert_eq!(
            field_of(p("12.50", None, None), &blank).as_deref(),
            Some("currency")
        );
        assert_eq!(
            field_of(p("12.50", None, Some("ABC")), &blank).as_deref(),
            Some("currency")
        );
        assert_eq!(
            field_of(p("-1", None, Some("USD")), &blank).as_deref(),
            Some("priceMin")
        );
        assert_eq!(
            field_of(p("20", Some("10"), Some("USD")), &blank).as_deref(),
            Some("priceMax")
        );
        assert_eq!(field_of(p("10", Some("20"), Some("USD")), &blank), None);
    }

    #[test]
    fn changing_the_currency_reads_the_stored_amounts_in_the_new_one() {
        let mut current = blank();
        current.price_min_minor = Some(1250);
        current.price_max_minor = Some(1250);
        current.currency = Some("USD".into());
        let to = |c: &str| TermsPatch {
            currency: Some(c.into()),
            ..TermsPatch::default()
        };
        assert_eq!(field_of(to("JPY"), &current).as_deref(), Some("priceMin"));
        let mut active: product::ActiveModel = current.clone().into();
        assert!(to("EUR").apply(&current, &mut active).is_ok());
        assert_eq!(active.price_min_minor, Set(Some(1250)));
    }

    #[test]
    fn terms_are_checked_as_a_whole() {
        let blank = blank();
        let bad = [
            (
                TermsPatch {
                    incoterm: Some("DAT".into()),
                    ..Default::default()
                },
                "incoterm",
            ),
            (
                TermsPatch {
                    incoterm_place: Some("Ningbo".into()),
                    ..Default::default()
                },
                "incotermPlace",
            ),
            (
                TermsPatch {
                    moq_quantity: Some(Some(0)),
                    moq_unit: Some("pcs".into()),
                    ..Default::default()
                },
                "moqQuantity",
            ),
            (
                TermsPatch {
                    moq_quantity: Some(Some(5)),
                    ..Default::default()
                },
                "moqUnit",
            ),
            (
                TermsPatch {
                    lead_time_days: Some(Some(-1)),
                    ..Default::default()
                },
                "leadTimeDays",
            ),
            (
                TermsPatch {
                    hs_code: Some("12".into()),
                    ..Default::default()
                },
                "hsCode",
            ),
            (
                TermsPatch {
                    origin_country: Some("UK".into()),
                    ..Default::default()
                },
                "originCountry",
            ),
        ];
        for (patch, field) in bad {
            assert_eq!(field_of(patch, &blank).as_deref(), Some(field));
        }
    }
}
