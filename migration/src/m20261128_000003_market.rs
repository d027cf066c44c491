//! The link-exchange market: offers, deals, deal events and link checks.
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
                    .table("link_offers")
                    .col(pk_uuid("id"))
                    .col(uuid("site_id"))
                    .col(uuid_null("created_by"))
                    .col(string("title"))
                    .col(text("description"))
                    .col(string_len("placement", 32))
                    .col(string_len("kind", 16))
                    .col(json("languages"))
                    .col(json("categories"))
                    .col(integer("slots").default(1))
                    .col(text_null("requirements"))
                    .col(string_len("status", 16))
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .foreign_key(&mut fk(
                        "link_offers",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "link_offers",
                        "created_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("link_offers", &["status", "created_at"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("link_deals")
                    .col(pk_uuid("id"))
                    .col(uuid("offer_id"))
                    .col(uuid("offer_site_id"))
                    .col(uuid("partner_site_id"))
                    .col(uuid_null("proposed_by"))
                    .col(string_len("status", 16))
                    .col(integer("version").default(1))
                    .col(text_null("message"))
                    .col(text_null("offer_page_url"))
                    .col(text_null("offer_target_url"))
                    .col(text_null("offer_anchor_text"))
                    .col(text_null("partner_page_url"))
                    .col(text_null("partner_target_url"))
                    .col(text_null("partner_anchor_text"))
                    .col(integer("consecutive_failures").default(0))
                    .col(ts_null("last_checked_at"))
                    .col(ts_null("next_check_at"))
                    .col(ts_null("live_since"))
                    .col(ts_null("expires_at"))
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .foreign_key(&mut fk(
                        "link_deals",
                        "offer_id",
                        "link_offers",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "link_deals",
                        "offer_site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "link_deals",
                        "partner_site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "link_deals",
                        "proposed_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        for columns in [
            &["offer_site_id", "status"][..],
            &["partner_site_id", "status"][..],
            &["status", "next_check_at"][..],
        ] {
            manager
                .create_index(index("link_deals", columns, false))
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("link_deal_events")
                    .col(pk_uuid("id"))
                    .col(uuid("deal_id"))
                    .col(string_len_null("from_status", 16))
                    .col(string_len("to_status", 16))
                    .col(uuid_null("actor_id"))
                    .col(text_null("note"))
                    .col(ts("created_at"))
                    .foreign_key(&mut fk(
                        "link_deal_events",
                        "deal_id",
                        "link_deals",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "link_deal_events",
                        "actor_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("link_deal_events", &["deal_id", "created_at"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("link_checks")
                    .col(pk_uuid("id"))
                    .col(uuid("deal_id"))
                    .col(string_len("side", 16))
                    .col(text("page_url"))
                    .col(integer_null("http_status"))
                    .col(boolean("live"))
                    .col(boolean("link_found"))
                    .col(string_len_null("rel", 64))
                    .col(text_null("anchor_text"))
                    .col(boolean("noindex"))
                    .col(boolean("nofollow_page"))
                    .col(boolean("robots_blocked"))
                    .col(json("redirect_chain"))
                    .col(text_null("error"))
                    .col(ts("checked_at"))
                    .foreign_key(&mut fk(
                        "link_checks",
                        "deal_id",
                        "link_deals",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("link_checks", &["deal_id", "checked_at"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "link_checks",
                "link_deal_events",
                "link_deals",
                "link_offers",
            ],
        )
        .await
    }
}
