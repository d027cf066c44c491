//! Live product events of a site over WebSocket, fed by the same outbox events as webhooks.
use crate::graphql::context::{principal, state};
use crate::graphql::types::to_id;
use crate::services::{authz, site};
use async_graphql::{Context, ID, SimpleObject, Subscription};
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

/// A product event of a site.
#[derive(SimpleObject, Clone)]
pub struct ProductEvent {
    /// `product.published`, `product.unpublished`; for those who may read the site's drafts
    /// also `product.created`, `product.updated` and `product.deleted`.
    pub event: String,
    /// The site.
    pub site_id: ID,
    /// The product.
    pub product_id: ID,
    /// Its slug.
    pub slug: String,
    /// Its locale.
    pub locale: String,
    /// Its name.
    pub name: String,
    /// Its model number.
    pub model_number: Option<String>,
    /// Its version after the change.
    pub version: i32,
}

/// Product subscriptions.
#[derive(Default)]
pub struct ProductSubscription;

#[Subscription]
impl ProductSubscription {
    /// Changes of a site's products (site ID or domain), as this server instance processes
    /// them. Anyone hears of publications and unpublications, as with `articleEvents`; members
    /// who may read drafts (and API tokens reaching the site) also hear of creations, changes
    /// and deletions: send credentials in the `connection_init` payload.
    async fn product_events(
        &self,
        ctx: &Context<'_>,
        site: String,
    ) -> async_graphql::Result<impl Stream<Item = ProductEvent> + use<>> {
        let st = state(ctx)?;
        let site = site::find_site(&st.db, "site", &site).await?;
        let everything = authz::can_read_unpublished(&st.db, principal(ctx), site.id).await?;
        let site_id = site.id;
        let stream =
            BroadcastStream::new(st.live_events.subscribe()).filter_map(move |item| async move {
                let e = item.ok()?;
                let public = matches!(
                    e.event.as_str(),
                    "product.published" | "product.unpublished"
                );
                if e.site_id != site_id
                    || !e.event.starts_with("product.")
                    || !(public || everything)
                {
                    return None;
                }
                let p = &e.data["product"];
                let text = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
                Some(ProductEvent {
                    event: e.event.clone(),
                    site_id: to_id(e.site_id),
                    product_id: ID(text("id")),
                    slug: text("slug"),
                    locale: text("locale"),
                    name: text("name"),
                    model_number: p["modelNumber"].as_str().map(str::to_owned),
                    version: p["version"]
                        .as_i64()
                        .and_then(|v| i32::try_from(v).ok())
                        .unwrap_or_default(),
                })
            });
        Ok(stream)
    }
}
