//! The export catalogue (issue 19): categories as a tree per site with their names per locale,
//! and products with their specification rows, categories, tags, certifications and media.
//!
//! Choices, for a reader wondering why:
//! - A category is one row (its place in the tree is the same in every locale) with one
//!   `category_translations` row per locale for what differs: name and description. A product,
//!   like an article, is one row per locale sharing a `translation_group_id`, because each
//!   locale has its own slug, text, status and publication.
//! - Prices are integer minor units of their currency (`12.50 USD` is `1250`, `1500 JPY` is
//!   `1500`): a price filter compares numbers on both databases, which text would not, and no
//!   float ever rounds a price. The API reads and writes them as decimal strings.
//! - Certifications are rows (`product_certifications`), not a JSON list, so a filter by
//!   certification is an indexed lookup on both databases (shared code uses no JSON operators).
//! - Links to a category cascade in the database, so deleting a site deletes its catalogue in
//!   one statement on both databases; that a category with products or subcategories cannot be
//!   deleted is the service's rule (`services::product::category`), checked in the write
//!   transaction.
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
                    .table("categories")
                    .col(pk_uuid("id"))
                    .col(uuid("site_id"))
                    .col(uuid_null("parent_id"))
                    .col(integer("position").default(0))
                    .col(string("slug"))
                    .col(integer("version").default(1))
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .foreign_key(&mut fk(
                        "categories",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "categories",
                        "parent_id",
                        "categories",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("categories", &["site_id", "slug"], true))
            .await?;
        manager
            .create_index(index("categories", &["parent_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("category_translations")
                    .col(uuid("category_id"))
                    .col(string_len("locale", 35))
                    .col(string("name"))
                    .col(text_null("description"))
                    .primary_key(Index::create().col("category_id").col("locale"))
                    .foreign_key(&mut fk(
                        "category_translations",
                        "category_id",
                        "categories",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("products")
                    .col(pk_uuid("id"))
                    .col(uuid("site_id"))
                    .col(uuid("translation_group_id"))
                    .col(string_len("locale", 35))
                    .col(string("slug"))
                    .col(text("name"))
                    .col(string_null("model_number"))
                    .col(text_null("summary"))
                    .col(text("description"))
                    .col(string_len("status", 16))
                    .col(ts_null("published_at"))
                    .col(ts_null("scheduled_at"))
                    .col(uuid_null("author_id"))
                    .col(uuid_null("cover_media_id"))
                    .col(text_null("meta_title"))
                    .col(text_null("meta_description"))
                    .col(text_null("canonical_url"))
                    .col(uuid_null("og_image_media_id"))
                    .col(big_integer_null("moq_quantity"))
                    .col(string_null("moq_unit"))
                    .col(big_integer_null("price_min_minor"))
                    .col(big_integer_null("price_max_minor"))
                    .col(string_len_null("currency", 3))
                    .col(string_len_null("incoterm", 3))
                    .col(string_null("incoterm_place"))
                    .col(integer_null("lead_time_days"))
                    .col(text_null("supply_ability"))
                    .col(text_null("packaging"))
                    .col(string_len_null("hs_code", 10))
                    .col(string_len_null("origin_country", 2))
                    .col(integer("version").default(1))
                    .col(integer_null("digest_rev"))
                    .col(text_null("digest"))
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .foreign_key(&mut fk(
                        "products",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "products",
                        "author_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "products",
                        "cover_media_id",
                        "media",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "products",
                        "og_image_media_id",
                        "media",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        for (columns, unique) in [
            (&["site_id", "locale", "slug"][..], true),
            // Translations share their model number; other products of the site may not
            // (checked by the service across translation groups).
            (&["site_id", "locale", "model_number"][..], true),
            (&["site_id", "status", "published_at", "id"][..], false),
            (
                &["site_id", "locale", "status", "published_at", "id"][..],
                false,
            ),
            (&["site_id", "status", "name", "id"][..], false),
            (&["site_id", "status", "updated_at", "id"][..], false),
            (&["site_id", "status", "created_at", "id"][..], false),
            (&["translation_group_id"][..], false),
            (&["status", "scheduled_at"][..], false),
        ] {
            manager
                .create_index(index("products", columns, unique))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("product_specs")
                    .col(uuid("product_id"))
                    .col(integer("position"))
                    .col(string_null("spec_group"))
                    .col(string("name"))
                    .col(text("value"))
                    .col(string_null("unit"))
                    .primary_key(Index::create().col("product_id").col("position"))
                    .foreign_key(&mut fk(
                        "product_specs",
                        "product_id",
                        "products",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("product_categories")
                    .col(uuid("product_id"))
                    .col(uuid("category_id"))
                    .col(integer("position").default(0))
                    .primary_key(Index::create().col("product_id").col("category_id"))
                    .foreign_key(&mut fk(
                        "product_categories",
                        "product_id",
                        "products",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "product_categories",
                        "category_id",
                        "categories",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "product_categories",
                &["category_id", "product_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("product_tags")
                    .col(uuid("product_id"))
                    .col(uuid("tag_id"))
                    .col(integer("position").default(0))
                    .primary_key(Index::create().col("product_id").col("tag_id"))
                    .foreign_key(&mut fk(
                        "product_tags",
                        "product_id",
                        "products",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "product_tags",
                        "tag_id",
                        "tags",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("product_tags", &["tag_id", "product_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("product_certifications")
                    .col(uuid("product_id"))
                    .col(integer("position"))
                    .col(string("name"))
                    .col(string("key"))
                    .primary_key(Index::create().col("product_id").col("position"))
                    .foreign_key(&mut fk(
                        "product_certifications",
                        "product_id",
                        "products",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "product_certifications",
                &["key", "product_id"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("product_media")
                    .col(uuid("product_id"))
                    .col(string_len("kind", 16))
                    .col(integer("position"))
                    .col(uuid("media_id"))
                    .primary_key(
                        Index::create()
                            .col("product_id")
                            .col("kind")
                            .col("position"),
                    )
                    .foreign_key(&mut fk(
                        "product_media",
                        "product_id",
                        "products",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "product_media",
                        "media_id",
                        "media",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("product_media", &["media_id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "product_media",
                "product_certifications",
                "product_tags",
                "product_categories",
                "product_specs",
                "products",
                "category_translations",
                "categories",
            ],
        )
        .await
    }
}
