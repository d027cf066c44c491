//! Work that must reach another system (search index, webhooks, object store), written in the
//! same transaction as the change that caused it and retried until it is confirmed.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What to do (`search.upsert`, `webhook.event`, `media.delete`, ...): the tag of the
    /// server's typed job (`wharf::services::outbox::OutboxJob`).
    pub kind: String,
    /// The job's fields, as a JSON object.
    pub payload: Json,
    pub attempts: i32,
    pub available_at: DateTimeUtc,
    /// A worker holds the row until then; another may take it afterwards.
    pub locked_until: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub done_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// The record the job is about when it carries personal data (an inquiry), so erasing
    /// that record deletes the row too.
    pub subject_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
