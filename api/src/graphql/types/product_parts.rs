//! The parts of a product as the API shows them: its price, trade terms and specification rows.
use super::flat::{FlatFields, opt_text, text};
use async_graphql::{ContextSelectionSet, Enum, Object, SimpleObject, Value};
use entities::product::ProductStatus as DbStatus;
use entities::product_spec;

/// A price or price range.
#[derive(SimpleObject)]
pub struct ProductPrice {
    /// Lowest (or only) price, as a decimal string with the currency's digits (`12.50`).
    pub min: String,
    /// Highest price (equal to `min` for a single price).
    pub max: String,
    /// ISO 4217 currency code.
    pub currency: String,
}

/// The delivery term of a price.
#[derive(SimpleObject)]
pub struct ProductIncoterm {
    /// The Incoterms 2020 rule (`FOB`).
    pub rule: String,
    /// The named port or place (`Ningbo`).
    pub place: Option<String>,
}

/// A minimum order.
#[derive(SimpleObject)]
pub struct MinimumOrder {
    /// How many.
    pub quantity: i64,
    /// Of what (`pieces`, `sets`, `tons`).
    pub unit: String,
}

/// One row of a specification table.
pub struct ProductSpec(pub product_spec::Model);

#[Object]
impl ProductSpec {
    /// The heading the row sits under.
    async fn group(&self) -> Option<&str> {
        self.0.spec_group.as_deref()
    }
    /// What is specified.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Its value.
    async fn value(&self) -> &str {
        &self.0.value
    }
    /// Unit of the value.
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }
}

impl FlatFields for ProductSpec {
    fn flat_field(&self, _: &ContextSelectionSet<'_>, name: &str) -> Option<Value> {
        Some(match name {
            "group" => opt_text(self.0.spec_group.as_deref()),
            "name" => text(&self.0.name),
            "value" => text(&self.0.value),
            "unit" => opt_text(self.0.unit.as_deref()),
            _ => return None,
        })
    }
}

impl FlatFields for ProductPrice {
    fn flat_field(&self, _: &ContextSelectionSet<'_>, name: &str) -> Option<Value> {
        Some(match name {
            "min" => text(&self.min),
            "max" => text(&self.max),
            "currency" => text(&self.currency),
            _ => return None,
        })
    }
}

/// Where a product is in its life.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ProductStatus {
    /// Not public.
    Draft,
    /// Waiting for its publication time.
    Scheduled,
    /// Public.
    Published,
}

impl From<DbStatus> for ProductStatus {
    fn from(s: DbStatus) -> Self {
        match s {
            DbStatus::Draft => Self::Draft,
            DbStatus::Scheduled => Self::Scheduled,
            DbStatus::Published => Self::Published,
        }
    }
}

impl From<ProductStatus> for DbStatus {
    fn from(s: ProductStatus) -> Self {
        match s {
            ProductStatus::Draft => Self::Draft,
            ProductStatus::Scheduled => Self::Scheduled,
            ProductStatus::Published => Self::Published,
        }
    }
}
