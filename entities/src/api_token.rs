//! A long-lived token for integrators, stored only as a hash.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// The first characters of the plaintext, to recognise a token in a list.
    pub prefix: String,
    /// Hex SHA-256 of the plaintext.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// JSON array of scope names.
    pub scopes: Json,
    /// When set, the token acts on this site only.
    pub site_id: Option<Uuid>,
    pub expires_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
