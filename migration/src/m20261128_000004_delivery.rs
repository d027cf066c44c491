//! Webhooks, their deliveries, and the outbox of work for other systems.
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
                    .table("webhooks")
                    .col(pk_uuid("id"))
                    .col(uuid("site_id"))
                    .col(text("url"))
                    .col(string("secret"))
                    .col(json("events"))
                    .col(boolean("active").default(true))
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .foreign_key(&mut fk(
                        "webhooks",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("webhooks", &["site_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("webhook_deliveries")
                    .col(pk_uuid("id"))
                    .col(uuid("webhook_id"))
                    .col(string_len("event", 64))
                    .col(json("payload"))
                    .col(string_len("status", 16))
                    .col(integer("attempts").default(0))
                    .col(integer_null("response_status"))
                    .col(text_null("last_error"))
                    .col(ts_null("next_attempt_at"))
                    .col(ts_null("delivered_at"))
                    .col(ts("created_at"))
                    .foreign_key(&mut fk(
                        "webhook_deliveries",
                        "webhook_id",
                        "webhooks",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "webhook_deliveries",
                &["webhook_id", "created_at"],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .col(big_pk_auto("id"))
                    .col(string_len("kind", 64))
                    .col(json("payload"))
                    .col(integer("attempts").default(0))
                    .col(ts("available_at"))
                    .col(ts_null("locked_until"))
                    .col(text_null("last_error"))
                    .col(ts_null("done_at"))
                    .col(ts("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("outbox", &["done_at", "available_at"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["outbox", "webhook_deliveries", "webhooks"]).await
    }
}
