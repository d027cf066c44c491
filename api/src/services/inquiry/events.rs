//! What an inquiry means for other systems, recorded in the outbox in the inquiry's own
//! transaction: `inquiry.received` for webhooks and live subscribers of the site, and the
//! e-mail to its members, when a real (not spam) inquiry arrives or one is taken out of the
//! spam folder.
use crate::error::AppResult;
use crate::services::outbox::{OutboxJob, enqueue};
use crate::services::webhook;
use entities::{inquiry, inquiry_item};
use sea_orm::ConnectionTrait;
use serde_json::json;

/// Records `inquiry.received` for `inquiry` with its `items`, and its e-mail.
pub async fn inquiry_received(
    db: &impl ConnectionTrait,
    inquiry: &inquiry::Model,
    items: &[inquiry_item::Model],
) -> AppResult<()> {
    webhook::emit(
        db,
        inquiry.site_id,
        "inquiry.received",
        Some(inquiry.id),
        describe(inquiry, items),
    )
    .await?;
    enqueue(
        db,
        &OutboxJob::MailInquiry {
            inquiry_id: inquiry.id,
        },
    )
    .await
}

/// What the sales team's receivers learn: the lead itself, so a CRM or chat bot can act on it
/// without a second call (the receivers are the site's own, configured by its owners).
fn describe(i: &inquiry::Model, items: &[inquiry_item::Model]) -> serde_json::Value {
    json!({
        "inquiry": {
            "id": i.id,
            "siteId": i.site_id,
            "reference": i.reference,
            "name": i.name,
            "email": i.email,
            "company": i.company,
            "country": i.country,
            "phone": i.phone,
            "message": i.message,
            "locale": i.locale,
            "sourceUrl": i.source_url,
            "items": items.iter().map(|it| json!({
                "productId": it.product_id,
                "productName": it.product_name,
                "quantity": it.quantity,
            })).collect::<Vec<_>>(),
            "createdAt": i.created_at,
        }
    })
}
