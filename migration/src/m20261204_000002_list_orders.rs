//! Indexes for every ordering a storefront pages through (issue 16): by title, by creation and
//! by last change, each within a site's published articles, and the newest-first order within
//! one locale. Without them a page in these orders sorted every published article of the site.
//!
//! PostgreSQL gets the newest-first locale index in the list's exact order
//! (`published_at DESC NULLS LAST, id DESC`, see `m20261128_000005_newest_first`); SQLite walks
//! an ascending index backwards and cannot declare `NULLS LAST`, so it gets the plain one.
use crate::helpers::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const PLAIN: &[&[&str]] = &[
    &["site_id", "status", "title", "id"],
    &["site_id", "status", "created_at", "id"],
    &["site_id", "status", "updated_at", "id"],
];

const LOCALE_NEWEST: &str = "ix_articles_site_id_locale_status_newest_first";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for columns in PLAIN {
            manager
                .create_index(index("articles", columns, false))
                .await?;
        }
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "CREATE INDEX IF NOT EXISTS {LOCALE_NEWEST} ON articles \
                     (site_id, locale, status, published_at DESC NULLS LAST, id DESC)"
                ))
                .await?;
        } else {
            manager
                .create_index(index(
                    "articles",
                    &["site_id", "locale", "status", "published_at", "id"],
                    false,
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut names: Vec<String> = PLAIN
            .iter()
            .map(|columns| format!("ix_articles_{}", columns.join("_")))
            .collect();
        names.push(LOCALE_NEWEST.to_owned());
        names.push("ix_articles_site_id_locale_status_published_at_id".to_owned());
        for name in names {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
