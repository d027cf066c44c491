//! Media, articles, revisions, tags and article tags.
use crate::helpers::{drop_tables, fk, index, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("media")
                    .col(pk_uuid("id"))
                    .col(uuid("site_id"))
                    .col(uuid_null("uploader_id"))
                    .col(string_uniq("storage_key"))
                    .col(string("filename"))
                    .col(string("content_type"))
                    .col(big_integer("size_bytes"))
                    .col(string_len("sha256", 64))
                    .col(integer_null("width"))
                    .col(integer_null("height"))
                    .col(text_null("alt"))
                    .col(ts("created_at"))
                    .foreign_key(&mut fk(
                        "media",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "media",
                        "uploader_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("media", &["site_id", "created_at"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("articles")
                    .col(pk_uuid("id"))
                    .col(uuid("site_id"))
                    .col(uuid("translation_group_id"))
                    .col(string_len("locale", 35))
                    .col(string("slug"))
                    .col(text("title"))
                    .col(text("body"))
                    .col(text_null("excerpt"))
                    .col(string_len("status", 16))
                    .col(ts_null("published_at"))
                    .col(ts_null("scheduled_at"))
                    .col(uuid_null("author_id"))
                    .col(uuid_null("cover_media_id"))
                    .col(text_null("meta_title"))
                    .col(text_null("meta_description"))
                    .col(text_null("canonical_url"))
                    .col(uuid_null("og_image_media_id"))
                    .col(integer("version").default(1))
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .foreign_key(&mut fk(
                        "articles",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "articles",
                        "author_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "articles",
                        "cover_media_id",
                        "media",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "articles",
                        "og_image_media_id",
                        "media",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        for (columns, unique) in [
            (&["site_id", "locale", "slug"][..], true),
            (&["site_id", "status", "published_at"][..], false),
            (&["site_id", "updated_at"][..], false),
            (&["translation_group_id"][..], false),
            (&["status", "scheduled_at"][..], false),
        ] {
            manager
                .create_index(index("articles", columns, unique))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("article_revisions")
                    .col(pk_uuid("id"))
                    .col(uuid("article_id"))
                    .col(integer("number"))
                    .col(uuid_null("editor_id"))
                    .col(text("title"))
                    .col(text("body"))
                    .col(text_null("excerpt"))
                    .col(json("snapshot"))
                    .col(ts("created_at"))
                    .foreign_key(&mut fk(
                        "article_revisions",
                        "article_id",
                        "articles",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "article_revisions",
                        "editor_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("article_revisions", &["article_id", "number"], true))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("tags")
                    .col(pk_uuid("id"))
                    .col(uuid("site_id"))
                    .col(string("name"))
                    .col(string("slug"))
                    .col(ts("created_at"))
                    .foreign_key(&mut fk(
                        "tags",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("tags", &["site_id", "slug"], true))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("article_tags")
                    .col(uuid("article_id"))
                    .col(uuid("tag_id"))
                    .col(integer("position").default(0))
                    .primary_key(Index::create().col("article_id").col("tag_id"))
                    .foreign_key(&mut fk(
                        "article_tags",
                        "article_id",
                        "articles",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "article_tags",
                        "tag_id",
                        "tags",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("article_tags", &["tag_id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "article_tags",
                "tags",
                "article_revisions",
                "articles",
                "media",
            ],
        )
        .await
    }
}
