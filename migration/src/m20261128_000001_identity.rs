//! Users, sites, site members, API tokens and refresh tokens.
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
                    .table("users")
                    .col(pk_uuid("id"))
                    .col(string_uniq("email"))
                    .col(string("display_name"))
                    .col(string("password_hash"))
                    .col(boolean("is_admin").default(false))
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sites")
                    .col(pk_uuid("id"))
                    .col(string("name"))
                    .col(string_uniq("domain"))
                    .col(string_len("default_locale", 35))
                    .col(json("locales"))
                    .col(text_null("description"))
                    .col(string_len_null("country", 2))
                    .col(json("categories"))
                    .col(json("languages"))
                    .col(string("verification_token"))
                    .col(ts_null("verified_at"))
                    .col(ts("created_at"))
                    .col(ts("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("site_members")
                    .col(uuid("site_id"))
                    .col(uuid("user_id"))
                    .col(string_len("role", 16))
                    .col(ts("created_at"))
                    .primary_key(Index::create().col("site_id").col("user_id"))
                    .foreign_key(&mut fk(
                        "site_members",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "site_members",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("site_members", &["user_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("api_tokens")
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    .col(string("name"))
                    .col(string_len("prefix", 32))
                    .col(string_uniq("token_hash"))
                    .col(json("scopes"))
                    .col(uuid_null("site_id"))
                    .col(ts_null("expires_at"))
                    .col(ts_null("last_used_at"))
                    .col(ts_null("revoked_at"))
                    .col(ts("created_at"))
                    .foreign_key(&mut fk(
                        "api_tokens",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "api_tokens",
                        "site_id",
                        "sites",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("api_tokens", &["user_id"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("refresh_tokens")
                    .col(pk_uuid("id"))
                    .col(uuid("user_id"))
                    .col(uuid("family_id"))
                    .col(string_uniq("token_hash"))
                    .col(ts("expires_at"))
                    .col(ts_null("used_at"))
                    .col(ts_null("revoked_at"))
                    .col(ts("created_at"))
                    .foreign_key(&mut fk(
                        "refresh_tokens",
                        "user_id",
                        "users",
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("refresh_tokens", &["family_id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            &[
                "refresh_tokens",
                "api_tokens",
                "site_members",
                "sites",
                "users",
            ],
        )
        .await
    }
}
