//! Direct uploads as rows (`media_uploads`): the announced size is checked on confirmation, and
//! uploads never confirmed are swept with their objects (see `services::media::sweep`).
use crate::helpers::{drop_tables, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign keys: a deleted site or user must not take the row (and with it the only
        // record of an object under `incoming/`); the sweep removes both.
        manager
            .create_table(
                Table::create()
                    .table("media_uploads")
                    .col(pk_uuid("id"))
                    .col(uuid("site_id"))
                    .col(uuid("uploader_id"))
                    .col(string_uniq("storage_key"))
                    .col(string("filename"))
                    .col(string("content_type"))
                    .col(big_integer("size_bytes"))
                    .col(ts("created_at"))
                    .col(ts_null("confirmed_at"))
                    .col(uuid_null("claim_id"))
                    .col(ts_null("claimed_until"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("media_uploads", &["created_at"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["media_uploads"]).await
    }
}
