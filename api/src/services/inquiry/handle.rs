//! The sales team's work on an inquiry: status changes, assignment, notes, the spam folder and
//! erasure. Each change is one transaction that also writes its history entry (who, when).
use super::events::inquiry_received;
use super::{inquiry_for, items_of};
use crate::auth::{Principal, Scope};
use crate::domain::bounded_text;
use crate::error::{AppError, AppResult, Reason};
use crate::services::erasure::erase_copies;
use crate::services::{begin_write, for_update, now};
use entities::inquiry::{self, InquiryStatus};
use entities::inquiry_event::{self, InquiryEventKind};
use entities::{inquiry_blocked_sender, site_member};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

/// Longest internal note, in characters.
pub const MAX_NOTE_CHARS: usize = 5_000;

/// A history entry's contents.
struct Entry {
    kind: InquiryEventKind,
    from: Option<InquiryStatus>,
    to: Option<InquiryStatus>,
    assignee: Option<Uuid>,
    note: Option<String>,
}

impl Entry {
    /// A status change, with the member's note if any.
    fn status(from: InquiryStatus, to: InquiryStatus, note: Option<String>) -> Self {
        Self {
            kind: InquiryEventKind::Status,
            from: Some(from),
            to: Some(to),
            assignee: None,
            note,
        }
    }

    /// An assignment (`None`: unassigned).
    fn assigned(assignee: Option<Uuid>) -> Self {
        Self {
            kind: InquiryEventKind::Assigned,
            from: None,
            to: None,
            assignee,
            note: None,
        }
    }

    /// An internal note.
    fn note(note: String) -> Self {
        Self {
            kind: InquiryEventKind::Note,
            from: None,
            to: None,
            assignee: None,
            note: Some(note),
        }
    }
}

