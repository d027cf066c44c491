//! Site invitations (`site_invitations`): one-time links to join a site with a role, stored as
//! the hash of their token. A partial unique index keeps one pending invitation per site and
//! email, so inviting again replaces it and two concurrent invitations cannot both stay.
use crate::helpers::{drop_tables, fk, ts, ts_null};
use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The index's name; the service maps its violation to CONFLICT.
pub const PENDING_INDEX: &str = "ux_site_invitations_pending_email";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("site_invitations")
                    .col(pk_uuid("id"))
                    .col(uuid("site_id"))
                    .col(string_len("email", 254))
                    .col(string_len("role", 16))
                    .col(string_uniq("token_hash"))
                    .col(uuid_null("invited_by"))
                    .col(ts("created_at"))
                    .col(ts("expires_at"))
                    .col(ts_null("accepted_at"))
                    .foreign_key(&mut fk(
                        "site_invitations",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "site_invitations",
                        "invited_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // Partial indexes are written the same way on both databases; sea-query has no
        // portable builder for the `WHERE`.
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE UNIQUE INDEX IF NOT EXISTS {PENDING_INDEX} \
                 ON site_invitations (site_id, email) WHERE accepted_at IS NULL"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["site_invitations"]).await
    }
}
