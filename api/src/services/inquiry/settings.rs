//! What a site's owners switch on for its inquiry form: the proof-of-work challenge, for when
//! spam rises.
use super::form::MAX_POW_BITS;
use crate::auth::Principal;
use crate::error::{AppError, AppResult, Reason};
use crate::services::site::find_site;
use crate::services::{authz, now};
use entities::inquiry_site_setting;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

/// The proof-of-work bits `site_id` asks of its inquiry forms (0: none).
pub async fn pow_bits_of(db: &impl ConnectionTrait, site_id: Uuid) -> AppResult<u8> {
    Ok(inquiry_site_setting::Entity::find_by_id(site_id)
        .one(db)
        .await?
        .map(|s| u8::try_from(s.pow_bits.clamp(0, i32::from(MAX_POW_BITS))).unwrap_or(0))
        .unwrap_or(0))
}

/// Sets the proof-of-work difficulty of a site's (ID or domain) inquiry forms: 0 (off) to
/// [`MAX_POW_BITS`] leading zero bits (site owners). Forms already shown keep theirs.
pub async fn set_inquiry_proof_of_work(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site: &str,
    bits: i32,
) -> AppResult<u8> {
    let site = find_site(db, "site", site).await?;
    authz::require_site_owner(db, principal, site.id).await?;
    let bits = u8::try_from(bits)
        .ok()
        .filter(|b| *b <= MAX_POW_BITS)
        .ok_or_else(|| {
            AppError::bad_input("bits", format!("bits must be between 0 and {MAX_POW_BITS}"))
                .because(Reason::OutOfRange)
                .with("min", 0)
                .with("max", u32::from(MAX_POW_BITS))
        })?;
    inquiry_site_setting::Entity::insert(inquiry_site_setting::ActiveModel {
        site_id: Set(site.id),
        pow_bits: Set(i32::from(bits)),
        updated_at: Set(now()),
    })
    .on_conflict(
        OnConflict::column(inquiry_site_setting::Column::SiteId)
            .update_columns([
                inquiry_site_setting::Column::PowBits,
                inquiry_site_setting::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(bits)
}
