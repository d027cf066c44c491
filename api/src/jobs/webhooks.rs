//! Outbox handlers for site events: fan-out to webhooks and live subscribers, and delivery.
use crate::jobs::outbox::{Claimed, OutboxHandler, not_mine};
use crate::net::guard::Guard;
use crate::services::outbox::{OutboxJob, kinds};
use crate::services::webhook::{Outcome, SiteEvent};
use crate::services::{erasure, now, webhook};
use entities::webhook_delivery;
use sea_orm::DatabaseConnection;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// Fans [`OutboxJob::WebhookEvent`] jobs out to deliveries and to live subscribers.
pub struct EventFanOut {
    /// The database.
    pub db: DatabaseConnection,
    /// Live subscribers of this instance.
    pub live: broadcast::Sender<SiteEvent>,
}

#[async_trait::async_trait]
impl OutboxHandler for EventFanOut {
    fn kinds(&self) -> Vec<&'static str> {
        vec![kinds::WEBHOOK_EVENT]
    }

    async fn handle(&self, job: &Claimed) -> anyhow::Result<()> {
        let OutboxJob::WebhookEvent {
            site_id,
            event,
            data,
            at,
            subject,
        } = &job.job
        else {
            return Err(not_mine("the event fan-out", &job.job));
        };
        // What receivers get: the event as recorded, identified by its outbox row.
        let body = json!({ "event": event, "siteId": site_id, "createdAt": at, "eventId": job.id, "data": data });
        let txn = crate::services::begin_write(&self.db).await?;
        // An event about a person's record (an inquiry) that was erased since it was claimed is
        // gone with its row: nothing of it is delivered or broadcast.
        if subject.is_some()
            && !erasure::event_still_recorded(&txn, job.id)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
        {
            return Ok(());
        }
        webhook::fan_out(&txn, *site_id, event, *subject, &body)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        txn.commit().await?;
        // No receiver is not an error: nobody is subscribed right now.
        let _ = self.live.send(SiteEvent {
            site_id: *site_id,
            event: event.clone(),
            data: data.clone(),
        });
        Ok(())
    }
}

/// Delivers [`OutboxJob::WebhookDeliver`] jobs: signed POSTs, 2xx confirms, anything else is retried.
pub struct Deliverer {
    db: DatabaseConnection,
    client: reqwest::Client,
    guard: Arc<Guard>,
}

impl Deliverer {
    /// A deliverer with a 10 s timeout that never follows redirects and, like the link
    /// checker, never connects to private, loopback, link-local or metadata addresses unless
    /// they are in `allow` (IPs or CIDRs; `WHARF_WEBHOOK_ALLOW_HOSTS`).
    pub fn new(db: DatabaseConnection, allow: &[String]) -> anyhow::Result<Self> {
        let guard = Arc::new(Guard::new(allow, &[])?);
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(guard.resolver())
            .no_proxy()
            .user_agent(concat!("Wharf-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { db, client, guard })
    }
}

#[async_trait::async_trait]
impl OutboxHandler for Deliverer {
    fn kinds(&self) -> Vec<&'static str> {
        vec![kinds::WEBHOOK_DELIVER]
    }

    async fn handle(&self, job: &Claimed) -> anyhow::Result<()> {
        let OutboxJob::WebhookDeliver { delivery_id } = job.job else {
            return Err(not_mine("the deliverer", &job.job));
        };
        let Some((delivery, hook)) = webhook::delivery_with_webhook(&self.db, delivery_id).await?
        else {
            return Ok(()); // its webhook was deleted
        };
        let attempts = delivery.attempts + 1;
        let given_up = |error: String| Outcome::Failed {
            status: None,
            error,
            retry: false,
        };
        let Some(hook) = hook.filter(|h| h.active) else {
            let why = "the webhook is inactive";
            log_failure(&delivery, attempts, None, why, false);
            webhook::record_attempt(&self.db, &delivery, attempts, given_up(why.into())).await?;
            return Ok(());
        };
        let host = url::Url::parse(&hook.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        if let Ok(url) = url::Url::parse(&hook.url)
            && let Err(refused) = self.guard.vet_url(&url)
        {
            let why = refused.to_string();
            log_failure(&delivery, attempts, host.as_deref(), &why, false);
            webhook::record_attempt(&self.db, &delivery, attempts, given_up(why)).await?;
            return Ok(());
        }
        let body = serde_json::to_string(&delivery.payload)?;
        let timestamp = now().timestamp();
        let sent = self
            .client
            .post(&hook.url)
            .header("content-type", "application/json")
            .header("x-wharf-event", &delivery.event)
            .header("x-wharf-delivery", delivery.id.to_string())
            .header("x-wharf-timestamp", timestamp.to_string())
            .header(
                "x-wharf-signature",
                webhook::sign(&hook.secret, timestamp, &body),
            )
            .body(body)
            .send()
            .await;
        let (status, failure) = match sent {
            Ok(resp) if resp.status().is_success() => {
                let status = resp.status().as_u16();
                let outcome = Outcome::Delivered { status };
                webhook::record_attempt(&self.db, &delivery, attempts, outcome).await?;
                return Ok(());
            }
            Ok(resp) => (
                Some(resp.status().as_u16()),
                format!("the receiver answered {}", resp.status()),
            ),
            Err(err) => (
                None,
                format!("could not reach the receiver: {}", without_url(&err)),
            ),
        };
        let retry = attempts < webhook::MAX_ATTEMPTS;
        log_failure(&delivery, attempts, host.as_deref(), &failure, retry);
        let outcome = Outcome::Failed {
            status,
            error: failure.clone(),
            retry,
        };
        webhook::record_attempt(&self.db, &delivery, attempts, outcome).await?;
        if retry {
            return Err(anyhow::anyhow!(failure));
        }
        Ok(())
    }
}

/// Logs a failed delivery attempt: which webhook, delivery and event, the receiver's host (not
/// its URL, whose path or query may carry a token) and why. Never the secret or the body.
fn log_failure(
    delivery: &webhook_delivery::Model,
    attempts: i32,
    host: Option<&str>,
    why: &str,
    retried: bool,
) {
    tracing::warn!(
        webhook_id = %delivery.webhook_id,
        delivery_id = %delivery.id,
        event = %delivery.event,
        host = host.unwrap_or("-"),
        attempts,
        will_retry = retried,
        error = why,
        "webhook delivery failed"
    );
}

/// A transport error's text without the URL (which may carry a secret token in its path).
fn without_url(err: &reqwest::Error) -> String {
    if std::error::Error::source(err).is_some_and(|_| format!("{err:?}").contains("RefusedAddress"))
    {
        return "refused: the receiver resolves to a private, loopback or metadata address".into();
    }
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "connection failed"
    } else if err.is_request() {
        "request failed"
    } else {
        "transport error"
    };
    kind.to_owned()
}
