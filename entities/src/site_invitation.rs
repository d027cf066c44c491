//! A one-time link that lets its holder join a site with a role.
use super::site_member::SiteRole;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "site_invitations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub site_id: Uuid,
    /// Lowercased. At most one pending invitation per site and email.
    pub email: String,
    /// The role the invitee gets.
    pub role: SiteRole,
    /// Hex SHA-256 of the plaintext, which is shown once, to whoever invites.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// Who invited (null once that account is deleted).
    pub invited_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    /// Set, once, when the invitation is accepted.
    pub accepted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
