//! Periodic background work that must run once across instances, not once per instance: one
//! row per kind of work (`inquiry_purge`), claimed for a run by a conditional update of
//! `due_at` (only the instance whose update finds the run due gets it; it moves `due_at` one
//! period ahead). `claimed_by`, `claimed_at` and `runs` say who ran it last and how often it
//! ran, for operators and tests.
use crate::helpers::{drop_tables, ts, ts_null};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("job_claims")
                    .col(string_len("name", 64).primary_key())
                    .col(ts("due_at"))
                    .col(string_len_null("claimed_by", 255))
                    .col(ts_null("claimed_at"))
                    .col(big_integer("runs").default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(manager, &["job_claims"]).await
    }
}
