//! Each article keeps a digest of its body (`digest`: the derived excerpt, word count, reading
//! time and table of contents as JSON; `digest_rev`: the renderer revision that made it), so a
//! list that shows them reads neither bodies nor renders them. Rows written before this
//! migration have no digest; the server fills them in the background (`services::article::digest`).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One alteration per statement: SQLite's ALTER TABLE takes one.
        manager
            .alter_table(
                Table::alter()
                    .table("articles")
                    .add_column(integer_null("digest_rev"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("articles")
                    .add_column(text_null("digest"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["digest", "digest_rev"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("articles")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
