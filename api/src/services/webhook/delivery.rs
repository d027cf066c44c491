//! One delivery attempt's reads and writes: the delivery with its webhook before the attempt,
//! and the outcome after it. The sending itself is the outbox handler's (`jobs/webhooks.rs`).
use crate::error::AppResult;
use crate::services::now;
use entities::{webhook, webhook_delivery};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

/// How an attempt ended.
pub enum Outcome {
    /// The receiver answered 2xx with this status.
    Delivered {
        /// The receiver's status.
        status: u16,
    },
    /// Not delivered: refused before sending, a transport error or a non-2xx answer.
    Failed {
        /// The receiver's status, when it answered (else the recorded status stays).
        status: Option<u16>,
        /// Why, as shown in the delivery log.
        error: String,
        /// Whether the delivery waits for another attempt (`pending`) or is given up (`failed`).
        retry: bool,
    },
}

/// The delivery and its webhook (`None` once the webhook is deleted), or `None` when the
/// delivery is gone with its webhook.
pub async fn delivery_with_webhook(
    db: &impl ConnectionTrait,
    delivery_id: Uuid,
) -> AppResult<Option<(webhook_delivery::Model, Option<webhook::Model>)>> {
    let Some(delivery) = webhook_delivery::Entity::find_by_id(delivery_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let hook = webhook::Entity::find_by_id(delivery.webhook_id)
        .one(db)
        .await?;
    Ok(Some((delivery, hook)))
}

/// Records attempt number `attempts` of `delivery` and how it ended.
pub async fn record_attempt(
    db: &impl ConnectionTrait,
    delivery: &webhook_delivery::Model,
    attempts: i32,
    outcome: Outcome,
) -> AppResult<()> {
    let mut update: webhook_delivery::ActiveModel = delivery.clone().into();
    update.attempts = Set(attempts);
    match outcome {
        Outcome::Delivered { status } => {
            update.status = Set("delivered".into());
            update.response_status = Set(Some(i32::from(status)));
            update.delivered_at = Set(Some(now()));
            update.last_error = Set(None);
        }
        Outcome::Failed {
            status,
            error,
            retry,
        } => {
            if let Some(status) = status {
                update.response_status = Set(Some(i32::from(status)));
            }
            update.last_error = Set(Some(error));
            update.status = Set(if retry { "pending" } else { "failed" }.into());
        }
    }
    update.update(db).await?;
    Ok(())
}
