//! What an article change means for other systems, recorded in the outbox in the change's own
//! transaction: the search index follows every change to a published article, and webhooks and
//! subscribers hear of publications, updates, unpublications and deletions.
use crate::error::AppResult;
use crate::services::outbox::{OutboxJob, enqueue};
use crate::services::webhook;
use entities::article::{self, ArticleStatus};
use sea_orm::ConnectionTrait;
use serde_json::json;

fn is_public(a: Option<&article::Model>) -> bool {
    a.is_some_and(|a| a.status == ArticleStatus::Published)
}

/// Records the outbox work for a change from `before` to `after` (`None`: did not / no longer
/// exists). The search handler reloads the article when it runs, so the order and repetition of
/// rows never matter: it indexes what is published then, and removes what is not.
pub async fn article_changed(
    db: &impl ConnectionTrait,
    before: Option<&article::Model>,
    after: Option<&article::Model>,
) -> AppResult<()> {
    let Some(article) = after.or(before) else {
        return Ok(());
    };
    let id = article.id;
    match (is_public(before), is_public(after)) {
        (_, true) => enqueue(db, &OutboxJob::SearchUpsert { article_id: id }).await?,
        (true, false) => enqueue(db, &OutboxJob::SearchDelete { article_id: id }).await?,
        (false, false) => {}
    }
    let event = match (before, is_public(before), after, is_public(after)) {
        (Some(_), _, None, _) => Some("article.deleted"),
        (_, false, Some(_), true) => Some("article.published"),
        (_, true, Some(_), true) => Some("article.updated"),
        (_, true, Some(_), false) => Some("article.unpublished"),
        _ => None,
    };
    if let Some(event) = event {
        webhook::emit(db, article.site_id, event, None, describe(article)).await?;
    }
    Ok(())
}

/// What receivers learn of an article: enough to refetch it, nothing private.
fn describe(a: &article::Model) -> serde_json::Value {
    json!({
        "article": {
            "id": a.id,
            "siteId": a.site_id,
            "locale": a.locale,
            "slug": a.slug,
            "title": a.title,
            "status": match a.status { ArticleStatus::Draft => "DRAFT", ArticleStatus::Scheduled => "SCHEDULED", ArticleStatus::Published => "PUBLISHED" },
            "publishedAt": a.published_at,
            "updatedAt": a.updated_at,
            "version": a.version,
        }
    })
}
