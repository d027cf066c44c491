//! Webhooks and live article events.
use crate::graphql::context::{principal, state};
use crate::graphql::types::to_id;
use crate::graphql::types::{id_arg, site_id_arg};
use crate::services::{json_strings, site, webhook};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entities::{webhook as hook_entity, webhook_delivery};
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

/// A site's subscription of a URL to events. Visible to the site's owners only.
pub struct Webhook(pub hook_entity::Model);

#[Object]
impl Webhook {
    /// The webhook's ID.
    async fn id(&self) -> ID {
        to_id(self.0.id)
    }
    /// The site.
    async fn site_id(&self) -> ID {
        to_id(self.0.site_id)
    }
    /// Where events are POSTed.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// Events delivered.
    async fn events(&self) -> Vec<String> {
        json_strings(&self.0.events)
    }
    /// Whether deliveries are made.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// HMAC-SHA256 key: `X-Wharf-Signature` is `sha256=` + hex HMAC of `"{X-Wharf-Timestamp}.{body}"`.
    async fn secret(&self) -> &str {
        &self.0.secret
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// One event sent (or being sent) to a webhook.
pub struct WebhookDelivery(pub webhook_delivery::Model);

#[Object]
impl WebhookDelivery {
    /// The delivery's ID (`X-Wharf-Delivery`).
    async fn id(&self) -> ID {
        to_id(self.0.id)
    }
    /// The event.
    async fn event(&self) -> &str {
        &self.0.event
    }
    /// The JSON body sent.
    async fn payload(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(self.0.payload.clone())
    }
    /// `pending` (waiting or retrying), `delivered` or `failed` (gave up or webhook inactive).
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// Attempts so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// HTTP status of the last answer.
    async fn response_status(&self) -> Option<i32> {
        self.0.response_status
    }
    /// Why the last attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// When it was delivered.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
    /// When the event happened.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A webhook to create.
#[derive(InputObject)]
pub struct CreateWebhookInput {
    /// The site (its ID or domain).
    pub site_id: ID,
    /// Absolute http(s) URL.
    pub url: String,
    /// Events: article.published, article.updated, article.unpublished, article.deleted,
    /// product.created, product.updated, product.published, product.unpublished,
    /// product.deleted, deal.live, deal.broken, deal.restored, inquiry.received.
    pub events: Vec<String>,
}

/// Changes to a webhook.
#[derive(InputObject)]
pub struct UpdateWebhookInput {
    /// New URL.
    pub url: Option<String>,
    /// New events.
    pub events: Option<Vec<String>>,
    /// Pause (false) or resume (true) deliveries.
    pub active: Option<bool>,
}

/// Webhook reads.
#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// A site's webhooks (owners).
    async fn webhooks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The site, by ID or domain.")] site_id: ID,
    ) -> async_graphql::Result<Vec<Webhook>> {
        let db = &state(ctx)?.db;
        let hooks = webhook::list_webhooks(
            db,
            principal(ctx),
            site_id_arg(db, "siteId", &site_id).await?,
        )
        .await?;
        Ok(hooks.into_iter().map(Webhook).collect())
    }

    /// The newest deliveries of a webhook (owners), at most 100.
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        webhook_id: ID,
        #[graphql(default = 20)] first: u32,
    ) -> async_graphql::Result<Vec<WebhookDelivery>> {
        let found = webhook::list_deliveries(
            &state(ctx)?.db,
            principal(ctx),
            id_arg("webhookId", &webhook_id)?,
            u64::from(first.min(100)),
        )
        .await?;
        Ok(found.into_iter().map(WebhookDelivery).collect())
    }
}

/// Webhook writes.
#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Subscribes a URL to a site's events (owners).
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        input: CreateWebhookInput,
    ) -> async_graphql::Result<Webhook> {
        let db = &state(ctx)?.db;
        let site_id = site_id_arg(db, "input.siteId", &input.site_id).await?;
        let hook = webhook::create_webhook(db, principal(ctx), site_id, &input.url, &input.events)
            .await
            .map_err(|e| e.in_input("input"))?;
        Ok(Webhook(hook))
    }

    /// Changes a webhook (owners).
    async fn update_webhook(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateWebhookInput,
    ) -> async_graphql::Result<Webhook> {
        let hook = webhook::update_webhook(
            &state(ctx)?.db,
            principal(ctx),
            id_arg("id", &id)?,
            input.url.as_deref(),
            input.events.as_deref(),
            input.active,
        )
        .await
        .map_err(|e| e.in_input("input"))?;
        Ok(Webhook(hook))
    }

    /// Deletes a webhook and its delivery log (owners). Returns its ID.
    async fn delete_webhook(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        Ok(to_id(
            webhook::delete_webhook(&state(ctx)?.db, principal(ctx), id_arg("id", &id)?).await?,
        ))
    }

    /// Sends a delivery again (owners).
    async fn redeliver_webhook(
        &self,
        ctx: &Context<'_>,
        delivery_id: ID,
    ) -> async_graphql::Result<WebhookDelivery> {
        let d = webhook::redeliver(
            &state(ctx)?.db,
            principal(ctx),
            id_arg("deliveryId", &delivery_id)?,
        )
        .await?;
        state(ctx)?.outbox_wake.notify_one();
        Ok(WebhookDelivery(d))
    }
}

