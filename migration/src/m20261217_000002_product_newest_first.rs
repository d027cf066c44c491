//! Indexes in the order of the default product list (newest published first), on PostgreSQL, as
//! `m20261128_000005_newest_first` and `m20261204_000002_list_orders` give articles.
//!
//! The list orders by `published_at DESC NULLS LAST, id DESC`. Read backwards, the indexes on
//! `(site_id[, locale], status, published_at, id)` give `DESC NULLS FIRST`, so PostgreSQL sorted
//! every product of a site for each page: 60–120 ms at 100,000 products, 15 pages a second
//! (docs/benchmarks.md). SQLite walks its index in this order already and cannot declare
//! `NULLS LAST` in an index, so it gets nothing.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str); 2] = [
    (
        "ix_products_site_id_status_newest_first",
        "(site_id, status, published_at DESC NULLS LAST, id DESC)",
    ),
    (
        "ix_products_site_id_locale_status_newest_first",
        "(site_id, locale, status, published_at DESC NULLS LAST, id DESC)",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for (name, columns) in INDEXES {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "CREATE INDEX IF NOT EXISTS {name} ON products {columns}"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for (name, _) in INDEXES {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
