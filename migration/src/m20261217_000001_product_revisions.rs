//! Product revisions: every change of a product's content (its row, specs, gallery and
//! attachments, categories, tags, certifications) stores the whole editable state as JSON, so any
//! revision can be shown and restored. `number` equals the product's `version` after the change.
use crate::helpers::{fk, index, ts};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{integer, json, pk_uuid, uuid, uuid_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("product_revisions")
                    .col(pk_uuid("id"))
                    .col(uuid("product_id"))
                    .col(integer("number"))
                    .col(uuid_null("editor_id"))
                    .col(json("snapshot"))
                    .col(ts("created_at"))
                    .foreign_key(&mut fk(
                        "product_revisions",
                        "product_id",
                        "products",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "product_revisions",
                        "editor_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("product_revisions", &["product_id", "number"], true))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("product_revisions").to_owned())
            .await
    }
}
