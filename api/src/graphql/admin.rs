//! Maintenance mutations for global admins.
use crate::graphql::context::{principal, state};
use crate::services::maintenance;
use async_graphql::{Context, Object};

/// Admin maintenance.
#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Rebuilds the search index from the database (global admins): clears it, then adds every
    /// published article; answers how many. The way to reindex while the server runs, since
    /// `wharf reindex` needs the embedded index to itself. Searches keep answering meanwhile,
    /// from the articles indexed so far.
    async fn reindex_search(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let st = state(ctx)?;
        Ok(maintenance::reindex_search(&st.db, &st.search, principal(ctx)).await?)
    }
}
