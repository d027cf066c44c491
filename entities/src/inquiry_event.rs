//! One entry of an inquiry's history: its arrival, a status change, an assignment or a note,
//! with who and when.
use crate::inquiry::InquiryStatus;
use sea_orm::entity::prelude::*;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum InquiryEventKind {
    /// The inquiry arrived (`to_status` is where it landed: new or spam).
    #[sea_orm(string_value = "received")]
    Received,
    /// Its status changed (spam and not-spam included).
    #[sea_orm(string_value = "status")]
    Status,
    /// It was assigned (`assignee_id`) or unassigned (none).
    #[sea_orm(string_value = "assigned")]
    Assigned,
    /// An internal note.
    #[sea_orm(string_value = "note")]
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inquiry_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub inquiry_id: Uuid,
    pub kind: InquiryEventKind,
    pub from_status: Option<InquiryStatus>,
    pub to_status: Option<InquiryStatus>,
    pub assignee_id: Option<Uuid>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    /// None for the buyer's submission.
    pub actor_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
