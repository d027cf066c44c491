//! Webhooks: per-site subscriptions of a URL to events, signed deliveries, and their log.
//!
//! A site event (`article.published`, `deal.live`, …) is recorded in the outbox in the
//! transaction of the change. The worker fans it out into one delivery per matching webhook,
//! each delivered (and retried with backoff) from the outbox, so a receiver that is down loses
//! nothing: deliveries wait until it answers 2xx, up to [`MAX_ATTEMPTS`].
mod delivery;

pub use delivery::{Outcome, delivery_with_webhook, record_attempt};

use crate::auth::Principal;
use crate::auth::secrets::random_token;
use crate::error::{AppError, AppResult, Reason};
use crate::services::outbox::{OutboxJob, enqueue};
use crate::services::{authz, json_strings, now};
use entities::{webhook, webhook_delivery};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

/// A site event as live subscribers receive it.
#[derive(Clone, Debug)]
pub struct SiteEvent {
    /// The site.
    pub site_id: Uuid,
    /// `article.published`, …
    pub event: String,
    /// The event's data.
    pub data: serde_json::Value,
}

/// Events a webhook may subscribe to.
pub const EVENTS: &[&str] = &[
    "article.published",
    "article.updated",
    "article.unpublished",
    "article.deleted",
    "product.created",
    "product.updated",
    "product.published",
    "product.unpublished",
    "product.deleted",
    "deal.live",
    "deal.broken",
    "deal.restored",
    "inquiry.received",
];
/// Most webhooks per site.
pub const MAX_WEBHOOKS_PER_SITE: u64 = 20;
/// Attempts before a delivery is given up (about two and a half hours with the backoff).
pub const MAX_ATTEMPTS: i32 = 20;

fn parse_url(value: &str) -> AppResult<String> {
    let bad = || {
        AppError::bad_input("url", "url must be an absolute http or https URL")
            .because(Reason::InvalidUrl)
    };
    let value = value.trim();
    if value.len() > 2048 {
        return Err(bad());
    }
    let url = url::Url::parse(value).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none()
        || !url.username().is_empty()
    {
        return Err(bad());
    }
    Ok(url.to_string())
}

fn parse_events(events: &[String]) -> AppResult<Vec<String>> {
    if events.is_empty() {
        return Err(
            AppError::bad_input("events", "give at least one event").because(Reason::NoneChosen)
        );
    }
    let mut out: Vec<String> = Vec::new();
    for e in events {
        let e = e.trim();
        if !EVENTS.contains(&e) {
            return Err(AppError::bad_input(
                "events",
                format!("unknown event {e:?}; events are {}", EVENTS.join(", ")),
            )
            .because(Reason::UnknownValue)
            .with("value", e)
            .with("allowed", EVENTS.join(", ")));
        }
        if !out.iter().any(|x| x == e) {
            out.push(e.to_owned());
        }
    }
    Ok(out)
}

