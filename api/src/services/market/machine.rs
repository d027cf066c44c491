//! The deal state machine: who may move a deal where, and applying a move with an optimistic
//! lock, its history row and its webhook rows.
//!
//! ```text
//! proposed ──accept(offer side)──▶ accepted ──checker: all links live──▶ live ◀──▶ broken
//!    │ reject(offer side) ▶ rejected          │                          (checker, N failures /
//!    │ cancel(partner side) ▶ cancelled       │ cancel(either side)       link back)
//!    └ clock ▶ expired                        └ clock ▶ expired       live/broken: cancel(either)
//! ```
//! A transition applies only to the version it read (`WHERE id = ? AND version = ?`), so of two
//! concurrent transitions exactly one applies and the other gets `CONFLICT`. Every transition
//! writes a `link_deal_events` row and a `webhook.event` outbox row per site in the same
//! transaction.
use super::DealStatus;
use crate::error::{AppError, AppResult, Reason};
use crate::services::now;
use crate::services::outbox::{OutboxJob, enqueue};
use entities::{link_deal, link_deal_event};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Iterable, QueryFilter,
    Set,
};
use uuid::Uuid;

/// Who moves a deal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mover {
    /// An agent of the offering site.
    OfferSide,
    /// An agent of the proposing site.
    PartnerSide,
    /// The link checker.
    Checker,
    /// The clock (expiry).
    Clock,
}

/// Who may move a deal from `from` to `to`; `None` when the state machine has no such edge.
pub fn movers(from: DealStatus, to: DealStatus) -> Option<&'static [Mover]> {
    use DealStatus::*;
    use Mover::*;
    Some(match (from, to) {
        (Proposed, Accepted) | (Proposed, Rejected) => &[OfferSide],
        (Proposed, Cancelled) => &[PartnerSide],
        (Proposed, Expired) | (Accepted, Expired) => &[Clock],
        (Accepted, Live) | (Live, Broken) | (Broken, Live) => &[Checker],
        (Accepted, Cancelled) | (Live, Cancelled) | (Broken, Cancelled) => {
            &[OfferSide, PartnerSide]
        }
        _ => return None,
    })
}

/// Checks a transition: `CONFLICT` naming the statuses when the machine has no such edge,
/// `FORBIDDEN` when it exists but belongs to the other side.
pub fn check_transition(from: DealStatus, to: DealStatus, by: &[Mover]) -> AppResult<()> {
    let Some(allowed) = movers(from, to) else {
        let next: Vec<String> = DealStatus::iter()
            .filter(|s| movers(from, *s).is_some())
            .map(|s| s.to_value())
            .collect();
        return Err(AppError::conflict(
            "status",
            format!(
                "invalid transition: the deal is {} and cannot become {}{}",
                from.to_value(),
                to.to_value(),
                if next.is_empty() {
                    " (it is over)".to_owned()
                } else {
                    format!(
                        " (from {} it can become {})",
                        from.to_value(),
                        next.join(", ")
                    )
                }
            ),
        )
        .because(Reason::InvalidTransition)
        .with("from", from.to_value().to_uppercase())
        .with("to", to.to_value().to_uppercase()));
    };
    if by.iter().any(|m| allowed.contains(m)) {
        return Ok(());
    }
    let (who, by) = match allowed {
        [Mover::OfferSide] => ("the offering site", "OFFER_SIDE"),
        [Mover::PartnerSide] => ("the proposing site", "PARTNER_SIDE"),
        [Mover::Checker] => ("the link checker", "CHECKER"),
        [Mover::Clock] => ("expiry", "EXPIRY"),
        _ => ("a site of the deal", "EITHER_SIDE"),
    };
    Err(AppError::forbidden(format!(
        "only {who} may move a deal from {} to {}",
        from.to_value(),
        to.to_value()
    ))
    .because(Reason::NotYourMove)
    .with("from", from.to_value().to_uppercase())
    .with("to", to.to_value().to_uppercase())
    .with("by", by))
}

/// The webhook event of a transition.
pub fn event_name(from: Option<DealStatus>, to: DealStatus) -> String {
    match (from, to) {
        (Some(DealStatus::Broken), DealStatus::Live) => "deal.restored".into(),
        (_, to) => format!("deal.{}", to.to_value()),
    }
}

