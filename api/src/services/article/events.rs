//! What an article change means for other systems, recorded in the outbox in the change's own
//! transaction: the search index follows every change to a published article.
use crate::error::AppResult;
use crate::services::outbox::{enqueue, kinds};
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
    let id = after.or(before).map(|a| a.id);
    let Some(id) = id else { return Ok(()) };
    match (is_public(before), is_public(after)) {
        (_, true) => enqueue(db, kinds::SEARCH_UPSERT, json!({ "article_id": id })).await,
        (true, false) => enqueue(db, kinds::SEARCH_DELETE, json!({ "article_id": id })).await,
        (false, false) => Ok(()),
    }
}
