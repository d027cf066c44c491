//! Maintenance that global admins run through the running server.
use crate::auth::Principal;
use crate::error::{AppError, AppResult, Reason};
use crate::search::SearchEngine;
use sea_orm::ConnectionTrait;

/// Articles per batch when the search index is rebuilt through the server.
const REINDEX_BATCH: u64 = 500;

/// Rebuilds the search index from the database, as `wharf reindex` does, but through this
/// server's own index (whose writer it holds, so the command cannot run beside it). Global
/// admins only. Returns how many published articles were indexed.
pub async fn reindex_search(
    db: &impl ConnectionTrait,
    engine: &SearchEngine,
    principal: &Principal,
) -> AppResult<u64> {
    if !principal.is_admin() {
        principal.require_user()?;
        return Err(
            AppError::forbidden("only global admins may rebuild the search index")
                .because(Reason::AdminsOnly),
        );
    }
    let count = crate::services::search::reindex(db, engine, REINDEX_BATCH)
        .await
        .map_err(AppError::internal)?;
    tracing::info!(
        indexed = count,
        engine = engine.name(),
        "search index rebuilt on request"
    );
    Ok(count)
}