async fn record(
    db: &impl ConnectionTrait,
    inquiry_id: Uuid,
    actor: Uuid,
    e: Entry,
) -> AppResult<()> {
    inquiry_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        inquiry_id: Set(inquiry_id),
        kind: Set(e.kind),
        from_status: Set(e.from),
        to_status: Set(e.to),
        assignee_id: Set(e.assignee),
        note: Set(e.note),
        actor_id: Set(Some(actor)),
        created_at: Set(now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Re-reads the inquiry in the write transaction (locked on PostgreSQL) after the caller's
/// access was checked.
async fn locked(txn: &impl ConnectionTrait, id: Uuid) -> AppResult<inquiry::Model> {
    for_update(inquiry::Entity::find_by_id(id), txn.get_database_backend())
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("inquiry").at("id"))
}

/// Moves an inquiry to `status` (new, open, replied, closed), with an optional note in the
/// same history entry. Spam goes through [`mark_inquiry_spam`] and back through
/// [`mark_inquiry_not_spam`].
pub async fn set_inquiry_status(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    status: InquiryStatus,
    note: Option<&str>,
) -> AppResult<inquiry::Model> {
    let (_, actor) = inquiry_for(db, principal, id, Scope::InquiriesWrite).await?;
    if status == InquiryStatus::Spam {
        return Err(AppError::bad_input(
            "status",
            "use markInquirySpam to put an inquiry in the spam folder",
        )
        .because(Reason::SpamNotAStatus));
    }
    let note = note
        .map(|n| bounded_text("note", n, 0, MAX_NOTE_CHARS))
        .transpose()?
        .filter(|n| !n.is_empty());
    let txn = begin_write(db).await?;
    let current = locked(&txn, id).await?;
    if current.status == InquiryStatus::Spam {
        return Err(AppError::conflict(
            "status",
            "the inquiry is in the spam folder; take it out with markInquiryNotSpam first",
        )
        .because(Reason::InquiryInSpam));
    }
    if current.status == status && note.is_none() {
        return Ok(current);
    }
    let from = current.status;
    let mut model = current.into_active_model();
    model.status = Set(status);
    model.updated_at = Set(now());
    let updated = model.update(&txn).await?;
    let entry = Entry::status(from, status, note);
    record(&txn, id, actor, entry).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Assigns an inquiry to a member of its site, or to nobody (`None`).
pub async fn assign_inquiry(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    assignee: Option<Uuid>,
) -> AppResult<inquiry::Model> {
    let (found, actor) = inquiry_for(db, principal, id, Scope::InquiriesWrite).await?;
    if let Some(user) = assignee
        && site_member::Entity::find_by_id((found.site_id, user))
            .one(db)
            .await?
            .is_none()
    {
        return Err(AppError::bad_input(
            "assigneeId",
            "an inquiry can be assigned only to a member of its site",
        )
        .because(Reason::AssigneeNotMember));
    }
    let txn = begin_write(db).await?;
    let current = locked(&txn, id).await?;
    if current.assignee_id == assignee {
        return Ok(current);
    }
    let mut model = current.into_active_model();
    model.assignee_id = Set(assignee);
    model.updated_at = Set(now());
    let updated = model.update(&txn).await?;
    let entry = Entry::assigned(assignee);
    record(&txn, id, actor, entry).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Adds an internal note to an inquiry's history.
pub async fn add_inquiry_note(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
    note: &str,
) -> AppResult<inquiry::Model> {
    let (_, actor) = inquiry_for(db, principal, id, Scope::InquiriesWrite).await?;
    let note = bounded_text("note", note, 1, MAX_NOTE_CHARS)?;
    let txn = begin_write(db).await?;
    let current = locked(&txn, id).await?;
    let mut model = current.into_active_model();
    model.updated_at = Set(now());
    let updated = model.update(&txn).await?;
    let entry = Entry::note(note);
    record(&txn, id, actor, entry).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Puts an inquiry in the spam folder and blocks its sender's email on the site: later
/// inquiries from it are stored as spam (`blocked_sender`).
pub async fn mark_inquiry_spam(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<inquiry::Model> {
    let (_, actor) = inquiry_for(db, principal, id, Scope::InquiriesWrite).await?;
    let txn = begin_write(db).await?;
    let current = locked(&txn, id).await?;
    if current.status == InquiryStatus::Spam {
        return Ok(current);
    }
    inquiry_blocked_sender::Entity::insert(inquiry_blocked_sender::ActiveModel {
        site_id: Set(current.site_id),
        email: Set(current.email.clone()),
        created_at: Set(now()),
    })
    .on_conflict(
        OnConflict::columns([
            inquiry_blocked_sender::Column::SiteId,
            inquiry_blocked_sender::Column::Email,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let from = current.status;
    let mut reasons = super::spam_reasons(&current);
    if !reasons.iter().any(|r| r == "marked_by_member") {
        reasons.push("marked_by_member".into());
    }
    let mut model = current.into_active_model();
    model.status = Set(InquiryStatus::Spam);
    model.spam_reasons = Set(serde_json::json!(reasons));
    model.updated_at = Set(now());
    let updated = model.update(&txn).await?;
    let entry = Entry::status(from, InquiryStatus::Spam, None);
    record(&txn, id, actor, entry).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Takes an inquiry out of the spam folder (back to new), unblocks its sender on the site, and
/// announces it as `inquiry.received`: for the team it arrives now. The stored reasons stay,
/// as the record of why it was held.
pub async fn mark_inquiry_not_spam(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<inquiry::Model> {
    let (_, actor) = inquiry_for(db, principal, id, Scope::InquiriesWrite).await?;
    let txn = begin_write(db).await?;
    let current = locked(&txn, id).await?;
    if current.status != InquiryStatus::Spam {
        return Ok(current);
    }
    inquiry_blocked_sender::Entity::delete_by_id((current.site_id, current.email.clone()))
        .exec(&txn)
        .await?;
    let mut model = current.into_active_model();
    model.status = Set(InquiryStatus::New);
    model.updated_at = Set(now());
    let updated = model.update(&txn).await?;
    let entry = Entry::status(InquiryStatus::Spam, InquiryStatus::New, None);
    record(&txn, id, actor, entry).await?;
    let items = items_of(&txn, id).await?;
    inquiry_received(&txn, &updated, &items).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Erases an inquiry for good (an erasure request): its items and history, and the copies of
/// it in events and webhook deliveries (`services::erasure`), in one transaction. Returns its ID.
pub async fn delete_inquiry(
    db: &(impl ConnectionTrait + TransactionTrait),
    principal: &Principal,
    id: Uuid,
) -> AppResult<Uuid> {
    let txn = begin_write(db).await?;
    inquiry_for(&txn, principal, id, Scope::InquiriesWrite).await?;
    erase_copies(&txn, &[id]).await?;
    inquiry::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(id)
}
