//! Images for storefronts (issue 18): each media row says whether it is public (marked so, or
//! seen used by published content: its links are then stable and cacheable for good), and keeps
//! the placeholders computed on upload (`blurhash`, `dominant_color` as `#rrggbb`). Rows of
//! earlier uploads have no placeholders (null) and start private.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 3] = ["public", "blurhash", "dominant_color"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One alteration per statement: SQLite's ALTER TABLE takes one.
        for column in [
            boolean("public").default(false).to_owned(),
            string_len_null("blurhash", 64),
            string_len_null("dominant_color", 7),
        ] {
            manager
                .alter_table(Table::alter().table("media").add_column(column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager
                .alter_table(Table::alter().table("media").drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
