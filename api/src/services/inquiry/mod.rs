//! Buyer inquiries (询盘): the public form (`form.rs`: signed form tokens and IP hashes;
//! `submit.rs`: checking and storing a submission; `spam.rs`: the text signals), the events an
//! inquiry causes (`events.rs`), and the sales team's inbox (`inbox.rs`: the filtered list;
//! `handle.rs`: status, assignment, notes, spam, erasure; `export.rs`: CSV), and the
//! retention purge (`retention.rs`).
//!
//! Who may do what is decided here, through `authz::require_inquiry_access`: anyone may submit;
//! only the site's members (and their API tokens with `inquiries:read` / `inquiries:write`)
//! read and handle its inquiries; anyone else learns nothing (NOT_FOUND).

mod events;
pub mod export;
pub mod form;
mod handle;
mod inbox;
mod input;
pub mod notify;
pub mod retention;
pub mod settings;
pub mod spam;
mod submit;

pub use form::{FormKeys, FormToken, MAX_POW_BITS, proof_of_work_holds};
pub use handle::{
    add_inquiry_note, assign_inquiry, delete_inquiry, mark_inquiry_not_spam, mark_inquiry_spam,
    set_inquiry_status,
};
pub use inbox::{InquiryFilter, list_inquiries};
pub use input::{ItemInput, MAX_ITEMS, MAX_QUANTITY, NewInquiry, Utm};
pub use submit::{Sender, submit_inquiry};

use crate::auth::{Principal, Scope};
use crate::error::{AppError, AppResult};
use crate::services::authz;
use crate::services::site::find_site;
use entities::{inquiry, inquiry_event, inquiry_item};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use uuid::Uuid;

/// A new form token for `site` (ID or domain), issued now, with the proof-of-work difficulty
/// the site asks for (0: none); anyone may ask.
pub async fn inquiry_form(
    db: &impl ConnectionTrait,
    keys: &FormKeys,
    site: &str,
) -> AppResult<(String, u8)> {
    let site = find_site(db, "site", site).await?;
    let bits = settings::pow_bits_of(db, site.id).await?;
    Ok((keys.issue_at(site.id, chrono::Utc::now(), bits), bits))
}

/// Loads an inquiry for a caller who needs `scope` on its site; NOT_FOUND for everyone else.
async fn inquiry_for(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    scope: Scope,
) -> AppResult<(inquiry::Model, Uuid)> {
    principal.require_user()?;
    let found = inquiry::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("inquiry").at("id"))?;
    let user = authz::require_inquiry_access(db, principal, found.site_id, scope, "inquiry")
        .await
        .map_err(|e| {
            if e.code == crate::error::ErrorCode::NotFound {
                e.at("id")
            } else {
                e
            }
        })?;
    Ok((found, user))
}

/// One inquiry, for the members of its site.
pub async fn get_inquiry(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> AppResult<inquiry::Model> {
    Ok(inquiry_for(db, principal, id, Scope::InquiriesRead)
        .await?
        .0)
}

/// The products of an inquiry, in the buyer's order.
pub async fn items_of(
    db: &impl ConnectionTrait,
    inquiry_id: Uuid,
) -> AppResult<Vec<inquiry_item::Model>> {
    Ok(inquiry_item::Entity::find()
        .filter(inquiry_item::Column::InquiryId.eq(inquiry_id))
        .order_by_asc(inquiry_item::Column::Position)
        .all(db)
        .await?)
}

/// The history of an inquiry, oldest first.
pub async fn events_of(
    db: &impl ConnectionTrait,
    inquiry_id: Uuid,
) -> AppResult<Vec<inquiry_event::Model>> {
    Ok(inquiry_event::Entity::find()
        .filter(inquiry_event::Column::InquiryId.eq(inquiry_id))
        .order_by_asc(inquiry_event::Column::CreatedAt)
        .order_by_asc(inquiry_event::Column::Id)
        .all(db)
        .await?)
}

/// The products of several inquiries (a listed page), in one statement, by inquiry.
pub async fn items_of_many(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<inquiry_item::Model>>> {
    let mut by: HashMap<Uuid, Vec<inquiry_item::Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(by);
    }
    for item in inquiry_item::Entity::find()
        .filter(inquiry_item::Column::InquiryId.is_in(ids.iter().copied()))
        .order_by_asc(inquiry_item::Column::InquiryId)
        .order_by_asc(inquiry_item::Column::Position)
        .all(db)
        .await?
    {
        by.entry(item.inquiry_id).or_default().push(item);
    }
    Ok(by)
}

/// The histories of several inquiries (a listed page), in one statement, by inquiry.
pub async fn events_of_many(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<inquiry_event::Model>>> {
    let mut by: HashMap<Uuid, Vec<inquiry_event::Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(by);
    }
    for event in inquiry_event::Entity::find()
        .filter(inquiry_event::Column::InquiryId.is_in(ids.iter().copied()))
        .order_by_asc(inquiry_event::Column::CreatedAt)
        .order_by_asc(inquiry_event::Column::Id)
        .all(db)
        .await?
    {
        by.entry(event.inquiry_id).or_default().push(event);
    }
    Ok(by)
}

/// The spam reasons stored with an inquiry.
pub fn spam_reasons(inquiry: &inquiry::Model) -> Vec<String> {
    crate::services::json_strings(&inquiry.spam_reasons)
}
