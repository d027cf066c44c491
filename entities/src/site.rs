//! A website served by Wharf, and its profile in the link-exchange market.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sites")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// Normalized host: lowercase, punycode, without `www.`.
    #[sea_orm(unique)]
    pub domain: String,
    pub default_locale: String,
    /// JSON array of locale tags; always contains `default_locale`.
    pub locales: Json,
    pub description: Option<String>,
    pub country: Option<String>,
    /// JSON array of market categories.
    pub categories: Json,
    /// JSON array of languages the site publishes in (market profile).
    pub languages: Json,
    /// Token the owner places on the site to prove ownership.
    pub verification_token: String,
    pub verified_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