/// Whether a deal in `status` is over.
pub fn is_final(status: DealStatus) -> bool {
    matches!(
        status,
        DealStatus::Rejected | DealStatus::Cancelled | DealStatus::Expired
    )
}

/// Applies a checked transition to the version of `deal` read by the caller, with `changes`
/// to other columns; records the event and the webhook rows. Call inside a transaction.
pub async fn apply_transition(
    txn: &impl ConnectionTrait,
    deal: &link_deal::Model,
    to: Option<DealStatus>,
    actor: Option<Uuid>,
    note: Option<String>,
    mut changes: link_deal::ActiveModel,
) -> AppResult<link_deal::Model> {
    let from = deal.status;
    let now = now();
    if let Some(to) = to {
        changes.status = Set(to);
    }
    changes.version = Set(deal.version + 1);
    changes.updated_at = Set(now);
    let applied = link_deal::Entity::update_many()
        .set(changes)
        .filter(link_deal::Column::Id.eq(deal.id))
        .filter(link_deal::Column::Version.eq(deal.version))
        .exec(txn)
        .await?;
    let current = link_deal::Entity::find_by_id(deal.id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::not_found("deal"))?;
    if applied.rows_affected != 1 {
        return Err(AppError::conflict(
            "version",
            format!(
                "the deal changed while you acted on it (it is now {}); reload it and retry",
                current.status.to_value()
            ),
        )
        .because(Reason::ChangedMeanwhile));
    }
    if let Some(to) = to {
        record_event(txn, &current, Some(from), to, actor, note).await?;
    } else if note.is_some() {
        record_event(txn, &current, Some(from), from, actor, note).await?;
    }
    Ok(current)
}

pub(super) async fn record_event(
    txn: &impl ConnectionTrait,
    deal: &link_deal::Model,
    from: Option<DealStatus>,
    to: DealStatus,
    actor: Option<Uuid>,
    note: Option<String>,
) -> AppResult<()> {
    let at = now();
    link_deal_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        deal_id: Set(deal.id),
        from_status: Set(from),
        to_status: Set(to),
        actor_id: Set(actor),
        note: Set(note),
        created_at: Set(at),
    }
    .insert(txn)
    .await?;
    if from != Some(to) {
        let data = serde_json::json!({
            "deal_id": deal.id,
            "offer_id": deal.offer_id,
            "offer_site_id": deal.offer_site_id,
            "partner_site_id": deal.partner_site_id,
            "from": from.map(|s| s.to_value()),
            "status": to.to_value(),
            "at": at,
        });
        let event = event_name(from, to);
        for site in [deal.offer_site_id, deal.partner_site_id] {
            let job = OutboxJob::WebhookEvent {
                site_id: site,
                event: event.clone(),
                data: data.clone(),
                at,
                subject: None,
            };
            enqueue(txn, &job).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn each_transition_belongs_to_its_side() {
        use DealStatus::*;
        assert!(check_transition(Proposed, Accepted, &[Mover::OfferSide]).is_ok());
        let wrong = check_transition(Proposed, Accepted, &[Mover::PartnerSide]).err();
        assert_eq!(wrong.map(|e| e.code), Some(ErrorCode::Forbidden));
        assert!(check_transition(Proposed, Cancelled, &[Mover::PartnerSide]).is_ok());
        assert!(check_transition(Live, Cancelled, &[Mover::OfferSide]).is_ok());
        assert!(check_transition(Accepted, Live, &[Mover::Checker]).is_ok());
        assert!(check_transition(Accepted, Live, &[Mover::OfferSide, Mover::PartnerSide]).is_err());
        let invalid = check_transition(Live, Accepted, &[Mover::OfferSide]).err();
        assert_eq!(invalid.as_ref().map(|e| e.code), Some(ErrorCode::Conflict));
        assert!(invalid.is_some_and(|e| e.message.contains("is live and cannot become accepted")));
        for end in [Rejected, Cancelled, Expired] {
            assert!(is_final(end));
            for to in DealStatus::iter() {
                assert!(movers(end, to).is_none(), "{end:?} is final");
            }
        }
        assert_eq!(event_name(Some(Broken), Live), "deal.restored");
        assert_eq!(event_name(Some(Accepted), Live), "deal.live");
        assert_eq!(event_name(Some(Live), Broken), "deal.broken");
    }
}