/// Creates a webhook (site owners); its signing secret is returned with it.
pub async fn create_webhook(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
    url: &str,
    events: &[String],
) -> AppResult<webhook::Model> {
    authz::require_site_owner(db, principal, site_id).await?;
    let url = parse_url(url)?;
    let events = parse_events(events)?;
    let count = webhook::Entity::find()
        .filter(webhook::Column::SiteId.eq(site_id))
        .count(db)
        .await?;
    if count >= MAX_WEBHOOKS_PER_SITE {
        return Err(AppError::bad_input(
            "siteId",
            format!("a site may have at most {MAX_WEBHOOKS_PER_SITE} webhooks"),
        )
        .because(Reason::TooMany)
        .with("max", MAX_WEBHOOKS_PER_SITE));
    }
    let now = now();
    Ok(webhook::ActiveModel {
        id: Set(Uuid::now_v7()),
        site_id: Set(site_id),
        url: Set(url),
        secret: Set(format!("whsec_{}", random_token(32))),
        events: Set(json!(events)),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

async fn owned_webhook(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> AppResult<webhook::Model> {
    let hook = webhook::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("webhook"))?;
    authz::require_site_owner(db, principal, hook.site_id)
        .await
        .map_err(|_| AppError::not_found("webhook"))?;
    Ok(hook)
}

/// Changes a webhook's URL, events or active flag (site owners).
pub async fn update_webhook(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
    url: Option<&str>,
    events: Option<&[String]>,
    active: Option<bool>,
) -> AppResult<webhook::Model> {
    let hook = owned_webhook(db, principal, id).await?;
    let mut model: webhook::ActiveModel = hook.into();
    if let Some(url) = url {
        model.url = Set(parse_url(url)?);
    }
    if let Some(events) = events {
        model.events = Set(json!(parse_events(events)?));
    }
    if let Some(active) = active {
        model.active = Set(active);
    }
    model.updated_at = Set(now());
    Ok(model.update(db).await?)
}

/// Deletes a webhook and its delivery log (site owners).
pub async fn delete_webhook(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> AppResult<Uuid> {
    let hook = owned_webhook(db, principal, id).await?;
    webhook::Entity::delete_by_id(hook.id).exec(db).await?;
    Ok(hook.id)
}

/// A site's webhooks (site owners).
pub async fn list_webhooks(
    db: &impl ConnectionTrait,
    principal: &Principal,
    site_id: Uuid,
) -> AppResult<Vec<webhook::Model>> {
    authz::require_site_owner(db, principal, site_id).await?;
    Ok(webhook::Entity::find()
        .filter(webhook::Column::SiteId.eq(site_id))
        .order_by_asc(webhook::Column::Id)
        .all(db)
        .await?)
}

/// The newest deliveries of a webhook (site owners).
pub async fn list_deliveries(
    db: &impl ConnectionTrait,
    principal: &Principal,
    webhook_id: Uuid,
    limit: u64,
) -> AppResult<Vec<webhook_delivery::Model>> {
    owned_webhook(db, principal, webhook_id).await?;
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::WebhookId.eq(webhook_id))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Records a site event for webhooks and subscribers (in the caller's transaction).
/// `subject` is the record whose personal data `data` carries (an inquiry): its outbox row and
/// deliveries are labelled with it so that erasing the record erases them
/// ([`crate::services::erasure::erase_copies`]).
pub async fn emit(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    event: &str,
    subject: Option<Uuid>,
    data: serde_json::Value,
) -> AppResult<()> {
    let job = OutboxJob::WebhookEvent {
        site_id,
        event: event.to_owned(),
        data,
        at: now(),
        subject,
    };
    enqueue(db, &job).await
}

/// Fans one site event out into a pending delivery (and an outbox row) per matching webhook;
/// each delivery is labelled with the event's `subject` (see [`emit`]).
pub async fn fan_out(
    db: &impl ConnectionTrait,
    site_id: Uuid,
    event: &str,
    subject: Option<Uuid>,
    body: &serde_json::Value,
) -> AppResult<usize> {
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::SiteId.eq(site_id))
        .filter(webhook::Column::Active.eq(true))
        .all(db)
        .await?;
    let mut n = 0;
    for hook in hooks
        .into_iter()
        .filter(|h| json_strings(&h.events).iter().any(|e| e == event))
    {
        let id = Uuid::now_v7();
        webhook_delivery::ActiveModel {
            id: Set(id),
            webhook_id: Set(hook.id),
            event: Set(event.to_owned()),
            payload: Set(body.clone()),
            status: Set("pending".into()),
            attempts: Set(0),
            response_status: Set(None),
            last_error: Set(None),
            next_attempt_at: Set(Some(now())),
            delivered_at: Set(None),
            created_at: Set(now()),
            subject_id: Set(subject),
        }
        .insert(db)
        .await?;
        enqueue(db, &OutboxJob::WebhookDeliver { delivery_id: id }).await?;
        n += 1;
    }
    Ok(n)
}

/// Sends a failed delivery again (site owners).
pub async fn redeliver(
    db: &impl ConnectionTrait,
    principal: &Principal,
    delivery_id: Uuid,
) -> AppResult<webhook_delivery::Model> {
    let delivery = webhook_delivery::Entity::find_by_id(delivery_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("delivery"))?;
    owned_webhook(db, principal, delivery.webhook_id).await?;
    let mut model: webhook_delivery::ActiveModel = delivery.into();
    model.status = Set("pending".into());
    model.attempts = Set(0);
    let updated = model.update(db).await?;
    enqueue(db, &OutboxJob::WebhookDeliver { delivery_id }).await?;
    Ok(updated)
}

/// The signature header value: `sha256=` and the hex HMAC-SHA256 of `"{timestamp}.{body}"`
/// under the webhook's secret. Receivers recompute it and reject old timestamps.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_cover_timestamp_and_body() {
        let a = sign("whsec_x", 1700000000, "{}");
        assert!(a.starts_with("sha256=") && a.len() == 7 + 64);
        assert_ne!(a, sign("whsec_x", 1700000001, "{}"));
        assert_ne!(a, sign("whsec_y", 1700000000, "{}"));
        assert_ne!(a, sign("whsec_x", 1700000000, "{ }"));
    }

    #[test]
    fn urls_and_events_are_checked() {
        assert!(parse_url("https://hooks.example.com/x").is_ok());
        assert!(parse_url("ftp://x.com").is_err());
        assert!(parse_url("https://user:pw@x.com").is_err());
        assert!(
            parse_events(&["article.published".into(), "article.published".into()])
                .map(|e| e.len())
                .ok()
                == Some(1)
        );
        assert!(parse_events(&["article.exploded".into()]).is_err());
    }
}
