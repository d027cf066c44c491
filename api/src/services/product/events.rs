//! What a product change means for other systems, recorded in the outbox in the change's own
//! transaction: the product index follows every change to a published product, as the
//! articles' does; webhooks and live subscribers hear of creations, and, as for articles, of
//! publications, updates of published products, unpublications and deletions.
use crate::error::AppResult;
use crate::services::outbox::{OutboxJob, enqueue};
use crate::services::webhook;
use entities::product::{self, ProductStatus};
use sea_orm::ConnectionTrait;
use serde_json::json;

fn is_public(p: Option<&product::Model>) -> bool {
    p.is_some_and(|p| p.status == ProductStatus::Published)
}

/// The event a change from `before` to `after` causes (`None`: did not / no longer exists):
/// the articles' rules, plus `product.created` for a new product (always a draft).
pub fn event_of(
    before: Option<&product::Model>,
    after: Option<&product::Model>,
) -> Option<&'static str> {
    match (before, is_public(before), after, is_public(after)) {
        (None, _, Some(_), false) => Some("product.created"),
        (Some(_), _, None, _) => Some("product.deleted"),
        (_, false, Some(_), true) => Some("product.published"),
        (_, true, Some(_), true) => Some("product.updated"),
        (_, true, Some(_), false) => Some("product.unpublished"),
        _ => None,
    }
}

/// Records the outbox work of a change in the caller's transaction: the index's (the handler
/// reloads the product when it runs, so order and repeats never matter) and the webhook event,
/// if it causes one.
pub async fn product_changed(
    db: &impl ConnectionTrait,
    before: Option<&product::Model>,
    after: Option<&product::Model>,
) -> AppResult<()> {
    let Some(product) = after.or(before) else {
        return Ok(());
    };
    if is_public(before) || is_public(after) {
        enqueue(
            db,
            &OutboxJob::SearchProduct {
                product_id: product.id,
            },
        )
        .await?;
    }
    if let Some(event) = event_of(before, after) {
        webhook::emit(db, product.site_id, event, None, describe(product)).await?;
    }
    Ok(())
}

/// What receivers learn of a product: enough to refetch it, nothing private.
fn describe(p: &product::Model) -> serde_json::Value {
    json!({
        "product": {
            "id": p.id,
            "siteId": p.site_id,
            "translationGroupId": p.translation_group_id,
            "locale": p.locale,
            "slug": p.slug,
            "name": p.name,
            "modelNumber": p.model_number,
            "status": match p.status {
                ProductStatus::Draft => "DRAFT",
                ProductStatus::Scheduled => "SCHEDULED",
                ProductStatus::Published => "PUBLISHED",
            },
            "publishedAt": p.published_at,
            "updatedAt": p.updated_at,
            "version": p.version,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(status: ProductStatus) -> product::Model {
        let mut p = crate::services::product::create::blank(uuid::Uuid::nil(), uuid::Uuid::nil());
        p.status = status;
        p
    }

    #[test]
    fn events_follow_the_articles_rules_plus_creation() {
        use ProductStatus::{Draft, Published, Scheduled};
        let (d, s, p) = (with(Draft), with(Scheduled), with(Published));
        assert_eq!(event_of(None, Some(&d)), Some("product.created"));
        assert_eq!(event_of(Some(&d), Some(&d)), None);
        assert_eq!(event_of(Some(&d), Some(&s)), None);
        assert_eq!(event_of(Some(&d), Some(&p)), Some("product.published"));
        assert_eq!(event_of(Some(&s), Some(&p)), Some("product.published"));
        assert_eq!(event_of(Some(&p), Some(&p)), Some("product.updated"));
        assert_eq!(event_of(Some(&p), Some(&d)), Some("product.unpublished"));
        assert_eq!(event_of(Some(&d), None), Some("product.deleted"));
        assert_eq!(event_of(Some(&p), None), Some("product.deleted"));
    }
}
