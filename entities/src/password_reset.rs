//! A one-time link to set a new password, made by a server admin for one account.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "password_resets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The account whose password the link sets.
    pub user_id: Uuid,
    /// Hex SHA-256 of the plaintext, which is shown once, to the admin who made it.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// The admin who made it (null once that account is deleted).
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Set, once, when the link is used.
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
