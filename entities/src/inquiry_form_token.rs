//! A spent inquiry form token (its hash), so that a second use is recognized as a replay.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiry_form_tokens")]
pub struct Model {
    /// SHA-256 (hex) of the token's nonce.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub site_id: Uuid,
    pub used_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