/// An article event of a site, as subscribers receive it.
#[derive(SimpleObject, Clone)]
pub struct ArticleEvent {
    /// `article.published` or `article.unpublished`.
    pub event: String,
    /// The site.
    pub site_id: ID,
    /// The article.
    pub article_id: ID,
    /// Its slug.
    pub slug: String,
    /// Its locale.
    pub locale: String,
    /// Its title.
    pub title: String,
}

/// A deal event of a site, as its members receive it.
#[derive(SimpleObject, Clone)]
pub struct DealStatusEvent {
    /// `deal.proposed`, `deal.accepted`, `deal.live`, `deal.broken`, `deal.restored`, …
    pub event: String,
    /// The site the event is for (each side of a deal gets it).
    pub site_id: ID,
    /// The deal.
    pub deal_id: ID,
    /// Its status after the change.
    pub status: String,
    /// Its status before the change.
    pub from: Option<String>,
}

/// A buyer inquiry that reached a site's inbox, as its members receive it live.
#[derive(SimpleObject, Clone)]
pub struct InquiryReceivedEvent {
    /// `inquiry.received`.
    pub event: String,
    /// The site.
    pub site_id: ID,
    /// The inquiry (read it with `inquiry(id:)`).
    pub inquiry_id: ID,
    /// `INQ-2026-000123`.
    pub reference: String,
    /// The buyer's name.
    pub name: String,
    /// The buyer's company.
    pub company: Option<String>,
    /// The buyer's country (ISO 3166-1 alpha-2).
    pub country: String,
}

/// Live events over WebSocket (`graphql-transport-ws` or `graphql-ws` at `/graphql`).
#[derive(Default)]
pub struct SiteSubscription;

#[Subscription]
impl SiteSubscription {
    /// Publications and unpublications of a site's articles (site ID or domain), as they
    /// happen on this server instance.
    async fn article_events(
        &self,
        ctx: &Context<'_>,
        site: String,
    ) -> async_graphql::Result<impl Stream<Item = ArticleEvent> + use<>> {
        let st = state(ctx)?;
        let site = site::find_site(&st.db, "site", &site).await?;
        let site_id = site.id;
        let stream =
            BroadcastStream::new(st.live_events.subscribe()).filter_map(move |item| async move {
                let e = item.ok()?;
                if e.site_id != site_id
                    || !matches!(
                        e.event.as_str(),
                        "article.published" | "article.unpublished"
                    )
                {
                    return None;
                }
                let a = &e.data["article"];
                let text = |k: &str| a[k].as_str().unwrap_or_default().to_owned();
                Some(ArticleEvent {
                    event: e.event.clone(),
                    site_id: to_id(e.site_id),
                    article_id: ID(text("id")),
                    slug: text("slug"),
                    locale: text("locale"),
                    title: text("title"),
                })
            });
        Ok(stream)
    }

    /// Status changes of a site's link deals (site ID or domain), as this server instance
    /// processes them. For the site's members, and API tokens with `deals:read` reaching it;
    /// send credentials in the `connection_init` payload.
    async fn deal_events(
        &self,
        ctx: &Context<'_>,
        site: String,
    ) -> async_graphql::Result<impl Stream<Item = DealStatusEvent> + use<>> {
        let st = state(ctx)?;
        let site = site::find_site(&st.db, "site", &site).await?;
        crate::services::authz::require_deal_reader(&st.db, principal(ctx), site.id).await?;
        let site_id = site.id;
        let stream =
            BroadcastStream::new(st.live_events.subscribe()).filter_map(move |item| async move {
                let e = item.ok()?;
                if e.site_id != site_id || !e.event.starts_with("deal.") {
                    return None;
                }
                let d = &e.data;
                Some(DealStatusEvent {
                    event: e.event.clone(),
                    site_id: to_id(e.site_id),
                    deal_id: ID(d["deal_id"].as_str().unwrap_or_default().to_owned()),
                    status: d["status"].as_str().unwrap_or_default().to_owned(),
                    from: d["from"].as_str().map(str::to_owned),
                })
            });
        Ok(stream)
    }

    /// Inquiries reaching a site's inbox (site ID or domain; not spam), as this server instance
    /// processes their `inquiry.received` events. For the site's members, and API tokens with
    /// `inquiries:read` reaching it; send credentials in the `connection_init` payload.
    async fn inquiry_events(
        &self,
        ctx: &Context<'_>,
        site: String,
    ) -> async_graphql::Result<impl Stream<Item = InquiryReceivedEvent> + use<>> {
        let st = state(ctx)?;
        let site = site::find_site(&st.db, "site", &site).await?;
        crate::services::authz::require_inquiry_access(
            &st.db,
            principal(ctx),
            site.id,
            crate::auth::Scope::InquiriesRead,
            "site",
        )
        .await?;
        let site_id = site.id;
        let stream =
            BroadcastStream::new(st.live_events.subscribe()).filter_map(move |item| async move {
                let e = item.ok()?;
                if e.site_id != site_id || e.event != "inquiry.received" {
                    return None;
                }
                let i = &e.data["inquiry"];
                let text = |k: &str| i[k].as_str().unwrap_or_default().to_owned();
                Some(InquiryReceivedEvent {
                    event: e.event.clone(),
                    site_id: to_id(e.site_id),
                    inquiry_id: ID(text("id")),
                    reference: text("reference"),
                    name: text("name"),
                    company: i["company"].as_str().map(str::to_owned),
                    country: text("country"),
                })
            });
        Ok(stream)
    }
}
