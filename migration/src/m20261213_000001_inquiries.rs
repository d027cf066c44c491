//! Buyer inquiries (issue 20): the inquiry with its products and its history, the per-site
//! yearly counter behind reference numbers, spent form tokens and blocked senders.
//!
//! Choices, for a reader wondering why:
//! - Every inquiry is kept, spam included (`status = 'spam'` with its `spam_reasons`), so a real
//!   buyer flagged by mistake can be recovered. Erasure deletes the row and, by cascade, its
//!   items and events.
//! - The reference (`INQ-2026-000123`) numbers inquiries per site and year. The counter is a row
//!   of `inquiry_counters` bumped by one `INSERT … ON CONFLICT DO UPDATE … RETURNING` in the
//!   inquiry's transaction: atomic on both databases, no gaps from reading a maximum.
//! - The client IP is stored only as a keyed hash (`ip_hash`, HMAC under a key derived from the
//!   server secret) for rate limits; `message_hash` finds duplicates without comparing texts.
//! - A form token is spent by inserting its hash into `inquiry_form_tokens` (primary key): a
//!   second use finds the row and is flagged as a replay.
//! - `inquiry_site_settings` holds what a site's owners switch on for their form: the
//!   proof-of-work difficulty (0: off).
use crate::helpers::{drop_tables, fk, index, ts};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("inquiry_counters")
                    .col(uuid("site_id"))
                    .col(integer("year"))
                    .col(big_integer("last_number"))
                    .primary_key(Index::create().col("site_id").col("year"))
                    .foreign_key(&mut fk(
                        "inquiry_counters",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inquiries")
                    .col(pk_uuid("id"))
                    .col(uuid("site_id"))
                    .col(string_len("reference", 32))
                    .col(string_len("status", 16))
                    .col(json("spam_reasons"))
                    .col(text("name"))
                    .col(string_len("email", 254))
                    .col(text_null("company"))
                    .col(string_len("country", 2))
                    .col(string_len_null("phone", 16))
                    .col(text("message"))
                    .col(string_len_null("locale", 35))
                    .col(text_null("source_url"))
                    .col(string_null("utm_source"))
                    .col(string_null("utm_medium"))
                    .col(string_null("utm_campaign"))
                    .col(string_null("utm_term"))
                    .col(string_null("utm_content"))
                    .col(string_len_null("ip_hash", 64))
                    .col(string_len("message_hash", 64))
                    .col(uuid_null("assignee_id"))
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .foreign_key(&mut fk(
                        "inquiries",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "inquiries",
                        "assignee_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        for (columns, unique) in [
            (&["site_id", "reference"][..], true),
            // The inbox: newest first, within a status or over all.
            (&["site_id", "created_at", "id"][..], false),
            (&["site_id", "status", "created_at", "id"][..], false),
            // Rate limits and duplicates: recent inquiries of one sender.
            (&["site_id", "ip_hash", "created_at"][..], false),
            (&["site_id", "email", "created_at"][..], false),
            // The retention purge: old closed and spam inquiries of every site.
            (&["status", "updated_at"][..], false),
        ] {
            manager
                .create_index(index("inquiries", columns, unique))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("inquiry_items")
                    .col(uuid("inquiry_id"))
                    .col(integer("position"))
                    .col(uuid_null("product_id"))
                    .col(text("product_name"))
                    .col(big_integer("quantity"))
                    .primary_key(Index::create().col("inquiry_id").col("position"))
                    .foreign_key(&mut fk(
                        "inquiry_items",
                        "inquiry_id",
                        "inquiries",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "inquiry_items",
                        "product_id",
                        "products",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("inquiry_items", &["product_id", "inquiry_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inquiry_events")
                    .col(pk_uuid("id"))
                    .col(uuid("inquiry_id"))
                    .col(string_len("kind", 16))
                    .col(string_len_null("from_status", 16))
                    .col(string_len_null("to_status", 16))
                    .col(uuid_null("assignee_id"))
                    .col(text_null("note"))
                    .col(uuid_null("actor_id"))
                    .col(ts("created_at"))
                    .foreign_key(&mut fk(
                        "inquiry_events",
                        "inquiry_id",
                        "inquiries",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "inquiry_events",
                        "actor_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut fk(
                        "inquiry_events",
                        "assignee_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "inquiry_events",
                &["inquiry_id", "created_at"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inquiry_form_tokens")
                    .col(string_len("token_hash", 64).primary_key())
                    .col(uuid("site_id"))
                    .col(ts("used_at"))
                    .foreign_key(&mut fk(
                        "inquiry_form_tokens",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("inquiry_form_tokens", &["used_at"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inquiry_blocked_senders")
                    .col(uuid("site_id"))
                    .col(string_len("email", 254))
                    .col(ts("created_at"))
                    .primary_key(Index::create().col("site_id").col("email"))
                    .foreign_key(&mut fk(
                        "inquiry_blocked_senders",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("inquiry_site_settings")
                    .col(uuid("site_id").primary_key())
                    .col(integer("pow_bits").default(0))
                    .col(ts("updated_at"))
                    .foreign_key(&mut fk(
                        "inquiry_site_settings",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "inquiry_site_settings",
                "inquiry_blocked_senders",
                "inquiry_form_tokens",
                "inquiry_events",
                "inquiry_items",
                "inquiries",
                "inquiry_counters",
            ],
        )
        .await
    }
}
