//! Reading the shared state and the caller from a resolver's context.
use crate::auth::Principal;
use crate::graphql::Loaders;
use crate::state::AppState;
use async_graphql::Context;

/// The shared state.
pub fn state<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a AppState> {
    ctx.data::<AppState>()
}

/// The caller; anonymous when the request carried no credentials.
pub fn principal<'a>(ctx: &Context<'a>) -> &'a Principal {
    ctx.data_opt::<Principal>().unwrap_or(&Principal::Anonymous)
}

/// The request's data loaders.
pub fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Loaders> {
    ctx.data::<Loaders>()
}
