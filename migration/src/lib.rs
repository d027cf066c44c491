//! Wharf's schema, as sea-orm migrations that run unchanged on SQLite and PostgreSQL.
//!
//! Portability rules (see `../shared/STACK.md`): foreign keys are declared in `create_table`,
//! one alteration per statement, string-backed enums, timestamps with time zone, JSON as `json`.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261128_000001_identity;
mod m20261128_000002_content;
mod m20261128_000003_market;
mod m20261128_000004_delivery;
mod m20261128_000005_newest_first;
mod m20261130_000006_one_open_deal;
mod m20261203_000001_media_uploads;
mod m20261204_000001_article_digest;
mod m20261204_000002_list_orders;
mod m20261211_000001_refresh_tokens_by_user;
mod m20261211_000002_site_invitations;
mod m20261211_000003_password_resets;
mod m20261212_000001_catalogue;
mod m20261213_000001_inquiries;
mod m20261214_000001_job_claims;
mod m20261215_000001_media_images;
mod m20261216_000001_erasure_subjects;
mod m20261217_000001_product_revisions;
mod m20261217_000002_product_newest_first;

/// The ordered list of migrations.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_identity::Migration),
            Box::new(m20261128_000002_content::Migration),
            Box::new(m20261128_000003_market::Migration),
            Box::new(m20261128_000004_delivery::Migration),
            Box::new(m20261128_000005_newest_first::Migration),
            Box::new(m20261130_000006_one_open_deal::Migration),
            Box::new(m20261203_000001_media_uploads::Migration),
            Box::new(m20261204_000001_article_digest::Migration),
            Box::new(m20261204_000002_list_orders::Migration),
            Box::new(m20261211_000001_refresh_tokens_by_user::Migration),
            Box::new(m20261211_000002_site_invitations::Migration),
            Box::new(m20261211_000003_password_resets::Migration),
            Box::new(m20261212_000001_catalogue::Migration),
            Box::new(m20261213_000001_inquiries::Migration),
            Box::new(m20261214_000001_job_claims::Migration),
            Box::new(m20261215_000001_media_images::Migration),
            Box::new(m20261216_000001_erasure_subjects::Migration),
            Box::new(m20261217_000001_product_revisions::Migration),
            Box::new(m20261217_000002_product_newest_first::Migration),
        ]
    }
}
