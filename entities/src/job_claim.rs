//! A kind of periodic background work run once across instances (`inquiry_purge`): when its
//! next run is due, and who ran it last.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_claims")]
pub struct Model {
    /// The work's name.
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// From when an instance may claim the next run.
    pub due_at: DateTimeUtc,
    /// The instance that claimed the last run (host, process and port; for people).
    pub claimed_by: Option<String>,
    /// When it claimed it.
    pub claimed_at: Option<DateTimeUtc>,
    /// Runs claimed so far, over all instances.
    pub runs: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
